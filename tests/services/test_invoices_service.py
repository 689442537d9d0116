"""Invoices: creation rules per kind, order_id, privacy, lists, close and expiry (SQLite and PostgreSQL)."""

import uuid
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from builders import make_user, race
from sqlalchemy import select

from krypton_app.domain.errors import InvalidAmount, NotFound, WebhookUrlRefused
from krypton_app.domain.invoices import InvoiceInvalid
from krypton_app.models.invoices import Invoice
from krypton_app.models.merchant import WebhookEvent
from krypton_app.services import invoices, payments
from krypton_app.services.invoices import InvoiceDraft, create_invoice
from krypton_app.services.rates import StaticRateProvider
from krypton_app.settings import Settings
from krypton_app.state.invoice_views import invoice_row, payer_invoice_row

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SETTINGS = Settings(KRYPTON_APP_URL="https://krypton.example", KRYPTON_TELEGRAM_BOT="kryptonbot")


def fixed(**changes):
    return InvoiceDraft(**{"kind": "fixed", "title": "VPN key", "asset": "TON", "amount": "1.5", **changes})


def create(uow, merchant, draft, now=NOW):
    return create_invoice(uow, merchant, draft, settings=SETTINGS, now=now)


def test_a_fixed_invoice_has_a_number_links_and_open_counters(uow):
    merchant = make_user(uow, display_name="Shop")
    view, created = create(uow, merchant, fixed(max_payments=2, expires_in_s=3600, description=" keys "))
    assert created and view.status == "open" and view.kind == "fixed"
    assert len(view.number) == 8 and view.amount == 1_500_000_000 and view.decimals == 9
    assert (view.payments_count, view.collected, view.max_payments) == (0, 0, 2)
    assert view.description == "keys" and view.merchant_name == "Shop"
    assert view.expires_at == NOW + timedelta(hours=1)
    assert view.direct_url == f"https://krypton.example/i/{view.number}"
    assert view.helper_url == f"https://krypton.example/pay/{view.number}"
    assert view.telegram_start_url == f"https://t.me/kryptonbot?start=inv_{view.number}"
    assert view.telegram_app_url == f"https://t.me/kryptonbot?startapp=inv_{view.number}"
    assert invoices.get_invoice(uow, None, view.number.lower(), settings=SETTINGS) == view


def test_floating_and_private_and_fiat_invoices(uow):
    merchant = make_user(uow)
    payer = make_user(uow, username="alice")
    floating, _ = create(
        uow, merchant, InvoiceDraft(kind="floating", title="Tips", asset="USDT", min_payment="1", max_total="100")
    )
    assert (floating.amount, floating.min_payment, floating.max_total) == (None, 1_000_000, 100_000_000)
    private, _ = create(
        uow, merchant, InvoiceDraft(kind="private", title="Rent", asset="TON", amount="3", payer_contact="@Alice")
    )
    assert private.is_private and private.max_payments == 1
    with uow.read() as s:
        assert s.get(Invoice, private.id).payer_user_id == payer
    in_rub, _ = create(
        uow, merchant, InvoiceDraft(kind="fixed", title="Box", asset="TON", fiat_currency="RUB", fiat_amount="1000")
    )
    assert (in_rub.amount, in_rub.fiat_currency, in_rub.fiat_amount, in_rub.fiat_decimals) == (None, "RUB", 100_000, 2)


