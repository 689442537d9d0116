"""The operator's review queue in the browser: each held chain transaction shows why it waits (in the
operator's language) and only the actions its view allows."""

from __future__ import annotations

import uuid
from pathlib import Path

from helpers import demo_login, shoot, url_of
from playwright.sync_api import Page, expect

from krypton_app.db import UnitOfWork, make_engine
from krypton_app.models import AppliedChainTransaction
from krypton_app.services import deposits


def hold(database_url: str, *, asset: str, amount: int | None, reason: str, detail: str | None = None) -> str:
    """A chain transaction the monitor held for review, as the monitor writes it; returns its hash."""
    tx_hash = uuid.uuid4().hex + uuid.uuid4().hex
    uow = UnitOfWork(make_engine(database_url))
    try:
        with uow.transaction() as s:
            s.add(
                AppliedChainTransaction(
                    hash=tx_hash, lt=1, stream="ton:e2e", outcome="held", asset=asset, amount=amount
                )
            )
            s.flush()
            deposits.record_unmatched(
                s, tx_hash=tx_hash, asset=asset, amount=amount, sender="0:" + "ab" * 32, comment="MEMO2345",
                reason=reason, detail=detail,
            )  # fmt: skip
    finally:
        uow.engine.dispose()
    return tx_hash


def test_the_operator_sees_why_each_deposit_waits_in_english_and_russian(
    page: Page, app_database_url: str, screenshots: Path
):
    demo_login(page)  # demo logins are operators in the browser tests
    zero = hold(app_database_url, asset="USDT", amount=0, reason="amount_not_positive")
    failed = hold(app_database_url, asset="TON", amount=2 * 10**9, reason="apply_failed", detail="RuntimeError: disk")
    page.goto("/operator")
    expect(page).to_have_url(url_of("/operator"))
    page.get_by_test_id("operator-tab-deposits").click()
    zero_item = page.get_by_test_id("deposit-item").filter(has_text=zero[-8:])
    failed_item = page.get_by_test_id("deposit-item").filter(has_text=failed[-8:])
    expect(zero_item.get_by_test_id("deposit-reason")).to_have_text("Nothing arrived to credit: the amount is zero.")
    expect(failed_item.get_by_test_id("deposit-reason")).to_have_text(
        "The monitor could not apply it and went on past it. The error: RuntimeError: disk"
    )
    # Nothing arrived with 0 USDT: it can only be dismissed; the failed one can be credited or returned.
    expect(zero_item.get_by_test_id("deposit-credit")).to_have_count(0)
    expect(zero_item.get_by_test_id("deposit-returned")).to_have_count(0)
    expect(failed_item.get_by_test_id("deposit-credit")).to_be_visible()
    expect(failed_item.get_by_test_id("deposit-returned")).to_be_visible()
    shoot(page, screenshots, "desktop-operator-review")

    page.get_by_test_id("language-switch").get_by_role("radio", name="RU").click()
    expect(zero_item.get_by_test_id("deposit-reason")).to_have_text("Зачислять нечего: сумма равна нулю.")
    expect(failed_item.get_by_test_id("deposit-reason")).to_contain_text("Монитор не смог её провести")
    zero_item.get_by_test_id("deposit-dismiss").click()
    expect(page.get_by_text("Закрыто: ничего не зачислено и не возвращено.")).to_be_visible()
    expect(zero_item).to_have_count(0)
    expect(failed_item).to_have_count(1)
    page.get_by_test_id("language-switch").get_by_role("radio", name="EN").click()
