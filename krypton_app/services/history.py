"""A user's money history: every ledger transaction that touched their available or held balance.

One movement per ledger transaction and asset, with the net change of each of the two balances (a hold
shows available -x and held +x). Only the user's own accounts are read, so another party's side of a
transfer never shows. Each movement carries what it is about (`About`: the invoice's number and title,
the deal and the other side's name, where a withdrawal or payout went), read from the user's own rows;
the internal memo only says which row, and is never shown on the page.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from pytoniq_core import Address
from sqlalchemy import Select, Table, case, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain.ledger import AVAILABLE, CAPTURE, HELD, HOLD, RELEASE, TRANSFER, USER_KINDS
from krypton_app.domain.money import format_amount
from krypton_app.i18n import translate
from krypton_app.i18n.formatting import amount_with_asset
from krypton_app.models import (
    Account,
    Ad,
    Asset,
    Deal,
    Invoice,
    InvoicePayment,
    LedgerTransaction,
    PaymentPart,
    Payout,
    Posting,
    Promise,
    User,
    Withdrawal,
)
from krypton_app.models.common import as_utc
from krypton_app.services.ads import AD_RELEASE, AD_RESERVE
from krypton_app.services.cryptopay_money import CRYPTOPAY_TRANSFER
from krypton_app.services.deal_purposes import DEAL_ESCROW
from krypton_app.services.deals import DEAL_REFUND, DEAL_RELEASE
from krypton_app.services.deposits import DEPOSIT
from krypton_app.services.disputes import DEAL_RESOLVE
from krypton_app.services.fee_sweep_settlement import FEE_SWEEP_HOLD, FEE_SWEEP_RETURN, FEE_SWEEP_SENT
from krypton_app.services.fiat_deposits import FIAT_DEPOSIT_HOLD, FIAT_DEPOSIT_RELEASE
from krypton_app.services.funding import INVOICE_HOLD, INVOICE_PAYMENT, INVOICE_REFUND
from krypton_app.services.operator import DEPOSIT_REVIEW_CREDIT
from krypton_app.services.payouts import PAYOUT, PAYOUT_HOLD, PAYOUT_REFUND
from krypton_app.services.promise_rows import PROMISE_CANCEL, PROMISE_CREATE, PROMISE_EXPIRE, PROMISE_REDEEM
from krypton_app.services.users import NAMELESS
from krypton_app.services.withdrawals import WITHDRAWAL, WITHDRAWAL_HOLD, WITHDRAWAL_REFUND

# Every ledger kind that can touch a user's balance, and the family of rows a movement of it is about
# (None: the ledger's own primitives, which no product flow posts). The kinds are the services' own
# constants, and tests/unit/test_history_kinds.py checks that every kind a service posts is here.
FAMILIES: dict[str, str | None] = {
    DEPOSIT: "deposit",
    DEPOSIT_REVIEW_CREDIT: "deposit",
    WITHDRAWAL_HOLD: "withdrawal",
    WITHDRAWAL: "withdrawal",
    WITHDRAWAL_REFUND: "withdrawal",
    PAYOUT_HOLD: "payout",
    PAYOUT: "payout",
    PAYOUT_REFUND: "payout",
    AD_RESERVE: "ad",
    AD_RELEASE: "ad",
    DEAL_ESCROW: "deal",
    DEAL_RELEASE: "deal",
    DEAL_REFUND: "deal",
    DEAL_RESOLVE: "deal",
    INVOICE_HOLD: "invoice",
    INVOICE_PAYMENT: "invoice",
    INVOICE_REFUND: "invoice",
    # memo "invoice payment <id>": about the payment, not a part, so no part row is read for it
    FIAT_DEPOSIT_HOLD: "invoice",
    FIAT_DEPOSIT_RELEASE: "invoice",
    PROMISE_CREATE: "promise",
    PROMISE_REDEEM: "promise",
    PROMISE_CANCEL: "promise",
    PROMISE_EXPIRE: "promise",
    # A Crypto Pay app's transfer (services/cryptopay_money.py): merchant -> user, no row the history describes.
    CRYPTOPAY_TRANSFER: None,
    # The platform's own: a fee sweep never touches a user's balance.
    FEE_SWEEP_HOLD: None,
    FEE_SWEEP_SENT: None,
    FEE_SWEEP_RETURN: None,
    TRANSFER: None,
    HOLD: None,
    RELEASE: None,
    CAPTURE: None,
}
MOVEMENT_KINDS: tuple[str, ...] = tuple(FAMILIES)
# Which row a movement is about: the id the posting service writes into the memo ("ad:3", "deal 5",
# "withdrawal 7 to …", "bitcoin payout #2 to …", "invoice payment 7 part 11"). The memo stays internal
# (it is never shown); the per-family tests in tests/services/test_history.py pin these formats.
_REFERENCE = {
    "withdrawal": re.compile(r"^withdrawal (\d+)\b"),
    "payout": re.compile(r"\bpayout #(\d+)\b"),
    "ad": re.compile(r"^ad:(\d+)$"),
    "deal": re.compile(r"^deal (\d+)$"),
    "invoice": re.compile(r"^invoice payment \d+ part (\d+)$"),
    "promise": re.compile(r"^promise (\d+)$"),
}
PAGE_SIZE_MAX = 100
CSV_HEADER = ("time", "transaction", "kind", "asset", "available_change", "held_change", "memo", "description")

_accounts: Table = Account.__table__
_postings: Table = Posting.__table__
_transactions: Table = LedgerTransaction.__table__


@dataclass(frozen=True)
class About:
    """What a movement is about, for a person: a catalog key `history.about.*` and its parameters."""

    key: str
    params: dict[str, str] = field(default_factory=dict)
    # amounts among the parameters, formatted in the reader's language: (name, minor units, decimals, asset)
    amounts: tuple[tuple[str, int, int, str], ...] = ()

    def text(self, lang: str | None) -> str:
        amounts = {name: amount_with_asset(minor, decimals, asset, lang, display=False)
                   for name, minor, decimals, asset in self.amounts}  # fmt: skip
        return translate(lang, self.key, **self.params, **amounts)


@dataclass(frozen=True)
class Movement:
    transaction_id: int
    created_at: datetime
    kind: str
    asset: str
    decimals: int
    available_change: int  # signed minor units
    held_change: int
    memo: str  # internal (which row it is about), for the CSV's audit column; the page shows `about`
    about: About | None = None


@dataclass(frozen=True)
class HistoryPage:
    items: list[Movement]
    page: int
    page_size: int
    total: int
    pages: int


def list_movements(
    uow: UnitOfWork,
    user_id: int,
    *,
    asset: str | None = None,
    kind: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> HistoryPage:
    """Newest first; `page` counts from 1. Two queries: the page and the count."""
    page = max(page, 1)
    page_size = min(max(page_size, 1), PAGE_SIZE_MAX)
    query = _movements(user_id, asset, kind)
    with uow.read() as s:
        rows = s.execute(query.limit(page_size).offset((page - 1) * page_size)).all()
        total = s.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
        items = _described(s, user_id, [_movement(row) for row in rows])
    return HistoryPage(
        items=items,
        page=page,
        page_size=page_size,
        total=total,
        pages=max(1, -(-total // page_size)),
    )


def movements_csv(
    uow: UnitOfWork, user_id: int, *, asset: str | None = None, kind: str | None = None, lang: str | None = None
) -> str:
    """The whole filtered history as CSV: a header row, ISO-8601 UTC times, amounts as decimal strings
    with every decimal place of the asset (`-1.500000000`), the description in `lang`."""
    with uow.read() as s:
        movements = _described(s, user_id, [_movement(row) for row in s.execute(_movements(user_id, asset, kind))])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for m in movements:
        writer.writerow(
            (
                m.created_at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
                m.transaction_id,
                m.kind,
                m.asset,
                format_amount(m.available_change, m.decimals, trim=False),
                format_amount(m.held_change, m.decimals, trim=False),
                _cell(m.memo),
                _cell(m.about.text(lang) if m.about else ""),
            )
        )
    return out.getvalue()


def _movements(user_id: int, asset: str | None, kind: str | None) -> Select:
    # The user's (at most two per asset) accounts first, so postings are found through the
    # (account_id, transaction_id) index instead of a scan.
    accounts = select(_accounts.c.id).where(_accounts.c.user_id == user_id, _accounts.c.kind.in_(USER_KINDS))
    if asset is not None:
        accounts = accounts.where(_accounts.c.asset == asset)
    available = func.sum(case((_accounts.c.kind == AVAILABLE, _postings.c.amount), else_=0))
    held = func.sum(case((_accounts.c.kind == HELD, _postings.c.amount), else_=0))
    query = (
        select(
            _transactions.c.id,
            _transactions.c.created_at,
            _transactions.c.kind,
            _postings.c.asset,
            Asset.decimals,
            available,
            held,
            _transactions.c.memo,
        )
        .select_from(_postings)
        .join(_accounts, _accounts.c.id == _postings.c.account_id)
        .join(_transactions, _transactions.c.id == _postings.c.transaction_id)
        .join(Asset, Asset.code == _postings.c.asset)
        .where(_postings.c.account_id.in_(accounts.scalar_subquery()))
        .group_by(
            _transactions.c.id,
            _transactions.c.created_at,
            _transactions.c.kind,
            _transactions.c.memo,
            _postings.c.asset,
            Asset.decimals,
        )
        .order_by(_transactions.c.id.desc(), _postings.c.asset)
    )
    if kind is not None:
        query = query.where(_transactions.c.kind == kind)
    return query


def _movement(row) -> Movement:
    tx_id, created_at, kind, asset, decimals, available, held, memo = row
    return Movement(tx_id, as_utc(created_at), kind, asset, decimals, int(available), int(held), memo)


def _described(s: Session, user_id: int, movements: list[Movement]) -> list[Movement]:
    """Each movement with what it is about, read from the rows its memo names: one query per family
    on the page. Only the user's own rows are read (their withdrawal, their side of a deal)."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for m in movements:
        if (ref := _reference(m)) is not None:
            wanted[ref[0]].add(ref[1])
    found = {family: _READERS[family](s, user_id, ids) for family, ids in wanted.items()}
    out = []
    for m in movements:
        ref = _reference(m)
        about = found[ref[0]].get(ref[1]) if ref is not None else None
        if about is None and FAMILIES.get(m.kind) == "deposit":
            about = About("history.about.deposit")
        out.append(replace(m, about=about))
    return out


