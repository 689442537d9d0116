"""/verify as a tab drives it: an empty receipt pressed Verify says so (issue 11, item 10); opening the
page without a token says nothing; a forged token is refused with its own message."""

from __future__ import annotations

import asyncio

from reflex_tabs import Processor

from krypton_app import routes
from krypton_app.pages.verify import VerifyState


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
