"""Three-party crypto -> fiat (SPEC F10, services/fiat_payouts.py): the merchant's deposit checked at an
invoice's creation and held by each payment, the payment waiting for its fiat payout, the intermediary's
deal and every way it ends (released, expired, cancelled, decided by an operator), taking the payment in
crypto, the deposit given back by a cancelled or expired payment, the merchant's lapses on their trader
card; SQLite and PostgreSQL, the two payers racing for one deposit on PostgreSQL."""

import asyncio
import uuid
from datetime import timedelta

import pytest
from builders import (
    BUY,
    DISPUTABLE,
    INVOICE_SETTINGS,
    NOW,
    RATES,
    TON,
    assert_invariants,
    balances,
    deposit,
    make_invoice,
    make_user,
    race,
    remaining,
    sell_ad,
)
from sqlalchemy import select

from krypton_app.domain.errors import AdUnavailable, InvalidState, InvoiceUnavailable, KryptonError, NotFound
from krypton_app.domain.invoices import AWAITING_FIAT, CANCELLED, COMPLETED, InvoiceInvalid
from krypton_app.models.merchant import WebhookEvent
from krypton_app.services import (
    chat,
    deal_timers,
    deals,
    disputes,
    fiat_payouts,
    notifications,
    part_deals,
    payments,
    reviews,
)
from krypton_app.services.ads import AdDraft, create_ad
from krypton_app.services.payer_payments import expire_unfinished_payments
from krypton_app.services.reputation import trader_card
from krypton_app.settings import Settings
from krypton_app.workers.housekeeping import run_housekeeping

PAYOUT = {"payout_country": "RU", "payout_fiat": "RUB", "payout_method": "sbp"}
LATER = NOW + timedelta(minutes=16)  # past the intermediary's 15-minute payment window
RELEASE_WINDOW = timedelta(minutes=Settings.model_fields["deal_release_window_min"].default)


def merchant_with_invoice(uow, deposit_ton: int = 2, amount: str = "2", **fields):
    """(merchant, invoice): a fixed TON invoice paid out in RUB by SBP, the merchant holding `deposit_ton`."""
    merchant = make_user(uow, balance=deposit_ton * TON)
    return merchant, make_invoice(uow, merchant, amount=amount, **{**PAYOUT, **fields})


def intermediary(uow, **fields):
    """(owner, ad id): a BUY ad of TON for RUB by SBP, 1..5 TON a deal."""
    owner = make_user(uow)
    draft = AdDraft(**{**BUY.__dict__, **fields})
    return owner, create_ad(uow, owner, draft, rates=RATES, idempotency_key=uuid.uuid4().hex).id


def start(uow, payer, number, parts=("2",), now=NOW):
    return payments.start_payment(
        uow,
        payer,
        number,
        parts=list(parts),
        idempotency_key=uuid.uuid4().hex,
        settings=INVOICE_SETTINGS,
        rates=RATES,
        now=now,
    )


def pay(uow, payer, number, parts=("2",)):
    payment = start(uow, payer, number, parts)
    for part in payment.parts:
        payment = payments.fund_part_from_balance(
            uow, payer, payment.id, part.id, settings=INVOICE_SETTINGS, rates=RATES, now=NOW
        )
    return payment


def status(uow, payer, payment_id):
    return payments.get_payment(uow, payer, payment_id, settings=INVOICE_SETTINGS)


def open_payout(uow, merchant, payment_id, ad_id, now=NOW):
    return fiat_payouts.open_payout_deal(
        uow, merchant, payment_id, ad_id, idempotency_key=uuid.uuid4().hex, rates=RATES, now=now
    )


def completed_events(uow, payment_id):
    with uow.read() as s:
        return s.execute(
            select(WebhookEvent.type).where(
                WebhookEvent.payment_id == payment_id, WebhookEvent.type.contains("completed")
            )
        ).all()


class Case:
    """A waiting payment: the merchant (2 TON deposit, 2 TON invoice), the payer (3 TON), the intermediary."""

    def __init__(self, uow):
        self.merchant, self.invoice = merchant_with_invoice(uow, webhook_url="https://shop.example/hook")
        self.payer = make_user(uow, balance=3 * TON)
        self.trader, self.ad_id = intermediary(uow)
        self.payment = pay(uow, self.payer, self.invoice.number)