def _reference(m: Movement) -> tuple[str, int] | None:
    family = FAMILIES.get(m.kind)
    pattern = _REFERENCE.get(family) if family is not None else None
    match = pattern.search(m.memo) if pattern is not None else None
    return (family, int(match.group(1))) if match else None


def _withdrawals(s: Session, user_id: int, ids: set[int]) -> dict[int, About]:
    rows = s.execute(
        select(Withdrawal.id, Withdrawal.destination_friendly).where(
            Withdrawal.id.in_(ids), Withdrawal.user_id == user_id
        )
    )
    return {row.id: About("history.about.withdrawal", {"address": _short(row.destination_friendly)}) for row in rows}


def _payouts(s: Session, user_id: int, ids: set[int]) -> dict[int, About]:
    rows = s.execute(
        select(Payout.id, Payout.network, Payout.destination).where(Payout.id.in_(ids), Payout.user_id == user_id)
    )
    return {
        row.id: About(f"history.about.payout.{row.network}", {"destination": _short(row.destination)}) for row in rows
    }


def _ads(s: Session, user_id: int, ids: set[int]) -> dict[int, About]:
    rows = s.execute(select(Ad.id, Ad.side, Ad.asset, Ad.fiat).where(Ad.id.in_(ids), Ad.owner_id == user_id))
    return {
        row.id: About(f"history.about.ad.{row.side}", {"id": str(row.id), "asset": row.asset, "fiat": row.fiat})
        for row in rows
    }


