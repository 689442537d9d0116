"""The console's users tab (SPEC F13): find a user, and read one user's card. Operators only.

A search names a user by their wallet address (raw or friendly), user number (`42` or `#42`), username
(`@alice`, any case; a prefix finds the usernames that start with it), verified email or phone. An
unverified (pending) email finds nobody, as for private invoices. The actions on a user are
services/user_blocks.py.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from pytoniq_core import Address
from pytoniq_core.boc.address import AddressError
from sqlalchemy import Table, func, or_, select
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import NotFound, ProfileError
from krypton_app.models import Asset, Deal, Invoice, User, UserSession
from krypton_app.models.common import as_utc
from krypton_app.services.ledger_reads import BalanceView, list_balances
from krypton_app.services.roles import is_operator, require_operator
from krypton_app.services.users import EMAIL, PHONE, contact_kind, normalize_email, normalize_phone

SEARCH_LIMIT = 20
RECENT = 10  # deals and invoices on a card
BLOCK, UNBLOCK, REVOKE_SESSIONS = "block", "unblock", "revoke_sessions"
_users: Table = User.__table__
_sessions: Table = UserSession.__table__


@dataclass(frozen=True)
class UserSummary:
    id: int
    friendly_address: str
    display_name: str
    username: str | None
    blocked: bool


@dataclass(frozen=True)
class DealLine:
    id: int
    role: str  # seller | buyer
    status: str
    asset: str
    decimals: int
    amount: int
    created_at: datetime


@dataclass(frozen=True)
class InvoiceLine:
    number: str
    title: str
    status: str
    asset: str
    decimals: int
    amount: int | None  # None: the payer chooses
    collected: int
    created_at: datetime


@dataclass(frozen=True)
class SessionLine:
    id: int
    created_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True)
class UserCard:
    id: int
    wallet_address: str
    friendly_address: str
    display_name: str
    username: str | None
    email: str | None  # verified only
    phone: str | None
    is_operator: bool
    created_at: datetime
    blocked_at: datetime | None
    blocked_reason: str | None
    balances: list[BalanceView]
    deals: list[DealLine]  # newest first
    invoices: list[InvoiceLine]  # newest first
    sessions: list[SessionLine]  # open, newest first
    allowed_actions: tuple[str, ...]  # what an operator may do to this user now


def search_users(uow: UnitOfWork, operator_id: int, query: str) -> list[UserSummary]:
    """The users `query` names, at most SEARCH_LIMIT, lowest number first; [] for an empty query."""
    text = (query or "").strip()
    with uow.read() as s:
        require_operator(s, operator_id)
        condition = _condition(text)
        if condition is None:
            return []
        users = s.exec(select(User).where(condition).order_by(User.id).limit(SEARCH_LIMIT)).scalars().all()
        return [
            UserSummary(u.id, _friendly(u.wallet_address), u.display_name, u.username, u.blocked_at is not None)
            for u in users
        ]


def user_card(uow: UnitOfWork, operator_id: int, user_id: int) -> UserCard:
    with uow.read() as s:
        require_operator(s, operator_id)
        user = s.get(User, user_id)
        if user is None:
            raise NotFound(f"no user {user_id}", code="user_not_found")
        deals, invoices, sessions = _deals(s, user_id), _invoices(s, user_id), _open_sessions(s, user_id)
        blocked = user.blocked_at is not None
        actions = (UNBLOCK,) if blocked else (BLOCK,)
        if user_id == operator_id:
            actions = ()  # nobody blocks themselves (services/user_blocks.py refuses it too)
        card = UserCard(
            id=user.id,
            wallet_address=user.wallet_address,
            friendly_address=_friendly(user.wallet_address),
            display_name=user.display_name,
            username=user.username,
            email=user.email,
            phone=user.phone,
            is_operator=is_operator(user),
            created_at=as_utc(user.created_at),
            blocked_at=as_utc(user.blocked_at),
            blocked_reason=user.blocked_reason,
            balances=[],
            deals=deals,
            invoices=invoices,
            sessions=sessions,
            allowed_actions=actions + ((REVOKE_SESSIONS,) if sessions else ()),
        )
    return replace(card, balances=list_balances(uow, user_id))


def _condition(text: str):
    """The WHERE clause for what `text` reads as; None when it can name nobody."""
    if not text:
        return None
    number = text.removeprefix("#")
    if number.isascii() and number.isdigit() and len(number) <= 18:
        return User.id == int(number)
    try:
        return User.wallet_address == Address(text).to_str(is_user_friendly=False)
    except (AddressError, IndexError, ValueError, TypeError):
        pass
    kind = contact_kind(text)
    try:
        if kind == EMAIL:
            return User.email == normalize_email(text)  # the verified column; pending emails match nobody
        if kind == PHONE:
            return User.phone == normalize_phone(text)
    except ProfileError:
        return None
    name = text.removeprefix("@").lower()
    if not name or len(name) > 32:
        return None
    escaped = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(func.lower(User.username) == name, func.lower(User.username).like(f"{escaped}%", escape="\\"))


def _deals(s: Session, user_id: int) -> list[DealLine]:
    rows = s.execute(
        select(Deal.id, Deal.seller_id, Deal.status, Deal.asset, Asset.decimals, Deal.amount, Deal.created_at)
        .join(Asset, Asset.code == Deal.asset)
        .where(or_(Deal.seller_id == user_id, Deal.buyer_id == user_id))
        .order_by(Deal.id.desc())
        .limit(RECENT)
    ).all()
    return [
        DealLine(
            r.id,
            "seller" if r.seller_id == user_id else "buyer",
            r.status,
            r.asset,
            r.decimals,
            r.amount,
            as_utc(r.created_at),
        )
        for r in rows
    ]


def _invoices(s: Session, user_id: int) -> list[InvoiceLine]:
    rows = s.execute(
        select(
            Invoice.number,
            Invoice.title,
            Invoice.status,
            Invoice.asset,
            Asset.decimals,
            Invoice.amount,
            Invoice.collected,
            Invoice.created_at,
        )
        .join(Asset, Asset.code == Invoice.asset)
        .where(Invoice.merchant_id == user_id)
        .order_by(Invoice.id.desc())
        .limit(RECENT)
    ).all()
    return [InvoiceLine(*r[:-1], as_utc(r.created_at)) for r in rows]


def _open_sessions(s: Session, user_id: int) -> list[SessionLine]:
    rows = s.execute(
        select(_sessions.c.id, _sessions.c.created_at, _sessions.c.last_seen_at)
        .where(_sessions.c.user_id == user_id, _sessions.c.revoked_at.is_(None))
        .order_by(_sessions.c.id.desc())
    ).all()
    return [SessionLine(r.id, as_utc(r.created_at), as_utc(r.last_seen_at)) for r in rows]


def _friendly(raw: str) -> str:
    return Address(raw).to_str(is_user_friendly=True, is_bounceable=False)
