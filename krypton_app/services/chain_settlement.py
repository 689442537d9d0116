"""What one chain transaction of the hot wallet means for us, settled inside the chain monitor's
database transaction (services/chain_sync.py): a deposit credited, one of our withdrawals or fee sweeps
confirmed or refunded, a bounce refunded, or a transaction held for the operator's review.

Every branch records the transaction once (AppliedChainTransaction, primary key = tx hash, with its
outcome) before it acts, so the monitor applies each transaction exactly once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from sqlalchemy import Table
from sqlmodel import Session

from krypton_app.chain.parse import COMMENT, EXCESSES, NOTIFICATION_MALFORMED, TRANSFER_NOTIFICATION
from krypton_app.chain.types import ChainTx
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.money import MAX_MINOR
from krypton_app.models.chain import AppliedChainTransaction
from krypton_app.models.common import utcnow
from krypton_app.services import deposits, fee_sweep_settlement, withdrawal_settlement

log = logging.getLogger(__name__)

_applied: Table = AppliedChainTransaction.__table__


@dataclass(frozen=True)
class Incoming:
    """What a deposit brings: the asset, the amount in its minor units (None when unknown), who sent it,
    and why it cannot be credited as it stands (a review reason of services/deposits.py), if it cannot."""

    asset: str
    amount: int | None
    sender: str | None
    problem: str | None = None


def incoming(tx: ChainTx, jetton_wallet: str) -> Incoming | None:
    """What a transaction brings in from someone else, if anything: None for our own messages, bounces,
    value that went back, jetton excesses and transfer notifications from any jetton wallet but ours."""
    if tx.in_msg_hash is not None or tx.is_bounce or tx.bounced_back or tx.source is None:
        return None
    if tx.op == TRANSFER_NOTIFICATION and tx.source == jetton_wallet:
        if tx.jetton_amount is None:
            # Our jetton wallet says jettons arrived but not how many: the operator looks it up.
            return Incoming("USDT", None, tx.source, NOTIFICATION_MALFORMED)
        found = Incoming("USDT", tx.jetton_amount, tx.jetton_sender or tx.source, tx.body_error)
    elif tx.op in (TRANSFER_NOTIFICATION, EXCESSES):
        # Anyone can send a transfer_notification: only our own jetton wallet's proves USDT arrived.
        # Excesses are the change of our own jetton transfers.
        return None
    elif tx.op not in (None, COMMENT):
        # Another contract's operation: we take deposits only as a plain transfer or a text comment.
        found = Incoming("TON", tx.amount, tx.source, deposits.UNKNOWN_OP)
    else:
        found = Incoming("TON", tx.amount, tx.source, tx.body_error)
    amount_problem = _amount_problem(found.amount)
    return replace(found, problem=amount_problem) if amount_problem else found


def settle(
    s: Session,
    tx: ChainTx,
    found: Incoming | None,
    owners: dict[str, int],
    *,
    stream: str,
    jetton_wallet: str,
) -> None:
    """Apply one transaction of `stream`: `found` is what it brings in (`incoming`), `owners` the users
    whose memos the group's comments are (deposits.memo_owners)."""
    if tx.in_msg_hash is not None:
        _settle_own_message(s, tx, stream)
    elif tx.is_bounce:
        _settle_bounce(s, tx, stream, jetton_wallet)
    elif tx.bounced_back:
        # The value went back to the sender: nothing arrived, nothing to credit.
        record_applied(s, tx, stream, "bounce_ignored")
    elif found is None:
        record_applied(s, tx, stream, "ignored")
    elif found.problem is not None:
        hold(s, tx, found, found.problem, stream=stream)
    else:
        _settle_deposit(s, tx, found, owners.get(deposits.normalise_memo(tx.comment)), stream)


