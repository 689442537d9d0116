"""TON and USDT withdrawals from the hot wallet: quote, request (hold), sign and send, settle.

  requested --signed, recorded, then sent--> sent --the monitor sees the message execute--> confirmed
  sent --valid_until passed and the wallet's seqno never moved past it--> requested (re-send)
                                                                            | refunded (after MAX_SEND_ATTEMPTS)
  sent --the message executed but sent nothing (aborted, action phase failed)--> refunded
  confirmed --the value bounced back from the destination--> refunded
             (matched exactly: the TON comment names the withdrawal, a USDT transfer's query_id is its id)

Every transition is one conditional UPDATE (`WHERE id = :id AND status = :from`) with its ledger
posting in the same transaction, so two racing workers (or a worker and the monitor) cannot both win,
and a withdrawal is never both re-sent and refunded.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, Table, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from krypton_app.chain.gateway import ChainGateway
from krypton_app.chain.hot_wallet import HotWallet, SignedMessage, comment_cell
from krypton_app.chain.parse import bounce_prefix
from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import (
    IdempotencyConflict,
    InsufficientFunds,
    InvalidAmount,
    InvalidDestination,
    NotFound,
)
from krypton_app.domain.ledger import AVAILABLE, EXTERNAL, FEES, HELD, Leg
from krypton_app.domain.money import format_amount, to_minor
from krypton_app.domain.ton_address import parse_ton_address
from krypton_app.models.common import as_utc, utcnow
from krypton_app.models.withdrawals import Withdrawal
from krypton_app.services.deposits import ASSET_DECIMALS
from krypton_app.services.ledger import list_balances, post, system_account, user_account
from krypton_app.settings import Settings

log = logging.getLogger(__name__)

_withdrawals: Table = Withdrawal.__table__

# A message that did not execute is signed afresh at most this many times, then refunded.
MAX_SEND_ATTEMPTS = 3
# How far past valid_until our clock must be before we trust that the chain's clock is past it too
# (clock skew, a node that answers from a block some seconds old).
EXPIRY_MARGIN_S = 60
MAX_COMMENT_CHARS = 120  # room for any exchange's memo; the column holds this much
# The start of a bounced withdrawal comment (op 0, then text): the id, ended by the space after it.
_BOUNCED_COMMENT = re.compile(rb"\x00{4}Withdrawal #([1-9][0-9]{0,14}) ")
# Transaction-scoped advisory lock (PostgreSQL) that serialises "read the in-flight seqno, sign": two
# senders never sign two different messages for one seqno. SQLite's BEGIN IMMEDIATE does the same.
SEQNO_LOCK_KEY = 0x6B72_7970_7365_716E  # "krypseqn"


@dataclass(frozen=True)
class WithdrawalQuote:
    asset: str
    decimals: int
    destination: str  # raw `wc:hex`
    destination_friendly: str
    amount: int
    fee: int
    total: int  # taken from the balance: amount + fee
    comment: str | None = None  # the user's memo, sent as the transfer's text comment


@dataclass(frozen=True)
class WithdrawalView:
    id: int
    asset: str
    decimals: int
    destination_friendly: str
    amount: int
    fee: int
    status: str
    attempts: int
    chain_tx_hash: str | None
    created_at: datetime
    comment: str | None = None


def quote_ton_withdrawal(
    uow: UnitOfWork,
    user_id: int,
    *,
    asset: str,
    address: str,
    amount: str,
    settings: Settings,
    comment: str | None = None,
) -> WithdrawalQuote:
    """Validate destination, amount and the optional comment (the memo an exchange asks for), price the
    fee, check the balance covers both."""
    quote = _quote(asset, address, amount, settings, comment)
    balance = next(b for b in list_balances(uow, user_id) if b.asset == asset)
    if balance.available < quote.total:
        raise InsufficientFunds(
            f"{asset} available {balance.available}, needs {quote.total}",
            asset=asset,
            balance=balance.available,
            required=quote.total,
        )
    return quote


def request_ton_withdrawal(
    uow: UnitOfWork,
    user_id: int,
    *,
    asset: str,
    address: str,
    amount: str,
    idempotency_key: str,
    settings: Settings,
    comment: str | None = None,
) -> WithdrawalView:
    """Create the withdrawal and hold amount + fee, in one transaction. A retry with the same key
    returns the first withdrawal; the same key for another withdrawal is an IdempotencyConflict."""
    quote = _quote(asset, address, amount, settings, comment)
    # Keys are the client's: scoped per user so one user's key never collides with another's.
    key = f"user:{user_id}:{idempotency_key}"
    now = utcnow()
    with uow.transaction() as s:
        dialect = postgresql if uow.is_postgres else sqlite
        withdrawal_id = s.execute(
            dialect.insert(_withdrawals)
            .values(
                user_id=user_id,
                asset=quote.asset,
                destination=quote.destination,
                destination_friendly=quote.destination_friendly,
                amount=quote.amount,
                fee=quote.fee,
                comment=quote.comment,
                status="requested",
                idempotency_key=key,
                attempts=0,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["idempotency_key"])
            .returning(_withdrawals.c.id)
        ).scalar_one_or_none()
        if withdrawal_id is None:
            existing = s.execute(select(_withdrawals).where(_withdrawals.c.idempotency_key == key)).one()
            first = (existing.user_id, existing.asset, existing.destination, existing.amount, existing.comment)
            if first != (user_id, quote.asset, quote.destination, quote.amount, quote.comment):
                raise IdempotencyConflict(
                    f"idempotency key {idempotency_key!r} was used for another withdrawal",
                    idempotency_key=idempotency_key,
                )
            return _view(existing)
        held = Leg(user_account(s, user_id, asset, AVAILABLE), user_account(s, user_id, asset, HELD), quote.total)
        post(
            s,
            idempotency_key=f"withdrawal:{withdrawal_id}:hold",
            kind="withdrawal_hold",
            legs=[held],
            memo=f"withdrawal {withdrawal_id} to {quote.destination_friendly}",
        )
        return _view(s.execute(select(_withdrawals).where(_withdrawals.c.id == withdrawal_id)).one())


def list_withdrawals(uow: UnitOfWork, user_id: int, *, limit: int = 20) -> list[WithdrawalView]:
    """The user's withdrawals, newest first."""
    with uow.read() as s:
        rows = s.execute(
            select(_withdrawals)
            .where(_withdrawals.c.user_id == user_id)
            .order_by(_withdrawals.c.id.desc())
            .limit(limit)
        ).all()
    return [_view(row) for row in rows]


