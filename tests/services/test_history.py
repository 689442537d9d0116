"""A user's movement history and its CSV export, on SQLite and PostgreSQL."""

import csv
import io
from datetime import UTC, datetime

import pytest
from builders import (
    INVOICE_SETTINGS,
    NOW,
    RATES,
    TAPROOT,
    bitcoin_payout,
    buy_ad,
    deposit,
    make_invoice,
    make_user,
    open_deal,
    pay_invoice,
    sell_ad,
)
from pytoniq_core import Address
from sqlalchemy import event

from krypton_app.domain.ledger import Leg
from krypton_app.models import User
from krypton_app.services import deals, ledger, payments, withdrawals
from krypton_app.services.history import CSV_HEADER, MOVEMENT_KINDS, _movements, list_movements, movements_csv
from krypton_app.services.payout_queue import mark_payout_paid
from krypton_app.settings import get_settings

TON = 10**9
USDT = 10**6


def summary(page):
    return [(m.kind, m.asset, m.available_change, m.held_change) for m in page.items]


@pytest.fixture
def alice_bob(uow):
    return make_user(uow), make_user(uow)


def test_each_movement_nets_available_and_held_newest_first(uow, alice_bob):
    alice, bob = alice_bob
    deposit(uow, alice, 10 * TON, "TON", memo="first deposit")
    ledger.hold(uow, alice, "TON", 3 * TON, "h1")
    ledger.release(uow, alice, "TON", TON, "r1")
    ledger.capture_held(uow, alice, "TON", TON, "c1", to_user_id=bob)
    ledger.transfer(uow, alice, bob, "TON", 2 * TON, "t1", memo="rent")
    page = list_movements(uow, alice)
    assert summary(page) == [
        ("transfer", "TON", -2 * TON, 0),
        ("capture", "TON", 0, -TON),
        ("release", "TON", TON, -TON),
        ("hold", "TON", -3 * TON, 3 * TON),
        ("deposit", "TON", 10 * TON, 0),
    ]
    assert (page.total, page.pages, page.page, page.page_size) == (5, 1, 1, 20)
    assert page.items[0].memo == "rent" and page.items[-1].memo == "first deposit"
    assert page.items[0].decimals == 9 and page.items[0].created_at.tzinfo is not None
    # Bob sees only his own side: what he received, none of Alice's deposits or holds.
    assert summary(list_movements(uow, bob)) == [("transfer", "TON", 2 * TON, 0), ("capture", "TON", TON, 0)]


def test_paging(uow, alice_bob):
    alice, _ = alice_bob
    for i in range(25):
        deposit(uow, alice, i + 1, "TON")
    first = list_movements(uow, alice, page_size=10)
    assert (first.total, first.pages, [m.available_change for m in first.items][:2]) == (25, 3, [25, 24])
    last = list_movements(uow, alice, page=3, page_size=10)
    assert [m.available_change for m in last.items] == [5, 4, 3, 2, 1]
    assert list_movements(uow, alice, page=4, page_size=10).items == []
    clamped = list_movements(uow, alice, page=0, page_size=1000)
    assert (clamped.page, clamped.page_size, len(clamped.items)) == (1, 100, 25)
    empty = list_movements(uow, make_user(uow))
    assert (empty.items, empty.total, empty.pages) == ([], 0, 1)


def test_filters_by_asset_and_kind(uow, alice_bob):
    alice, bob = alice_bob
    deposit(uow, alice, 5 * TON, "TON")
    deposit(uow, alice, 7 * USDT, "USDT")
    ledger.transfer(uow, alice, bob, "USDT", USDT, "t-usdt")
    assert summary(list_movements(uow, alice, asset="USDT")) == [
        ("transfer", "USDT", -USDT, 0),
        ("deposit", "USDT", 7 * USDT, 0),
    ]
    assert summary(list_movements(uow, alice, kind="deposit", asset="TON")) == [("deposit", "TON", 5 * TON, 0)]
    assert list_movements(uow, alice, kind="deposit").total == 2
    assert list_movements(uow, alice, kind="payout").items == []


