"""Withdrawal state changes with their ledger postings: confirmed, refunded (never executed, or
bounced back), and the move between states they all make. The chain monitor calls them inside its
transaction (services/chain_settlement.py); the sender (services/withdrawal_sender.py) for expiry.
The state machine is drawn in services/withdrawals.py.
"""

from __future__ import annotations

import logging
import re

from sqlalchemy import Row, Table, or_, select, update
from sqlmodel import Session

from krypton_app.chain.hot_wallet import comment_cell
from krypton_app.chain.parse import bounce_prefix
from krypton_app.domain.ledger import AVAILABLE, EXTERNAL, FEES, HELD, Leg
from krypton_app.models.common import utcnow
from krypton_app.models.withdrawals import Withdrawal
from krypton_app.services import compat_events
from krypton_app.services.ledger import post, system_account, user_account
from krypton_app.services.withdrawals import WITHDRAWAL, WITHDRAWAL_REFUND
from krypton_app.wakeups import announce, balances_topic

log = logging.getLogger(__name__)

_withdrawals: Table = Withdrawal.__table__

# The start of a bounced withdrawal comment (op 0, then text): the id, ended by the space after it.
_BOUNCED_COMMENT = re.compile(rb"\x00{4}Withdrawal #([1-9][0-9]{0,14}) ")


def ton_comment(row: Row) -> str:
    """The comment a TON withdrawal is sent with: the user's memo, since an exchange credits by it;
    ours otherwise, so a bounce names the withdrawal."""
    return row.comment if row.comment is not None else withdrawal_comment(row.id)


def withdrawal_comment(withdrawal_id: int) -> str:
    """The text a TON withdrawal carries: the recipient sees where it came from, and a bounce, which
    brings back only op 0 and the first 28 bytes of text, still holds the whole id followed by a space."""
    return f"Withdrawal #{withdrawal_id} from Krypton"


def find_by_message(session: Session, message_hash: str) -> Row | None:
    """The withdrawal whose signed message has this normalised hash."""
    return session.execute(select(_withdrawals).where(_withdrawals.c.message_hash == message_hash)).one_or_none()


def confirm(session: Session, withdrawal_id: int, *, chain_tx_hash: str) -> Row | None:
    """The message executed and sent the money: held -> external (amount) and held -> fees (fee)."""
    row = transition(session, withdrawal_id, "sent", "confirmed", chain_tx_hash=chain_tx_hash, failure=None)
    if row is None:
        return None
    held = user_account(session, row.user_id, row.asset, HELD)
    legs = [Leg(held, system_account(session, EXTERNAL, row.asset), row.amount)]
    if row.fee:
        legs.append(Leg(held, system_account(session, FEES, row.asset), row.fee))
    post(
        session,
        idempotency_key=f"withdrawal:{withdrawal_id}:confirm",
        kind=WITHDRAWAL,
        legs=legs,
        memo=f"withdrawal {withdrawal_id} to {row.destination_friendly}",
    )
    return row


def refund_held(session: Session, withdrawal_id: int, *, from_status: str, failure: str) -> Row | None:
    """Money that never left: held -> available (amount + fee)."""
    row = transition(session, withdrawal_id, from_status, "refunded", failure=failure)
    if row is None:
        return None
    leg = Leg(
        user_account(session, row.user_id, row.asset, HELD),
        user_account(session, row.user_id, row.asset, AVAILABLE),
        row.amount + row.fee,
    )
    post(
        session,
        idempotency_key=f"withdrawal:{withdrawal_id}:refund",
        kind=WITHDRAWAL_REFUND,
        legs=[leg],
        memo=f"withdrawal {withdrawal_id} refunded: {failure}",
    )
    log.warning("withdrawal %s refunded: %s", withdrawal_id, failure)
    return row


def find_bounced(
    session: Session, *, source: str, bounced_body: bytes | None, query_id: int | None, jetton_wallet: str
) -> Row | None:
    """The one confirmed withdrawal a bounce belongs to, or None: the bounce names it exactly or not at all.

    USDT: our own jetton wallet refused the transfer, and its bounce carries the transfer's query_id,
    which is the withdrawal id. TON: the bounce carries op 0 and the first 28 bytes of the comment we
    sent. Ours ("Withdrawal #id …") names the withdrawal; a user's memo is looked up by its start. Either
    way it must be a withdrawal to the bouncing account whose comment starts with exactly those bytes, and
    only one: the same memo sent twice to one address cannot say which of the two came back."""
    w = _withdrawals.c
    if source == jetton_wallet:
        if query_id is None:
            return None
        return session.execute(
            select(_withdrawals).where(w.id == query_id, w.asset == "USDT", w.status == "confirmed")
        ).one_or_none()
    body = bounced_body or b""
    if body[:4] != bytes(4):
        return None  # we send TON with a text comment only
    # A cut multi-byte character at the end is dropped: the rest is a prefix of the comment we sent.
    named = [w.comment.startswith(body[4:].decode("utf-8", errors="ignore"), autoescape=True)]
    if tagged := _BOUNCED_COMMENT.match(body):
        named.append(w.id == int(tagged[1]))
    rows = session.execute(
        select(_withdrawals).where(w.asset == "TON", w.status == "confirmed", w.destination == source, or_(*named))
    ).all()
    matching = [row for row in rows if bounce_prefix(comment_cell(ton_comment(row))) == body]
    return matching[0] if len(matching) == 1 else None


def refund_bounced(session: Session, withdrawal_id: int, *, bounce_tx_hash: str) -> Row | None:
    """The destination refused the money and it came back: external -> available (amount). The
    held funds were captured at confirmation; the fee stays, it paid for the round trip."""
    failure = f"bounced back in chain tx {bounce_tx_hash}"
    row = transition(session, withdrawal_id, "confirmed", "refunded", failure=failure)
    if row is None:
        return None
    leg = Leg(
        system_account(session, EXTERNAL, row.asset),
        user_account(session, row.user_id, row.asset, AVAILABLE),
        row.amount,
    )
    post(
        session,
        idempotency_key=f"withdrawal:{withdrawal_id}:refund",
        kind=WITHDRAWAL_REFUND,
        legs=[leg],
        memo=f"withdrawal {withdrawal_id} refunded: {failure}",
    )
    log.warning("withdrawal %s refunded: %s", withdrawal_id, failure)
    return row


def transition(session: Session, withdrawal_id: int, from_status: str, to_status: str, **values) -> Row | None:
    """Move one withdrawal between states if it is still in `from_status`; the row, or None if another
    worker got there first."""
    w = _withdrawals.c
    now = utcnow()
    row = session.execute(
        update(_withdrawals)
        .where(w.id == withdrawal_id, w.status == from_status)
        .values(status=to_status, updated_at=now, **values)
        .returning(_withdrawals)
    ).one_or_none()
    if row is not None:  # a compatibility API's payout or refund reports it, in this transaction
        compat_events.withdrawal_changed(session, withdrawal_id=withdrawal_id, now=now)
        announce(session, balances_topic(row.user_id))
    return row