def resolve(uow, operator, deal, outcome, share=None):
    return disputes.resolve_dispute(
        uow,
        operator,
        deal.id,
        outcome=outcome,
        buyer_share=share,
        now=DISPUTABLE,
        settings=INVOICE_SETTINGS,
        rates=RATES,
    )


def disputed(uow, case):
    operator = make_user(uow, operator=True)
    deal = open_payout(uow, case.merchant, case.payment.id, case.ad_id)
    deals.mark_fiat_sent(uow, case.trader, deal.id, now=NOW)
    disputes.open_dispute(uow, case.trader, deal.id, now=DISPUTABLE)
    return operator, deal


# --- the deposit ---------------------------------------------------------------------------------------


def test_creation_needs_a_deposit_of_one_payment(uow):
    merchant = make_user(uow, balance=TON)
    with pytest.raises(InvoiceInvalid) as refused:
        make_invoice(uow, merchant, amount="2", **PAYOUT)
    assert refused.value.code == "invoice_deposit_short" and refused.value.field == "payout_method"
    assert make_invoice(uow, merchant, amount="1", **PAYOUT).number
    # A floating invoice needs its minimum payment.
    assert make_invoice(uow, merchant, kind="floating", amount=None, min_payment="1", **PAYOUT).number
    with pytest.raises(InvoiceInvalid):
        make_invoice(uow, merchant, kind="floating", amount=None, min_payment="1.5", **PAYOUT)
    assert balances(uow, merchant) == (TON, 0)  # a check, nothing held


def test_payout_settings_are_a_country_its_currency_and_one_of_its_methods(uow):
    merchant = make_user(uow, balance=5 * TON)
    for fields, field in (
        ({**PAYOUT, "payout_method": ""}, "payout_method"),
        ({**PAYOUT, "payout_fiat": "KZT"}, "payout_fiat"),
        ({**PAYOUT, "payout_country": "XX"}, "payout_country"),
        ({**PAYOUT, "payout_method": "kaspi"}, "payout_method"),
    ):
        with pytest.raises(InvoiceInvalid) as refused:
            make_invoice(uow, merchant, **fields)
        assert (refused.value.code, refused.value.field) == ("invoice_payout_invalid", field)
    with pytest.raises(InvoiceInvalid) as refused:
        make_invoice(uow, merchant, amount=None, fiat_currency="RUB", fiat_amount="100", **PAYOUT)
    assert refused.value.code == "invoice_payout_fiat_priced"


def test_a_payment_holds_the_deposit_from_its_start(uow):
    merchant, invoice = merchant_with_invoice(uow, deposit_ton=3)
    payer = make_user(uow, balance=5 * TON)
    start(uow, payer, invoice.number)
    assert balances(uow, merchant) == (TON, 2 * TON)
    other = make_user(uow, balance=5 * TON)
    with pytest.raises(InvoiceUnavailable) as refused:
        start(uow, other, invoice.number)
    assert refused.value.code == "fiat_deposit_short"
    assert payments.list_invoice_payments(uow, merchant, invoice.number, settings=INVOICE_SETTINGS)[0].payer_id == payer
    assert len(payments.list_invoice_payments(uow, merchant, invoice.number, settings=INVOICE_SETTINGS)) == 1
    assert balances(uow, other) == (5 * TON, 0)
    assert_invariants(uow)


def test_a_cancelled_or_expired_payment_gives_the_deposit_back(uow):
    merchant, invoice = merchant_with_invoice(uow, max_parts=2)
    payer = make_user(uow, balance=5 * TON)
    first = start(uow, payer, invoice.number, ("1", "1"))
    payments.fund_part_from_balance(
        uow, payer, first.id, first.parts[0].id, settings=INVOICE_SETTINGS, rates=RATES, now=NOW
    )
    payments.cancel_payment(uow, payer, first.id, now=NOW)
    assert balances(uow, merchant) == (2 * TON, 0)
    assert balances(uow, payer) == (5 * TON, 0)
    second = start(uow, payer, invoice.number, ("2",))
    assert balances(uow, merchant) == (0, 2 * TON)
    ttl = timedelta(minutes=INVOICE_SETTINGS.payment_ttl_min + 1)
    assert expire_unfinished_payments(uow, settings=INVOICE_SETTINGS, now=NOW + ttl) == 1
    assert status(uow, payer, second.id).status == CANCELLED
    assert balances(uow, merchant) == (2 * TON, 0)
    assert_invariants(uow)