def test_payout_flow_shows_hold_then_settlement(uow, alice_bob):
    alice, _ = alice_bob
    operator = make_user(uow, operator=True)
    deposit(uow, alice, 10 * TON, "TON")
    payout = bitcoin_payout(uow, alice, "1", key="p1")
    mark_payout_paid(uow, operator, payout.id, reference="ab" * 32)
    page = list_movements(uow, alice)
    assert summary(page)[:2] == [
        ("payout", "TON", 0, -1_100_000_000),
        ("payout_hold", "TON", -1_100_000_000, 1_100_000_000),
    ]
    assert page.items[0].memo == f"bitcoin payout #{payout.id} to {TAPROOT}"
    assert {m.kind for m in page.items} <= set(MOVEMENT_KINDS)
    assert list_movements(uow, operator).items == []  # the operator's decision moves no money of theirs


def test_a_page_is_two_queries(uow, alice_bob):
    alice, _ = alice_bob
    for _ in range(5):
        deposit(uow, alice, TON, "TON")
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(uow.engine, "before_cursor_execute", count)
    try:
        list_movements(uow, alice, page_size=2)
    finally:
        event.remove(uow.engine, "before_cursor_execute", count)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2


def test_sqlite_plan_reads_postings_through_the_account_index(uow, alice_bob):
    if uow.is_postgres:
        pytest.skip("PostgreSQL picks by table statistics; the plan of a tiny test table says nothing")
    alice, _ = alice_bob
    deposit(uow, alice, TON, "TON")

    query = _movements(alice, None, None)
    with uow.read() as s:
        compiled = query.compile(s.get_bind(), compile_kwargs={"literal_binds": True})
        plan = " ".join(str(row) for row in s.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
    assert "ix_ledger_postings_account_tx" in plan


def test_csv_export(uow, alice_bob):
    alice, bob = alice_bob
    deposit(uow, alice, 1_500_000_000, "TON", memo="=HYPERLINK(evil)")
    ledger.hold(uow, alice, "TON", 500_000_000, "h-csv")
    deposit(uow, alice, 2 * USDT, "USDT")
    deposit(uow, bob, TON, "TON")
    rows = list(csv.reader(io.StringIO(movements_csv(uow, alice))))
    assert tuple(rows[0]) == CSV_HEADER
    body = [row[2:] for row in rows[1:]]
    assert body == [
        ["deposit", "USDT", "2.000000", "0.000000", "", "From the TON blockchain"],
        ["hold", "TON", "-0.500000000", "0.500000000", "", ""],
        ["deposit", "TON", "1.500000000", "0.000000000", "'=HYPERLINK(evil)", "From the TON blockchain"],
    ]
    for row in rows[1:]:
        assert row[0].endswith("Z")
        assert datetime.fromisoformat(row[0]).tzinfo == UTC
    only_ton = list(csv.reader(io.StringIO(movements_csv(uow, alice, asset="TON", kind="hold"))))
    assert [row[2] for row in only_ton[1:]] == ["hold"]


# --- what each movement is about -------------------------------------------------------------------


def about(uow, user_id, lang="en", **filters) -> list[tuple[str, str]]:
    """(kind, description) of the user's movements, newest first; the memo never shows."""
    items = list_movements(uow, user_id, **filters).items
    for m in items:
        assert m.about is None or m.memo not in m.about.text(lang) or not m.memo
    return [(m.kind, m.about.text(lang) if m.about else "") for m in items]


def test_a_deposit_is_from_the_chain(uow, alice_bob):
    alice, _ = alice_bob
    deposit(uow, alice, TON, memo="chain tx " + "ab" * 32)
    assert about(uow, alice) == [("deposit", "From the TON blockchain")]
    assert about(uow, alice, "ru") == [("deposit", "Из блокчейна TON")]


def test_a_withdrawal_names_its_destination(uow, alice_bob):
    alice, _ = alice_bob
    deposit(uow, alice, 10 * TON)
    view = withdrawals.request_ton_withdrawal(
        uow, alice, asset="TON", address="0:" + "cd" * 32, amount="1.5", idempotency_key="w1", settings=get_settings()
    )
    address = view.destination_friendly
    assert about(uow, alice)[0] == ("withdrawal_hold", f"To {address[:6]}…{address[-6:]}")
    assert about(uow, alice, "ru")[0] == ("withdrawal_hold", f"На адрес {address[:6]}…{address[-6:]}")


def test_a_sell_ad_reserve_names_the_ad(uow):
    owner, _taker, ad_id = sell_ad(uow)
    assert about(uow, owner)[0] == ("ad_reserve", f"Sell ad #{ad_id}: TON for RUB")
    assert about(uow, owner, "ru")[0] == ("ad_reserve", f"Объявление №{ad_id}: продажа TON за RUB")


def test_deal_escrow_and_release_name_the_deal_and_the_counterparty(uow):
    buyer, seller, ad_id = buy_ad(uow)  # the taker sells into the owner's buy ad: their escrow is posted
    with uow.transaction() as s:
        s.get(User, buyer).display_name = "Bob the buyer"
    deal = open_deal(uow, seller, ad_id)
    deals.mark_fiat_sent(uow, buyer, deal.id, now=NOW)
    deals.release(uow, seller, deal.id, now=NOW)
    with uow.read() as s:
        seller_wallet = s.get(User, seller).wallet_address
    seller_short = Address(seller_wallet).to_str(is_user_friendly=True, is_bounceable=False)
    seller_short = f"{seller_short[:4]}…{seller_short[-4:]}"
    assert about(uow, seller)[:2] == [
        ("deal_release", f"Deal #{deal.id} with Bob the buyer"),
        ("deal_escrow", f"Deal #{deal.id} with Bob the buyer"),
    ]
    # A counterparty without a name is their short wallet address.
    assert about(uow, buyer) == [("deal_release", f"Deal #{deal.id} with {seller_short}")]
    assert about(uow, buyer, "ru") == [("deal_release", f"Сделка №{deal.id} с {seller_short}")]


def test_invoice_payment_and_refund_name_the_invoice_number_and_title(uow):
    merchant, payer = make_user(uow), make_user(uow, balance=5 * TON)
    paid = make_invoice(uow, merchant, title="Coffee beans")
    pay_invoice(uow, payer, paid.number)
    assert about(uow, payer)[:2] == [
        ("invoice_payment", f"Invoice {paid.number} · Coffee beans"),
        ("invoice_hold", f"Invoice {paid.number} · Coffee beans"),
    ]
    assert about(uow, merchant) == [("invoice_payment", f"Invoice {paid.number} · Coffee beans")]
    # A payment in two parts, one funded, then cancelled: the part comes back, and says which it was.
    split = make_invoice(uow, merchant, title="VPN key", amount="2", max_parts=2)
    started = payments.start_payment(
        uow, payer, split.number, parts=["1", "1"], idempotency_key="split", settings=INVOICE_SETTINGS,
        rates=RATES, now=NOW,
    )  # fmt: skip
    payments.fund_part_from_balance(
        uow, payer, started.id, started.parts[0].id, settings=INVOICE_SETTINGS, rates=RATES, now=NOW
    )
    payments.cancel_payment(uow, payer, started.id, now=NOW)
    assert about(uow, payer)[:2] == [
        ("invoice_refund", f"Invoice {split.number} · VPN key · part 1 of 2"),
        ("invoice_hold", f"Invoice {split.number} · VPN key · part 1 of 2"),
    ]
    assert about(uow, payer, "ru")[0] == ("invoice_refund", f"Счёт {split.number} · VPN key · часть 1 из 2")


def test_a_payout_names_its_network_and_destination(uow, alice_bob):
    alice, _ = alice_bob
    deposit(uow, alice, 10 * TON)
    bitcoin_payout(uow, alice, "1", key="p-about")
    assert about(uow, alice)[0] == ("payout_hold", f"Bitcoin, to {TAPROOT[:6]}…{TAPROOT[-6:]}")


def test_another_users_rows_are_never_described(uow, alice_bob):
    """A memo is only a pointer: a movement is described from the reader's own rows, never another's."""
    alice, bob = alice_bob
    owner, _taker, ad_id = sell_ad(uow)
    deposit(uow, alice, TON, memo=f"ad:{ad_id}")
    with uow.transaction() as s:  # a hand-made posting of an ad kind whose memo names someone else's ad
        leg = Leg(ledger.user_account(s, alice, "TON"), ledger.user_account(s, alice, "TON", "held"), TON)
        ledger.post(s, idempotency_key="odd", kind="ad_reserve", legs=[leg], memo=f"ad:{ad_id}")
    assert about(uow, alice)[0] == ("ad_reserve", "")


def test_descriptions_cost_one_query_per_family_on_the_page(uow, alice_bob):
    alice, _ = alice_bob
    deposit(uow, alice, 10 * TON)
    for key in ("a", "b", "c"):
        bitcoin_payout(uow, alice, "1", key=key)
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(uow.engine, "before_cursor_execute", count)
    try:
        list_movements(uow, alice)
    finally:
        event.remove(uow.engine, "before_cursor_execute", count)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 3
