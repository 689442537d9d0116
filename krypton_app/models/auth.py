from datetime import datetime

from sqlmodel import Field, SQLModel

from krypton_app.models.common import timestamp_column, utcnow


class UsedProofPayload(SQLModel, table=True):
    """A ton_proof payload that has been spent; the primary key makes a second use fail."""

    __tablename__ = "used_proof_payloads"

    nonce: str = Field(primary_key=True, max_length=64)
    used_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