# --- the sender (a background worker) ------------------------------------------------------------


async def process_withdrawals(
    uow: UnitOfWork, gateway: ChainGateway, hot_wallet: HotWallet, *, settings: Settings, now: int
) -> int:
    """One round of the sender: settle sent messages that can no longer execute, then sign and send
    the next requested withdrawal if no message is in flight. Returns the number of messages sent.

    The hot wallet executes one message per seqno, so at most one of ours is in flight at a time.
    """
    if not await asyncio.to_thread(_has_work, uow, now):
        return 0
    seqno = await gateway.get_seqno(hot_wallet.address)
    await asyncio.to_thread(_settle_expired, uow, chain_seqno=seqno, now=now)
    jetton_wallet = await our_jetton_wallet(gateway, settings, hot_wallet.address)
    signed = await asyncio.to_thread(
        _sign_next, uow, hot_wallet, chain_seqno=seqno, now=now, settings=settings, jetton_wallet=jetton_wallet
    )
    if signed is None:
        return 0
    withdrawal_id, message = signed
    # Recorded as sent before this call: if we die here, expiry finds it and nothing is lost or doubled.
    sent_hash = await gateway.send_boc(message.boc)
    if sent_hash != message.message_hash:
        log.error(
            "withdrawal %s: node reports message hash %s, we recorded %s",
            withdrawal_id,
            sent_hash,
            message.message_hash,
        )
    log.info("withdrawal %s sent with seqno %s", withdrawal_id, seqno)
    return 1


_jetton_wallets: dict[tuple[str, str], str] = {}


async def our_jetton_wallet(gateway: ChainGateway, settings: Settings, owner: str) -> str:
    """The hot wallet's USDT jetton wallet (raw): asked of the chain once per process, it never changes."""
    key = (settings.usdt_master, owner)
    if key not in _jetton_wallets:
        _jetton_wallets[key] = await gateway.jetton_wallet_address(settings.usdt_master, owner)
    return _jetton_wallets[key]


def _has_work(uow: UnitOfWork, now: int) -> bool:
    w = _withdrawals.c
    with uow.read() as s:
        return (
            s.execute(
                select(w.id)
                .where((w.status == "requested") | ((w.status == "sent") & (w.valid_until < now - EXPIRY_MARGIN_S)))
                .limit(1)
            ).first()
            is not None
        )


