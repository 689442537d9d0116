"""Every deal says what it is for (issue 13 item 6): its purpose, who its release and refund pay, and
the ad owner's notification naming it; the operator deciding a dispute reads the same."""

import uuid

from builders import (
    BUY,
    DISPUTABLE,
    NOW,
    RATES,
    TON,
    make_invoice,
    make_promise,
    make_user,
    open_deal,
    open_part_deal,
    part_deal_case,
    pay_invoice,
    payout_settings,
    sell_ad,
)

from krypton_app.domain import deals as machine
from krypton_app.i18n import translate
from krypton_app.i18n.formatting import message_params
from krypton_app.routes import payment
from krypton_app.services import buy_deals, deals, disputes, fiat_payouts, notifications, promise_sales
from krypton_app.services.ads import create_ad
from krypton_app.state.views import owed_text

PAYOUTS = payout_settings()
ADDRESS = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"


def test_a_plain_deal_pays_the_buyer(uow):
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id, amount="2")
    assert deal.purpose.kind == machine.PLAIN
    assert owed_text(deal.purpose, "en") == "Release: 2 TON to the buyer's balance. Refund: back to the seller."
    (note,) = notifications.list_notifications(uow, owner)
    assert note.text_key == "notify.deal_opened"


def test_a_part_deal_names_the_invoice_and_the_payment_only_to_its_payer(uow):
    case = part_deal_case(uow)
    deal = open_part_deal(uow, case, 2)
    assert deal.purpose.kind == machine.PART
    assert deal.purpose.params["number"] == case.invoice.number
    assert deal.purpose.href == payment(case.payment.id)
    trader_view = deals.get_deal(uow, case.trader, deal.id)
    assert trader_view.purpose.href == ""  # the payment is the payer's page
    owed = owed_text(trader_view.purpose, "ru")
    assert case.invoice.number in owed and "часть 2" in owed
    (note,) = [n for n in notifications.list_notifications(uow, case.trader) if n.deal_id == deal.id]
    assert note.text_key == "notify.deal_opened_for"
    text = translate("en", note.text_key, **message_params(note.params, "en"))
    assert text.endswith("· Invoice part")


def test_the_operator_reads_what_a_disputed_deal_is_for(uow):
    case = part_deal_case(uow)
    operator = make_user(uow, operator=True)
    deal = open_part_deal(uow, case, 2)
    deals.mark_fiat_sent(uow, case.payer, deal.id, now=NOW)
    disputes.open_dispute(uow, case.payer, deal.id, now=DISPUTABLE)
    (open_one,) = disputes.list_open_disputes(uow, operator)
    assert open_one.deal.purpose.kind == machine.PART
    assert case.invoice.number in owed_text(open_one.deal.purpose, "en")


def _disputed_by_buyer(uow, deal_id: int, buyer: int) -> None:
    deals.mark_fiat_sent(uow, buyer, deal_id, now=NOW)
    disputes.open_dispute(uow, buyer, deal_id, now=DISPUTABLE)


def test_the_operator_reads_who_is_owed_what_for_every_new_kind(uow):
    """A purchase to a Bitcoin address, a promise sale and a merchant's fiat payout, each disputed: the
    operator's queue names the kind and the text says where a release and a refund send the money."""
    operator = make_user(uow, operator=True)
    seller, buyer, ad_id = sell_ad(uow)
    bought = buy_deals.open_buy_deal(
        uow, buyer, ad_id, method="sbp", kind="bitcoin", amount="2", target=ADDRESS,
        idempotency_key=uuid.uuid4().hex, settings=PAYOUTS, rates=RATES, now=NOW,
    )  # fmt: skip
    _disputed_by_buyer(uow, bought.id, buyer)

    trader = make_user(uow)
    buy_ad_id = create_ad(uow, trader, BUY, rates=RATES, idempotency_key=uuid.uuid4().hex).id
    issuer, holder = make_user(uow, balance=5 * TON), make_user(uow)
    code = make_promise(uow, issuer, 2 * TON).code
    sale = promise_sales.open_promise_sale(
        uow, holder, code, buy_ad_id, method="sbp", idempotency_key=uuid.uuid4().hex, settings=PAYOUTS,
        rates=RATES, now=NOW,
    )  # fmt: skip
    _disputed_by_buyer(uow, sale.id, trader)

    merchant, payer = make_user(uow, balance=2 * TON), make_user(uow, balance=2 * TON)
    number = make_invoice(uow, merchant, amount="2", payout_country="RU", payout_fiat="RUB", payout_method="sbp").number
    payment = pay_invoice(uow, payer, number, ("2",))
    payout = fiat_payouts.open_payout_deal(
        uow, merchant, payment.id, buy_ad_id, idempotency_key=uuid.uuid4().hex, rates=RATES, now=NOW
    )
    _disputed_by_buyer(uow, payout.id, trader)

    queue = {d.deal.id: d.deal.purpose for d in disputes.list_open_disputes(uow, operator)}
    assert queue[bought.id].kind == machine.BUY
    # The address's ends (the buyer alone reads it whole, on the deal's buy card) and what is paid out.
    assert "paid out as 1.9 TON to the Bitcoin address bc1qw508d6…v8f3t4" in owed_text(queue[bought.id], "en")
    assert queue[sale.id].kind == machine.PROMISE_SALE
    assert "promise is active again" in owed_text(queue[sale.id], "en")
    assert queue[payout.id].kind == machine.FIAT_PAYOUT
    owed = owed_text(queue[payout.id], "en")
    assert number in owed and "merchant's deposit" in owed
