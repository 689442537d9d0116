"""The cryptopay compatibility API's webhooks (being built: issue 15)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session


def invoice_changed(session: Session, *, invoice_id: int, type: str, payment_id: int | None, now: datetime) -> None:
    """Queue this API's webhook if the invoice is one of its own."""