def _settle_expired(uow: UnitOfWork, *, chain_seqno: int, now: int) -> None:
    """Sent messages past valid_until whose seqno the wallet never passed: they can never execute
    now, so signing a new one cannot pay twice. Re-queue, or refund after MAX_SEND_ATTEMPTS.
    One transaction each: a refund posts for its own user only (the ledger's lock order)."""
    w = _withdrawals.c
    expired = (w.status == "sent") & (w.valid_until < now - EXPIRY_MARGIN_S) & (w.seqno >= chain_seqno)
    with uow.read() as s:
        ids = s.execute(select(w.id).where(expired).order_by(w.id)).scalars().all()
    for withdrawal_id in ids:
        with uow.transaction() as s:
            row = s.execute(
                select(w.id, w.attempts, w.seqno, w.message_hash)
                .where(w.id == withdrawal_id, expired)
                .with_for_update(skip_locked=True)
            ).one_or_none()
            if row is None:
                continue  # another sender has it, or it changed since
            failure = f"message {row.message_hash} (seqno {row.seqno}) expired unexecuted"
            if row.attempts >= MAX_SEND_ATTEMPTS:
                refund_held(s, row.id, from_status="sent", failure=failure)
            elif _transition(s, row.id, "sent", "requested", message_hash=None, failure=failure) is not None:
                log.warning("withdrawal %s: %s; signing it again", row.id, failure)


def _sign_next(
    uow: UnitOfWork,
    hot_wallet: HotWallet,
    *,
    chain_seqno: int,
    now: int,
    settings: Settings,
    jetton_wallet: str,
) -> tuple[int, SignedMessage] | None:
    w = _withdrawals.c
    with uow.transaction() as s:
        if uow.is_postgres:
            s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SEQNO_LOCK_KEY})
        in_flight = s.execute(
            select(w.id)
            .where(w.status == "sent", w.seqno >= chain_seqno, w.valid_until >= now - EXPIRY_MARGIN_S)
            .limit(1)
        ).first()
        if in_flight is not None:
            return None
        row = s.execute(
            select(_withdrawals)
            .where(w.status == "requested")
            .order_by(w.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).one_or_none()
        if row is None:
            return None
        valid_until = now + settings.withdrawal_ttl_s
        message = _sign(
            hot_wallet, row, seqno=chain_seqno, valid_until=valid_until, settings=settings, jetton_wallet=jetton_wallet
        )
        won = _transition(
            s,
            row.id,
            "requested",
            "sent",
            seqno=chain_seqno,
            valid_until=valid_until,
            message_hash=message.message_hash,
            attempts=w.attempts + 1,
        )
        return None if won is None else (row.id, message)


def _sign(
    hot_wallet: HotWallet, row: Row, *, seqno: int, valid_until: int, settings: Settings, jetton_wallet: str
) -> SignedMessage:
    if row.asset == "USDT":
        return hot_wallet.jetton_transfer(
            seqno=seqno,
            valid_until=valid_until,
            jetton_wallet=jetton_wallet,
            destination=row.destination,
            jetton_amount=row.amount,
            query_id=row.id,  # our jetton wallet's bounce carries it back: see find_bounced
            comment=row.comment,  # the forward payload: what the recipient's wallet reads as the memo
        )
    # Respect the flag the user's address carries: an uninitialised wallet given as non-bounceable
    # keeps the money; a bounceable one sends it back (see find_bounced).
    address = parse_ton_address(row.destination_friendly, testnet=settings.ton_network == "-3")
    return hot_wallet.transfer(
        seqno=seqno,
        valid_until=valid_until,
        destination=row.destination,
        amount=row.amount,
        comment=_ton_comment(row),
        bounce=address.bounceable,
    )


def _ton_comment(row: Row) -> str:
    # The user's memo wins: an exchange credits by it. Ours otherwise, so a bounce names the withdrawal.
    return row.comment if row.comment is not None else withdrawal_comment(row.id)


def withdrawal_comment(withdrawal_id: int) -> str:
    """The text a TON withdrawal carries: the recipient sees where it came from, and a bounce, which
    brings back only op 0 and the first 28 bytes of text, still holds the whole id followed by a space."""
    return f"Withdrawal #{withdrawal_id} from Krypton"


# --- settlement, inside the chain monitor's transaction ------------------------------------------


def find_by_message(session: Session, message_hash: str) -> Row | None:
    """The withdrawal whose signed message has this normalised hash."""
    return session.execute(select(_withdrawals).where(_withdrawals.c.message_hash == message_hash)).one_or_none()


def confirm(session: Session, withdrawal_id: int, *, chain_tx_hash: str) -> Row | None:
    """The message executed and sent the money: held -> external (amount) and held -> fees (fee)."""
    row = _transition(session, withdrawal_id, "sent", "confirmed", chain_tx_hash=chain_tx_hash, failure=None)
    if row is None:
        return None
    held = user_account(session, row.user_id, row.asset, HELD)
    legs = [Leg(held, system_account(session, EXTERNAL, row.asset), row.amount)]
    if row.fee:
        legs.append(Leg(held, system_account(session, FEES, row.asset), row.fee))
    post(
        session,
        idempotency_key=f"withdrawal:{withdrawal_id}:confirm",
        kind="withdrawal",
        legs=legs,
        memo=f"withdrawal {withdrawal_id} to {row.destination_friendly}",
    )
    return row


def refund_held(session: Session, withdrawal_id: int, *, from_status: str, failure: str) -> Row | None:
    """Money that never left: held -> available (amount + fee)."""
    row = _transition(session, withdrawal_id, from_status, "refunded", failure=failure)
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
        kind="withdrawal_refund",
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
    matching = [row for row in rows if bounce_prefix(comment_cell(_ton_comment(row))) == body]
    return matching[0] if len(matching) == 1 else None


def refund_bounced(session: Session, withdrawal_id: int, *, bounce_tx_hash: str) -> Row | None:
    """The destination refused the money and it came back: external -> available (amount). The
    held funds were captured at confirmation; the fee stays, it paid for the round trip."""
    failure = f"bounced back in chain tx {bounce_tx_hash}"
    row = _transition(session, withdrawal_id, "confirmed", "refunded", failure=failure)
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
        kind="withdrawal_refund",
        legs=[leg],
        memo=f"withdrawal {withdrawal_id} refunded: {failure}",
    )
    log.warning("withdrawal %s refunded: %s", withdrawal_id, failure)
    return row