def test_two_payers_against_a_deposit_of_one_payment_one_pays(pg_uow):
    merchant, invoice = merchant_with_invoice(pg_uow)
    payers = [make_user(pg_uow, balance=3 * TON) for _ in range(2)]
    results = race(*(lambda p=p: pay(pg_uow, p, invoice.number) for p in payers))
    paid = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(paid) == 1 and paid[0].status == AWAITING_FIAT
    assert isinstance(refused[0], InvoiceUnavailable) and refused[0].code == "fiat_deposit_short"
    loser = payers[0] if paid[0].payer_id == payers[1] else payers[1]
    assert balances(pg_uow, loser) == (3 * TON, 0)
    assert balances(pg_uow, merchant) == (0, 2 * TON)
    assert len(payments.list_invoice_payments(pg_uow, merchant, invoice.number, settings=INVOICE_SETTINGS)) == 1
    assert_invariants(pg_uow)


# --- the waiting payment ---------------------------------------------------------------------------------


def test_a_paid_payment_waits_with_the_payers_crypto_held(uow):
    case = Case(uow)
    assert case.payment.status == AWAITING_FIAT
    assert case.payment.receipt is None and case.payment.allowed_actions == ()
    assert balances(uow, case.payer) == (TON, 2 * TON)
    assert balances(uow, case.merchant) == (0, 2 * TON)
    assert completed_events(uow, case.payment.id) == []
    told = notifications.list_notifications(uow, case.merchant)
    assert [(n.text_key, n.params["invoice"]) for n in told] == [("notify.fiat_payout_waiting", case.invoice.number)]
    panel = fiat_payouts.payout_panel(uow, case.merchant, case.invoice.number)
    assert (panel.held, panel.needed, panel.available) == (2 * TON, 2 * TON, 0)
    assert [w.payment_id for w in panel.waiting] == [case.payment.id]
    # Payment timers leave a paid payment alone.
    assert expire_unfinished_payments(uow, settings=INVOICE_SETTINGS, now=NOW + timedelta(days=2)) == 0
    assert status(uow, case.payer, case.payment.id).status == AWAITING_FIAT
    with pytest.raises(InvalidState):
        payments.cancel_payment(uow, case.payer, case.payment.id, now=NOW)


def test_the_payer_pays_in_crypto_only(uow):
    merchant, invoice = merchant_with_invoice(uow)
    payer = make_user(uow)
    payment = start(uow, payer, invoice.number)
    with pytest.raises(InvoiceUnavailable) as refused:
        part_deals.open_part_deal(
            uow, payer, payment.id, payment.parts[0].id, 1, method="sbp", idempotency_key="k",
            settings=INVOICE_SETTINGS, rates=RATES, now=NOW,
        )  # fmt: skip
    assert refused.value.code == "fiat_payout_crypto_only"


def test_intermediaries_are_buy_ads_of_the_payout_market_that_fit(uow):
    case = Case(uow)
    kzt, kzt_ad = intermediary(uow, fiat="KZT", country="KZ", methods=("kaspi",), price="4000")
    small, small_ad = intermediary(uow, max_amount="1.5")
    card, card_ad = intermediary(uow, methods=("card",))
    better, better_ad = intermediary(uow, price="410")
    offers = fiat_payouts.payout_ads(uow, case.merchant, case.payment.id, rates=RATES, now=NOW)
    assert [o.ad.id for o in offers] == [better_ad, case.ad_id]
    assert offers[0].fiat_total == 82000
    with pytest.raises(NotFound):
        fiat_payouts.payout_ads(uow, case.payer, case.payment.id, rates=RATES, now=NOW)
    with pytest.raises(KryptonError) as refused:
        open_payout(uow, case.merchant, case.payment.id, card_ad)
    assert refused.value.code == "deal_method_invalid"
    _seller, _taker, sell_ad_id = sell_ad(uow)
    with pytest.raises(AdUnavailable) as refused:
        open_payout(uow, case.merchant, case.payment.id, sell_ad_id)
    assert refused.value.code == "ad_not_for_payout"


