from datetime import datetime

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel

from krypton_app.models.common import money_column, timestamp_column, utcnow


class FeeSweep(SQLModel, table=True):
    """One on-chain transfer of an asset's whole fee balance from the hot wallet to the owner's wallet
    (SPEC F12). Sent by the withdrawal sender, one message per seqno like a withdrawal; the amount sits in
    the FEE_SWEEP ledger account from creation until the chain confirms it or it comes back to FEES."""

    __tablename__ = "fee_sweeps"

    id: int | None = Field(default=None, primary_key=True)
    asset: str = Field(foreign_key="assets.code", max_length=8, index=True)
    amount: int = Field(sa_column=money_column())
    destination: str = Field(max_length=80)  # raw `wc:hex` of the owner's wallet
    destination_friendly: str = Field(max_length=64)
    # pending -> sent -> confirmed | (expired -> pending again) | returned (to FEES: never executed, bounced)
    status: str = Field(default="pending", max_length=16, index=True)
    forced_by: int | None = Field(default=None, foreign_key="users.id")  # the operator; None: the threshold
    attempts: int = Field(default=0)
    seqno: int | None = Field(default=None)
    valid_until: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    message_hash: str | None = Field(default=None, max_length=64, index=True)  # normalised ext-in hash
    chain_tx_hash: str | None = Field(default=None, max_length=64)
    failure: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class SweepSetting(SQLModel, table=True):
    """An asset's sweep threshold as an operator set it; an asset without a row uses the default
    (services/fee_sweeps.py DEFAULT_THRESHOLDS)."""

    __tablename__ = "sweep_settings"

    asset: str = Field(foreign_key="assets.code", max_length=8, primary_key=True)
    threshold: int = Field(sa_column=money_column())  # minor units
    updated_by: int | None = Field(default=None, foreign_key="users.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
