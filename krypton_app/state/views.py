"""Service views copied into typed rows for the pages: text formatted on the server (minor units can
exceed what a JavaScript number holds exactly), labels as catalog keys, never ORM objects.

A row is a frozen dataclass; Reflex sends it to the browser as an object, and a page reads its fields
(`row.amount`, `row.can_credit`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from krypton_app import routes
from krypton_app.i18n import LANGUAGES, translate
from krypton_app.i18n.formatting import (
    amount_with_asset,
    format_amount,
    format_datetime,
    format_fiat,
    message_params,
    unit,
)
from krypton_app.payouts.validation import LIGHTNING
from krypton_app.services.deal_purposes import PurposeView
from krypton_app.services.disputes import DisputeView
from krypton_app.services.history import Movement
from krypton_app.services.operator import CREDIT, DISMISS, RETURN, UnmatchedDepositView
from krypton_app.services.payouts import CANCEL, FAILED, SENDING, PayoutView
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
    "cancelled": "gray",
    "sending": "blue",
    "failed": "gray",
}

# What the payout list says under a Lightning node payout's status.
PAYOUT_NOTES = {SENDING: "recent.note.sending", FAILED: "recent.note.failed"}


def when(moment: datetime, lang: str | None) -> str:
    """A moment in UTC, as the ledger keeps it, in the reader's language's one date format."""
    return format_datetime(moment, lang)


def amount_text(minor: int, decimals: int, asset: str, lang: str | None, *, full: bool = False) -> str:
    """`"412,39 TON"`: rounded for a list; `full=True` gives every digit (the tooltip, a details page)."""
    return amount_with_asset(minor, decimals, asset, lang, display=not full)


def signed_text(minor: int, decimals: int, lang: str | None, asset: str | None = None, *, full: bool = False) -> str:
    """`+10`, `−1.05` (a real minus sign), or "" for no change, so a column shows only what moved."""
    if minor == 0:
        return ""
    sign = "+" if minor > 0 else "−"
    return sign + format_amount(abs(minor), decimals, lang, asset, display=not full)


def short(text: str, keep: int = 8) -> str:
    """`EQAb…x9Zk`: enough to recognise an address or invoice in a list; the full text is a tooltip."""
    return text if len(text) <= 2 * keep + 1 else f"{text[:keep]}…{text[-keep:]}"


def _status_color(status: str) -> str:
    return STATUS_COLORS.get(status, "gray")


@dataclass(frozen=True)
class WithdrawalRow:
    """Money on its way out: a TON withdrawal, or a Bitcoin / Lightning payout (the wallet's recent
    list, and the operator's payout queue, which acts on `id`)."""

    key: str  # unique across both kinds: `withdrawal-3`, `payout-3`
    id: int
    method_key: str
    destination: str
    destination_short: str
    amount: str
    amount_full: str  # every digit, for the tooltip
    fee: str
    detail: str  # what the recipient gets in satoshis; "" for TON
    reference: str  # chain transaction or the operator's payment reference, shortened
    reject_reason: str
    when: str
    status_key: str
    status_color: str
    can_cancel: bool = False  # the owner's queued payout: no operator has decided it yet
    reference_key: str = "recent.reference"  # what `reference` is: a Lightning payout's is its preimage
    note_key: str = ""  # a word on the status ("our Lightning node is paying it"), "" for none


def withdrawal_row(w: WithdrawalView, lang: str | None) -> WithdrawalRow:
    return WithdrawalRow(
        key=f"withdrawal-{w.id}",
        id=w.id,
        method_key="withdraw.method.ton",
        destination=w.destination_friendly,
        destination_short=short(w.destination_friendly),
        amount=amount_text(w.amount, w.decimals, w.asset, lang),
        amount_full=amount_text(w.amount, w.decimals, w.asset, lang, full=True),
        fee=amount_text(w.fee, w.decimals, w.asset, lang),
        detail="",
        reference=short(w.chain_tx_hash or ""),
        reject_reason="",
        when=when(w.created_at, lang),
        status_key=f"status.{w.status}",
        status_color=_status_color(w.status),
    )


def payout_row(p: PayoutView, lang: str | None) -> WithdrawalRow:
    return WithdrawalRow(
        key=f"payout-{p.id}",
        id=p.id,
        method_key=f"withdraw.method.{p.network}",
        destination=p.destination,
        destination_short=short(p.destination, 10),
        amount=amount_text(p.amount, p.decimals, p.asset, lang),
        amount_full=amount_text(p.amount, p.decimals, p.asset, lang, full=True),
        fee=amount_text(p.fee, p.decimals, p.asset, lang),
        detail=unit(lang, "sat", p.amount_sat),
        reference=short(p.reference or ""),
        reject_reason=p.reject_reason or "",
        when=when(p.created_at, lang),
        status_key=f"status.{p.status}",
        status_color=_status_color(p.status),
        can_cancel=CANCEL in p.owner_actions,
        reference_key="recent.preimage" if p.network == LIGHTNING else "recent.reference",
        note_key=PAYOUT_NOTES.get(p.status, ""),
    )


@dataclass(frozen=True)
class MovementRow:
    """One asset's change in one ledger transaction (the history page)."""

    key: str
    when: str
    kind_key: str
    asset: str
    available: str  # signed, "" when it did not move
    available_full: str  # every digit, for the tooltip
    available_color: str
    held: str
    held_full: str
    # What it is about, in each language: the page picks the reader's, so the language switch applies
    # at once without reading the history again.
    about: dict[str, str]


def movement_row(m: Movement, lang: str | None) -> MovementRow:
    return MovementRow(
        key=f"movement-{m.transaction_id}-{m.asset}",
        when=when(m.created_at, lang),
        kind_key=f"history.kind.{m.kind}",
        asset=m.asset,
        available=signed_text(m.available_change, m.decimals, lang, m.asset),
        available_full=signed_text(m.available_change, m.decimals, lang, full=True),
        available_color="green" if m.available_change > 0 else "gray",
        held=signed_text(m.held_change, m.decimals, lang, m.asset),
        held_full=signed_text(m.held_change, m.decimals, lang, full=True),
        about={lang: m.about.text(lang) if m.about else "" for lang in LANGUAGES},
    )


@dataclass(frozen=True)
class UnmatchedDepositRow:
    """A chain transaction the monitor could not credit, in the operator's review queue."""

    key: str
    id: int
    amount: str
    sender: str
    sender_short: str
    comment: str
    reason_key: str
    detail: str
    tx_hash: str
    when: str
    status_key: str
    status_color: str
    # What the view allows (services/operator.py): the page draws only these buttons.
    can_credit: bool
    can_return: bool
    can_dismiss: bool


def unmatched_row(d: UnmatchedDepositView, lang: str | None) -> UnmatchedDepositRow:
    return UnmatchedDepositRow(
        key=f"deposit-{d.id}",
        id=d.id,
        # No amount: unknown, or too large to store (the detail says it)
        # The operator decides on it: every digit, not a rounded figure.
        amount=amount_text(d.amount, d.decimals, d.asset, lang, full=True) if d.amount is not None else f"? {d.asset}",
        sender=d.sender or "",
        sender_short=short(d.sender or "—"),
        comment=d.comment or "",
        reason_key=f"operator.reason.{d.reason}",
        detail=d.detail or "",
        tx_hash=short(d.chain_tx_hash),
        when=when(d.created_at, lang),
        status_key=f"status.{d.status}",
        status_color=_status_color(d.status),
        can_credit=CREDIT in d.allowed_actions,
        can_return=RETURN in d.allowed_actions,
        can_dismiss=DISMISS in d.allowed_actions,
    )


@dataclass(frozen=True)
class DisputeQueueRow:
    """An open dispute in the operator's queue; it links to the deal page, where the operator decides."""

    id: int
    href: str
    amount: str
    fiat: str
    opened_by_key: str
    when: str
    statements: str  # `1/2`: how many sides have written their statement
    # What the deal is for and who is owed what: the operator decides knowing it.
    purpose_key: str = "deal.purpose.plain"
    owed: str = ""


def dispute_queue_row(d: DisputeView, lang: str | None) -> DisputeQueueRow:
    deal = d.deal
    return DisputeQueueRow(
        id=deal.id,
        href=routes.deal_detail(deal.id),
        amount=amount_text(deal.amount, deal.decimals, deal.asset, lang, full=True),
        fiat=format_fiat(deal.fiat_amount, deal.fiat, lang),
        opened_by_key=f"dispute.opened_by.{d.opener}",
        when=when(d.created_at, lang),
        statements=f"{int(d.seller_wrote) + int(d.buyer_wrote)}/2",
        purpose_key=deal.purpose.label_key,
        owed=owed_text(deal.purpose, lang),
    )


def owed_text(purpose: PurposeView, lang: str | None) -> str:
    """Who a deal's release and refund pay, in the reader's language and digits; with a fee, who pays it
    (when the buyer does, the release gives what is left after it)."""
    params = message_params(purpose.params, lang)
    if "fee" not in params:
        return translate(lang, purpose.owed_key, **params)
    numbers = {name: message_params({"amount": params[name]}, lang)["amount"] for name in ("fee", "net")}
    released = numbers["net"] if params["fee_side"] == "buyer" else params["amount"]
    text = translate(lang, purpose.owed_key, **(params | {"amount": released}))
    fee_key = "deal.owed.fee." + params["fee_side"]
    fee = translate(lang, fee_key, asset=params["asset"], fee=numbers["fee"], amount=params["amount"])
    return f"{text} {fee}"
