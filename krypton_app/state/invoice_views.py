"""Invoice, payment, receipt and webhook views copied into plain var rows: text formatted on the server
(minor units can exceed what a JavaScript number holds exactly), labels as catalog keys, never ORM rows."""

from __future__ import annotations

from krypton_app.domain.money import format_amount
from krypton_app.services.invoices import InvoiceView, PayerInvoiceView
from krypton_app.services.payment_rows import PartView, PaymentView
from krypton_app.services.receipts import ReceiptView
from krypton_app.services.webhooks import DeliveryView
from krypton_app.state.views import amount_text, short, when

# Invoice statuses get their own labels: "expired" means "retrying" for a withdrawal, not for an invoice.
INVOICE_STATUS_COLORS = {"open": "green", "closed": "gray", "expired": "amber"}
PAYMENT_STATUS_COLORS = {"pending": "amber", "completed": "green", "cancelled": "gray", "refunded": "gray"}
PART_STATUS_COLORS = {"pending": "gray", "funded": "blue", "captured": "green", "returned": "gray"}
DELIVERY_STATUS_COLORS = {"pending": "amber", "delivered": "green", "failed": "red"}
KINDS = ("fixed", "floating", "private")
# Fiat minor units when a view does not say (cents, kopecks).
FIAT_DECIMALS = 2


def _status(prefix: str, colors: dict[str, str], status: str) -> dict[str, str]:
    return {
        "status": status,
        "status_key": f"{prefix}.status.{status}",
        "status_color": colors.get(status, "gray"),
    }


def invoice_amount_text(v: InvoiceView | PayerInvoiceView) -> str:
    """What the payer is asked for: `5 TON`, `10 USD in TON`, or `any amount` (a key, see below)."""
    if v.fiat_currency and v.fiat_amount is not None:
        return f"{format_amount(v.fiat_amount, v.fiat_decimals or FIAT_DECIMALS)} {v.fiat_currency}"
    if v.amount is not None:
        return amount_text(v.amount, v.decimals, v.asset)
    return ""


def invoice_row(v: InvoiceView) -> dict[str, str]:
    return {
        "number": v.number,
        "title": v.title,
        "description": v.description or "",
        "kind": v.kind,
        "kind_key": f"invoice.kind.{v.kind}",
        "asset": v.asset,
        "amount": invoice_amount_text(v),
        "asset_amount": amount_text(v.amount, v.decimals, v.asset) if v.amount is not None else "",
        "fiat": "1" if v.fiat_currency else "",
        "min_payment": amount_text(v.min_payment, v.decimals, v.asset) if v.min_payment else "",
        "max_total": amount_text(v.max_total, v.decimals, v.asset) if v.max_total else "",
        "max_payments": str(v.max_payments) if v.max_payments else "",
        "max_parts": str(v.max_parts),
        "payments_count": str(v.payments_count),
        "collected": amount_text(v.collected, v.decimals, v.asset),
        "merchant": v.merchant_name,
        "order_id": v.order_id or "",
        "webhook_url": v.webhook_url or "",
        "redirect_url": v.redirect_url or "",
        "allowed_origins": " ".join(v.allowed_origins),
        "test": "1" if v.is_test else "",
        "private": "1" if v.is_private else "",
        "open": "1" if v.status == "open" else "",
        "close_reason_key": f"invoice.close_reason.{v.close_reason}" if v.close_reason else "",
        "expires": when(v.expires_at) if v.expires_at else "",
        "created": when(v.created_at),
        "direct_url": v.direct_url,
        "helper_url": v.helper_url,
        "telegram_start_url": v.telegram_start_url or "",
        "telegram_app_url": v.telegram_app_url or "",
        **_status("invoice", INVOICE_STATUS_COLORS, v.status),
    }


