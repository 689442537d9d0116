"""Migration 0007 gives existing sell ads back the key they were created with (from their reserve
posting), so a retry after the upgrade still finds its ad; on SQLite and PostgreSQL."""

from alembic import command
from migrations import alembic
from sqlalchemy import text

from krypton_app.db import make_engine


def test_0007_backfills_sell_ad_keys_from_their_reserve(empty_url):
    alembic(empty_url, command.upgrade, "0006")
    engine = make_engine(empty_url)
    with engine.begin() as c:
        c.execute(text("INSERT INTO assets (code, name, decimals) VALUES ('TON', 'Toncoin', 9)"))
        c.execute(
            text("INSERT INTO fiat_currencies (code, name_en, name_ru, decimals) VALUES ('RUB', 'Ruble', 'Рубль', 2)")
        )
        c.execute(
            text("INSERT INTO countries (code, name_en, name_ru, fiat_code) VALUES ('RU', 'Russia', 'Россия', 'RUB')")
        )
        c.execute(
            text(
                "INSERT INTO users (id, wallet_address, display_name, language, is_operator, created_at) VALUES "
                "(7, '0:seven', '', 'en', false, CURRENT_TIMESTAMP)"
            )
        )
        for ad_id, side in ((1, "sell"), (2, "buy"), (3, "sell")):
            c.execute(
                text(
                    "INSERT INTO ads (id, owner_id, side, asset, fiat, country, methods, price_kind, price,"
                    " min_amount, max_amount, total_volume, remaining, payment_window_min, terms,"
                    " min_completed_deals, status, created_at, updated_at) VALUES (:id, 7, :side, 'TON', 'RUB',"
                    " 'RU', 'sbp', 'fixed', 42000, 1, 5, 10, 10, 15, '', 0, 'active', CURRENT_TIMESTAMP,"
                    " CURRENT_TIMESTAMP)"
                ),
                {"id": ad_id, "side": side},
            )
        # Ad 1: its create reserve, then a resume's reserve; ad 3: only a resume's (no create key known).
        for key, memo in (("ad_reserve:7:k1", "ad:1"), ("ad_reserve:ad1:abc", "ad:1"), ("ad_reserve:ad3:def", "ad:3")):
            c.execute(
                text(
                    "INSERT INTO ledger_transactions (idempotency_key, kind, memo, request_hash, created_at)"
                    " VALUES (:key, 'ad_reserve', :memo, 'h', CURRENT_TIMESTAMP)"
                ),
                {"key": key, "memo": memo},
            )
    engine.dispose()

    alembic(empty_url, command.upgrade, "0007")
    engine = make_engine(empty_url)
    with engine.connect() as c:
        keys = dict(c.execute(text("SELECT id, idempotency_key FROM ads ORDER BY id")).all())
    engine.dispose()
    assert keys == {1: "7:k1", 2: None, 3: None}

    alembic(empty_url, command.downgrade, "0006")
    alembic(empty_url, command.upgrade, "head")
