"""The Crypto Pay compatibility API's invoices (issue 15): createInvoice, getInvoices, deleteInvoice, and
the Invoice object its SDKs read. A Crypto Pay invoice is a Krypton invoice (services/invoices.py makes,
closes and pays it; its rules apply unchanged) plus a `cryptopay_invoices` row: the app that made it and
the fields Krypton has no column for. Refusals are CryptoPayRefused with Crypto Pay's error name.

An invoice is made to be paid once (max_payments 1), so it is paid when Krypton closes it for reaching
its limit; one the merchant closed (deleteInvoice) no longer exists for the app. `paid_btn_url` is the
invoice's redirect after payment; `hidden_message` is shown to the payer once paid
(services/cryptopay_events.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Row, and_, not_, or_, select
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.invoices import BY_MERCHANT, CLOSED, COMPLETED, EXPIRED, FIXED, LIMIT_REACHED, OPEN
from krypton_app.domain.money import format_amount
from krypton_app.models.catalog import FiatCurrency
from krypton_app.models.cryptopay import CryptoPayInvoice
from krypton_app.models.invoices import InvoicePayment
from krypton_app.services import invoices
from krypton_app.services.compat_keys import CompatPrincipal
from krypton_app.services.invoice_drafts import InvoiceDraft
from krypton_app.services.invoice_rows import invoice_select, invoice_view, invoices_table
from krypton_app.services.rates import RateProvider, RateUnavailable
from krypton_app.settings import Settings

ASSETS = ("TON", "USDT")
CRYPTO, FIAT = "crypto", "fiat"
ACTIVE, PAID = "active", "paid"  # and EXPIRED: Crypto Pay's invoice statuses
STATUSES = (ACTIVE, PAID, EXPIRED)
PAID_BUTTONS = ("viewItem", "openChannel", "openBot", "callback")
DESCRIPTION_MAX, HIDDEN_MESSAGE_MAX, PAYLOAD_MAX, EXPIRES_IN_MAX = 1024, 2048, 4096, 2_678_400
_cp = CryptoPayInvoice.__table__
_payments = InvoicePayment.__table__
_inv = invoices_table.c


class CryptoPayRefused(KryptonError):
    """A request Crypto Pay would refuse: `name` is its error name (AMOUNT_INVALID…), `status` the HTTP
    status (and the envelope's error code)."""

    code = "cryptopay_refused"

    def __init__(self, name: str, status: int = 400):
        super().__init__(name, name=name, status=status)
        self.name, self.status = name, status


@dataclass(frozen=True)
class InvoiceRequest:
    """createInvoice's parameters, typed (the API layer parses the wire's text)."""

    amount: str | None
    currency_type: str = CRYPTO
    asset: str | None = None
    fiat: str | None = None
    accepted_assets: tuple[str, ...] = ()
    swap_to: str | None = None
    description: str | None = None
    hidden_message: str | None = None
    paid_btn_name: str | None = None
    paid_btn_url: str | None = None
    payload: str | None = None
    allow_comments: bool = True
    allow_anonymous: bool = True
    expires_in: int | None = None


def create_invoice(
    uow: UnitOfWork,
    app: CompatPrincipal,
    request: InvoiceRequest,
    *,
    settings: Settings,
    rates: RateProvider,
    now: datetime,
) -> dict:
    """A Krypton invoice for one payment, with the app's row beside it, in one transaction."""
    asset, accepted = _denomination(uow, request, rates)
    _check_texts(request)
    fiat = request.currency_type == FIAT
    draft = InvoiceDraft(
        kind=FIXED,
        title=app.name,
        asset=asset,
        description=request.description or "",
        amount=None if fiat else request.amount,
        fiat_currency=request.fiat if fiat else None,
        fiat_amount=request.amount if fiat else None,
        max_payments=1,
        redirect_url=request.paid_btn_url,
        expires_in_s=request.expires_in,
        is_test=app.is_test,
    )

    def attach(session: Session, invoice_id: int) -> None:
        session.add(
            CryptoPayInvoice(
                invoice_id=invoice_id,
                key_id=app.key_id,
                currency_type=request.currency_type,
                accepted_assets=",".join(accepted),
                payload=request.payload,
                hidden_message=request.hidden_message,
                paid_btn_name=request.paid_btn_name,
                paid_btn_url=request.paid_btn_url,
                allow_comments=request.allow_comments,
                allow_anonymous=request.allow_anonymous,
            )
        )
        session.flush()

    try:
        view, _ = invoices.create_invoice(
            uow, app.user_id, draft, settings=settings, now=now, only_test=app.is_test, attach=attach
        )
    except CryptoPayRefused:
        raise
    except KryptonError as error:
        raise _refusal_of(error) from None
    return get_invoices(uow, app, invoice_ids=[view.id], settings=settings, now=now)[0]


def get_invoices(
    uow: UnitOfWork,
    app: CompatPrincipal,
    *,
    settings: Settings,
    now: datetime,
    asset: str | None = None,
    fiat: str | None = None,
    invoice_ids: list[int] | None = None,
    status: str | None = None,
    offset: int = 0,
    count: int = 100,
) -> list[dict]:
    """The app's invoices, newest first: only its own, in its mode; deleted ones are gone."""
    if status is not None and status not in STATUSES:
        raise CryptoPayRefused("STATUS_INVALID")
    if not 1 <= count <= 1000:
        raise CryptoPayRefused("COUNT_INVALID")
    if offset < 0:
        raise CryptoPayRefused("OFFSET_INVALID")
    where = [_inv.merchant_id == app.user_id, _inv.is_test.is_(app.is_test), _cp.c.key_id == app.key_id]
    where.append(not_(and_(_inv.status == CLOSED, _inv.close_reason == BY_MERCHANT)))
    if asset is not None:
        where += [_cp.c.currency_type == CRYPTO, _inv.asset == asset.upper()]
    if fiat is not None:
        where += [_cp.c.currency_type == FIAT, _inv.fiat_currency == fiat.upper()]
    if invoice_ids is not None:
        where.append(_inv.id.in_(invoice_ids))
    if status is not None:
        where.append(_status_is(status, now))
    query = (
        invoice_select()
        .join(_cp, _cp.c.invoice_id == _inv.id)
        .add_columns(*[column.label(f"cp_{column.name}") for column in _cp.c if column.name != "invoice_id"])
        .where(*where)
        .order_by(_inv.id.desc())
        .offset(offset)
        .limit(count)
    )
    with uow.read() as s:
        rows = s.execute(query).all()
        paid = _completed_payments(s, [row.id for row in rows])
    return [invoice_object(row, paid.get(row.id), settings=settings, now=now) for row in rows]


def delete_invoice(
    uow: UnitOfWork, app: CompatPrincipal, invoice_id: int, *, settings: Settings, now: datetime
) -> bool:
    """Close an active invoice of the app (Krypton returns what its unfinished payment had funded)."""
    found = get_invoices(uow, app, invoice_ids=[invoice_id], settings=settings, now=now)
    if not found:
        raise CryptoPayRefused("INVOICE_NOT_FOUND")
    if found[0]["status"] != ACTIVE:
        raise CryptoPayRefused("INVOICE_NOT_ACTIVE")
    view = invoices.close_invoice(uow, app.user_id, found[0]["hash"], now=now, settings=settings, only_test=app.is_test)
    if view.close_reason != BY_MERCHANT:  # paid or expired in between
        raise CryptoPayRefused("INVOICE_NOT_ACTIVE")
    return True


def invoice_object(row: Row, payment: Row | None, *, settings: Settings, now: datetime) -> dict:
    """The Invoice object (every field the SDKs require; amounts as strings, times ISO with Z) of a row of
    `get_invoices`' query, with its completed payment if any."""
    view = invoice_view(row, settings)
    status = cryptopay_status(view.status, view.close_reason, view.expires_at, now)
    fiat = row.cp_currency_type == FIAT
    amount = format_amount(view.fiat_amount, view.fiat_decimals) if fiat else format_amount(view.amount, view.decimals)
    bot_url = view.telegram_start_url or view.helper_url
    result: dict = {
        "invoice_id": view.id,
        "hash": view.number,
        "currency_type": row.cp_currency_type,
        **({"fiat": view.fiat_currency} if fiat else {"asset": view.asset}),
        "amount": amount,
        "status": status,
        "created_at": iso(view.created_at),
        "allow_comments": row.cp_allow_comments,
        "allow_anonymous": row.cp_allow_anonymous,
        "bot_invoice_url": bot_url,
        "pay_url": bot_url,
        "mini_app_invoice_url": view.telegram_app_url or view.helper_url,
        "web_app_invoice_url": view.helper_url,
    }
    optional = {
        "description": view.description or None,
        "hidden_message": row.cp_hidden_message,
        "payload": row.cp_payload,
        "paid_btn_name": row.cp_paid_btn_name,
        "paid_btn_url": row.cp_paid_btn_url,
        "expiration_date": iso(view.expires_at) if view.expires_at else None,
        "accepted_assets": row.cp_accepted_assets.split(",") if fiat else None,
    }
    if status == PAID and payment is not None:
        optional |= {
            "paid_at": iso(payment.completed_at),
            "paid_anonymously": True,  # Krypton never tells the app who paid
            "paid_asset": view.asset,
            "paid_amount": format_amount(payment.amount, view.decimals),
            "paid_fiat_rate": payment.fiat_rate,
            "fee_asset": view.asset,
            "fee_amount": format_amount(payment.fee, view.decimals),
            "fee": format_amount(payment.fee, view.decimals),
        }
    return result | {key: value for key, value in optional.items() if value is not None}


def cryptopay_status(status: str, close_reason: str | None, expires_at: datetime | None, now: datetime) -> str:
    """Krypton's status as Crypto Pay's: open (until its expiry) is active, closed by reaching its one
    payment is paid, expired is expired; closed by the merchant is "deleted" (never shown)."""
    if status == OPEN:
        return EXPIRED if expires_at is not None and expires_at <= now else ACTIVE
    if status == CLOSED and close_reason == LIMIT_REACHED:
        return PAID
    return EXPIRED if status == EXPIRED else "deleted"


def iso(moment: datetime) -> str:
    """`2025-02-08T12:11:01.341Z`, as Crypto Pay writes times."""
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _status_is(status: str, now: datetime):
    not_due = or_(_inv.expires_at.is_(None), _inv.expires_at > now)
    if status == ACTIVE:
        return and_(_inv.status == OPEN, not_due)
    if status == PAID:
        return and_(_inv.status == CLOSED, _inv.close_reason == LIMIT_REACHED)
    return or_(_inv.status == EXPIRED, and_(_inv.status == OPEN, not_(not_due)))


def _completed_payments(s: Session, invoice_ids: list[int]) -> dict[int, Row]:
    if not invoice_ids:
        return {}
    rows = s.execute(
        select(_payments).where(_payments.c.invoice_id.in_(invoice_ids), _payments.c.status == COMPLETED)
    ).all()
    return {row.invoice_id: row for row in rows}


def _denomination(uow: UnitOfWork, request: InvoiceRequest, rates: RateProvider) -> tuple[str, tuple[str, ...]]:
    """(the Krypton invoice's asset, the accepted assets of a fiat invoice): TON and USDT only."""
    if request.swap_to is not None:
        raise CryptoPayRefused("SWAP_TO_UNSUPPORTED")
    if request.amount is None or not request.amount.strip():
        raise CryptoPayRefused("AMOUNT_INVALID")
    if request.currency_type == CRYPTO:
        if request.asset not in ASSETS:
            raise CryptoPayRefused("ASSET_INVALID")
        if request.accepted_assets:
            raise CryptoPayRefused("ACCEPTED_ASSETS_INVALID")
        return request.asset, ()
    if request.currency_type != FIAT:
        raise CryptoPayRefused("CURRENCY_TYPE_INVALID")
    accepted = request.accepted_assets or ASSETS
    if any(asset not in ASSETS for asset in accepted) or len(set(accepted)) != len(accepted):
        raise CryptoPayRefused("ACCEPTED_ASSETS_INVALID")
    with uow.read() as s:
        known = request.fiat is not None and s.get(FiatCurrency, request.fiat) is not None
    if not known:
        raise CryptoPayRefused("FIAT_INVALID")
    try:  # priced by the rate provider when paid: refused now if it has no rate
        rates.rate(accepted[0], str(request.fiat))
    except RateUnavailable:
        raise CryptoPayRefused("FIAT_INVALID") from None
    return accepted[0], tuple(accepted)


def _check_texts(request: InvoiceRequest) -> None:
    limits = (
        ("description", DESCRIPTION_MAX, "DESCRIPTION_TOO_LONG"),
        ("hidden_message", HIDDEN_MESSAGE_MAX, "HIDDEN_MESSAGE_TOO_LONG"),
        ("payload", PAYLOAD_MAX, "PAYLOAD_TOO_LONG"),
    )
    for field, limit, name in limits:
        if len(getattr(request, field) or "") > limit:
            raise CryptoPayRefused(name)
    if request.paid_btn_name is not None and request.paid_btn_name not in PAID_BUTTONS:
        raise CryptoPayRefused("PAID_BTN_NAME_INVALID")
    if request.paid_btn_name is not None and request.paid_btn_url is None:
        raise CryptoPayRefused("PAID_BTN_URL_INVALID")
    if request.expires_in is not None and not 1 <= request.expires_in <= EXPIRES_IN_MAX:
        raise CryptoPayRefused("EXPIRES_IN_INVALID")


def _refusal_of(error: KryptonError) -> CryptoPayRefused:
    """Krypton's refusal of the draft, by the field it names (or an amount's own code)."""
    field = error.details.get("field")
    if error.code.startswith("amount_") or error.code == "invalid_amount" or field in ("amount", "fiat_amount"):
        return CryptoPayRefused("AMOUNT_INVALID")
    by_field = {"expires_in_s": "EXPIRES_IN_INVALID", "redirect_url": "PAID_BTN_URL_INVALID"}
    if field in by_field:
        return CryptoPayRefused(by_field[field])
    if error.code == "user_blocked":
        return CryptoPayRefused("USER_BLOCKED", 403)
    return CryptoPayRefused("PARAMS_INVALID")