def settle_run(
    s: Session,
    txs: list[ChainTx],
    found: dict[str, Incoming | None],
    owners: dict[str, int],
    *,
    stream: str,
    jetton_wallet: str,
) -> None:
    """Apply a run of deposits as `settle` would one by one (`found` by tx hash), set-based: the ones
    credited to a user are recorded with one insert and credited together (deposits.credit_deposits);
    the rest (unmatched, held, ignored), which are few, go through `settle`."""
    credits: list[tuple[ChainTx, deposits.Credit]] = []
    for tx in txs:
        credit = _credit(tx, found[tx.hash], owners)
        if credit is None:
            settle(s, tx, found[tx.hash], owners, stream=stream, jetton_wallet=jetton_wallet)
        else:
            credits.append((tx, credit))
    if not credits:
        return
    applied_at = utcnow()
    # RETURNING makes SQLAlchemy send one multi-row INSERT (insertmanyvalues), not one INSERT per row.
    s.execute(
        _applied.insert().returning(_applied.c.hash),
        [
            {
                "hash": tx.hash,
                "lt": tx.lt,
                "stream": stream,
                "outcome": "deposit",
                "user_id": c.user_id,
                "asset": c.asset,
                "amount": c.amount,
                "applied_at": applied_at,
            }
            for tx, c in credits
        ],
    )
    deposits.credit_deposits(s, [c for _tx, c in credits])


def hold(
    s: Session, tx: ChainTx, found: Incoming | None, reason: str, detail: str | None = None, *, stream: str
) -> None:
    """A transaction the monitor cannot apply: recorded as held, and into the operator's review
    queue with the reason; nothing moves on any balance."""
    if found is None:  # not a deposit (our own message, a bounce): the value it brought, if any
        found = Incoming("TON", tx.amount or None, tx.source, reason)
    amount = found.amount
    if amount is not None and not 0 <= amount <= MAX_MINOR:
        # More than a BIGINT holds: the number goes to the operator as text.
        too_large = f"{amount} ({found.asset} minor units)"
        detail, amount = f"{too_large}; {detail}" if detail else too_large, None
    record_applied(s, tx, stream, "held", asset=found.asset, amount=amount)
    deposits.record_unmatched(
        s,
        tx_hash=tx.hash,
        asset=found.asset,
        amount=amount,
        sender=found.sender,
        comment=tx.comment if not tx.is_bounce else _bounce_note(tx),
        reason=reason,
        detail=detail,
    )


def failure(error: Exception) -> tuple[str, str]:
    """The review reason and the detail the operator reads for a settlement that raised."""
    kind = error.code if isinstance(error, KryptonError) else type(error).__name__
    return deposits.APPLY_FAILED, f"{kind}: {error}"


def record_applied(
    s: Session,
    tx: ChainTx,
    stream: str,
    outcome: str,
    *,
    user_id: int | None = None,
    asset: str | None = None,
    amount: int | None = None,
) -> None:
    s.execute(
        _applied.insert().values(
            hash=tx.hash,
            lt=tx.lt,
            stream=stream,
            outcome=outcome,
            user_id=user_id,
            asset=asset,
            amount=amount,
            applied_at=utcnow(),
        )
    )


def _settle_deposit(s: Session, tx: ChainTx, found: Incoming, user_id: int | None, stream: str) -> None:
    if user_id is None:
        record_applied(s, tx, stream, "unmatched", asset=found.asset, amount=found.amount)
        deposits.record_unmatched(
            s, tx_hash=tx.hash, asset=found.asset, amount=found.amount, sender=found.sender, comment=tx.comment
        )
        return
    record_applied(s, tx, stream, "deposit", user_id=user_id, asset=found.asset, amount=found.amount)
    deposits.credit_deposits(s, [deposits.Credit(tx.hash, user_id, found.asset, found.amount)])


def _credit(tx: ChainTx, found: Incoming | None, owners: dict[str, int]) -> deposits.Credit | None:
    """The credit `settle` would make of a transaction: one that brings something in (`incoming` says
    None for our own messages and bounces), with no problem, to a user's memo."""
    if found is None or found.problem is not None:
        return None
    user_id = owners.get(deposits.normalise_memo(tx.comment))
    return None if user_id is None else deposits.Credit(tx.hash, user_id, found.asset, found.amount)


