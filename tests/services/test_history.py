"""A user's movement history and its CSV export, on SQLite and PostgreSQL."""

import csv
import io
from datetime import UTC, datetime

import pytest
from builders import TAPROOT, bitcoin_payout, deposit, make_user
from sqlalchemy import event

from krypton_app.services import ledger
from krypton_app.services.history import CSV_HEADER, MOVEMENT_KINDS, _movements, list_movements, movements_csv
from krypton_app.services.payout_queue import mark_payout_paid

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
        ["deposit", "USDT", "2.000000", "0.000000", ""],
        ["hold", "TON", "-0.500000000", "0.500000000", ""],
        ["deposit", "TON", "1.500000000", "0.000000000", "'=HYPERLINK(evil)"],
    ]
    for row in rows[1:]:
        assert row[0].endswith("Z")
        assert datetime.fromisoformat(row[0]).tzinfo == UTC
    only_ton = list(csv.reader(io.StringIO(movements_csv(uow, alice, asset="TON", kind="hold"))))
    assert [row[2] for row in only_ton[1:]] == ["hold"]
