"""Buying crypto for a destination (SPEC F7, issue 13 item 2): the destination is checked before any deal
exists, the release delivers it in its own transaction (balance, Bitcoin or Lightning payout, promise
with its code shown once), a destination that cannot be served leaves the crypto on the buyer's balance,
and a split, a refund and an expiry behave as any deal's. Money is conserved throughout."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from builders import (
    DISPUTABLE,
    NOW,
    SELL,
    SETTINGS,
    TAPROOT,
    TON,
    assert_invariants,
    balances,
    deposit,
    lightning_invoice,
    make_user,
    make_users,
    payout_settings,
    remaining,
    sell_ad,
)
from builders import RATES as AD_RATES
from sqlalchemy import func, select

from krypton_app.domain import deals as machine
from krypton_app.domain.errors import IdempotencyConflict, InvalidAmount, InvalidDestination, KryptonError, NotFound
from krypton_app.models import Deal, Payout
from krypton_app.services import buy_deals, deal_timers, deals, disputes, notifications, promises
from krypton_app.services.ads import create_ad
from krypton_app.services.chat import list_messages
from krypton_app.services.payout_queue import list_payout_queue
from krypton_app.services.payouts import request_lightning_payout
from krypton_app.services.rates import StaticRateProvider
from krypton_app.state.views import owed_text

RATES = StaticRateProvider({"TON/RUB": "400", "TON/BTC": "0.0000520", "USDT/BTC": "0.0000105"})
MAINNET = payout_settings()
REGTEST = payout_settings("regtest")
# The builders' Lightning invoices are dated 1_700_000_000 and last 600 s.
LN_NOW = datetime.fromtimestamp(1_700_000_100, UTC)
ONE_TON_MSAT = 5_200_000  # 5200 sat: one TON at 0.0000520 BTC per TON


def _open(uow, buyer, ad_id, *, kind="balance", amount="2", target="", key=None, settings=MAINNET, now=NOW):
    return buy_deals.open_buy_deal(
        uow,
        buyer,
        ad_id,
        method="sbp",
        kind=kind,
        amount=amount,
        target=target,
        idempotency_key=key or uuid.uuid4().hex,
        settings=settings,
        rates=RATES,
        now=now,
    )


def _release(uow, seller, deal_id, *, settings=MAINNET, now=NOW):
    return deals.release(uow, seller, deal_id, now=now, settings=settings, rates=RATES)


def _deal_count(uow) -> int:
    with uow.read() as s:
        return s.execute(select(func.count()).select_from(Deal)).scalar_one()


def _chat_keys(uow, viewer, deal_id) -> list[str]:
    return [m.text_key for m in list_messages(uow, viewer, deal_id) if m.text_key]


def test_to_the_balance_the_release_credits_the_buyer(uow):
    owner, buyer, ad_id = sell_ad(uow)
    deal = _open(uow, buyer, ad_id)
    assert deal.purpose.kind == machine.BUY
    assert owed_text(deal.purpose, "en") == "Release: 2 TON to the buyer's balance. Refund: back to the seller."
    _release(uow, owner, deal.id)
    assert balances(uow, buyer) == (2 * TON, 0)
    dest = buy_deals.buy_destination(uow, buyer, deal.id)
    assert (dest.kind, dest.outcome) == ("balance", "delivered")
    assert "deal.sys.buy_delivered.balance" in _chat_keys(uow, buyer, deal.id)
    assert_invariants(uow)


def test_as_a_promise_the_code_is_shown_once_to_the_buyer_and_redeems(uow):
    owner, buyer, ad_id = sell_ad(uow)
    deal = _open(uow, buyer, ad_id, kind="promise")
    assert buy_deals.take_bought_code(uow, buyer, deal.id, settings=SETTINGS) is None  # nothing before release
    _release(uow, owner, deal.id, settings=SETTINGS)
    assert balances(uow, buyer) == (0, 0)  # the money is in the promise
    assert buy_deals.buy_destination(uow, buyer, deal.id).code_waiting
    with pytest.raises(NotFound):
        buy_deals.take_bought_code(uow, owner, deal.id, settings=SETTINGS)
    assert not buy_deals.buy_destination(uow, owner, deal.id).code_waiting
    code = buy_deals.take_bought_code(uow, buyer, deal.id, settings=SETTINGS)
    assert (code.asset, code.amount) == ("TON", 2 * TON)
    assert buy_deals.take_bought_code(uow, buyer, deal.id, settings=SETTINGS) is None  # once
    dest = buy_deals.buy_destination(uow, buyer, deal.id)
    assert (dest.outcome, dest.promise_status, dest.code_waiting) == ("delivered", "active", False)
    assert_invariants(uow)
    holder = make_user(uow)
    view = promises.redeem_promise(uow, holder, code.code, settings=SETTINGS, now=NOW)
    assert view.origin == "bought" and view.issuer_id == buyer
    assert balances(uow, holder) == (2 * TON, 0)
    assert_invariants(uow)


def test_to_a_bitcoin_address_the_payout_is_queued_for_the_operator(uow):
    owner, buyer, ad_id = sell_ad(uow)
    operator = make_user(uow, operator=True)
    deal = _open(uow, buyer, ad_id, kind="bitcoin", target=TAPROOT)
    # The seller reads where it goes: the address's ends, and the payout after the 0.1 TON fee.
    seller_view = deals.get_deal(uow, owner, deal.id)
    text = owed_text(seller_view.purpose, "en")
    assert "1.9 TON" in text and TAPROOT[:10] in text and TAPROOT not in text
    assert buy_deals.buy_destination(uow, buyer, deal.id).target == TAPROOT
    _release(uow, owner, deal.id)
    (payout,) = list_payout_queue(uow, operator)
    assert (payout.user_id, payout.destination, payout.amount, payout.fee) == (
        buyer,
        TAPROOT,
        19 * TON // 10,
        TON // 10,
    )
    assert balances(uow, buyer) == (0, 2 * TON)  # held for the payout
    dest = buy_deals.buy_destination(uow, buyer, deal.id)
    assert (dest.outcome, dest.payout_status) == ("delivered", "queued")
    assert "deal.sys.buy_delivered.bitcoin" in _chat_keys(uow, owner, deal.id)
    assert_invariants(uow)


def test_to_a_lightning_invoice_the_amount_follows_from_the_invoice(uow):
    owner, buyer, ad_id = sell_ad(uow)
    invoice = lightning_invoice(msat=ONE_TON_MSAT)
    quote = buy_deals.quote_buy(
        uow, asset="TON", kind="lightning", amount="", target=invoice, settings=REGTEST, rates=RATES, now=LN_NOW
    )
    assert (quote.payout_amount, quote.fee, quote.amount) == (TON, TON // 10, TON + TON // 10)
    deal = _open(uow, buyer, ad_id, kind="lightning", amount="3", target=invoice, settings=REGTEST, now=LN_NOW)
    assert deal.amount == TON + TON // 10  # the typed amount does not count
    _release(uow, owner, deal.id, settings=REGTEST, now=LN_NOW + timedelta(minutes=5))
    with uow.read() as s:
        payout = s.execute(select(Payout).where(Payout.user_id == buyer)).scalars().one()
    assert (payout.network, payout.amount, payout.fee, payout.status) == ("lightning", TON, TON // 10, "queued")
    assert balances(uow, buyer) == (0, TON + TON // 10)
    assert_invariants(uow)


def test_an_invoice_expired_at_release_leaves_the_crypto_on_the_buyers_balance(uow):
    owner, buyer, ad_id = sell_ad(uow)
    invoice = lightning_invoice(msat=ONE_TON_MSAT)
    deal = _open(uow, buyer, ad_id, kind="lightning", target=invoice, settings=REGTEST, now=LN_NOW)
    deals.mark_fiat_sent(uow, buyer, deal.id, now=LN_NOW)
    _release(uow, owner, deal.id, settings=REGTEST, now=LN_NOW + timedelta(hours=1))
    assert balances(uow, buyer) == (TON + TON // 10, 0)
    dest = buy_deals.buy_destination(uow, buyer, deal.id)
    assert (dest.outcome, dest.reason, dest.payout_status) == ("to_balance", "lightning_invoice_expired", None)
    key = "deal.sys.buy_to_balance.lightning_invoice_expired"
    assert key in _chat_keys(uow, buyer, deal.id)
    assert key in [n.text_key for n in notifications.list_notifications(uow, buyer)]
    with uow.read() as s:
        assert s.execute(select(func.count()).select_from(Payout)).scalar_one() == 0
    assert_invariants(uow)


def test_an_invoice_paid_meanwhile_leaves_the_crypto_on_the_balance(uow):
    owner, buyer, ad_id = sell_ad(uow)
    invoice = lightning_invoice(msat=ONE_TON_MSAT)
    deal = _open(uow, buyer, ad_id, kind="lightning", target=invoice, settings=REGTEST, now=LN_NOW)
    # While the purchase runs, a second purchase for the same invoice is refused...
    with pytest.raises(InvalidDestination) as refused:
        _open(uow, buyer, ad_id, kind="lightning", target=invoice, settings=REGTEST, now=LN_NOW)
    assert refused.value.code == "lightning_invoice_already_used"
    # ... but the buyer pays it from their wallet meanwhile: the release leaves the crypto on the balance.
    deposit(uow, buyer, 2 * TON)
    request_lightning_payout(
        uow, buyer, asset="TON", invoice=invoice, idempotency_key="wallet", rates=RATES, settings=REGTEST,
        now=int(LN_NOW.timestamp()),
    )  # fmt: skip
    _release(uow, owner, deal.id, settings=REGTEST, now=LN_NOW)
    dest = buy_deals.buy_destination(uow, buyer, deal.id)
    assert (dest.outcome, dest.reason) == ("to_balance", "lightning_invoice_already_used")
    assert balances(uow, buyer) == (2 * TON, TON + TON // 10)  # 0.9 left + the 1.1 bought; the payout's hold
    assert_invariants(uow)


def test_a_rate_that_moved_leaves_the_crypto_on_the_balance(uow):
    owner, buyer, ad_id = sell_ad(uow)
    invoice = lightning_invoice(msat=ONE_TON_MSAT)
    deal = _open(uow, buyer, ad_id, kind="lightning", target=invoice, settings=REGTEST, now=LN_NOW)
    cheaper = StaticRateProvider({"TON/RUB": "400", "TON/BTC": "0.0000500"})
    deals.release(uow, owner, deal.id, now=LN_NOW, settings=REGTEST, rates=cheaper)
    dest = buy_deals.buy_destination(uow, buyer, deal.id)
    assert (dest.outcome, dest.reason) == ("to_balance", "buy_amount_short")
    assert balances(uow, buyer) == (TON + TON // 10, 0)
    assert_invariants(uow)


@pytest.mark.parametrize(
    ("kind", "target", "amount", "code"),
    [
        ("bitcoin", "bc1qnotanaddress", "2", "bitcoin_address_invalid"),
        ("bitcoin", "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", "2", "bitcoin_address_network"),
        ("bitcoin", TAPROOT, "1", None),  # fits the ad and clears the fee: accepted (control)
        ("lightning", "lnbc1garbage", "", "lightning_invoice_invalid"),
        ("lightning", lightning_invoice(msat=None), "", "lightning_invoice_no_amount"),
        ("lightning", lightning_invoice(msat=ONE_TON_MSAT, date=1_600_000_000), "", "lightning_invoice_expired"),
        ("lightning", lightning_invoice(msat=ONE_TON_MSAT, currency="bc"), "", "lightning_invoice_network"),
        ("teleport", "", "2", "buy_destination_invalid"),
    ],
)
def test_a_refused_destination_opens_no_deal(uow, kind, target, amount, code):
    owner, buyer, ad_id = sell_ad(uow)
    settings = REGTEST if kind == "lightning" else MAINNET
    if kind == "bitcoin" and target.startswith("tb1"):
        settings = MAINNET
    before = remaining(uow, ad_id)
    if code is None:
        assert _open(uow, buyer, ad_id, kind=kind, target=target, amount=amount, settings=settings, now=LN_NOW).id
        return
    with pytest.raises(KryptonError) as refused:
        _open(uow, buyer, ad_id, kind=kind, target=target, amount=amount, settings=settings, now=LN_NOW)
    assert refused.value.code == code
    assert _deal_count(uow) == 0
    assert remaining(uow, ad_id) == before
    assert_invariants(uow)


def test_a_bitcoin_purchase_whose_payout_would_be_dust_is_refused(uow):
    owner, buyer, ad_id = sell_ad(uow)
    fee_only = payout_settings()
    dust = fee_only.model_copy(update={"payout_fees": {"TON": TON - 1}})
    with pytest.raises(InvalidAmount) as refused:
        _open(uow, buyer, ad_id, kind="bitcoin", target=TAPROOT, amount="1", settings=dust)
    assert refused.value.code == "payout_too_small"
    assert _deal_count(uow) == 0


def test_opening_is_idempotent(uow):
    owner, buyer, ad_id = sell_ad(uow)
    first = _open(uow, buyer, ad_id, kind="promise", key="k1")
    again = _open(uow, buyer, ad_id, kind="promise", key="k1")
    assert again.id == first.id
    assert remaining(uow, ad_id) == 8 * TON
    with pytest.raises(IdempotencyConflict):
        _open(uow, buyer, ad_id, kind="balance", key="k1")
    # Another buyer's same key is their own.
    other = make_user(uow)
    assert _open(uow, other, ad_id, kind="promise", key="k1").id != first.id


def test_a_split_pays_the_buyers_share_to_their_balance(uow):
    owner, buyer, ad_id = sell_ad(uow)
    operator = make_user(uow, operator=True)
    deal = _open(uow, buyer, ad_id, kind="bitcoin", target=TAPROOT, amount="4")
    deals.mark_fiat_sent(uow, buyer, deal.id, now=NOW)
    disputes.open_dispute(uow, buyer, deal.id, now=DISPUTABLE)
    disputes.resolve_dispute(uow, operator, deal.id, outcome="split", buyer_share="0.5", now=DISPUTABLE)
    assert balances(uow, buyer) == (2 * TON, 0)
    dest = buy_deals.buy_destination(uow, buyer, deal.id)
    assert (dest.outcome, dest.reason, dest.payout_status) == ("to_balance", "split", None)
    assert "deal.sys.buy_to_balance.split" in _chat_keys(uow, buyer, deal.id)
    assert_invariants(uow)


def test_an_operators_release_delivers_and_a_refund_goes_back_to_the_seller(uow):
    owner, buyer, ad_id = sell_ad(uow)
    operator = make_user(uow, operator=True)
    released = _open(uow, buyer, ad_id, kind="promise", amount="2")
    refunded = _open(uow, buyer, ad_id, kind="promise", amount="3")
    for deal in (released, refunded):
        deals.mark_fiat_sent(uow, buyer, deal.id, now=NOW)
        disputes.open_dispute(uow, buyer, deal.id, now=DISPUTABLE)
    disputes.resolve_dispute(uow, operator, released.id, outcome="release", now=DISPUTABLE, settings=SETTINGS)
    disputes.resolve_dispute(uow, operator, refunded.id, outcome="refund", now=DISPUTABLE)
    assert buy_deals.take_bought_code(uow, buyer, released.id, settings=SETTINGS).amount == 2 * TON
    refund_dest = buy_deals.buy_destination(uow, buyer, refunded.id)
    assert (refund_dest.outcome, refund_dest.promise_status) == (None, None)
    assert remaining(uow, ad_id) == 8 * TON  # the refund went back to the ad's volume
    assert_invariants(uow)


def test_an_unpaid_deal_expires_back_to_the_seller(uow):
    owner, buyer, ad_id = sell_ad(uow)
    deal = _open(uow, buyer, ad_id, kind="bitcoin", target=TAPROOT)
    assert deal_timers.run_timers(uow, now=NOW + timedelta(minutes=16)) == 1
    assert deals.get_deal(uow, buyer, deal.id).status == machine.EXPIRED
    assert remaining(uow, ad_id) == 10 * TON
    assert buy_deals.buy_destination(uow, buyer, deal.id).outcome is None
    assert balances(uow, buyer) == (0, 0)
    assert_invariants(uow)


def test_offers_fit_the_amount_exclude_own_ads_and_put_the_ad_first(uow):
    owner, buyer, cheap = sell_ad(uow)
    other_owner = make_user(uow)
    deposit(uow, other_owner, 10 * TON)
    dear = create_ad(uow, other_owner, replace(SELL, price="450"), rates=AD_RATES, idempotency_key="dear").id
    kwargs = dict(asset="TON", country="RU", fiat="RUB", method="sbp", rates=RATES, now=NOW)
    offers = buy_deals.buy_offers(uow, buyer, amount=2 * TON, **kwargs)
    assert [o.ad.id for o in offers] == [cheap, dear]  # best price first
    assert offers[0].fiat_total == 80000  # 800.00 RUB
    assert [o.ad.id for o in buy_deals.buy_offers(uow, buyer, amount=2 * TON, first_ad=dear, **kwargs)] == [dear, cheap]
    assert [o.ad.id for o in buy_deals.buy_offers(uow, owner, amount=2 * TON, **kwargs)] == [dear]  # not their own
    assert buy_deals.buy_offers(uow, buyer, amount=6 * TON, **kwargs) == []  # above every ad's maximum
    assert len(buy_deals.buy_offers(uow, None, amount=2 * TON, **kwargs)) == 2  # a visitor sees them all
    with pytest.raises(KryptonError) as refused:
        buy_deals.buy_offers(uow, buyer, amount=2 * TON, **{**kwargs, "country": "XX"})
    assert refused.value.code == "ad_market_invalid"


def test_strangers_see_nothing_of_the_destination(uow):
    owner, buyer, ad_id = sell_ad(uow)
    stranger = make_users(uow, 1)[0]
    deal = _open(uow, buyer, ad_id, kind="bitcoin", target=TAPROOT)
    with pytest.raises(NotFound):
        buy_deals.buy_destination(uow, stranger, deal.id)
    with pytest.raises(NotFound):
        buy_deals.take_bought_code(uow, stranger, deal.id, settings=SETTINGS)


def test_fiat_converts_to_the_amount_at_a_rate_rounded_down():
    assert buy_deals.amount_for_fiat(80000, 2, 9, Decimal("400")) == 2 * TON
    assert buy_deals.amount_for_fiat(1, 2, 9, Decimal("3")) == 3333333
