"""An operator blocks and unblocks a user, and revokes a user's sessions (SPEC F13). Each is one
transaction with its audit line (services/audit.py).

What a block does, and where each effect is enforced (so no page or route has to remember it):
- no login: every login path calls services/users.require_not_blocked (UserBlocked); a login token on
  its way is not exchanged; services/auth.read_session reads a blocked user's session as nobody;
- the sessions are revoked at the block (and stay revoked after an unblock: the user logs in again);
- no money leaves: services/ledger.post refuses any posting that takes from a blocked user's available
  balance (UserBlocked), whatever asks; a sell ad of theirs cannot be taken (services/ads.take_ad_volume),
  since its volume is held outside `available`; their merchant API keys are refused (403 user_blocked);
- withdrawals they asked for and the sender has not signed yet are refunded to their (frozen) balance;
  one already sent may still execute. Queued Bitcoin / Lightning payouts stay in the operators' queue,
  where an operator rejects them;
- their live deals go to operators: each deal in "escrow locked" or "fiat sent" becomes disputed through
  services/disputes.start_dispute (transition `operator_dispute`), opened by the blocking operator, so an
  operator decides where the escrow goes. A deal that ended meanwhile is left as it ended.

An unblock restores login and money; the disputes stay for the operators to decide.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, or_, select, update
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain import deals as machine
from krypton_app.domain.errors import DealTransitionRefused, Forbidden, KryptonError, NotFound
from krypton_app.models import Deal, User, Withdrawal
from krypton_app.models.common import utcnow
from krypton_app.services import audit
from krypton_app.services.auth import revoke_sessions_in
from krypton_app.services.disputes import start_dispute
from krypton_app.services.roles import require_operator
from krypton_app.services.withdrawal_settlement import refund_held

BLOCK_REASON_MAX = 500
# The live states an operator's dispute may start from (domain/deals.py `operator_dispute`).
_DISPUTABLE = sorted(machine.TRANSITIONS["operator_dispute"].from_statuses)
_users: Table = User.__table__


def block_user(uow: UnitOfWork, operator_id: int, user_id: int, *, reason: str, now: datetime | None = None) -> bool:
    """Block `user_id` with a reason (1-500 characters): True if this call blocked them, False if they
    were blocked already (a repeated click changes and writes nothing)."""
    reason = (reason or "").strip()
    if not reason or len(reason) > BLOCK_REASON_MAX:
        raise KryptonError("a block reason of 1-500 characters is required", code="block_reason_invalid")
    now = now or utcnow()
    with uow.transaction() as s:
        require_operator(s, operator_id)
        _require_user(s, user_id)
        if user_id == operator_id:
            raise Forbidden("an operator may not block themselves")
        # The user row first: a payment of theirs that runs meanwhile waits for this commit (its share
        # lock, services/users.blocked_among) and then finds them blocked.
        done = s.execute(
            update(_users)
            .where(_users.c.id == user_id, _users.c.blocked_at.is_(None))
            .values(blocked_at=now, blocked_reason=reason, blocked_by=operator_id)
        ).rowcount
        if not done:
            return False
        revoked = revoke_sessions_in(s, user_id, now=now)
        disputed = _dispute_live_deals(s, operator_id, user_id, now)
        refunded = _refund_unsent_withdrawals(s, user_id)
        audit.record(
            s,
            operator_id,
            audit.USER_BLOCKED,
            f"user:{user_id}",
            reason=reason,
            sessions=revoked,
            deals=disputed,
            withdrawals=refunded,
        )
        return True


def unblock_user(uow: UnitOfWork, operator_id: int, user_id: int) -> bool:
    """Lift the block: True if this call did, False if the user was not blocked. Sessions stay revoked."""
    with uow.transaction() as s:
        require_operator(s, operator_id)
        _require_user(s, user_id)
        done = s.execute(
            update(_users)
            .where(_users.c.id == user_id, _users.c.blocked_at.is_not(None))
            .values(blocked_at=None, blocked_reason=None, blocked_by=None)
        ).rowcount
        if done:
            audit.record(s, operator_id, audit.USER_UNBLOCKED, f"user:{user_id}")
        return bool(done)


def revoke_user_sessions(uow: UnitOfWork, operator_id: int, user_id: int, *, now: datetime | None = None) -> int:
    """Log the user out everywhere (as their own "log out everywhere" does); how many sessions were open.
    Nothing open: nothing changes and no line is written."""
    with uow.transaction() as s:
        require_operator(s, operator_id)
        _require_user(s, user_id)
        revoked = revoke_sessions_in(s, user_id, now=now or utcnow())
        if revoked:
            audit.record(s, operator_id, audit.SESSIONS_REVOKED, f"user:{user_id}", sessions=revoked)
        return revoked


def _require_user(s: Session, user_id: int) -> None:
    if s.execute(select(_users.c.id).where(_users.c.id == user_id)).first() is None:
        raise NotFound(f"no user {user_id}", code="user_not_found")


def _refund_unsent_withdrawals(s: Session, user_id: int) -> list[int]:
    """Requested, not yet signed: back to available (the conditional transition loses to a sender that
    signed it first). The ids of those refunded."""
    ids = s.execute(
        select(Withdrawal.id).where(Withdrawal.user_id == user_id, Withdrawal.status == "requested")
    ).scalars()
    return [w for w in ids.all() if refund_held(s, w, from_status="requested", failure="user blocked") is not None]


def _dispute_live_deals(s: Session, operator_id: int, user_id: int, now: datetime) -> list[int]:
    """Each live deal of the user becomes disputed; the ids of those that did."""
    deals = s.exec(
        select(Deal)
        .where(or_(Deal.seller_id == user_id, Deal.buyer_id == user_id), Deal.status.in_(_DISPUTABLE))
        .order_by(Deal.id)
    ).scalars()
    disputed = []
    for deal in deals.all():
        try:
            with s.begin_nested():  # a deal that ended meanwhile is refused alone, not the block
                start_dispute(s, deal, operator_id, now, blocking=True)
        except DealTransitionRefused:
            s.refresh(deal)
            continue
        disputed.append(deal.id)
    return disputed