def _settle_own_message(s: Session, tx: ChainTx, stream: str) -> None:
    """An external message into the hot wallet: one of our signed withdrawals or fee sweeps executing."""
    sweep = fee_sweep_settlement.find_by_message(s, tx.in_msg_hash)
    if sweep is not None and sweep.status == "sent":
        _settle_sweep_message(s, tx, stream, sweep)
        return
    found = withdrawal_settlement.find_by_message(s, tx.in_msg_hash)
    if found is None or found.status != "sent":
        log.error(
            "chain tx %s executes message %s, which is no sent withdrawal (%s)",
            tx.hash,
            tx.in_msg_hash,
            "unknown" if found is None else f"withdrawal {found.id} is {found.status}",
        )
        record_applied(s, tx, stream, "ignored")
        return
    if tx.aborted or not any(m.destination for m in tx.out_messages):
        # Accepted and paid for, but it sent nothing (e.g. not enough balance): the money stayed.
        record_applied(s, tx, stream, "withdrawal_failed", user_id=found.user_id, asset=found.asset)
        withdrawal_settlement.refund_held(
            s, found.id, from_status="sent", failure=f"sent nothing in chain tx {tx.hash}"
        )
        return
    record_applied(s, tx, stream, "withdrawal_confirmed", user_id=found.user_id, asset=found.asset, amount=found.amount)
    withdrawal_settlement.confirm(s, found.id, chain_tx_hash=tx.hash)


def _settle_sweep_message(s: Session, tx: ChainTx, stream: str, sweep) -> None:
    if tx.aborted or not any(m.destination for m in tx.out_messages):
        record_applied(s, tx, stream, "sweep_failed", asset=sweep.asset)
        fee_sweep_settlement.return_unsent(
            s, sweep.id, from_status="sent", failure=f"sent nothing in chain tx {tx.hash}"
        )
        return
    record_applied(s, tx, stream, "sweep_confirmed", asset=sweep.asset, amount=sweep.amount)
    fee_sweep_settlement.confirm(s, sweep.id, chain_tx_hash=tx.hash)


def _settle_bounce(s: Session, tx: ChainTx, stream: str, jetton_wallet: str) -> None:
    """A message of ours came back: never a deposit. It refunds the one withdrawal or fee sweep it names;
    a bounce that names none, or both, goes to the operator's review queue, since refunding a guess could
    pay twice."""
    named = {"source": tx.source, "bounced_body": tx.bounced_body, "query_id": tx.query_id}
    sweep = fee_sweep_settlement.find_bounced(s, **named, jetton_wallet=jetton_wallet)
    found = None
    if not (tx.source == jetton_wallet and fee_sweep_settlement.is_sweep_query_id(tx.query_id)):
        found = withdrawal_settlement.find_bounced(s, **named, jetton_wallet=jetton_wallet)
    if sweep is not None and found is None:
        record_applied(s, tx, stream, "sweep_bounced", asset=sweep.asset, amount=sweep.amount)
        fee_sweep_settlement.return_bounced(s, sweep.id, bounce_tx_hash=tx.hash)
        return
    if found is None or sweep is not None:
        record_applied(s, tx, stream, "unmatched", asset="TON", amount=tx.amount)
        deposits.record_unmatched(
            s,
            tx_hash=tx.hash,
            asset="TON",
            amount=tx.amount,
            sender=tx.source,
            comment=_bounce_note(tx),
            reason=deposits.BOUNCE_UNMATCHED,
        )
        return
    record_applied(s, tx, stream, "withdrawal_bounced", user_id=found.user_id, asset=found.asset, amount=found.amount)
    withdrawal_settlement.refund_bounced(s, found.id, bounce_tx_hash=tx.hash)


def _amount_problem(amount: int) -> str | None:
    if amount <= 0:
        return deposits.AMOUNT_NOT_POSITIVE
    if amount > MAX_MINOR:  # the ledger's limit: what a BIGINT balance holds
        return deposits.AMOUNT_TOO_LARGE
    return None


def _bounce_note(tx: ChainTx) -> str:
    """What the operator sees of a bounce nobody's withdrawal matched: the start of the message that bounced."""
    body = tx.bounced_body or b""
    if body[:4] == bytes(4):
        return "bounce of: " + body[4:].decode("utf-8", errors="replace")
    return f"bounce of op 0x{body[:4].hex()}" if len(body) >= 4 else "bounce"
