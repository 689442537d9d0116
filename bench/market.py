"""Marketplace query time and deal transitions per second on PostgreSQL: `python bench/market.py`.

In a scratch database (created here, dropped at the end): migrate, load the catalog, insert ADS ads
spread over OWNERS owners, sides, assets, fiats, countries and methods, then
- browse: the marketplace's filtered, sorted page (side, asset, fiat, country, method, amount; price,
  then the owner's completed deals) as `services.market.browse` issues it, against a baseline: the
  first page of the same table without filters, ordered by id. Median of REPEAT runs each; also the
  whole `browse()` call with its trader cards.
- deals: WORKERS threads open a deal on a sell ad, mark fiat sent and release it (three transitions,
  each with its ledger posting, event, chat message and notifications) for SECONDS, against
  `ledger.transfer` in the same threads for as long: the least a money-moving transaction costs.
The server is KRYPTON_BENCH_DATABASE_URL.
"""

from __future__ import annotations

import os
import random
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import insert, text
from sqlalchemy.engine import URL, make_url

from krypton_app.cli import migrate
from krypton_app.db import UnitOfWork, make_engine
from krypton_app.domain.ledger import EXTERNAL, Leg
from krypton_app.models import Ad, User
from krypton_app.services import ledger, ledger_reads
from krypton_app.services.ad_views import select_ads
from krypton_app.services.ads import AdDraft, create_ad
from krypton_app.services.catalog import load_catalog
from krypton_app.services.market import _current_price, _filters, browse
from krypton_app.services.rates import StaticRateProvider
from krypton_app.services.reputation import completed_deals_expr
from krypton_app.settings import Settings

SERVER = os.environ.get("KRYPTON_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ADS = 10_000
OWNERS = 500
REPEAT = 50
WORKERS = 8
SECONDS = 5.0
TON = 10**9
RATES = StaticRateProvider(Settings().rates)
MARKETS = [
    ("RUB", "RU", ["sbp", "card", "cash"]),
    ("KZT", "KZ", ["kaspi", "card"]),
    ("USD", "US", ["bank_transfer", "cash"]),
]
FILTER = dict(side="sell", asset="TON", fiat="RUB", country="RU", method="sbp", amount="2")


def seed_ads(uow: UnitOfWork) -> list[int]:
    rng = random.Random(1)
    with uow.transaction() as s:
        users = [User(wallet_address=f"0:{n:064x}", display_name=f"trader {n}") for n in range(OWNERS)]
        s.add_all(users)
        s.flush()
        owners = [u.id for u in users]
        rows, now = [], datetime.now(UTC)
        for _ in range(ADS):
            fiat, country, methods = rng.choice(MARKETS)
            low = rng.randint(1, 5) * TON
            rows.append(
                dict(
                    owner_id=rng.choice(owners),
                    side=rng.choice(["sell", "buy"]),
                    asset=rng.choice(["TON", "USDT"]),
                    fiat=fiat,
                    country=country,
                    methods=" ".join(rng.sample(methods, rng.randint(1, len(methods)))),
                    price_kind="fixed",
                    price=rng.randint(40_000, 44_000),
                    min_amount=low,
                    max_amount=low * 4,
                    total_volume=low * 10,
                    remaining=low * rng.randint(0, 10),
                    status=rng.choice(["active"] * 4 + ["paused"]),
                    terms="",
                    created_at=now,
                    updated_at=now,
                )
            )
        s.execute(insert(Ad.__table__), rows)
    with uow.engine.begin() as c:
        c.execute(text("ANALYZE"))
    return owners


def median_ms(run: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEAT):
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def query_times(uow: UnitOfWork) -> tuple[float, float, float, int]:
    ads = Ad.__table__
    with uow.read() as s:
        where = _filters(s, **FILTER)
        price = _current_price(s, "TON", "RUB", None)
        filtered = (
            select_ads()
            .where(*where)
            .order_by(price.asc(), completed_deals_expr(ads.c.owner_id).desc(), ads.c.id)
            .limit(20)
        )
        baseline = select_ads().order_by(ads.c.id).limit(20)
        found = len(s.execute(filtered).all())
        filtered_ms = median_ms(lambda: s.execute(filtered).all())
        baseline_ms = median_ms(lambda: s.execute(baseline).all())
    browse_ms = median_ms(lambda: browse(uow, **FILTER))
    return filtered_ms, baseline_ms, browse_ms, found


def deal_worker(uow: UnitOfWork, ads: list[tuple[int, int]], takers: list[int]) -> Callable[[int, float], int]:
    from krypton_app.services import deals

    def work(n: int, deadline: float) -> int:
        ad_id, seller = ads[n]
        rng, count = random.Random(n), 0
        while time.perf_counter() < deadline:
            now = datetime.now(UTC)
            deal = deals.open_deal(
                uow,
                rng.choice(takers),
                ad_id,
                amount="1",
                method="sbp",
                idempotency_key=uuid.uuid4().hex,
                rates=RATES,
                now=now,
            )
            deals.mark_fiat_sent(uow, deal.buyer_id, deal.id, now=now)
            deals.release(uow, seller, deal.id, now=now)
            count += 3
        return count

    return work


def transfer_worker(uow: UnitOfWork, users: list[int]) -> Callable[[int, float], int]:
    def work(n: int, deadline: float) -> int:
        rng, count = random.Random(n), 0
        while time.perf_counter() < deadline:
            sender, receiver = rng.sample(users, 2)
            ledger.transfer(uow, sender, receiver, "TON", 1, f"bench-{uuid.uuid4()}")
            count += 1
        return count

    return work


def measure(worker: Callable[[int, float], int]) -> float:
    done = [0] * WORKERS
    start = threading.Barrier(WORKERS + 1)

    def run(n: int) -> None:
        start.wait()
        done[n] = worker(n, time.perf_counter() + SECONDS)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - began)