# --- helpers -------------------------------------------------------------------------------------


def _quote(asset: str, address: str, amount: str, settings: Settings, comment: str | None) -> WithdrawalQuote:
    if asset not in ASSET_DECIMALS:
        raise NotFound(f"no asset {asset!r} on TON", asset=asset)
    comment = _user_comment(comment)
    decimals = ASSET_DECIMALS[asset]
    destination = parse_ton_address(address, testnet=settings.ton_network == "-3")
    minor = to_minor(amount, decimals)
    fee = settings.withdrawal_fees[asset]
    # Below the fee, most of what leaves the balance would be fee; it also keeps dust withdrawals
    # (each costs the hot wallet gas and one seqno slot) from clogging the queue.
    minimum = max(fee, 1)
    if minor < minimum:
        raise InvalidAmount(
            f"the smallest {asset} withdrawal is {format_amount(minimum, decimals)}",
            amount=minor,
            minimum=minimum,
        )
    return WithdrawalQuote(
        asset=asset,
        decimals=decimals,
        destination=destination.raw,
        destination_friendly=destination.friendly,
        amount=minor,
        fee=fee,
        total=minor + fee,
        comment=comment,
    )


def _user_comment(comment: str | None) -> str | None:
    """The memo as it will be sent: trimmed, at most MAX_COMMENT_CHARS printable characters; blank is none."""
    if comment is None or not comment.strip():
        return None
    comment = comment.strip()
    if len(comment) > MAX_COMMENT_CHARS or not comment.isprintable():
        raise InvalidDestination(
            f"a withdrawal comment is at most {MAX_COMMENT_CHARS} printable characters", field="comment"
        )
    return comment


def _transition(session: Session, withdrawal_id: int, from_status: str, to_status: str, **values) -> Row | None:
    """Move one withdrawal between states if it is still in `from_status`; the row, or None if another
    worker got there first."""
    w = _withdrawals.c
    return session.execute(
        update(_withdrawals)
        .where(w.id == withdrawal_id, w.status == from_status)
        .values(status=to_status, updated_at=utcnow(), **values)
        .returning(_withdrawals)
    ).one_or_none()


def _view(row: Row) -> WithdrawalView:
    return WithdrawalView(
        id=row.id,
        asset=row.asset,
        decimals=ASSET_DECIMALS[row.asset],
        destination_friendly=row.destination_friendly,
        amount=row.amount,
        fee=row.fee,
        status=row.status,
        attempts=row.attempts,
        chain_tx_hash=row.chain_tx_hash,
        comment=row.comment,
        created_at=as_utc(row.created_at),
    )
