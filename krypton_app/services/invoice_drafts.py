"""What a merchant asks for when creating an invoice (`InvoiceDraft`), checked field by field into the
invoice's columns. A refusal is InvoiceInvalid naming the first bad field, so a form shows it under
that input and the API returns it with its code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from krypton_app.db import UnitOfWork
from krypton_app.domain import invoices as rules
from krypton_app.domain.invoices import FIXED, FLOATING, PRIVATE, InvoiceInvalid
from krypton_app.domain.money import to_minor
from krypton_app.models.catalog import Country, CountryPaymentMethod, FiatCurrency
from krypton_app.models.ledger import Asset
from krypton_app.services import webhook_urls
from krypton_app.services.invoice_rows import to_utc
from krypton_app.services.users import PHONE, contact_kind, find_user_by_contact
from krypton_app.settings import Settings


@dataclass(frozen=True)
class InvoiceDraft:
    kind: str  # fixed | floating | private
    title: str
    asset: str
    description: str = ""
    amount: str | None = None  # decimal text in asset units (fixed / private)
    fiat_currency: str | None = None
    fiat_amount: str | None = None  # decimal text; the asset amount is then computed at payment time
    min_payment: str | None = None
    max_payments: int | None = None
    max_total: str | None = None
    max_parts: int = 1
    payer_contact: str | None = None
    order_id: str | None = None
    webhook_url: str | None = None
    redirect_url: str | None = None
    allowed_origins: tuple[str, ...] = ()
    expires_in_s: int | None = None
    is_test: bool = False
    # "Pay me in fiat" (SPEC F10, services/fiat_payouts.py): all three, or none.
    payout_country: str | None = None
    payout_fiat: str | None = None
    payout_method: str | None = None


def validate_draft(uow: UnitOfWork, draft: InvoiceDraft, *, settings: Settings, now: datetime) -> dict:
    """The invoice's columns from the draft, or InvoiceInvalid naming the first bad field."""
    if draft.kind not in rules.INVOICE_KINDS:
        raise InvoiceInvalid("invoice_kind_invalid", "kind")
    title = (draft.title or "").strip()
    if not title:
        raise InvoiceInvalid("invoice_title_required", "title")
    if len(title) > rules.TITLE_MAX:
        raise InvoiceInvalid("invoice_text_too_long", "title")
    description = (draft.description or "").strip()
    if len(description) > rules.DESCRIPTION_MAX:
        raise InvoiceInvalid("invoice_text_too_long", "description")
    with uow.read() as s:
        decimals = s.execute(select(Asset.decimals).where(Asset.code == draft.asset)).scalar_one_or_none()
        fiat_decimals = None
        if draft.fiat_currency:
            fiat_decimals = s.execute(
                select(FiatCurrency.decimals).where(FiatCurrency.code == draft.fiat_currency)
            ).scalar_one_or_none()
            if fiat_decimals is None:
                raise InvoiceInvalid("invoice_fiat_invalid", "fiat_currency")
    if decimals is None:
        raise InvoiceInvalid("invoice_asset_invalid", "asset")

    amount = _minor(draft.amount, decimals, "amount")
    fiat_amount = _minor(draft.fiat_amount, fiat_decimals, "fiat_amount") if fiat_decimals is not None else None
    if draft.fiat_amount and fiat_decimals is None:
        raise InvoiceInvalid("invoice_fiat_invalid", "fiat_currency")
    min_payment = _minor(draft.min_payment, decimals, "min_payment")
    max_total = _minor(draft.max_total, decimals, "max_total")
    max_payments = draft.max_payments
    if draft.kind in (FIXED, PRIVATE):
        # Exactly one denomination: the asset amount, or a fiat amount converted when paid.
        if (amount is None) == (fiat_amount is None):
            raise InvoiceInvalid("invoice_amount_required", "amount")
        if min_payment is not None or max_total is not None:
            raise InvoiceInvalid("invoice_limits_invalid", "min_payment" if min_payment else "max_total")
    if draft.kind == FLOATING:
        if amount is not None or fiat_amount is not None:
            raise InvoiceInvalid("invoice_limits_invalid", "amount")
        if max_total is not None and min_payment is not None and max_total < min_payment:
            raise InvoiceInvalid("invoice_limits_invalid", "max_total")
    if draft.kind == PRIVATE:
        if max_payments not in (None, 1):
            raise InvoiceInvalid("invoice_limits_invalid", "max_payments")
        max_payments = 1  # one person pays it once
    if max_payments is not None and max_payments < 1:
        raise InvoiceInvalid("invoice_limits_invalid", "max_payments")
    # Its own code: the range is one message (1 to MAX_PARTS_LIMIT), below it or above.
    if type(draft.max_parts) is not int or not 1 <= draft.max_parts <= rules.MAX_PARTS_LIMIT:
        raise InvoiceInvalid("invoice_parts_invalid", "max_parts")

    payer_contact, payer_user_id = None, None
    if draft.kind == PRIVATE:
        payer_contact = (draft.payer_contact or "").strip()
        if not payer_contact:
            raise InvoiceInvalid("invoice_payer_required", "payer_contact")
        if len(payer_contact) > rules.CONTACT_MAX:
            raise InvoiceInvalid("invoice_text_too_long", "payer_contact")
        # By @username, or by an email or phone its owner verified; an unverified one matches nobody.
        payer = find_user_by_contact(uow, payer_contact)
        if payer is None:
            # A phone says so by its own message: only a phone verified through Telegram addresses anyone.
            code = "invoice_payer_phone" if contact_kind(payer_contact) == PHONE else "invoice_payer_unknown"
            raise InvoiceInvalid(code, "payer_contact")
        payer_user_id = payer.id

    payout = _payout(uow, draft, fiat_amount)

    expires_at = None
    if draft.expires_in_s is not None:
        if not 0 < draft.expires_in_s <= rules.MAX_EXPIRY_S:
            raise InvoiceInvalid("invoice_expiry_invalid", "expires_in_s")
        expires_at = to_utc(now) + timedelta(seconds=draft.expires_in_s)

    return {
        "kind": draft.kind,
        "title": title,
        "description": description,
        "asset": draft.asset,
        "amount": amount,
        "fiat_currency": draft.fiat_currency if fiat_amount is not None else None,
        "fiat_amount": fiat_amount,
        "min_payment": min_payment,
        "max_payments": max_payments,
        "max_total": max_total,
        "max_parts": draft.max_parts,
        "payer_contact": payer_contact,
        "payer_user_id": payer_user_id,
        "webhook_url": webhook_urls.check_webhook_url(draft.webhook_url, settings=settings),
        "redirect_url": _redirect_url(draft.redirect_url),
        "allowed_origins": " ".join(_origins(draft.allowed_origins)),
        "is_test": bool(draft.is_test),
        "expires_at": expires_at,
        **payout,
    }


