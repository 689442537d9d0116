"""/verify shows a v2 receipt's parts, each with its method in the reader's language and every digit of
its amount; a v1 receipt (signed before parts had methods) still verifies, with its count only."""

from __future__ import annotations

import asyncio

from builders import INVOICE_SETTINGS, TON, make_invoice, make_user, pay_invoice
from reflex_tabs import Processor

from krypton_app import bootstrap, routes
from krypton_app.pages.verify import VerifyState
from krypton_app.services.receipts import issue_receipt
from krypton_app.state.i18n import I18n


def verified(token: str, lang: str):
    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.VERIFY)
            await tab.send(VerifyState.load)
            await tab.edit(I18n, lang=lang)
            await tab.send(VerifyState.verify, form_data={"token": token, "invoice": ""})
            state = await tab.state(VerifyState)
            return state.error, {line.label_key: line.value for line in state.lines}, state.parts

    return asyncio.run(scenario())


def test_a_payments_receipt_shows_each_part_with_its_method(uow):
    merchant, payer = make_user(uow), make_user(uow, balance=5 * TON)
    number = make_invoice(uow, merchant, amount="2.5", max_parts=2).number
    receipt = pay_invoice(uow, payer, number, ("1.25", "1.25")).receipt
    with bootstrap.override(uow=uow, settings=INVOICE_SETTINGS):
        error, lines, parts = verified(receipt, "ru")
    assert error == "" and lines["verify.field.parts"] == "2"
    assert [(p.position, p.method_key, p.amount) for p in parts] == [
        (1, "part_method.balance", "1,25 TON"),
        (2, "part_method.balance", "1,25 TON"),
    ]


def test_a_v1_receipt_still_verifies_without_parts(uow):
    v1 = {
        "v": 1,
        "invoice": "ABCDEFGH",
        "payment": 7,
        "payer": None,
        "amount": "1.5",
        "asset": "TON",
        "parts": 3,
        "time": 1_700_000_000,
        "merchant": "0:" + "cd" * 32,
        "test": True,
    }
    with bootstrap.override(uow=uow, settings=INVOICE_SETTINGS):
        error, lines, parts = verified(issue_receipt(INVOICE_SETTINGS, v1), "en")
    assert (error, lines["verify.field.parts"], parts) == ("", "3", [])
