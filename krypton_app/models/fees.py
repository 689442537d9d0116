from datetime import datetime

from sqlmodel import Field, SQLModel

from krypton_app.models.common import money_column, timestamp_column, utcnow


class FeeRuleRow(SQLModel, table=True):
    """One line of the fee schedule an operator set (domain/fees.py): until an operator sets one, the
    operation's default from the settings applies (services/fees.py). Every change is also an audit line
    with the old and the new rule (services/audit.py FEE_CHANGED)."""

    __tablename__ = "fee_rules"

    operation: str = Field(primary_key=True, max_length=20)
    asset: str = Field(primary_key=True, foreign_key="assets.code", max_length=8)
    # The percent as parts per million of the amount (1 % = 10 000): exact on SQLite and PostgreSQL.
    ppm: int = Field(default=0)
    flat: int = Field(default=0, sa_column=money_column())
    minimum: int = Field(default=0, sa_column=money_column())
    payer: str | None = Field(default=None, max_length=10)  # deals only: maker | taker
    updated_by: int | None = Field(default=None, foreign_key="users.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
