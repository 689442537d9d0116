"""Invoice, payment, receipt and webhook views copied into typed var rows: amounts formatted on the
server (minor units can exceed what a JavaScript number holds exactly), labels as catalog keys, what a
user may do as flags from the view's allowed actions, never ORM rows. Raw amounts a handler needs stay
in the page state's backend-only vars."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from krypton_app import routes
from krypton_app.domain.deals import LIVE as LIVE_DEAL
from krypton_app.domain.invoices import (
    AWAITING_FIAT,
    CANCEL,
    CLOSE,
    COMPLETED,
    FUND,
    PENDING,
    REQUEST_RECEIPT,
    SIMULATE,
)
from krypton_app.i18n.formatting import format_fiat, format_number, plural, unit
from krypton_app.services.invoice_rows import InvoiceView, PayerInvoiceView, cap_left
from krypton_app.services.payment_rows import PartView, PaymentView
from krypton_app.services.promise_codes import PromiseCode
from krypton_app.services.qr import qr_data_uri
from krypton_app.services.webhooks import DeliveryView
from krypton_app.state.views import amount_text, short, when

# Invoice statuses get their own labels: "expired" means "retrying" for a withdrawal, not for an invoice.
INVOICE_STATUS_COLORS = {"open": "green", "closed": "gray", "expired": "amber"}
PAYMENT_STATUS_COLORS = {
    "pending": "amber",
    "awaiting_fiat": "blue",
    "completed": "green",
    "cancelled": "gray",
    "refunded": "gray",
}
PART_STATUS_COLORS = {"pending": "gray", "funded": "blue", "captured": "green", "returned": "gray"}
DELIVERY_STATUS_COLORS = {"pending": "amber", "delivered": "green", "failed": "red"}
KINDS = ("fixed", "floating", "private")
# Fiat minor units when a view does not say (cents, kopecks).
FIAT_DECIMALS = 2


@dataclass
class InvoiceRow:
    """An invoice on its merchant's pages."""

    number: str = ""
    title: str = ""
    description: str = ""
    kind_key: str = ""
    # what the payer is asked (`5 TON`, `10 USD`); "" when the payer chooses
    amount: str = ""
    amount_full: str = ""  # every digit, for the tooltip and the details page
    max_payments: int = 0  # 0: no limit
    payments_count: int = 0
    payments_text: str = ""  # "1 payment", "5 платежей"
    collected: str = ""
    collected_full: str = ""
    # SPEC F12: the fees its completed payments paid out of `collected`, and what the merchant got
    fees_full: str = ""
    net_full: str = ""
    webhook_url: str = ""
    allowed_origins: str = ""
    # the rest of its settings, for the detail page; "" (0 for max_parts) when not set
    payer_contact: str = ""
    max_parts: int = 1
    order_id: str = ""
    redirect_url: str = ""
    min_payment: str = ""
    max_total: str = ""
    total_left: str = ""
    payments_left: str = ""
    test: bool = False
    can_close: bool = False
    can_simulate: bool = False
    close_reason_key: str = ""
    expires: str = ""
    created: str = ""
    detail_path: str = ""
    direct_url: str = ""
    helper_url: str = ""
    telegram_start_url: str = ""
    telegram_app_url: str = ""
    status: str = ""
    status_key: str = ""
    status_color: str = "gray"


@dataclass
class PayerInvoiceRow:
    """The invoice on the payer's pages and in the widget: what to pay and to whom. Client state, so
    nothing of the merchant's integration (see PayerInvoiceView)."""

    number: str = ""
    title: str = ""
    description: str = ""
    asset: str = ""
    amount: str = ""
    amount_full: str = ""  # every digit, for the tooltip and the details page
    # the price in the asset: at today's rate for a fiat price, at the payment's quote once started
    asset_amount: str = ""
    fiat: bool = False
    min_payment: str = ""
    # a capped floating invoice: what it still takes ("" when it has no cap)
    cap_left: str = ""
    merchant: str = ""
    test: bool = False
    helper_url: str = ""
    wizard_path: str = ""
    # its merchant takes fiat (services/fiat_payouts.py): the wizard offers no fiat method
    crypto_only: bool = False
    status: str = ""
    status_key: str = ""
    status_color: str = "gray"


@dataclass
class PartRow:
    id: int = 0
    position: int = 0
    amount: str = ""
    amount_full: str = ""  # every digit, for the tooltip and the details page
    method_key: str = ""
    funded_at: str = ""
    pending: bool = False
    status: str = ""
    status_key: str = ""
    status_color: str = "gray"
    # The part's latest P2P deal (SPEC F10): its id (0: none), whether it still runs, and what it did.
    deal_id: int = 0
    deal_live: bool = False
    deal_key: str = ""