def payer_invoice_row(v: PayerInvoiceView) -> dict[str, str]:
    """The invoice on the payer's pages and in the widget: what to pay and to whom. Client state, so
    nothing of the merchant's integration (see PayerInvoiceView)."""
    return {
        "number": v.number,
        "title": v.title,
        "description": v.description or "",
        "kind": v.kind,
        "asset": v.asset,
        "amount": invoice_amount_text(v),
        "asset_amount": amount_text(v.amount, v.decimals, v.asset) if v.amount is not None else "",
        "fiat": "1" if v.fiat_currency else "",
        "min_payment": amount_text(v.min_payment, v.decimals, v.asset) if v.min_payment else "",
        "max_parts": str(v.max_parts),
        "merchant": v.merchant_name,
        "test": "1" if v.is_test else "",
        "expires": when(v.expires_at) if v.expires_at else "",
        "helper_url": v.helper_url,
        **_status("invoice", INVOICE_STATUS_COLORS, v.status),
    }


def part_row(p: PartView, decimals: int, asset: str) -> dict[str, str]:
    return {
        "id": str(p.id),
        "position": str(p.position),
        "amount": amount_text(p.amount, decimals, asset),
        "method_key": f"part.method.{p.method}" if p.method else "",
        "funded_at": when(p.funded_at) if p.funded_at else "",
        "pending": "1" if p.status == "pending" else "",
        **_status("part", PART_STATUS_COLORS, p.status),
    }


def payment_row(p: PaymentView) -> dict[str, str]:
    funded = sum(1 for part in p.parts if part.status != "pending")
    return {
        "id": str(p.id),
        "invoice_number": p.invoice_number,
        "invoice_title": p.invoice_title,
        "merchant": p.merchant_name,
        "amount": amount_text(p.amount, p.decimals, p.asset),
        "parts": str(len(p.parts)),
        "funded": f"{funded}/{len(p.parts)}",
        "test": "1" if p.is_test else "",
        "receipt": p.receipt or "",
        # Back to the shop once paid: before that the payer has no use for the merchant's address.
        "redirect_url": (p.redirect_url or "") if p.status == "completed" else "",
        "fiat_rate": f"1 {p.asset} = {p.fiat_rate} {p.fiat_currency}" if p.fiat_rate and p.fiat_currency else "",
        "created": when(p.created_at),
        "completed": when(p.completed_at) if p.completed_at else "",
        "cancellable": "1" if p.status == "pending" else "",
        **_status("payment", PAYMENT_STATUS_COLORS, p.status),
    }


def delivery_row(d: DeliveryView) -> dict[str, str]:
    """One webhook event with its attempts, newest attempt last."""
    last = d.attempts_log[-1] if d.attempts_log else None
    return {
        "id": str(d.id),
        "event_id": d.event_id,
        "event_short": short(d.event_id, 6),
        "type": d.type,
        "attempts": str(d.attempts),
        "test": "1" if d.is_test else "",
        "last_code": str(last.status_code) if last is not None and last.status_code is not None else "—",
        "last_ms": f"{last.response_ms} ms" if last is not None and last.response_ms is not None else "",
        "last_error": (last.error or "") if last is not None else "",
        "last_when": when(last.created_at) if last is not None else "",
        **_status("delivery", DELIVERY_STATUS_COLORS, d.status),
    }


def receipt_lines(r: ReceiptView) -> list[dict[str, str]]:
    """The decoded content of a verified receipt, as label key / value lines."""
    lines = [
        ("verify.field.invoice", r.invoice),
        ("verify.field.payment", str(r.payment)),
        ("verify.field.amount", f"{r.amount} {r.asset}"),
        ("verify.field.parts", str(r.parts)),
        ("verify.field.time", when(r.time)),
        ("verify.field.merchant", r.merchant or "—"),
        ("verify.field.payer", r.payer or "—"),
    ]
    if r.test:
        lines.append(("verify.field.mode", "TEST"))
    return [{"label_key": key, "value": value} for key, value in lines]