# --- the deal ------------------------------------------------------------------------------------------


def test_release_pays_the_intermediary_and_completes_the_payment(uow):
    case = Case(uow)
    deal = open_payout(uow, case.merchant, case.payment.id, case.ad_id)
    assert (deal.seller_id, deal.buyer_id, deal.amount, deal.purpose.kind) == (
        case.merchant, case.trader, 2 * TON, "fiat_payout"
    )  # fmt: skip
    assert balances(uow, case.merchant) == (0, 2 * TON)  # the deposit is the escrow: nothing more held
    assert remaining(uow, case.ad_id) == 8 * TON
    deals.mark_fiat_sent(uow, case.trader, deal.id, now=NOW)
    deals.release(uow, case.merchant, deal.id, now=NOW, settings=INVOICE_SETTINGS, rates=RATES)
    payment = status(uow, case.payer, case.payment.id)
    assert payment.status == COMPLETED and payment.receipt
    assert len(completed_events(uow, case.payment.id)) == 1
    assert balances(uow, case.trader) == (2 * TON, 0)
    assert balances(uow, case.merchant) == (2 * TON, 0)  # the deposit is whole and free again
    assert balances(uow, case.payer) == (TON, 0)
    assert fiat_payouts.payout_panel(uow, case.merchant, case.invoice.number).held == 0
    assert "deal.sys.fiat_payout_done" in [m.text_key for m in chat.list_messages(uow, case.merchant, deal.id)]
    reviews.leave_review(uow, case.merchant, deal.id, positive=True, comment="quick", now=NOW)
    reviews.leave_review(uow, case.trader, deal.id, positive=True, comment="ok", now=NOW)
    assert reviews.list_reviews(uow, case.trader).items[0].comment == "quick"
    assert_invariants(uow)


def test_one_live_payout_per_payment_and_only_the_merchants(uow):
    case = Case(uow)
    other, other_ad = intermediary(uow)
    open_payout(uow, case.merchant, case.payment.id, case.ad_id)
    with pytest.raises(InvalidState) as refused:
        open_payout(uow, case.merchant, case.payment.id, other_ad)
    assert refused.value.code == "fiat_payout_live"
    with pytest.raises(NotFound):
        open_payout(uow, case.payer, case.payment.id, other_ad)
    with pytest.raises(InvalidState):
        fiat_payouts.take_in_crypto(uow, case.merchant, case.payment.id, settings=INVOICE_SETTINGS, now=NOW)


def test_an_expired_deal_leaves_the_payment_waiting_for_another_intermediary(uow):
    case = Case(uow)
    expired = open_payout(uow, case.merchant, case.payment.id, case.ad_id)
    assert deal_timers.run_timers(uow, now=LATER) == 1
    assert deals.get_deal(uow, case.merchant, expired.id).status == "expired"
    assert status(uow, case.payer, case.payment.id).status == AWAITING_FIAT
    assert balances(uow, case.merchant) == (0, 2 * TON)
    assert remaining(uow, case.ad_id) == 10 * TON
    other, other_ad = intermediary(uow)
    deal = open_payout(uow, case.merchant, case.payment.id, other_ad, now=LATER)
    deals.release(uow, case.merchant, deal.id, now=LATER, settings=INVOICE_SETTINGS, rates=RATES)
    assert status(uow, case.payer, case.payment.id).status == COMPLETED
    assert balances(uow, other) == (2 * TON, 0) and balances(uow, case.trader) == (0, 0)
    assert trader_card(uow, case.merchant, now=LATER).lapsed == 0  # the intermediary's lapse, not theirs
    assert_invariants(uow)