@dataclass
class PaymentRow:
    id: int = 0
    invoice_number: str = ""
    invoice_title: str = ""
    merchant: str = ""
    amount: str = ""
    amount_full: str = ""  # every digit, for the tooltip and the details page
    # a completed payment's fee taken out of `amount` and what its merchant got, every digit ("" before)
    fee: str = ""
    net: str = ""
    parts: int = 0
    funded: str = ""  # `1/2`: parts funded of all
    test: bool = False
    receipt: str = ""
    # Back to the shop once paid: before that the payer has no use for the merchant's address.
    redirect_url: str = ""
    fiat_rate: str = ""
    created: str = ""
    completed: str = ""
    # pending, on /payments: until when it waits before it is cancelled by itself ("" elsewhere)
    expires: str = ""
    is_completed: bool = False
    # paid by the payer, its merchant being paid in fiat (services/fiat_payouts.py)
    awaiting_fiat: bool = False
    can_fund: bool = False
    can_cancel: bool = False
    can_ask_receipt: bool = False
    status: str = ""
    status_key: str = ""
    status_color: str = "gray"
    # The payment's chat, on the merchant's invoice page: its link ("" without a payer) and unread count.
    chat_href: str = ""
    chat_unread: int = 0


@dataclass
class DeliveryRow:
    """One webhook event with its attempts, newest attempt last."""

    id: int = 0
    event_id: str = ""
    event_short: str = ""
    type: str = ""
    attempts: int = 0
    test: bool = False
    last_code: str = "—"
    last_ms: str = ""
    last_error: str = ""
    last_when: str = ""
    status: str = ""
    status_key: str = ""
    status_color: str = "gray"


def _status(prefix: str, colors: dict[str, str], status: str) -> dict[str, str]:
    return {
        "status": status,
        "status_key": f"{prefix}.status.{status}",
        "status_color": colors.get(status, "gray"),
    }


def invoice_amount_text(v: InvoiceView | PayerInvoiceView, lang: str | None, *, full: bool = False) -> str:
    """What the payer is asked for: `5 TON`, `10 USD in TON`, or "" for a payer-chosen amount."""
    if v.fiat_currency and v.fiat_amount is not None:
        return format_fiat(v.fiat_amount, v.fiat_currency, lang, v.fiat_decimals or FIAT_DECIMALS)
    if v.amount is not None:
        return amount_text(v.amount, v.decimals, v.asset, lang, full=full)
    return ""


def _or_blank(minor: int | None, v: InvoiceView | PayerInvoiceView, lang: str | None) -> str:
    """An invoice's limits are what the merchant set or what is left of them: every digit."""
    return "" if minor is None else amount_text(minor, v.decimals, v.asset, lang, full=True)


def invoice_row(v: InvoiceView, lang: str | None) -> InvoiceRow:
    return InvoiceRow(
        number=v.number,
        title=v.title,
        description=v.description or "",
        kind_key=f"invoice.kind.{v.kind}",
        amount=invoice_amount_text(v, lang),
        amount_full=invoice_amount_text(v, lang, full=True),
        max_payments=v.max_payments or 0,
        payments_count=v.payments_count,
        payments_text=plural(lang, v.payments_count, "count.payments"),
        collected=amount_text(v.collected, v.decimals, v.asset, lang),
        collected_full=amount_text(v.collected, v.decimals, v.asset, lang, full=True),
        fees_full=amount_text(v.fees_collected, v.decimals, v.asset, lang, full=True),
        net_full=amount_text(v.net_collected, v.decimals, v.asset, lang, full=True),
        webhook_url=v.webhook_url or "",
        allowed_origins=" ".join(v.allowed_origins),
        payer_contact=v.payer_contact or "",
        max_parts=v.max_parts,
        order_id=v.order_id or "",
        redirect_url=v.redirect_url or "",
        min_payment=_or_blank(v.min_payment or None, v, lang),
        max_total=_or_blank(v.max_total, v, lang),
        total_left=_or_blank(cap_left(v), v, lang),
        payments_left=str(max(v.max_payments - v.payments_count, 0)) if v.max_payments else "",
        test=v.is_test,
        can_close=CLOSE in v.allowed_actions,
        can_simulate=SIMULATE in v.allowed_actions,
        close_reason_key=f"invoice.close_reason.{v.close_reason}" if v.close_reason else "",
        expires=when(v.expires_at, lang) if v.expires_at else "",
        created=when(v.created_at, lang),
        detail_path=routes.invoice_detail(v.number),
        direct_url=v.direct_url,
        helper_url=v.helper_url,
        telegram_start_url=v.telegram_start_url or "",
        telegram_app_url=v.telegram_app_url or "",
        **_status("invoice", INVOICE_STATUS_COLORS, v.status),
    )


