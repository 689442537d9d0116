"""The codes of promises a payment part gave its payer (the change of a bigger promise, the refund of a
promise-funded part), kept sealed on the part (services/crypto.py) until the payer's page shows them,
once (services/promise_parts.take_promise_codes). A code never shown is not lost: its promise is the
payer's own, and cancelling it from "My promises" brings the money to their balance."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlmodel import Session

from krypton_app.models.invoices import PaymentPart
from krypton_app.services.crypto import seal, unseal
from krypton_app.settings import Settings

_parts = PaymentPart.__table__


@dataclass(frozen=True)
class PromiseCode:
    part_position: int
    origin: str  # change | refund (domain/promises.py ORIGINS)
    asset: str
    amount: int
    code: str


def keep_code(s: Session, part_id: int, *, settings: Settings, origin: str, asset: str, amount: int, code: str) -> None:
    """Add a code to the part's sealed list, in the caller's transaction (which holds the part's payment)."""
    sealed = s.execute(select(_parts.c.promise_codes_sealed).where(_parts.c.id == part_id)).scalar_one()
    codes = list(unseal(settings, sealed)) if sealed else []
    codes.append({"origin": origin, "asset": asset, "amount": amount, "code": code})
    s.execute(update(_parts).where(_parts.c.id == part_id).values(promise_codes_sealed=seal(settings, codes)))