def test_a_cancelled_deal_then_taken_in_crypto(uow):
    case = Case(uow)
    deal = open_payout(uow, case.merchant, case.payment.id, case.ad_id)
    deals.cancel(uow, case.trader, deal.id, now=NOW)
    assert status(uow, case.payer, case.payment.id).status == AWAITING_FIAT
    view = fiat_payouts.take_in_crypto(uow, case.merchant, case.payment.id, settings=INVOICE_SETTINGS, now=NOW)
    assert view.status == COMPLETED and view.receipt
    assert len(completed_events(uow, case.payment.id)) == 1
    assert balances(uow, case.merchant) == (4 * TON, 0)  # the payer's 2 TON and the deposit back
    assert balances(uow, case.trader) == (0, 0)
    with pytest.raises(InvalidState):
        fiat_payouts.take_in_crypto(uow, case.merchant, case.payment.id, settings=INVOICE_SETTINGS, now=NOW)
    assert_invariants(uow)


def test_a_payment_nobody_pays_out_completes_in_crypto_after_the_wait(uow):
    """KRYPTON_FIAT_PAYOUT_WAIT_H after it was paid, or after its last deal ended, with no deal running:
    the housekeeping completes it to the merchant in crypto (receipt, webhook), the deposit back."""
    case = Case(uow)
    wait = timedelta(hours=INVOICE_SETTINGS.fiat_payout_wait_h)

    def end(now):
        fiat_payouts.end_waiting_payouts(uow, settings=INVOICE_SETTINGS, now=now)
        return status(uow, case.payer, case.payment.id).status

    assert end(NOW + wait - timedelta(minutes=1)) == AWAITING_FIAT
    # A deal that ran gives the merchant the whole wait again from its end; a live one is never cut short.
    deal = open_payout(uow, case.merchant, case.payment.id, case.ad_id, now=NOW + wait - timedelta(minutes=1))
    assert end(NOW + wait + timedelta(hours=1)) == AWAITING_FIAT
    deals.cancel(uow, case.trader, deal.id, now=NOW + wait)
    assert end(NOW + 2 * wait - timedelta(minutes=1)) == AWAITING_FIAT
    assert end(NOW + 2 * wait) == COMPLETED
    view = status(uow, case.payer, case.payment.id)
    assert view.receipt and len(completed_events(uow, case.payment.id)) == 1
    assert balances(uow, case.merchant) == (4 * TON, 0)
    assert end(NOW + 3 * wait) == COMPLETED  # once
    assert balances(uow, case.merchant) == (4 * TON, 0)
    assert_invariants(uow)


def test_the_housekeeping_worker_ends_a_payout_nobody_made(uow):
    case = Case(uow)
    clock = NOW + timedelta(hours=INVOICE_SETTINGS.fiat_payout_wait_h)

    async def rounds():
        stop = asyncio.Event()
        loop = asyncio.create_task(
            run_housekeeping(uow, settings=INVOICE_SETTINGS, stop=stop, interval_s=0.01, clock=lambda: clock)
        )
        for _ in range(500):
            if status(uow, case.payer, case.payment.id).status == COMPLETED:
                break
            await asyncio.sleep(0.01)
        stop.set()
        await asyncio.wait_for(loop, 5)

    asyncio.run(rounds())
    assert status(uow, case.payer, case.payment.id).status == COMPLETED
    assert balances(uow, case.merchant) == (4 * TON, 0)


def test_no_confirmation_goes_to_a_dispute_never_a_release_and_counts_as_a_lapse(uow):
    case = Case(uow)
    deal = open_payout(uow, case.merchant, case.payment.id, case.ad_id)
    deals.mark_fiat_sent(uow, case.trader, deal.id, now=NOW)
    assert deal_timers.run_timers(uow, now=NOW + RELEASE_WINDOW + timedelta(seconds=1)) == 1
    assert deals.get_deal(uow, case.merchant, deal.id).status == "disputed"
    assert status(uow, case.payer, case.payment.id).status == AWAITING_FIAT
    assert balances(uow, case.trader) == (0, 0)
    assert trader_card(uow, case.merchant, now=NOW).lapsed == 1
    assert trader_card(uow, case.trader, now=NOW).lapsed == 0


