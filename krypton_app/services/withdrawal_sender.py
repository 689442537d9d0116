"""The withdrawal sender (a background worker, workers/chain_sync.py runs its rounds): settle sent
messages that expired unexecuted, then sign the next requested withdrawal or fee sweep with the hot
wallet and send it, one message in flight at a time. The state machines are drawn in
services/withdrawals.py and services/fee_sweep_settlement.py.

A fee sweep is one more message of the same wallet: it goes through this one pipeline (the seqno lock,
record before send, expiry re-sign, MAX_SEND_ATTEMPTS), never a second sender that could race this one
for a seqno. Whichever of the next withdrawal and the next sweep waited longer is signed first.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import Row, Table, select, text

from krypton_app.chain.gateway import ChainGateway
from krypton_app.chain.hot_wallet import HotWallet, SignedMessage
from krypton_app.db import UnitOfWork
from krypton_app.domain.ton_address import parse_ton_address
from krypton_app.models.common import as_utc
from krypton_app.models.fee_sweeps import FeeSweep
from krypton_app.models.withdrawals import Withdrawal
from krypton_app.services import fee_sweep_settlement as sweeps
from krypton_app.services.withdrawal_settlement import refund_held, ton_comment, transition
from krypton_app.settings import Settings

log = logging.getLogger(__name__)

_withdrawals: Table = Withdrawal.__table__
_sweeps: Table = FeeSweep.__table__

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
    what, message = signed
    # Recorded as sent before this call: if we die here, expiry finds it and nothing is lost or doubled.
    sent_hash = await gateway.send_boc(message.boc)
    if sent_hash != message.message_hash:
        log.error("%s: node reports message hash %s, we recorded %s", what, sent_hash, message.message_hash)
    log.info("%s sent with seqno %s", what, seqno)
    return 1


_jetton_wallets: dict[tuple[str, str], str] = {}


async def our_jetton_wallet(gateway: ChainGateway, settings: Settings, owner: str) -> str:
    """The hot wallet's USDT jetton wallet (raw): asked of the chain once per process, it never changes."""
    key = (settings.usdt_master, owner)
    if key not in _jetton_wallets:
        _jetton_wallets[key] = await gateway.jetton_wallet_address(settings.usdt_master, owner)
    return _jetton_wallets[key]


def _has_work(uow: UnitOfWork, now: int) -> bool:
    """A withdrawal or sweep waiting to be signed, or a sent one past its expiry."""
    with uow.read() as s:
        return any(
            s.execute(
                select(c.id)
                .where((c.status == waiting) | ((c.status == "sent") & (c.valid_until < now - EXPIRY_MARGIN_S)))
                .limit(1)
            ).first()
            is not None
            for c, waiting in ((_withdrawals.c, "requested"), (_sweeps.c, "pending"))
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
    _settle_expired_sweeps(uow, chain_seqno=chain_seqno, now=now)


def _settle_expired_sweeps(uow: UnitOfWork, *, chain_seqno: int, now: int) -> None:
    """As for withdrawals: an expired sweep is signed again, or its fees go back after the last attempt."""
    f = _sweeps.c
    expired = (f.status == "sent") & (f.valid_until < now - EXPIRY_MARGIN_S) & (f.seqno >= chain_seqno)
    with uow.read() as s:
        ids = s.execute(select(f.id).where(expired).order_by(f.id)).scalars().all()
    for sweep_id in ids:
        with uow.transaction() as s:
            row = s.execute(
                select(f.id, f.attempts, f.seqno, f.message_hash)
                .where(f.id == sweep_id, expired)
                .with_for_update(skip_locked=True)
            ).one_or_none()
            if row is None:
                continue
            failure = f"message {row.message_hash} (seqno {row.seqno}) expired unexecuted"
            if row.attempts >= MAX_SEND_ATTEMPTS:
                sweeps.return_unsent(s, row.id, from_status="sent", failure=failure)
            elif sweeps.transition(s, row.id, "sent", "pending", message_hash=None, failure=failure) is not None:
                log.warning("fee sweep %s: %s; signing it again", row.id, failure)


def _sign_next(
    uow: UnitOfWork,
    hot_wallet: HotWallet,
    *,
    chain_seqno: int,
    now: int,
    settings: Settings,
    jetton_wallet: str,
) -> tuple[str, SignedMessage] | None:
    """Under the seqno lock: if none of our messages is in flight, sign the next one and record it as
    sent in the same transaction. Returns what was signed (for the log) and the message."""
    w, f = _withdrawals.c, _sweeps.c
    with uow.transaction() as s:
        if uow.is_postgres:
            s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SEQNO_LOCK_KEY})
        for c in (w, f):
            in_flight = s.execute(
                select(c.id)
                .where(c.status == "sent", c.seqno >= chain_seqno, c.valid_until >= now - EXPIRY_MARGIN_S)
                .limit(1)
            ).first()
            if in_flight is not None:
                return None
        withdrawal = s.execute(
            select(_withdrawals)
            .where(w.status == "requested")
            .order_by(w.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).one_or_none()
        sweep = s.execute(
            select(_sweeps).where(f.status == "pending").order_by(f.id).limit(1).with_for_update(skip_locked=True)
        ).one_or_none()
        valid_until = now + settings.withdrawal_ttl_s
        sent = {"seqno": chain_seqno, "valid_until": valid_until}
        if sweep is not None and (withdrawal is None or as_utc(sweep.created_at) < as_utc(withdrawal.created_at)):
            message = sweeps.sign(
                hot_wallet,
                sweep,
                seqno=chain_seqno,
                valid_until=valid_until,
                jetton_wallet=jetton_wallet,
                bounce=parse_ton_address(sweep.destination_friendly, testnet=settings.ton_network == "-3").bounceable,
            )
            sent |= {"message_hash": message.message_hash, "attempts": f.attempts + 1}
            won = sweeps.transition(s, sweep.id, "pending", "sent", **sent)
            return None if won is None else (f"fee sweep {sweep.id}", message)
        if withdrawal is None:
            return None
        message = _sign(
            hot_wallet,
            withdrawal,
            seqno=chain_seqno,
            valid_until=valid_until,
            settings=settings,
            jetton_wallet=jetton_wallet,
        )
        sent |= {"message_hash": message.message_hash, "attempts": w.attempts + 1}
        won = transition(s, withdrawal.id, "requested", "sent", **sent)
        return None if won is None else (f"withdrawal {withdrawal.id}", message)


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
