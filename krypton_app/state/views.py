"""Service views copied into plain var rows for the pages: text formatted on the server (minor units
can exceed what a JavaScript number holds exactly), labels as catalog keys, never ORM objects."""

from __future__ import annotations

from datetime import datetime

from krypton_app.domain.money import format_amount
from krypton_app.models.common import as_utc
from krypton_app.services.history import Movement
from krypton_app.services.operator import UnmatchedDepositView
from krypton_app.services.payouts import PayoutView
from krypton_app.services.withdrawals import WithdrawalView

# Status -> Radix colour of its chip: waiting amber, moving blue, done green, money back gray, refused red.
STATUS_COLORS = {
    "requested": "amber",
    "expired": "amber",
    "sent": "blue",
    "confirmed": "green",
    "refunded": "gray",
    "queued": "amber",
    "paid": "green",
    "rejected": "red",
    "pending": "amber",
    "credited": "green",
    "returned": "gray",
    "dismissed": "gray",
}


def when(moment: datetime) -> str:
    """A moment in UTC, as the ledger keeps it."""
    return as_utc(moment).strftime("%Y-%m-%d %H:%M UTC")


def amount_text(minor: int, decimals: int, asset: str) -> str:
    return f"{format_amount(minor, decimals)} {asset}"


def signed_text(minor: int, decimals: int) -> str:
    """`+10`, `−1.05` (a real minus sign), or "" for no change, so a column shows only what moved."""
    if minor == 0:
        return ""
    sign = "+" if minor > 0 else "−"
    return sign + format_amount(abs(minor), decimals)


def short(text: str, keep: int = 8) -> str:
    """`EQAb…x9Zk`: enough to recognise an address or invoice in a list; the full text is a tooltip."""
    return text if len(text) <= 2 * keep + 1 else f"{text[:keep]}…{text[-keep:]}"


def status_fields(status: str) -> dict[str, str]:
    return {"status": status, "status_key": f"status.{status}", "status_color": STATUS_COLORS.get(status, "gray")}


def withdrawal_row(w: WithdrawalView) -> dict[str, str]:
    return {
        "key": f"withdrawal-{w.id}",
        "method_key": "withdraw.method.ton",
        "destination": w.destination_friendly,
        "destination_short": short(w.destination_friendly),
        "amount": amount_text(w.amount, w.decimals, w.asset),
        "fee": amount_text(w.fee, w.decimals, w.asset),
        "detail": "",
        "reference": short(w.chain_tx_hash or ""),
        "reject_reason": "",
        "when": when(w.created_at),
        **status_fields(w.status),
    }


def payout_row(p: PayoutView) -> dict[str, str]:
    return {
        "key": f"payout-{p.id}",
        "id": str(p.id),
        "method_key": f"withdraw.method.{p.network}",
        "destination": p.destination,
        "destination_short": short(p.destination, 10),
        "amount": amount_text(p.amount, p.decimals, p.asset),
        "fee": amount_text(p.fee, p.decimals, p.asset),
        "detail": f"{p.amount_sat:,} sat",
        "reference": short(p.reference or ""),
        "reject_reason": p.reject_reason or "",
        "when": when(p.created_at),
        **status_fields(p.status),
    }


def movement_row(m: Movement) -> dict[str, str]:
    return {
        "key": f"movement-{m.transaction_id}-{m.asset}",
        "when": when(m.created_at),
        "kind_key": f"history.kind.{m.kind}",
        "asset": m.asset,
        "available": signed_text(m.available_change, m.decimals),
        "available_color": "green" if m.available_change > 0 else "gray",
        "held": signed_text(m.held_change, m.decimals),
        "memo": m.memo,
    }


def unmatched_row(d: UnmatchedDepositView) -> dict[str, str]:
    return {
        "key": f"deposit-{d.id}",
        "id": str(d.id),
        # No amount: unknown, or too large to store (the detail says it)
        "amount": amount_text(d.amount, d.decimals, d.asset) if d.amount is not None else f"? {d.asset}",
        "sender": d.sender or "",
        "sender_short": short(d.sender or "—"),
        "comment": d.comment or "",
        "reason_key": f"operator.reason.{d.reason}",
        "detail": d.detail or "",
        "tx_hash": short(d.chain_tx_hash),
        "when": when(d.created_at),
        # "1" / "": what the view allows (services/operator.py), for rx.cond
        **{f"can_{action}": "1" if action in d.allowed_actions else "" for action in ("credit", "return", "dismiss")},
        **status_fields(d.status),
    }