def _deals(s: Session, user_id: int, ids: set[int]) -> dict[int, About]:
    seller, buyer = aliased(User), aliased(User)
    rows = s.execute(
        select(Deal.id, Deal.seller_id, seller, buyer)
        .join(seller, seller.id == Deal.seller_id)
        .join(buyer, buyer.id == Deal.buyer_id)
        .where(Deal.id.in_(ids), or_(Deal.seller_id == user_id, Deal.buyer_id == user_id))
    )
    return {
        row.id: About(
            "history.about.deal",
            {"id": str(row.id), "name": _name(row[3] if row.seller_id == user_id else row[2])},
        )
        for row in rows
    }


def _invoices(s: Session, user_id: int, ids: set[int]) -> dict[int, About]:
    rows = s.execute(
        select(
            PaymentPart.id,
            PaymentPart.position,
            InvoicePayment.parts_count,
            InvoicePayment.amount,
            InvoicePayment.fee,
            Invoice.number,
            Invoice.title,
            Invoice.merchant_id,
            Invoice.asset,
            Asset.decimals,
        )
        .join(InvoicePayment, InvoicePayment.id == PaymentPart.payment_id)
        .join(Invoice, Invoice.id == InvoicePayment.invoice_id)
        .join(Asset, Asset.code == Invoice.asset)
        .where(
            PaymentPart.id.in_(ids),
            or_(InvoicePayment.payer_id == user_id, Invoice.merchant_id == user_id, PaymentPart.funded_by == user_id),
        )
    )
    out = {}
    for row in rows:
        params = {"number": row.number, "title": row.title}
        key = "history.about.invoice"
        if row.parts_count > 1:
            params |= {"position": str(row.position), "count": str(row.parts_count)}
            key = "history.about.invoice_part"
        amounts: tuple[tuple[str, int, int, str], ...] = ()
        if row.fee and row.merchant_id == user_id:
            # SPEC F12: the merchant's credit is the payment less its fee; the line says both
            amounts = (("gross", row.amount, row.decimals, row.asset), ("fee", row.fee, row.decimals, row.asset))
            key += "_fee"
        out[row.id] = About(key, params, amounts)
    return out


