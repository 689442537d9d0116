from datetime import datetime

from sqlalchemy import BigInteger, Column, Text
from sqlmodel import Field, SQLModel

from krypton_app.models.common import timestamp_column, utcnow


class DealDestination(SQLModel, table=True):
    """Where a buy deal's crypto goes once the seller releases it (SPEC F7; services/buy_deals.py): the
    buyer's balance, a Bitcoin address or a Lightning invoice (a payout from the buyer's balance), or a
    promise. Written with the deal, validated before it; the release fills in what it made."""

    __tablename__ = "deal_destinations"

    deal_id: int = Field(foreign_key="deals.id", primary_key=True)
    kind: str = Field(max_length=16)  # balance | bitcoin | lightning | promise
    # The normalised Bitcoin address or BOLT11 invoice ("" for balance and promise).
    target: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    # What the release made: delivered (payout queued / promise issued / credited), or to_balance when
    # the destination could no longer be served (`reason`: the refusal's error code); None until then.
    outcome: str | None = Field(default=None, max_length=16)
    reason: str | None = Field(default=None, max_length=64)
    # What the payout sends, in the asset: the bought amount less the payout fee (Bitcoin), the invoice's
    # cost at the rate of the opening (Lightning); None for balance and promise.
    payout_amount: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    payout_id: int | None = Field(default=None, foreign_key="payouts.id")
    promise_id: int | None = Field(default=None, foreign_key="promises.id")
    # The bought promise's code, sealed (services/crypto.py) until the buyer's deal page shows it once.
    code_sealed: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
