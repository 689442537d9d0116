"""Withdrawal and payout fees come from the fee schedule (SPEC F12; services/transfer_fees.py), on SQLite
and PostgreSQL: after an operator changes a rule the next quote shows the new fee and the request
charges it; a request confirmed at the old fee is refused (fee_changed) and holds nothing; a retry of a
request made before the change still answers with its first result."""

import uuid

import pytest
from builders import (
    NOW,
    PAYOUT_RATES,
    TAPROOT,
    TON,
    assert_invariants,
    balances,
    lightning_invoice,
    make_promise,
    make_user,
    payout_settings,
    set_fee,
)

from krypton_app.domain.fees import PAYOUT, WITHDRAWAL
from krypton_app.domain.promises import ACTIVE
from krypton_app.services import buy_deals, payout_quotes, payouts, promise_sales, promises, withdrawals
from krypton_app.services.transfer_fees import FeeChanged
from krypton_app.settings import Settings

DESTINATION = "0:" + "cd" * 32
SETTINGS = payout_settings()  # 0.1 TON payout fee to start with
REGTEST = payout_settings("regtest")
WITHDRAW = Settings(KRYPTON_WITHDRAWAL_FEES={"TON": TON // 20, "USDT": 10**6})  # 0.05 TON to start with


def _withdraw(uow, user, *, quoted_fee=None, key=None, amount="1"):
    return withdrawals.request_ton_withdrawal(
        uow, user, asset="TON", address=DESTINATION, amount=amount, idempotency_key=key or uuid.uuid4().hex,
        settings=WITHDRAW, quoted_fee=quoted_fee,
    )  # fmt: skip


def test_a_withdrawal_pays_the_schedules_fee_and_refuses_a_stale_quote(uow):
    user = make_user(uow, balance=5 * TON)
    quote = withdrawals.quote_ton_withdrawal(uow, user, asset="TON", address=DESTINATION, amount="1", settings=WITHDRAW)
    assert quote.fee == TON // 20  # the settings' starting value, no rule set yet
    first_key = uuid.uuid4().hex
    _withdraw(uow, user, quoted_fee=quote.fee, key=first_key)

    operator = set_fee(uow, WITHDRAWAL, flat="0.2")
    with pytest.raises(FeeChanged) as refused:
        _withdraw(uow, user, quoted_fee=quote.fee)  # confirmed at 0.05, the fee is 0.2 now
    assert refused.value.code == "fee_changed"
    assert balances(uow, user) == (5 * TON - TON - TON // 20, TON + TON // 20)  # the first one only
    assert _withdraw(uow, user, quoted_fee=quote.fee, key=first_key).fee == TON // 20  # a retry

    fresh = withdrawals.quote_ton_withdrawal(uow, user, asset="TON", address=DESTINATION, amount="1", settings=WITHDRAW)
    assert fresh.fee == TON // 5
    assert _withdraw(uow, user, quoted_fee=fresh.fee).fee == TON // 5
    top = withdrawals.max_ton_withdrawal(uow, user, asset="TON", settings=WITHDRAW)
    assert top.fee == TON // 5

    set_fee(uow, WITHDRAWAL, operator=operator, flat="0", minimum="0.3")  # the minimum is the fee then
    assert _withdraw(uow, user).fee == 3 * TON // 10
    assert_invariants(uow)


def test_a_bitcoin_payout_pays_the_schedules_fee_and_refuses_a_stale_quote(uow):
    user = make_user(uow, balance=5 * TON)
    quote = payout_quotes.quote_bitcoin_payout(
        uow, user, asset="TON", address=TAPROOT, amount="1", rates=PAYOUT_RATES, settings=SETTINGS
    )
    assert quote.fee == TON // 10
    set_fee(uow, PAYOUT, flat="0.25")
    with pytest.raises(FeeChanged):
        payouts.request_bitcoin_payout(
            uow, user, asset="TON", address=TAPROOT, amount="1", idempotency_key=uuid.uuid4().hex,
            rates=PAYOUT_RATES, settings=SETTINGS, quoted_fee=quote.fee,
        )  # fmt: skip
    assert balances(uow, user) == (5 * TON, 0)
    payout = payouts.request_bitcoin_payout(
        uow, user, asset="TON", address=TAPROOT, amount="1", idempotency_key=uuid.uuid4().hex,
        rates=PAYOUT_RATES, settings=SETTINGS, quoted_fee=TON // 4,
    )  # fmt: skip
    assert (payout.amount, payout.fee) == (TON, TON // 4)
    assert balances(uow, user) == (5 * TON - TON - TON // 4, TON + TON // 4)
    top = payout_quotes.max_bitcoin_payout(uow, user, asset="TON", settings=SETTINGS)
    assert top.fee == TON // 4
    assert_invariants(uow)


def test_a_lightning_payout_prices_the_schedules_fee(uow):
    user = make_user(uow, balance=5 * TON)
    set_fee(uow, PAYOUT, flat="0.02")
    now = 1_700_000_100
    invoice = lightning_invoice()
    quote = payout_quotes.quote_lightning_payout(
        uow, user, asset="TON", invoice=invoice, rates=PAYOUT_RATES, settings=REGTEST, now=now
    )
    assert quote.fee == TON // 50
    payout = payouts.request_lightning_payout(
        uow, user, asset="TON", invoice=invoice, idempotency_key=uuid.uuid4().hex, rates=PAYOUT_RATES,
        settings=REGTEST, now=now, quoted_fee=quote.fee,
    )  # fmt: skip
    assert payout.fee == TON // 50
    assert_invariants(uow)


def test_cashing_a_promise_out_refuses_a_stale_fee_and_keeps_the_promise(uow):
    issuer, holder = make_user(uow, balance=5 * TON), make_user(uow)
    code = make_promise(uow, issuer, 2 * TON).code
    quote = promise_sales.quote_cash_out(
        uow, holder, code, to="bitcoin", destination=TAPROOT, settings=SETTINGS, rates=PAYOUT_RATES, now=NOW
    )
    assert quote.payout.fee == TON // 10 and quote.payout.amount == 2 * TON - TON // 10
    set_fee(uow, PAYOUT, flat="0.3")
    with pytest.raises(FeeChanged):
        promise_sales.cash_out_promise(
            uow, holder, code, to="bitcoin", destination=TAPROOT, idempotency_key=uuid.uuid4().hex,
            settings=SETTINGS, rates=PAYOUT_RATES, now=NOW, quoted_fee=quote.payout.fee,
        )  # fmt: skip
    preview = promises.preview_by_code(uow, holder, code, settings=SETTINGS, now=NOW)
    assert preview.status == ACTIVE
    fresh = promise_sales.quote_cash_out(
        uow, holder, code, to="bitcoin", destination=TAPROOT, settings=SETTINGS, rates=PAYOUT_RATES, now=NOW
    )
    assert fresh.payout.fee == 3 * TON // 10 and fresh.payout.amount == 2 * TON - 3 * TON // 10
    assert_invariants(uow)


def test_a_purchase_to_bitcoin_is_priced_with_the_schedules_payout_fee(uow):
    set_fee(uow, PAYOUT, flat="0.5")
    quote = buy_deals.quote_buy(
        uow, asset="TON", kind="bitcoin", amount="2", target=TAPROOT, settings=SETTINGS, rates=PAYOUT_RATES,
        now=NOW,
    )  # fmt: skip
    assert quote.fee == TON // 2 and quote.payout_amount == 2 * TON - TON // 2
