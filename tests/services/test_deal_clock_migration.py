"""Migration 0014 gives every deal its original payment deadline (opened plus its ad's payment window),
so an undo of "I have paid" after the upgrade returns to it; on SQLite and PostgreSQL, and back down."""

from datetime import UTC, datetime

from alembic import command
from migrations import alembic, revision_before
from sqlalchemy import inspect, text

from krypton_app.db import make_engine
from krypton_app.models.common import as_utc

REVISION = "0014_deal_paid_window"
# The revision 0014 follows, whichever that is after merges.
BEFORE = revision_before(REVISION)
OPENED = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_0014_backfills_the_payment_deadline_from_the_ads_window_and_goes_back_down(empty_url):
    alembic(empty_url, command.upgrade, BEFORE)
    engine = make_engine(empty_url)
    with engine.begin() as c:
        c.execute(text("INSERT INTO assets (code, name, decimals) VALUES ('TON', 'Toncoin', 9)"))
        c.execute(
            text("INSERT INTO fiat_currencies (code, name_en, name_ru, decimals) VALUES ('RUB', 'Ruble', 'Рубль', 2)")
        )
        c.execute(
            text("INSERT INTO countries (code, name_en, name_ru, fiat_code) VALUES ('RU', 'Russia', 'Россия', 'RUB')")
        )
        for user_id in (7, 8):
            c.execute(
                text(
                    "INSERT INTO users (id, wallet_address, display_name, language, created_at) VALUES "
                    "(:id, :address, '', 'en', CURRENT_TIMESTAMP)"
                ),
                {"id": user_id, "address": f"0:{user_id}"},
            )
        c.execute(
            text(
                "INSERT INTO ads (id, owner_id, side, asset, fiat, country, methods, price_kind, price,"
                " min_amount, max_amount, total_volume, remaining, payment_window_min, terms,"
                " min_completed_deals, status, created_at, updated_at) VALUES (1, 7, 'sell', 'TON', 'RUB',"
                " 'RU', 'sbp', 'fixed', 42000, 1, 5, 10, 10, 30, '', 0, 'active', CURRENT_TIMESTAMP,"
                " CURRENT_TIMESTAMP)"
            )
        )
        c.execute(
            text(
                "INSERT INTO deals (id, ad_id, seller_id, buyer_id, taker_id, asset, amount, fiat, fiat_amount, price,"
                " method, status, release_to, idempotency_key, deadline_at, created_at, updated_at) VALUES"
                " (1, 1, 7, 8, 8, 'TON', 1, 'RUB', 420, 42000, 'sbp', 'fiat_sent', 'buyer', 'k', :opened, :opened,"
                " :opened)"
            ),
            {"opened": OPENED},
        )
    engine.dispose()

    alembic(empty_url, command.upgrade, REVISION)
    engine = make_engine(empty_url)
    with engine.connect() as c:
        deadline, opens = c.execute(text("SELECT payment_deadline_at, dispute_opens_at FROM deals")).one()
    engine.dispose()
    # SQLite answers a raw SELECT with the stored text; PostgreSQL with a datetime.
    deadline = as_utc(datetime.fromisoformat(deadline) if isinstance(deadline, str) else deadline)
    assert deadline == datetime(2026, 12, 1, 12, 30, tzinfo=UTC) and opens is None

    alembic(empty_url, command.downgrade, BEFORE)
    engine = make_engine(empty_url)
    with engine.connect() as c:
        columns = {column["name"] for column in inspect(c).get_columns("deals")}
    engine.dispose()
    assert not {"payment_deadline_at", "dispute_opens_at"} & columns
    alembic(empty_url, command.upgrade, "head")
