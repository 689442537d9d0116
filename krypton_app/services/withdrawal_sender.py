"""The withdrawal sender (a background worker, workers/chain_sync.py runs its rounds): settle sent
messages that expired unexecuted, then sign the next requested withdrawal with the hot wallet and
send it, one message in flight at a time. The state machine is drawn in services/withdrawals.py.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import Row, Table, select, text

from krypton_app.chain.gateway import ChainGateway
from krypton_app.chain.hot_wallet import HotWallet, SignedMessage
from krypton_app.db import UnitOfWork
from krypton_app.domain.ton_address import parse_ton_address
from krypton_app.models.withdrawals import Withdrawal
from krypton_app.services.withdrawal_settlement import refund_held, ton_comment, transition
from krypton_app.settings import Settings

log = logging.getLogger(__name__)

_withdrawals: Table = Withdrawal.__table__

# A message that did not execute is signed afresh at most this many times, then refunded.
MAX_SEND_ATTEMPTS = 3
# How far past valid_until our clock must be before we trust that the chain's clock is past it too
# (clock skew, a node that answers from a block some seconds old).
EXPIRY_MARGIN_S = 60
# Transaction-scoped advisory lock (PostgreSQL) that serialises "read the in-flight seqno, sign": two
# senders never sign two different messages for one seqno. SQLite's BEGIN IMMEDIATE does the same.
SEQNO_LOCK_KEY = 0x6B72_7970_7365_716E  # "krypseqn"


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
            elif transition(s, row.id, "sent", "requested", message_hash=None, failure=failure) is not None:
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
        won = transition(
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
        comment=ton_comment(row),
        bounce=address.bounceable,
    )
