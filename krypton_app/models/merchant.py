from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from krypton_app.models.common import timestamp_column, utcnow


class ApiKey(SQLModel, table=True):
    """A merchant API key: only a hash is stored; the secret is shown once at creation."""

    __tablename__ = "api_keys"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    name: str = Field(default="", max_length=64)
    prefix: str = Field(unique=True, max_length=48)  # public part, shown in lists and used for lookup
    key_hash: str = Field(max_length=128)
    # krypton: a Bearer key of the REST API; cryptopay | heleket: credentials of that compatibility API
    # (services/compat_keys.py), whose secrets are kept sealed because those APIs sign with the secret itself.
    flavour: str = Field(default="krypton", max_length=16, sa_column_kwargs={"server_default": "krypton"})
    secret_sealed: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    payout_secret_sealed: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # Heleket's
    webhook_url: str | None = Field(default=None, max_length=2000)  # a Crypto Pay app's one webhook URL
    scopes: str = Field(max_length=200)  # space-separated: invoices:read invoices:write webhooks:write
    is_test: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    last_used_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))


class ApiIdempotencyRecord(SQLModel, table=True):
    """The first response to a POST with an Idempotency-Key, replayed for the same key and body.
    Keys are the merchant's per mode: a sandbox key can neither replay nor take a live request's key."""

    __tablename__ = "api_idempotency"
    __table_args__ = (UniqueConstraint("user_id", "is_test", "key", name="uq_api_idempotency_user_mode_key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id")
    is_test: bool = Field(default=False)
    key: str = Field(max_length=200)
    request_hash: str = Field(max_length=64)
    status_code: int
    response_body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class WebhookSecret(SQLModel, table=True):
    """A merchant's signing secret for webhooks, encrypted with the app's key: one for live events and
    one for test events, so a receiver that trusts only the live secret cannot be fed sandbox events."""

    __tablename__ = "webhook_secrets"

    user_id: int = Field(foreign_key="users.id", primary_key=True)
    is_test: bool = Field(default=False, primary_key=True)
    secret_encrypted: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class WebhookEvent(SQLModel, table=True):
    """Outbox row: written in the same transaction as the change it reports; delivered by a worker."""

    __tablename__ = "webhook_events"
    __table_args__ = (Index("ix_webhook_events_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(unique=True, max_length=64)  # Krypton-Event-Id, stable across retries
    merchant_id: int = Field(foreign_key="users.id")
    invoice_id: int | None = Field(default=None, foreign_key="invoices.id", index=True)
    payment_id: int | None = Field(default=None, foreign_key="invoice_payments.id")
    type: str = Field(max_length=48)
    url: str = Field(max_length=2000)
    body: str = Field(sa_column=Column(Text, nullable=False))  # exact bytes that are signed and sent
    is_test: bool = Field(default=False)
    # krypton: Krypton's envelope, signed when sent (Krypton-Signature); cryptopay | heleket: an invoice made
    # through that compatibility API, in its shape, signed once with the body (`signature`: Crypto Pay's
    # header value; Heleket's sign is inside the body).
    flavour: str = Field(default="krypton", max_length=16, sa_column_kwargs={"server_default": "krypton"})
    signature: str | None = Field(default=None, max_length=128)
    status: str = Field(default="pending", max_length=16)  # pending | delivered | failed
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    delivered_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))


class WebhookDelivery(SQLModel, table=True):
    """One attempt to deliver an event: what was sent and what came back."""

    __tablename__ = "webhook_deliveries"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="webhook_events.id", index=True)
    attempt: int
    request_headers: str = Field(sa_column=Column(Text, nullable=False))
    status_code: int | None = Field(default=None)
    response_ms: int | None = Field(default=None)
    response_excerpt: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
