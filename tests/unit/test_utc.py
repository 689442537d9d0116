"""The one UTC helper: what SQLite hands back without a zone is read as UTC, never as local time."""

from datetime import UTC, datetime, timedelta, timezone

from krypton_app.models.common import as_utc, utcnow


def test_a_naive_moment_is_read_as_utc_and_an_aware_one_converted():
    assert as_utc(datetime(2026, 11, 23, 12, 0)) == datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    moscow = datetime(2026, 11, 23, 15, 0, tzinfo=timezone(timedelta(hours=3)))
    converted = as_utc(moscow)
    assert converted.tzinfo is UTC and converted.hour == 12
    assert as_utc(None) is None


def test_now_is_aware_utc():
    assert utcnow().tzinfo is UTC