def _payout(uow: UnitOfWork, draft: InvoiceDraft, fiat_amount: int | None) -> dict:
    """The payout columns: a catalog country, its currency and one of its payment methods, or none. An
    invoice priced in fiat is not paid out in fiat: a re-quote would change each payment's amount under
    the merchant's deposit held at the old one (services/fiat_payouts.py)."""
    given = [(text or "").strip() for text in (draft.payout_country, draft.payout_fiat, draft.payout_method)]
    country, fiat, method = given
    if not any(given):
        return {"payout_country": None, "payout_fiat": None, "payout_method": None}
    if fiat_amount is not None:
        raise InvoiceInvalid("invoice_payout_fiat_priced", "payout_method")
    with uow.read() as s:
        row = s.get(Country, country) if country else None
        offered = (
            row is not None and row.fiat_code == fiat and s.get(CountryPaymentMethod, (country, method)) is not None
        )
    if not offered:
        field = "payout_country" if row is None else "payout_fiat" if row.fiat_code != fiat else "payout_method"
        raise InvoiceInvalid("invoice_payout_invalid", field)
    return {"payout_country": country, "payout_fiat": fiat, "payout_method": method}


def _minor(text: str | None, decimals: int, field: str) -> int | None:
    """A positive amount, or None when left empty."""
    if text is None or not str(text).strip():
        return None
    minor = to_minor(str(text), decimals)
    if minor <= 0:
        raise InvoiceInvalid("invoice_limits_invalid", field)
    return minor


def _redirect_url(url: str | None) -> str | None:
    url = (url or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if len(url) > 2000 or parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvoiceInvalid("invoice_redirect_invalid", "redirect_url")
    return url


def _origins(origins: tuple[str, ...]) -> list[str]:
    """`scheme://host[:port]` each, as a browser sends them in frame-ancestors checks."""
    cleaned: list[str] = []
    for origin in origins:
        origin = origin.strip().rstrip("/")
        if not origin:
            continue
        parts = urlsplit(origin)
        try:
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError:
            raise InvoiceInvalid("invoice_origin_invalid", "allowed_origins") from None
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.path
            or parts.query
            or parts.fragment
            or parts.username
            or any(ch in origin for ch in " ;,'\"")
        ):
            raise InvoiceInvalid("invoice_origin_invalid", "allowed_origins")
        if origin.lower() not in cleaned:
            cleaned.append(origin.lower())
    return cleaned
