"""The deals' timers (SPEC F9): an unpaid deal past its deadline expires (escrow back to the seller), a
deal marked paid and not released in time goes to a dispute (never released), and the side who must act
is warned when its deadline is near. workers/deal_timers.py runs a round in every app process.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain import deals as machine
from krypton_app.domain.errors import DealTransitionRefused
from krypton_app.models import Deal, DealEvent
from krypton_app.models.common import as_utc
from krypton_app.services import chat, notifications
from krypton_app.services.deal_rows import announce, move, record
from krypton_app.services.deals import refund_escrow
from krypton_app.services.disputes import start_dispute

_deals = Deal.__table__
log = logging.getLogger(__name__)

TIMER_BATCH = 100


def run_timers(uow: UnitOfWork, *, now: datetime) -> int:
    """Act on deals whose deadline passed: unpaid -> expired (escrow back to the seller); "fiat sent"
    and no release -> disputed (never released). Safe with several workers: each deal is claimed
    with SKIP LOCKED on PostgreSQL, and every move is a conditional UPDATE that also re-checks the
    deadline, so a buyer who pressed "paid" a moment earlier wins over the timer or the timer wins,
    never both. Returns the number of deals moved."""
    with uow.read() as s:
        due = list(
            s.execute(
                select(_deals.c.id)
                .where(_deals.c.status.in_(sorted(machine.TIMED)), _deals.c.deadline_at <= now)
                .order_by(_deals.c.deadline_at)
                .limit(TIMER_BATCH)
            ).scalars()
        )
    moved = 0
    for deal_id in due:
        try:
            moved += _fire(uow, deal_id, now)
        except Exception:
            # One deal that cannot move (a broken row) must not stall every deal due after it.
            log.exception("deal %s: timer failed, retrying next round", deal_id)
    _warn_soon(uow, now)
    return moved


def _fire(uow: UnitOfWork, deal_id: int, now: datetime) -> int:
    with uow.transaction() as s:
        deal = _claim(uow, s, deal_id, Deal.deadline_at <= now)
        if deal is None:
            return 0  # another worker or a user got there first
        # The deadline is checked again in the transition's UPDATE: a user's move a moment earlier wins.
        due = [_deals.c.deadline_at <= now]
        action = machine.timer_action(deal.status)
        try:
            if action == "open_dispute":
                start_dispute(s, deal, None, now, where=due)
                return 1
            t = machine.transition(action, deal.status, machine.TIMER)
            move(s, deal, t, None, now, where=due, deadline_at=None)
        except DealTransitionRefused:
            return 0
        refund_escrow(s, deal, deal.amount, f"deal:{deal.id}:refund")
        announce(s, deal, "deal.sys.expired", [deal.seller_id, deal.buyer_id])
        return 1


def _claim(uow: UnitOfWork, s: Session, deal_id: int, *conditions) -> Deal | None:
    """The deal's row if it is still timed, locked for this worker (PostgreSQL: skipped if another has it)."""
    q = select(Deal).where(Deal.id == deal_id, Deal.status.in_(sorted(machine.TIMED)), *conditions)
    if uow.is_postgres:
        q = q.with_for_update(skip_locked=True)
    return s.exec(q).scalars().first()


def _warn_soon(uow: UnitOfWork, now: datetime) -> None:
    """Tell the side who must act that its deadline is near: the buyer to pay, the seller to release.
    Once per deadline: the warning is an event row newer than the deal's last change."""
    soon = now + machine.DEADLINE_WARNING
    with uow.read() as s:
        ids = list(
            s.execute(
                select(_deals.c.id)
                .where(
                    _deals.c.status.in_(sorted(machine.TIMED)), _deals.c.deadline_at > now, _deals.c.deadline_at <= soon
                )
                .order_by(_deals.c.deadline_at)
                .limit(TIMER_BATCH)
            ).scalars()
        )
    for deal_id in ids:
        with uow.transaction() as s:
            deal = _claim(uow, s, deal_id, Deal.deadline_at > now, Deal.deadline_at <= soon)
            if deal is None:
                continue
            warned = s.execute(
                select(DealEvent.id).where(
                    DealEvent.deal_id == deal.id,
                    DealEvent.note == "deadline_soon",
                    DealEvent.created_at >= deal.updated_at,
                )
            ).first()
            if warned is not None:
                continue
            record(s, deal, deal.status, deal.status, None, now, "deadline_soon")
            who, key = (
                (deal.buyer_id, "deal.sys.pay_soon")
                if deal.status == machine.ESCROW_LOCKED
                else (deal.seller_id, "deal.sys.release_soon")
            )
            minutes = max(1, int((as_utc(deal.deadline_at) - now).total_seconds() // 60))
            params = {"deal_id": deal.id, "minutes": minutes}
            chat.post_system_message(s, deal.id, key, params)
            notifications.notify(s, who, kind=notifications.TIMER_SOON, deal_id=deal.id, text_key=key, params=params)