# --- an operator's decision ----------------------------------------------------------------------------


def test_an_operator_release_pays_the_intermediary_from_the_deposit(uow):
    case = Case(uow)
    operator, deal = disputed(uow, case)
    resolve(uow, operator, deal, "release")
    assert status(uow, case.payer, case.payment.id).status == COMPLETED
    assert balances(uow, case.trader) == (2 * TON, 0)
    assert balances(uow, case.merchant) == (2 * TON, 0)
    assert_invariants(uow)


def test_an_operator_refund_leaves_the_payment_waiting(uow):
    case = Case(uow)
    operator, deal = disputed(uow, case)
    resolve(uow, operator, deal, "refund")
    assert status(uow, case.payer, case.payment.id).status == AWAITING_FIAT
    assert balances(uow, case.merchant) == (0, 2 * TON)
    assert remaining(uow, case.ad_id) == 10 * TON
    assert "deal.sys.fiat_payout_waits" in [m.text_key for m in chat.list_messages(uow, case.merchant, deal.id)]
    assert_invariants(uow)


def test_an_operator_split_pays_the_share_and_completes_in_crypto(uow):
    case = Case(uow)
    operator, deal = disputed(uow, case)
    resolve(uow, operator, deal, "split", "0.25")
    assert status(uow, case.payer, case.payment.id).status == COMPLETED
    assert balances(uow, case.trader) == (TON // 2, 0)
    assert balances(uow, case.merchant) == (4 * TON - TON // 2, 0)
    assert remaining(uow, case.ad_id) == 8 * TON + 3 * TON // 2
    assert_invariants(uow)


def test_the_ledger_keeps_every_coin(uow):
    case = Case(uow)
    users = (case.merchant, case.payer, case.trader)
    before = sum(sum(balances(uow, u)) for u in users)
    first = open_payout(uow, case.merchant, case.payment.id, case.ad_id)
    deal_timers.run_timers(uow, now=LATER)
    second = open_payout(uow, case.merchant, case.payment.id, case.ad_id, now=LATER)
    deals.mark_fiat_sent(uow, case.trader, second.id, now=LATER)
    deals.release(uow, case.merchant, second.id, now=LATER, settings=INVOICE_SETTINGS, rates=RATES)
    assert first.id != second.id
    assert sum(sum(balances(uow, u)) for u in users) == before
    assert status(uow, case.payer, case.payment.id).status == COMPLETED
    deposit(uow, case.payer, TON)
    assert pay(uow, case.payer, case.invoice.number).status == AWAITING_FIAT
    assert_invariants(uow)


def test_a_sandbox_invoice_simulates_without_a_deposit(uow):
    merchant = make_user(uow)
    invoice = make_invoice(uow, merchant, amount="2", is_test=True, **PAYOUT)
    view = payments.simulate_test_payment(
        uow, merchant, invoice.number, amount=None, settings=INVOICE_SETTINGS, rates=RATES, now=NOW
    )
    assert view.status == COMPLETED


def test_a_release_and_taking_it_in_crypto_at_once_complete_the_payment_once(pg_uow):
    case = Case(pg_uow)
    deal = open_payout(pg_uow, case.merchant, case.payment.id, case.ad_id)
    deals.mark_fiat_sent(pg_uow, case.trader, deal.id, now=NOW)
    results = race(
        lambda: deals.release(pg_uow, case.merchant, deal.id, now=NOW, settings=INVOICE_SETTINGS, rates=RATES),
        lambda: fiat_payouts.take_in_crypto(pg_uow, case.merchant, case.payment.id, settings=INVOICE_SETTINGS, now=NOW),
    )
    # The deal was live when the merchant asked for crypto: the release wins, whichever came first.
    assert not isinstance(results[0], Exception)
    assert isinstance(results[1], InvalidState)
    assert status(pg_uow, case.payer, case.payment.id).status == COMPLETED
    assert balances(pg_uow, case.trader) == (2 * TON, 0)
    assert balances(pg_uow, case.merchant) == (2 * TON, 0)
    assert len(completed_events(pg_uow, case.payment.id)) == 1
    assert_invariants(pg_uow)
