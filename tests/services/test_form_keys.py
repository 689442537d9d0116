"""A form's key (state/once_form.py) passed twice makes one thing: the same ad, deal, invoice or
simulated payment, and money held once (SQLite and PostgreSQL; the races on PostgreSQL)."""

from dataclasses import replace

import pytest
from builders import (
    INVOICE_SETTINGS,
    NOW,
    RATES,
    SELL,
    TON,
    assert_invariants,
    balances,
    deposit,
    make_invoice,
    make_user,
    make_users,
    open_deal,
    race,
    remaining,
    sell_ad,
)
from sqlalchemy import func, select

from krypton_app.domain.errors import IdempotencyConflict
from krypton_app.models.invoices import Invoice, InvoicePayment
from krypton_app.services.ad_views import list_my_ads
from krypton_app.services.ads import create_ad
from krypton_app.services.invoices import InvoiceDraft, create_invoice
from krypton_app.services.payments import simulate_test_payment
from krypton_app.services.rates import StaticRateProvider

DRAFT = InvoiceDraft(kind="fixed", title="VPN key", asset="TON", amount="1.5")
SIM_RATES = StaticRateProvider(INVOICE_SETTINGS.rates)


def _count(uow, table, *where) -> int:
    with uow.read() as s:
        return s.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def _payments_of(uow, number: str) -> int:
    of_invoice = select(Invoice.id).where(Invoice.number == number).scalar_subquery()
    return _count(uow, InvoicePayment.__table__, InvoicePayment.invoice_id == of_invoice)


def new_invoice(uow, merchant: int, key: str, draft: InvoiceDraft = DRAFT):
    return create_invoice(uow, merchant, draft, settings=INVOICE_SETTINGS, now=NOW, idempotency_key=key)


def simulate(uow, merchant: int, number: str, key: str | None):
    return simulate_test_payment(
        uow, merchant, number, amount=None, settings=INVOICE_SETTINGS, rates=SIM_RATES, now=NOW, idempotency_key=key
    )


def test_publish_twice_with_one_key_holds_the_volume_once(uow):
    (owner,) = make_users(uow, 1)
    deposit(uow, owner, 15 * TON)
    first = create_ad(uow, owner, SELL, rates=RATES, idempotency_key="form-1")
    again = create_ad(uow, owner, SELL, rates=RATES, idempotency_key="form-1")
    assert again.id == first.id and len(list_my_ads(uow, owner)) == 1
    assert balances(uow, owner) == (5 * TON, 10 * TON)
    assert_invariants(uow)


def test_open_deal_twice_with_one_key_opens_one_deal_and_one_escrow(uow):
    _owner, taker, ad_id = sell_ad(uow)
    first = open_deal(uow, taker, ad_id, amount="2", key="form-1")
    again = open_deal(uow, taker, ad_id, amount="2", key="form-1")
    assert again.id == first.id
    assert remaining(uow, ad_id) == 8 * TON
    assert_invariants(uow)


def test_create_invoice_twice_with_one_key_makes_one_invoice(uow):
    merchant, other = make_users(uow, 2)
    first, created = new_invoice(uow, merchant, "form-1")
    again, created_again = new_invoice(uow, merchant, "form-1")
    # The second call answers as the first did: created, the same invoice (no "order exists" note).
    assert created and created_again and again.number == first.number
    assert _count(uow, Invoice.__table__, Invoice.merchant_id == merchant) == 1
    # Keys are per merchant; a new key (the next form) is a new invoice.
    theirs, _ = new_invoice(uow, other, "form-1")
    fresh, _ = new_invoice(uow, merchant, "form-2")
    assert len({first.number, theirs.number, fresh.number}) == 3


def test_one_key_answers_before_the_order_id_does(uow):
    merchant = make_user(uow)
    draft = replace(DRAFT, order_id="A-1")
    first, created = new_invoice(uow, merchant, "form-1", draft)
    again, created_again = new_invoice(uow, merchant, "form-1", draft)
    assert (created, created_again) == (True, True) and again.number == first.number
    # Another form with the same order id is still told the order exists.
    assert new_invoice(uow, merchant, "form-2", draft) == (first, False)


def test_an_over_long_form_key_is_refused(uow):
    with pytest.raises(ValueError):
        new_invoice(uow, make_user(uow), "k" * 65)


def test_simulate_twice_with_one_key_makes_one_payment(uow):
    merchant = make_user(uow)
    invoice = make_invoice(uow, merchant, is_test=True)
    first = simulate(uow, merchant, invoice.number, "form-1")
    again = simulate(uow, merchant, invoice.number, "form-1")
    assert again.id == first.id and _payments_of(uow, invoice.number) == 1
    # The next form's key is the next payment.
    assert simulate(uow, merchant, invoice.number, "form-2").id != first.id
    assert _payments_of(uow, invoice.number) == 2


def test_a_simulate_key_is_for_one_invoice(uow):
    merchant = make_user(uow)
    one, two = (make_invoice(uow, merchant, is_test=True, max_payments=None) for _ in range(2))
    simulate(uow, merchant, one.number, "form-1")
    with pytest.raises(IdempotencyConflict):
        simulate(uow, merchant, two.number, "form-1")


def test_racing_invoice_creates_with_one_key_make_one_invoice(pg_uow):
    uow = pg_uow
    merchant = make_user(uow)
    for round_ in range(5):
        a, b = race(*[lambda k=f"twin-{round_}": new_invoice(uow, merchant, k) for _ in range(2)])
        assert not isinstance(a, Exception) and not isinstance(b, Exception), (a, b)
        assert a == b and a[1]
    assert _count(uow, Invoice.__table__, Invoice.merchant_id == merchant) == 5


def test_racing_simulations_with_one_key_make_one_payment(pg_uow):
    uow = pg_uow
    merchant = make_user(uow)
    invoice = make_invoice(uow, merchant, is_test=True)
    for round_ in range(5):
        a, b = race(*[lambda k=f"twin-{round_}": simulate(uow, merchant, invoice.number, k) for _ in range(2)])
        assert not isinstance(a, Exception) and not isinstance(b, Exception), (a, b)
        assert a.id == b.id
    assert _payments_of(uow, invoice.number) == 5
