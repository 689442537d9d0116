from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from krypton_app.models.common import timestamp_column, utcnow


class OperatorAction(SQLModel, table=True):
    """One thing an operator did (a fee changed, a sweep forced, a user blocked, a payout marked paid…),
    written in the same transaction as the action itself: an action without its line cannot commit."""

    __tablename__ = "operator_actions"

    id: int | None = Field(default=None, primary_key=True)
    operator_id: int = Field(foreign_key="users.id", index=True)
    action: str = Field(max_length=40, index=True)  # services/audit.py ACTIONS
    subject: str = Field(default="", max_length=120)  # what it was done to: `user:7`, `fee:invoice_payment:TON`
    # What changed, as plain JSON (old and new values, a reason): shown to operators as it is.
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(index=True))
