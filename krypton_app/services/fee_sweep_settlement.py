"""Fee sweep state changes with their ledger postings, and the sweep's message: what the withdrawal
sender (services/withdrawal_sender.py) signs for a sweep, and what the chain monitor
(services/chain_settlement.py) does when it sees one execute or come back. Made by services/fee_sweeps.py.

    pending --sign--> sent --executed--> confirmed --bounced--> returned
       ^               |  \\--sent nothing--> returned
       +---expired-----+  (after MAX_SEND_ATTEMPTS: returned)

Ledger: FEES -> FEE_SWEEP when made; FEE_SWEEP -> EXTERNAL when confirmed; FEE_SWEEP -> FEES when it
never executed; EXTERNAL -> FEES when it bounced back. Each posting has its sweep's idempotency key.
"""

from __future__ import annotations

import logging
import re

from sqlalchemy import Row, Table, select, update
from sqlmodel import Session

from krypton_app.chain.hot_wallet import HotWallet, SignedMessage, comment_cell
from krypton_app.chain.parse import bounce_prefix
from krypton_app.domain.ledger import EXTERNAL, FEE_SWEEP, FEES, Leg
from krypton_app.models.common import utcnow
from krypton_app.models.fee_sweeps import FeeSweep
from krypton_app.services.ledger import post, system_account

log = logging.getLogger(__name__)

_sweeps: Table = FeeSweep.__table__

# Ledger kinds: made (fees -> in flight), confirmed (in flight -> the outside world), returned to fees.
FEE_SWEEP_HOLD = "fee_sweep_hold"
FEE_SWEEP_SENT = "fee_sweep"
FEE_SWEEP_RETURN = "fee_sweep_return"

# A USDT sweep's query_id: far above any withdrawal id (a withdrawal's query_id is its id), so our
# jetton wallet's bounce says which of the two came back.
SWEEP_QUERY_BASE = 1 << 62
_BOUNCED_COMMENT = re.compile(rb"\x00{4}Fee sweep #([1-9][0-9]{0,14}) ")


def is_sweep_query_id(query_id: int | None) -> bool:
    """Whether a jetton query_id is a sweep's (no withdrawal's id is that large)."""
    return query_id is not None and query_id > SWEEP_QUERY_BASE


def sweep_comment(sweep_id: int) -> str:
    """What the owner's wallet reads; a bounce (op 0 and 28 bytes of text) still names the sweep."""
    return f"Fee sweep #{sweep_id} from Krypton"


def sign(
    hot_wallet: HotWallet, row: Row, *, seqno: int, valid_until: int, jetton_wallet: str, bounce: bool
) -> SignedMessage:
    """The hot wallet's one message that pays the sweep."""
    if row.asset == "USDT":
        return hot_wallet.jetton_transfer(
            seqno=seqno,
            valid_until=valid_until,
            jetton_wallet=jetton_wallet,
            destination=row.destination,
            jetton_amount=row.amount,
            query_id=SWEEP_QUERY_BASE + row.id,
            comment=sweep_comment(row.id),
        )
    return hot_wallet.transfer(
        seqno=seqno,
        valid_until=valid_until,
        destination=row.destination,
        amount=row.amount,
        comment=sweep_comment(row.id),
        bounce=bounce,
    )


def find_by_message(session: Session, message_hash: str) -> Row | None:
    return session.execute(select(_sweeps).where(_sweeps.c.message_hash == message_hash)).one_or_none()


def confirm(session: Session, sweep_id: int, *, chain_tx_hash: str) -> Row | None:
    """The message executed: the swept fees left for the owner's wallet."""
    row = transition(session, sweep_id, "sent", "confirmed", chain_tx_hash=chain_tx_hash, failure=None)
    if row is None:
        return None
    leg = Leg(system_account(session, FEE_SWEEP, row.asset), system_account(session, EXTERNAL, row.asset), row.amount)
    post(
        session,
        idempotency_key=f"fee_sweep:{sweep_id}:confirm",
        kind=FEE_SWEEP_SENT,
        legs=[leg],
        memo=f"fee sweep {sweep_id} to {row.destination_friendly}",
    )
    log.info("fee sweep %s confirmed in chain tx %s", sweep_id, chain_tx_hash)
    return row


def return_unsent(session: Session, sweep_id: int, *, from_status: str, failure: str) -> Row | None:
    """The fees never left the hot wallet: back to FEES, to be swept again."""
    row = transition(session, sweep_id, from_status, "returned", failure=failure)
    if row is None:
        return None
    _post_return(session, row, FEE_SWEEP, failure)
    return row


def find_bounced(
    session: Session, *, source: str, bounced_body: bytes | None, query_id: int | None, jetton_wallet: str
) -> Row | None:
    """The confirmed sweep a bounce names exactly, or None (services/withdrawal_settlement.find_bounced
    says how a bounce names what it brings back)."""
    s = _sweeps.c
    if source == jetton_wallet:
        if not is_sweep_query_id(query_id):
            return None
        found = s.id == query_id - SWEEP_QUERY_BASE
        return session.execute(select(_sweeps).where(found, s.asset == "USDT", s.status == "confirmed")).one_or_none()
    body = bounced_body or b""
    tagged = _BOUNCED_COMMENT.match(body)
    if tagged is None:
        return None
    row = session.execute(
        select(_sweeps).where(
            s.id == int(tagged[1]), s.asset == "TON", s.status == "confirmed", s.destination == source
        )
    ).one_or_none()
    if row is None or bounce_prefix(comment_cell(sweep_comment(row.id))) != body:
        return None
    return row


def return_bounced(session: Session, sweep_id: int, *, bounce_tx_hash: str) -> Row | None:
    """The owner's wallet refused the sweep and the money came back: the fees are ours to sweep again."""
    failure = f"bounced back in chain tx {bounce_tx_hash}"
    row = transition(session, sweep_id, "confirmed", "returned", failure=failure)
    if row is None:
        return None
    _post_return(session, row, EXTERNAL, failure)
    return row


def _post_return(session: Session, row: Row, source_kind: str, failure: str) -> None:
    leg = Leg(system_account(session, source_kind, row.asset), system_account(session, FEES, row.asset), row.amount)
    post(
        session,
        idempotency_key=f"fee_sweep:{row.id}:return",
        kind=FEE_SWEEP_RETURN,
        legs=[leg],
        memo=f"fee sweep {row.id} returned: {failure}",
    )
    log.warning("fee sweep %s returned to the fee account: %s", row.id, failure)


def transition(session: Session, sweep_id: int, from_status: str, to_status: str, **values) -> Row | None:
    """Move one sweep between states if it is still in `from_status`; None if another worker got there first."""
    s = _sweeps.c
    return session.execute(
        update(_sweeps)
        .where(s.id == sweep_id, s.status == from_status)
        .values(status=to_status, updated_at=utcnow(), **values)
        .returning(_sweeps)
    ).one_or_none()
