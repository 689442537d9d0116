"""Promise rules without a database: the transition table, reading a code out of a pasted link, expiry
as it reads before the worker ends a promise, and who may redeem."""

from datetime import UTC, datetime, timedelta

import pytest

from krypton_app.domain import promises as rules
from krypton_app.domain.promises import PromiseRefused

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
CODE = "kOq1raEkSaq1ysGF6O7CmGWHOb4NWliA"


def test_only_active_promises_move_and_every_end_is_final():
    ends = {"redeemed", "cancelled", "expired"}
    assert {t for t in rules.STATUSES if rules.may_transition(rules.ACTIVE, t)} == ends | {"in_deal"}
    # A deal selling the promise gives it back or sells it: it never cancels or expires it.
    assert {t for t in rules.STATUSES if rules.may_transition(rules.IN_DEAL, t)} == {"active", "redeemed"}
    for end in ("redeemed", "cancelled", "expired"):
        assert not any(rules.may_transition(end, t) for t in rules.STATUSES)
    assert not rules.may_transition(rules.ACTIVE, rules.ACTIVE)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        (CODE, CODE),
        (f"  {CODE}\n", CODE),
        (f"https://krypton.example/p/{CODE}", CODE),
        (f"https://krypton.example/p/{CODE}/?utm=x#top", CODE),
        (CODE[:-1], None),  # one character short
        (CODE + "A", None),
        (CODE[:-1] + "=", None),  # not the URL-safe alphabet
        ("", None),
        (None, None),
    ],
)
def test_a_code_is_read_from_what_was_pasted(typed, code):
    assert rules.normalise_code(typed) == code


def test_expiry_reads_before_the_worker_runs():
    later = NOW + timedelta(hours=1)
    assert rules.effective_status("active", later, NOW) == "active"
    assert rules.effective_status("active", NOW, NOW) == "expired"
    assert rules.effective_status("active", None, NOW) == "active"
    assert rules.effective_status("redeemed", NOW - timedelta(1), NOW) == "redeemed"


def test_who_may_redeem_and_cancel():
    rules.check_redeemable("active", None, None, 7, NOW)
    rules.check_redeemable("active", None, 7, 7, NOW)
    with pytest.raises(PromiseRefused) as refused:
        rules.check_redeemable("active", None, 8, 7, NOW)
    assert refused.value.code == "promise_pinned"
    with pytest.raises(PromiseRefused) as refused:
        rules.check_redeemable("active", NOW, None, 7, NOW)
    assert refused.value.code == "promise_expired"
    with pytest.raises(PromiseRefused) as refused:
        rules.check_redeemable("cancelled", None, None, 7, NOW)
    assert refused.value.code == "promise_cancelled"
    assert rules.may_cancel("active", 7, 7) and not rules.may_cancel("active", 7, 8)
    assert not rules.may_cancel("redeemed", 7, 7)
    assert all(code.startswith("promise_") for code in rules.ERROR_CODES)


def test_every_refusal_has_a_message_in_both_languages():
    from krypton_app.i18n import CATALOGS, LANGUAGES

    for lang in LANGUAGES:
        assert [c for c in rules.ERROR_CODES if f"error.{c}" not in CATALOGS[lang]] == [], lang