def _promises(s: Session, user_id: int, ids: set[int]) -> dict[int, About]:
    rows = s.execute(
        select(Promise.id, Promise.code_hint, Promise.note).where(
            Promise.id.in_(ids), or_(Promise.issuer_id == user_id, Promise.redeemed_by == user_id)
        )
    )
    return {
        row.id: About("history.about.promise_note", {"hint": row.code_hint, "note": row.note})
        if row.note
        else About("history.about.promise", {"hint": row.code_hint})
        for row in rows
    }


_READERS = {
    "withdrawal": _withdrawals,
    "payout": _payouts,
    "ad": _ads,
    "deal": _deals,
    "invoice": _invoices,
    "promise": _promises,
}


def _name(user: User) -> str:
    """How the other side of a deal is named elsewhere: their display name, else @username, else the
    short form of their wallet address."""
    if user.display_name:
        return user.display_name
    if user.username:
        return "@" + user.username
    if not user.wallet_address:
        return "@" + user.telegram_username if user.telegram_username else NAMELESS
    return _short(Address(user.wallet_address).to_str(is_user_friendly=True, is_bounceable=False), 4)


def _short(text: str, keep: int = 6) -> str:
    return text if len(text) <= 2 * keep + 1 else f"{text[:keep]}…{text[-keep:]}"


def _cell(text: str) -> str:
    # A memo may carry user text; a leading = + - @ would run as a formula in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