INVALID_DRAFTS = [
    (InvoiceDraft(kind="weird", title="x", asset="TON", amount="1"), "invoice_kind_invalid", "kind"),
    (InvoiceDraft(kind="fixed", title="  ", asset="TON", amount="1"), "invoice_title_required", "title"),
    (InvoiceDraft(kind="fixed", title="x" * 121, asset="TON", amount="1"), "invoice_text_too_long", "title"),
    (InvoiceDraft(kind="fixed", title="x", asset="BTC", amount="1"), "invoice_asset_invalid", "asset"),
    (InvoiceDraft(kind="fixed", title="x", asset="TON"), "invoice_amount_required", "amount"),
    (
        InvoiceDraft(kind="fixed", title="x", asset="TON", amount="1", fiat_currency="RUB", fiat_amount="5"),
        "invoice_amount_required",
        "amount",
    ),
    (
        InvoiceDraft(kind="fixed", title="x", asset="TON", fiat_currency="XXX", fiat_amount="5"),
        "invoice_fiat_invalid",
        "fiat_currency",
    ),
    (InvoiceDraft(kind="fixed", title="x", asset="TON", fiat_amount="5"), "invoice_fiat_invalid", "fiat_currency"),
    (InvoiceDraft(kind="fixed", title="x", asset="TON", amount="0"), "invoice_limits_invalid", "amount"),
    (fixed(max_payments=0), "invoice_limits_invalid", "max_payments"),
    (fixed(min_payment="1"), "invoice_limits_invalid", "min_payment"),
    (fixed(max_parts=0), "invoice_parts_invalid", "max_parts"),
    (fixed(max_parts=11), "invoice_parts_invalid", "max_parts"),
    (fixed(max_parts=-1), "invoice_parts_invalid", "max_parts"),
    (
        InvoiceDraft(kind="floating", title="x", asset="TON", min_payment="5", max_total="1"),
        "invoice_limits_invalid",
        "max_total",
    ),
    (InvoiceDraft(kind="floating", title="x", asset="TON", amount="5"), "invoice_limits_invalid", "amount"),
    (InvoiceDraft(kind="private", title="x", asset="TON", amount="1"), "invoice_payer_required", "payer_contact"),
    (
        InvoiceDraft(kind="private", title="x", asset="TON", amount="1", payer_contact="@nobody_here"),
        "invoice_payer_unknown",
        "payer_contact",
    ),
    (
        InvoiceDraft(kind="private", title="x", asset="TON", amount="1", payer_contact="@bob", max_payments=3),
        "invoice_limits_invalid",
        "max_payments",
    ),
    (fixed(expires_in_s=0), "invoice_expiry_invalid", "expires_in_s"),
    (fixed(allowed_origins=("https://shop.example/path",)), "invoice_origin_invalid", "allowed_origins"),
    (fixed(allowed_origins=("javascript:alert(1)",)), "invoice_origin_invalid", "allowed_origins"),
    (fixed(redirect_url="ftp://shop.example"), "invoice_redirect_invalid", "redirect_url"),
    (fixed(order_id="o" * 101), "invoice_text_too_long", "order_id"),
]


def test_each_invalid_draft_names_its_rule_and_field(uow):
    merchant = make_user(uow)
    make_user(uow, username="bob")
    for draft, code, field in INVALID_DRAFTS:
        with pytest.raises(InvoiceInvalid) as error:
            create(uow, merchant, draft)
        assert (error.value.code, error.value.field) == (code, field), draft
    with uow.read() as s:
        assert s.execute(select(Invoice.id)).first() is None


def test_bad_amount_text_and_bad_webhook_url(uow):
    merchant = make_user(uow)
    with pytest.raises(InvalidAmount):
        create(uow, merchant, InvoiceDraft(kind="fixed", title="x", asset="TON", amount="1.0000000001"))
    with pytest.raises(WebhookUrlRefused) as error:
        create(uow, merchant, fixed(webhook_url="gopher://shop.example/hook"))
    assert error.value.code == "webhook_url_invalid"


def test_origins_are_normalised_and_kept(uow):
    merchant = make_user(uow)
    view, _ = create(uow, merchant, fixed(allowed_origins=("https://Shop.example/", "http://localhost:8080", "")))
    assert view.allowed_origins == ("https://shop.example", "http://localhost:8080")


def test_a_repeated_order_id_returns_the_existing_invoice(uow):
    merchant, other = make_user(uow), make_user(uow)
    first, created = create(uow, merchant, fixed(order_id="order-1"))
    again, created_again = create(uow, merchant, fixed(order_id=" order-1 ", title="changed"))
    assert created and not created_again and again == first
    # another merchant's order ids are their own
    theirs, created_theirs = create(uow, other, fixed(order_id="order-1"))
    assert created_theirs and theirs.number != first.number


def test_an_order_id_is_the_merchants_per_mode(uow):
    merchant = make_user(uow)
    live, _ = create(uow, merchant, fixed(order_id="order-1"))
    test, created = create(uow, merchant, fixed(order_id="order-1", amount="9", is_test=True))
    assert created and test.is_test and test.number != live.number and test.amount == 9_000_000_000
    assert create(uow, merchant, fixed(order_id="order-1", is_test=True)) == (test, False)
    assert create(uow, merchant, fixed(order_id="order-1")) == (live, False)
    # The other order first: a test invoice never answers for a live order that comes later.
    early_test, _ = create(uow, merchant, fixed(order_id="order-2", is_test=True))
    later_live, created_live = create(uow, merchant, fixed(order_id="order-2"))
    assert created_live and not later_live.is_test and later_live.number != early_test.number