def setup_deals(uow: UnitOfWork, owners: list[int]) -> tuple[list[tuple[int, int]], list[int]]:
    sellers, takers = owners[:WORKERS], owners[WORKERS : WORKERS + 100]
    with uow.transaction() as s:
        external = ledger.system_account(s, EXTERNAL, "TON")
        legs = [Leg(external, ledger.user_account(s, u, "TON"), 10**15) for u in sellers + takers]
        ledger.post(s, idempotency_key="bench-funding", kind="deposit", legs=legs)
    draft = AdDraft(
        side="sell",
        asset="TON",
        fiat="RUB",
        country="RU",
        methods=("sbp",),
        price_kind="fixed",
        price="420",
        margin_percent=None,
        min_amount="1",
        max_amount="1",
        total_volume="1000000",
    )
    ads = [(create_ad(uow, u, draft, rates=RATES, idempotency_key="bench").id, u) for u in sellers]
    return ads, takers


def main() -> None:
    server = make_url(SERVER)
    scratch: URL = server.set(database=f"krypton_bench_{uuid.uuid4().hex[:10]}")
    admin = make_engine(server.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{scratch.database}"'))
    try:
        url = scratch.render_as_string(hide_password=False)
        migrate(url)
        uow = UnitOfWork(make_engine(url, pool_size=WORKERS + 2))
        load_catalog(uow)
        owners = seed_ads(uow)
        filtered_ms, baseline_ms, browse_ms, found = query_times(uow)
        ads, takers = setup_deals(uow, owners)
        try:
            transitions = measure(deal_worker(uow, ads, takers))
        except ImportError:
            transitions = None  # the deal service has not landed
        transfers = measure(transfer_worker(uow, takers))
        report = ledger_reads.check_invariants(uow)
        uow.engine.dispose()
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)'))
        admin.dispose()

    print(f"{ADS} ads, {OWNERS} owners, {server.host}:{server.port}; filter {FILTER} ({found} on the first page)")
    print(f"filtered market query  {filtered_ms:8.2f} ms (median of {REPEAT})")
    print(f"baseline (no filters)  {baseline_ms:8.2f} ms")
    print(f"ratio filtered / base  {filtered_ms / baseline_ms:8.2f}")
    print(f"browse() with cards    {browse_ms:8.2f} ms")
    if transitions is None:
        print("deal transitions       not measured: services/deals.py is missing")
    else:
        print(f"deal transitions       {transitions:8.0f} /s  ({WORKERS} threads, open + fiat sent + release)")
        print(f"ledger transfers       {transfers:8.0f} /s")
        print(f"ratio transitions/xfer {transitions / transfers:8.2f}")
    checked = "ok" if report.ok else "; ".join(report.violations)
    print(f"invariants after the run: {checked}")


if __name__ == "__main__":
    main()
