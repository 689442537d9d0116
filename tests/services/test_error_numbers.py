"""Refusals about an amount carry the numbers the user must meet (issue 11 item 10): the invoice's minimum
and what is left of its cap, an ad's range and what is left of its volume, the available balance and
the smallest withdrawal, as minor units with `decimals` and `asset`, so the message can name them."""

from __future__ import annotations

import uuid

import pytest

from krypton_app.domain.errors import AdUnavailable, InsufficientFunds, InvalidAmount, InvoiceUnavailable
from krypton_app.i18n import error_text
from krypton_app.services import payments, withdrawals
from tests.builders import (
    INVOICE_SETTINGS,
    NOW,
    RATES,
    SETTINGS,
    TON,
    USDT,
    bitcoin_payout,
    deposit,
    make_invoice,
    make_user,
    new_wallet,
    open_deal,
    pay_invoice,
    sell_ad,
)


def _pay_now(uow, payer: int, number: str, amount: str):
    return payments.pay_from_balance(
        uow,
        payer,
        number,
        amount=amount,
        idempotency_key=uuid.uuid4().hex,
        settings=INVOICE_SETTINGS,
        rates=RATES,
        now=NOW,
    )


def test_a_floating_invoice_names_its_minimum_and_what_is_left(uow):
    invoice = make_invoice(uow, kind="floating", amount=None, min_payment="0.5", max_total="4", max_parts=2)
    payer = make_user(uow, balance=10 * TON)
    with pytest.raises(InvoiceUnavailable) as below:
        _pay_now(uow, payer, invoice.number, "0.4")
    assert below.value.code == "payment_amount_invalid"
    assert below.value.details == {"minimum": TON // 2, "decimals": 9, "asset": "TON"}
    assert error_text("en", below.value) == "The minimum is 0.5 TON for this invoice."

    pay_invoice(uow, payer, invoice.number, parts=("0.8",))
    # The parts of one payment count together against what is left.
    with pytest.raises(InvoiceUnavailable) as above:
        pay_invoice(uow, payer, invoice.number, parts=("2", "1.3"))
    assert above.value.details == {"left": 3_200_000_000, "decimals": 9, "asset": "TON"}
    assert error_text("en", above.value) == "Only 3.2 TON is left of this invoice."
    assert error_text("ru", above.value) == "По этому счёту осталось оплатить только 3,2 TON."


def test_paying_from_a_short_balance_names_what_is_available(uow):
    invoice = make_invoice(uow, amount="5")
    payer = make_user(uow, balance=4_100_000_000)
    with pytest.raises(InsufficientFunds) as short:
        _pay_now(uow, payer, invoice.number, "5")
    assert (short.value.details["available"], short.value.details["decimals"]) == (4_100_000_000, 9)
    assert error_text("en", short.value) == "Not enough on your balance: 4.1 TON available."


def test_an_ad_names_its_range_and_what_is_left_of_its_volume(uow):
    owner, taker, ad_id = sell_ad(uow)  # 1 to 5 TON a deal, 10 TON in all
    with pytest.raises(AdUnavailable) as outside:
        open_deal(uow, taker, ad_id, amount="6")
    assert outside.value.details == {"minimum": TON, "maximum": 5 * TON, "decimals": 9, "asset": "TON"}
    assert error_text("en", outside.value) == "This ad takes 1 TON to 5 TON."
    open_deal(uow, taker, ad_id, amount="5")
    open_deal(uow, make_user(uow), ad_id, amount="3.5")
    with pytest.raises(AdUnavailable) as exhausted:
        open_deal(uow, make_user(uow), ad_id, amount="2")
    assert exhausted.value.code == "ad_volume_exhausted"
    assert exhausted.value.details == {"left": 1_500_000_000, "decimals": 9, "asset": "TON"}
    assert error_text("en", exhausted.value) == "Only 1.5 TON is left of this ad's volume."


def test_a_withdrawal_names_the_balance_and_its_minimum(uow):
    user = make_user(uow)
    deposit(uow, user, 3 * USDT, "USDT")
    address = new_wallet()
    with pytest.raises(InsufficientFunds) as short:
        withdrawals.quote_ton_withdrawal(uow, user, asset="USDT", address=address, amount="3", settings=SETTINGS)
    assert (short.value.details["available"], short.value.details["decimals"]) == (3 * USDT, 6)
    assert error_text("en", short.value) == "Not enough on your balance: 3 USDT available."
    with pytest.raises(InvalidAmount) as small:
        withdrawals.quote_ton_withdrawal(uow, user, asset="USDT", address=address, amount="0.1", settings=SETTINGS)
    fee = SETTINGS.withdrawal_fees["USDT"]
    assert (small.value.code, small.value.details["minimum"], small.value.details["decimals"]) == (
        "withdrawal_below_minimum",
        fee,
        6,
    )
    assert error_text("en", small.value) == "The minimum is 0.3 USDT: a withdrawal must cover the network fee."


def test_a_bitcoin_payout_above_the_balance_names_what_is_available(uow):
    user = make_user(uow, balance=2 * TON)
    with pytest.raises(InsufficientFunds) as short:
        bitcoin_payout(uow, user, amount="2")  # and the fee
    assert error_text("ru", short.value) == "Недостаточно средств на балансе: доступно 2 TON."