def test_racing_creations_with_one_order_id_in_both_modes_make_one_invoice_per_mode(pg_uow):
    merchant = make_user(pg_uow)
    results = race(*[partial(create, pg_uow, merchant, fixed(order_id="race", is_test=n % 2 == 1)) for n in range(12)])
    assert len({view.id for view, _ in results}) == 2
    assert {view.is_test for view, created in results if created} == {False, True}
    assert sum(created for _, created in results) == 2


def test_racing_creations_with_one_order_id_make_one_invoice(pg_uow):
    merchant = make_user(pg_uow)
    results = race(*[partial(create, pg_uow, merchant, fixed(order_id="race")) for _ in range(12)])
    assert len({view.id for view, _ in results}) == 1
    assert sum(created for _, created in results) == 1


def test_a_private_invoice_is_invisible_to_everyone_but_merchant_and_payer(uow):
    merchant, payer, stranger = make_user(uow), make_user(uow, email="payer@example.com"), make_user(uow)
    view, _ = create(
        uow,
        merchant,
        InvoiceDraft(kind="private", title="x", asset="TON", amount="1", payer_contact="Payer@Example.com"),
    )
    assert invoices.get_invoice(uow, merchant, view.number, settings=SETTINGS).id == view.id
    assert invoices.get_invoice(uow, payer, view.number, settings=SETTINGS).id == view.id
    for viewer in (stranger, None):
        with pytest.raises(NotFound) as hidden:
            invoices.get_invoice(uow, viewer, view.number, settings=SETTINGS)
        with pytest.raises(NotFound) as missing:
            invoices.get_invoice(uow, viewer, "ZZZZ2222", settings=SETTINGS)
        assert type(hidden.value) is type(missing.value) and hidden.value.code == missing.value.code
    with pytest.raises(NotFound):
        invoices.get_merchant_invoice(uow, payer, view.number, settings=SETTINGS)


def test_list_pages_and_filters_by_status(uow):
    merchant = make_user(uow)
    numbers = [create(uow, merchant, fixed(), now=NOW + timedelta(minutes=i))[0].number for i in range(5)]
    invoices.close_invoice(uow, merchant, numbers[0], now=NOW, settings=SETTINGS)
    page = invoices.list_invoices(uow, merchant, page=1, page_size=2, settings=SETTINGS)
    assert (page.total, page.pages, [v.number for v in page.items]) == (5, 3, numbers[:2:-1][:2])
    closed = invoices.list_invoices(uow, merchant, status="closed", settings=SETTINGS)
    assert [v.number for v in closed.items] == [numbers[0]]
    assert invoices.list_invoices(uow, make_user(uow), settings=SETTINGS).total == 0


def test_close_by_merchant_only_and_queues_an_event(uow):
    merchant, other = make_user(uow), make_user(uow)
    view, _ = create(uow, merchant, fixed(webhook_url="https://shop.example/hook"))
    with pytest.raises(NotFound):
        invoices.close_invoice(uow, other, view.number, now=NOW, settings=SETTINGS)
    closed = invoices.close_invoice(uow, merchant, view.number, now=NOW, settings=SETTINGS)
    assert (closed.status, closed.close_reason, closed.closed_at) == ("closed", "merchant", NOW)
    assert invoices.close_invoice(uow, merchant, view.number, now=NOW, settings=SETTINGS) == closed
    with uow.read() as s:
        assert s.execute(select(WebhookEvent.type)).scalars().all() == ["invoice.closed"]


def test_expiry_marks_only_due_invoices(uow):
    merchant = make_user(uow)
    soon, _ = create(uow, merchant, fixed(expires_in_s=60, webhook_url="https://shop.example/hook"))
    later, _ = create(uow, merchant, fixed(expires_in_s=3600))
    forever, _ = create(uow, merchant, fixed())
    assert invoices.expire_invoices(uow, now=NOW + timedelta(seconds=59)) == 0
    assert invoices.expire_invoices(uow, now=NOW + timedelta(seconds=60)) == 1
    assert invoices.expire_invoices(uow, now=NOW + timedelta(seconds=61)) == 0
    states = {v.number: v.status for v in invoices.list_invoices(uow, merchant, settings=SETTINGS).items}
    assert states == {soon.number: "expired", later.number: "open", forever.number: "open"}
    with uow.read() as s:
        assert s.execute(select(WebhookEvent.type)).scalars().all() == ["invoice.expired"]


