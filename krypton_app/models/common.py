from datetime import UTC, datetime

from sqlalchemy import BigInteger, Column, DateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


def money_column(**kwargs) -> Column:
    """Minor units as BIGINT: 5e9 TON in nanotons still fits in 63 bits."""
    return Column(BigInteger, nullable=False, **kwargs)


def timestamp_column(*, nullable: bool = False, **kwargs) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable, **kwargs)