def payer_invoice_row(v: PayerInvoiceView, lang: str | None) -> PayerInvoiceRow:
    """What a payer is asked to pay: every digit, never a rounded figure."""
    return PayerInvoiceRow(
        number=v.number,
        title=v.title,
        description=v.description or "",
        asset=v.asset,
        amount=invoice_amount_text(v, lang, full=True),
        amount_full=invoice_amount_text(v, lang, full=True),
        asset_amount=_or_blank(v.amount, v, lang),
        fiat=bool(v.fiat_currency),
        min_payment=_or_blank(v.min_payment or None, v, lang),
        cap_left=_or_blank(v.cap_left, v, lang),
        merchant=v.merchant_name,
        test=v.is_test,
        helper_url=v.helper_url,
        wizard_path=routes.pay_invoice(v.number),
        crypto_only=v.fiat_payout,
        **_status("invoice", INVOICE_STATUS_COLORS, v.status),
    )


def part_row(p: PartView, decimals: int, asset: str, lang: str | None) -> PartRow:
    """A part is an amount to pay: every digit."""
    return PartRow(
        id=p.id,
        position=p.position,
        amount=amount_text(p.amount, decimals, asset, lang, full=True),
        amount_full=amount_text(p.amount, decimals, asset, lang, full=True),
        method_key=f"part_method.{p.method}" if p.method else "",
        funded_at=when(p.funded_at, lang) if p.funded_at else "",
        pending=p.status == PENDING,
        **_status("part", PART_STATUS_COLORS, p.status),
        deal_id=p.deal_id or 0,
        deal_live=p.deal_status in LIVE_DEAL,
        deal_key=f"payfiat.part.{p.deal_status}" if p.deal_id else "",
    )


def payment_row(p: PaymentView, lang: str | None) -> PaymentRow:
    funded = sum(1 for part in p.parts if part.status != PENDING)
    return PaymentRow(
        id=p.id,
        invoice_number=p.invoice_number,
        invoice_title=p.invoice_title,
        merchant=p.merchant_name,
        amount=amount_text(p.amount, p.decimals, p.asset, lang),
        amount_full=amount_text(p.amount, p.decimals, p.asset, lang, full=True),
        fee=amount_text(p.fee, p.decimals, p.asset, lang, full=True) if p.status == COMPLETED else "",
        net=amount_text(p.net, p.decimals, p.asset, lang, full=True) if p.status == COMPLETED else "",
        parts=len(p.parts),
        funded=f"{funded}/{len(p.parts)}",
        test=p.is_test,
        receipt=p.receipt or "",
        redirect_url=(p.redirect_url or "") if p.status == COMPLETED else "",
        fiat_rate=f"1 {p.asset} = {format_number(Decimal(p.fiat_rate), lang)} {p.fiat_currency}"
        if p.fiat_rate and p.fiat_currency
        else "",
        created=when(p.created_at, lang),
        completed=when(p.completed_at, lang) if p.completed_at else "",
        is_completed=p.status == COMPLETED,
        awaiting_fiat=p.status == AWAITING_FIAT,
        can_fund=FUND in p.allowed_actions,
        can_cancel=CANCEL in p.allowed_actions,
        can_ask_receipt=REQUEST_RECEIPT in p.allowed_actions,
        **_status("payment", PAYMENT_STATUS_COLORS, p.status),
    )


def delivery_row(d: DeliveryView, lang: str | None) -> DeliveryRow:
    last = d.attempts_log[-1] if d.attempts_log else None
    return DeliveryRow(
        id=d.id,
        event_id=d.event_id,
        event_short=short(d.event_id, 6),
        type=d.type,
        attempts=d.attempts,
        test=d.is_test,
        last_code=str(last.status_code) if last is not None and last.status_code is not None else "—",
        last_ms=unit(lang, "ms", last.response_ms) if last is not None and last.response_ms is not None else "",
        last_error=(last.error or "") if last is not None else "",
        last_when=when(last.created_at, lang) if last is not None else "",
        **_status("delivery", DELIVERY_STATUS_COLORS, d.status),
    )


@dataclass
class PromiseCodeRow:
    """A promise a payment part gave its payer (change or refund), its code shown this once."""

    position: int = 0
    origin_key: str = ""  # paywiz.promise_origin.change | .refund
    amount: str = ""
    code: str = ""
    link: str = ""
    qr: str = ""  # the link as a QR code (data URI)


def promise_code_rows(codes: list[PromiseCode], decimals: int, app_url: str, lang: str | None) -> list[PromiseCodeRow]:
    """The rows with their QR codes drawn: run it off the event loop (state/offload.py)."""
    rows = []
    for c in codes:
        link = f"{app_url.rstrip('/')}/p/{c.code}"
        rows.append(
            PromiseCodeRow(
                position=c.part_position,
                origin_key=f"paywiz.promise_origin.{c.origin}",
                amount=amount_text(c.amount, decimals, c.asset, lang, full=True),
                code=c.code,
                link=link,
                qr=qr_data_uri(link),
            )
        )
    return rows
