"""Column helpers and the app's one pair of UTC helpers: every timestamp is stored and compared in UTC."""

from datetime import UTC, datetime
from typing import overload

from sqlalchemy import BigInteger, Column, DateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


@overload
def as_utc(moment: datetime) -> datetime: ...
@overload
def as_utc(moment: None) -> None: ...
def as_utc(moment: datetime | None) -> datetime | None:
    """The moment as an aware UTC datetime. SQLite hands timestamps back without a zone; they were
    written in UTC, so a naive one is read as UTC (never as the server's local time)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def money_column(**kwargs) -> Column:
    """Minor units as BIGINT: 5e9 TON in nanotons still fits in 63 bits."""
    return Column(BigInteger, nullable=False, **kwargs)


def timestamp_column(*, nullable: bool = False, **kwargs) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable, **kwargs)
