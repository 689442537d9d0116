"""/verify as a tab drives it: an empty receipt pressed Verify says so (issue 11, item 10); opening the
page without a token says nothing; a forged token is refused with its own message."""

from __future__ import annotations

import asyncio

from builders import INVOICE_SETTINGS, TON, make_invoice, make_user, pay_invoice
from reflex_tabs import Processor

from krypton_app import bootstrap, routes
from krypton_app.models import User
from krypton_app.pages.verify import VerifyState
from krypton_app.state.i18n import I18n


def verify(form: dict, *, query: dict | None = None) -> tuple[str, str]:
    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.VERIFY, query=query)
            await tab.send(VerifyState.load)
            opened = (await tab.state(VerifyState)).error
            if form is not None:
                await tab.send(VerifyState.verify, form_data=form)
            return opened, (await tab.state(VerifyState)).error

    return asyncio.run(scenario())


def test_an_empty_receipt_says_so_when_verify_is_pressed():
    assert verify({"token": "   ", "invoice": ""}) == ("", "verify.empty")


def test_opening_the_page_without_a_token_says_nothing():
    assert verify(None) == ("", "")


def test_a_forged_receipt_gets_its_own_message_not_the_empty_one():
    opened, pressed = verify({"token": "kr1.not-a-receipt", "invoice": ""})
    assert opened == "" and pressed.startswith("error.") and pressed != "verify.empty"


def test_a_receipt_names_the_merchant_and_reads_in_the_readers_digits(uow):
    """The receipt signs the merchant's address; the page shows the name people know beside it. The
    payer stays an address: the receipt signs no more, and it is passed on to third parties."""
    merchant = make_user(uow, display_name="VPN shop")
    payer = make_user(uow, display_name="Anna K.", balance=5 * TON)
    number = make_invoice(uow, merchant, amount="1.5").number
    receipt = pay_invoice(uow, payer, number, ("1.5",)).receipt
    with uow.read() as s:
        merchant_wallet, payer_wallet = (s.get(User, merchant).wallet_address, s.get(User, payer).wallet_address)

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.VERIFY)
            await tab.send(VerifyState.load)
            await tab.edit(I18n, lang="ru")
            await tab.send(VerifyState.verify, form_data={"token": receipt, "invoice": number})
            state = await tab.state(VerifyState)
            return state.error, {line.label_key: line.value for line in state.lines}

    # The page signs the receipt with the app's key, as the payment did.
    with bootstrap.override(uow=uow, settings=INVOICE_SETTINGS):
        error, lines = asyncio.run(scenario())
    assert error == ""
    assert lines["verify.field.merchant"] == f"VPN shop ({merchant_wallet})"
    assert lines["verify.field.payer"] == payer_wallet
    assert lines["verify.field.amount"] == "1,5 TON"
    assert "Anna" not in "".join(lines.values())
