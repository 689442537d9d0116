"""The start page's state as a browser tab drives it: each question offers what the table (domain/master.py)
offers after the earlier answers, a single possible answer is chosen by itself, a changed earlier answer
clears the later ones, and whatever else the browser sends (unknown answers, answers not offered now,
values of the wrong type) changes nothing; Continue asks a promise's code where the flow needs one."""

from __future__ import annotations

import asyncio

from reflex_tabs import Processor

from krypton_app.pages.start import NotOffered, StartState


def _seen(state: StartState) -> dict:
    return {
        "answers": (state.what, state.pay_with, state.result),
        "pay_with": state.pay_with_options,
        "results": state.result_options,
        "target": state.target,
    }


def test_the_questions_offer_only_what_leads_somewhere():
    async def scenario():
        async with Processor() as p:
            tab = p.tab("/start")
            seen = []
            for handler, value in (
                (StartState.choose_what, "buy"),
                (StartState.choose_pay_with, "lightning"),  # not offered for buying: ignored
                (StartState.choose_pay_with, "balance"),
                (StartState.choose_result, "balance"),  # already there: ignored
                (StartState.choose_result, "bitcoin"),
                (StartState.choose_what, "steal"),  # no such answer: ignored
                (StartState.choose_what, ["pay"]),  # not a string: ignored
                (StartState.choose_what, "sell"),  # a new first answer: the promise is the only payment
            ):
                await tab.send(handler, value=value)
                seen.append(_seen(await tab.state(StartState)))
            refused = (await tab.state(StartState)).result_refused
            return seen, refused

    seen, refused = asyncio.run(scenario())
    states = seen
    assert states[0]["answers"] == ("buy", "", "")
    assert states[0]["pay_with"] == ["fiat", "balance"]
    assert states[1] == states[0]
    assert states[2]["results"] == ["bitcoin", "lightning", "promise"]
    assert states[3] == states[2]
    assert states[4]["target"] == "/wallet?withdraw=bitcoin"
    assert states[5] == states[4] and states[6] == states[4]
    assert states[7]["answers"] == ("sell", "promise", "")
    assert states[7]["results"] == ["balance", "bitcoin", "lightning", "fiat"]
    assert states[7]["target"] == ""
    assert refused == [NotOffered("start.result.promise", "start.no.promise_to_promise")]


def test_paying_an_invoice_asks_no_result_and_a_promise_needs_its_code():
    code = "kOq1raEkSaq1ysGF6O7CmGWHOb4NWliA"

    async def scenario():
        async with Processor() as p:
            tab = p.tab("/start")
            await tab.send(StartState.choose_what, value="pay")
            await tab.send(StartState.choose_pay_with, value="fiat")
            pay = _seen(await tab.state(StartState))
            await tab.send(StartState.choose_what, value="redeem")
            redeem = await tab.state(StartState)
            redeem_seen, needs_code = _seen(redeem), redeem.needs_code
            await tab.send(StartState.go, form_data={"code": "../../wallet"})
            refused = (await tab.state(StartState)).code_error
            await tab.send(StartState.go, form_data={"code": f"https://k.example/p/{code}"})
            accepted = (await tab.state(StartState)).code_error
            return pay, redeem_seen, needs_code, refused, accepted

    pay, redeem, needs_code, refused, accepted = asyncio.run(scenario())
    assert pay["answers"] == ("pay", "fiat", "merchant")
    assert pay["target"] == "/pay?method=fiat"
    assert redeem["answers"] == ("redeem", "promise", "balance")
    assert redeem["target"] == "/p/{code}" and needs_code
    assert refused == "start.code_invalid"
    assert accepted == ""