def test_the_payer_sees_whether_the_invoice_takes_a_payment_now(uow):
    merchant, payer = make_user(uow), make_user(uow)
    soon, _ = create(uow, merchant, fixed(expires_in_s=60, webhook_url="https://shop.example/hook"))
    closed, _ = create(uow, merchant, fixed())
    invoices.close_invoice(uow, merchant, closed.number, now=NOW, settings=SETTINGS)

    def unavailable(number, now):
        return invoices.get_payer_invoice(uow, payer, number, now=now, settings=SETTINGS).unavailable

    assert unavailable(soon.number, NOW) is None
    # Past its expiry it takes nothing, also before the worker marks it expired.
    assert unavailable(soon.number, NOW + timedelta(seconds=60)) == "invoice_expired"
    assert unavailable(closed.number, NOW) == "invoice_closed"
    # A test invoice takes only its merchant's simulated payment: the payer is told so up front.
    test, _ = create(uow, merchant, fixed(is_test=True))
    assert unavailable(test.number, NOW) == "invoice_is_test"
    view = invoices.get_payer_invoice(uow, payer, soon.number.lower(), now=NOW, settings=SETTINGS)
    assert (view.number, view.status, view.helper_url) == (soon.number, "open", soon.helper_url)
    with pytest.raises(NotFound):
        invoices.get_payer_invoice(uow, payer, "ZZZZ2222", now=NOW, settings=SETTINGS)


def test_a_sandbox_keys_view_holds_only_sandbox_invoices(uow):
    """The sandbox rule (services/api_keys.py), applied by each service the API calls: with `only_test`
    a live invoice is the same NotFound as another merchant's, and what it creates is a sandbox invoice."""
    merchant = make_user(uow)
    live, _ = create(uow, merchant, fixed())
    sandbox, created = create_invoice(uow, merchant, fixed(is_test=False), settings=SETTINGS, now=NOW, only_test=True)
    assert created and sandbox.is_test
    for reach in (
        lambda number: invoices.get_merchant_invoice(uow, merchant, number, settings=SETTINGS, only_test=True),
        lambda number: payments.list_invoice_payments(uow, merchant, number, settings=SETTINGS, only_test=True),
        lambda number: invoices.close_invoice(uow, merchant, number, now=NOW, settings=SETTINGS, only_test=True),
    ):
        with pytest.raises(NotFound):
            reach(live.number)
        reach(sandbox.number)
    assert invoices.get_merchant_invoice(uow, merchant, live.number, settings=SETTINGS).status == "open"
    listed = invoices.list_invoices(uow, merchant, settings=SETTINGS, only_test=True)
    assert [view.number for view in listed.items] == [sandbox.number]
    # A live key (the default) reaches both.
    assert invoices.get_merchant_invoice(uow, merchant, sandbox.number, settings=SETTINGS).is_test


def test_the_merchant_sees_every_setting_and_the_payer_what_is_left_of_the_cap(uow):
    """The merchant's view carries each setting (a private invoice's payer, parts, order id, limits and
    what is left of them, webhook, redirect); the payer's view only the cap left, never the integration."""
    merchant = make_user(uow)
    draft = InvoiceDraft(
        kind="floating",
        title="Donations",
        asset="TON",
        description="For the roof",
        min_payment="0.1",
        max_total="1",
        max_payments=3,
        max_parts=4,
        order_id="roof-1",
        redirect_url="https://shop.example/thanks",
        is_test=True,
    )
    number = create(uow, merchant, draft)[0].number
    payments.simulate_test_payment(
        uow, merchant, number, amount="0.25", settings=SETTINGS, rates=StaticRateProvider({}), now=NOW
    )
    row = invoice_row(invoices.get_merchant_invoice(uow, merchant, number, settings=SETTINGS), "en")
    settings = (row.min_payment, row.max_total, row.total_left, row.max_payments, row.payments_left, row.max_parts)
    assert settings == ("0.1 TON", "1 TON", "0.75 TON", 3, "2", 4)
    assert (row.order_id, row.redirect_url, row.description) == (
        "roof-1",
        "https://shop.example/thanks",
        "For the roof",
    )
    payer = payer_invoice_row(invoices.get_payer_invoice(uow, None, number, now=NOW, settings=SETTINGS), "en")
    assert (payer.min_payment, payer.cap_left) == ("0.1 TON", "0.75 TON")
    assert not hasattr(payer, "order_id") and not hasattr(payer, "redirect_url")

    name = f"roof_{uuid.uuid4().hex[:8]}"
    make_user(uow, username=name)
    private = create(uow, merchant, fixed(kind="private", payer_contact=f"@{name}"))[0].number
    row = invoice_row(invoices.get_merchant_invoice(uow, merchant, private, settings=SETTINGS), "en")
    assert (row.payer_contact, row.max_payments, row.payments_left, row.total_left) == (f"@{name}", 1, "1", "")
