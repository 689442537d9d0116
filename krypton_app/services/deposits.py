"""Deposits: each user's personal memo, what the wallet page shows to pay in, how the monitor credits.

Money comes in to the one hot wallet; the comment of the transfer (or of the jetton forward payload)
says whose it is. `credit_deposits` and `record_unmatched` run inside the chain monitor's transaction,
together with the applied-transaction row and the cursor (see services/chain_sync.py).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from krypton_app.chain.gateway import ChainGateway, Faucet
from krypton_app.chain.hot_wallet import HotWallet
from krypton_app.chain.parse import BODY_MALFORMED, COMMENT_UNDECODABLE, NOTIFICATION_MALFORMED
from krypton_app.db import UnitOfWork
from krypton_app.domain import catalog_data
from krypton_app.domain.errors import Forbidden, InvalidAmount
from krypton_app.domain.ledger import EXTERNAL, Leg
from krypton_app.domain.ton_address import parse_ton_address
from krypton_app.models.chain import DepositMemo, UnmatchedDeposit
from krypton_app.services import ledger_batch
from krypton_app.services.qr import qr_data_uri
from krypton_app.settings import Settings

# No 0/O and 1/I: a memo read aloud or typed from a screenshot cannot be mistaken. 32 symbols, 8 of
# them: 2^40 memos, so a random pick collides with an existing one about never.
MEMO_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
MEMO_LENGTH = 8
# The assets that live on TON (the catalog's): minor-unit decimals of each.
ASSET_DECIMALS = {code: decimals for code, _name, decimals in catalog_data.ASSETS}
# The demo faucet hands out play money, but not unbounded amounts (whole units of either asset).
FAUCET_MAX_UNITS = 1000

DEPOSIT = "deposit"  # the ledger kind of money the monitor credits from the chain

# Why a chain transaction waits in the operator's review queue (UnmatchedDeposit.reason); the page shows
# the catalog text `operator.reason.<reason>`.
UNMATCHED = "unmatched"  # a deposit whose comment is no user's memo
BOUNCE_UNMATCHED = "bounce_unmatched"  # value that came back, naming none of our withdrawals
AMOUNT_NOT_POSITIVE = "amount_not_positive"  # 0 TON, 0 USDT: nothing arrived to credit
AMOUNT_TOO_LARGE = "amount_too_large"  # more than a balance can hold (the amount is in `detail`)
UNKNOWN_OP = "unknown_op"  # another contract's operation, not a transfer or a comment
APPLY_FAILED = "apply_failed"  # settling it raised (the ledger refused, or a bug): the error is in `detail`
# ... and the reasons chain/parse.py gives for a body it could not read (ChainTx.body_error).
REVIEW_REASONS = (
    UNMATCHED,
    BOUNCE_UNMATCHED,
    AMOUNT_NOT_POSITIVE,
    AMOUNT_TOO_LARGE,
    UNKNOWN_OP,
    APPLY_FAILED,
    BODY_MALFORMED,
    COMMENT_UNDECODABLE,
    NOTIFICATION_MALFORMED,
)


@dataclass(frozen=True)
class DepositInfo:
    address: str  # the hot wallet, user-friendly
    memo: str
    ton_link: str
    usdt_link: str
    ton_qr_svg: str  # data:image/svg+xml;base64,…
    usdt_qr_svg: str


def deposit_info(uow: UnitOfWork, user_id: int, *, hot_wallet: HotWallet, settings: Settings) -> DepositInfo:
    """Where (`hot_wallet`) and with which comment the user pays in TON or USDT; creates the memo on first call."""
    memo = ensure_memo(uow, user_id)
    address = hot_wallet.friendly
    master = parse_ton_address(settings.usdt_master, testnet=settings.ton_network == "-3").friendly
    ton_link = f"ton://transfer/{address}?text={memo}"
    usdt_link = f"ton://transfer/{address}?jetton={master}&text={memo}"
    return DepositInfo(
        address=address,
        memo=memo,
        ton_link=ton_link,
        usdt_link=usdt_link,
        ton_qr_svg=qr_data_uri(ton_link),
        usdt_qr_svg=qr_data_uri(usdt_link),
    )


def ensure_memo(uow: UnitOfWork, user_id: int) -> str:
    """The user's memo, created on first use. Two first calls racing get the same one."""
    while True:
        with uow.transaction() as s:
            found = s.execute(select(DepositMemo.memo).where(DepositMemo.user_id == user_id)).scalar_one_or_none()
            if found is not None:
                return found
            # Conflict on either the user (a twin call won) or the memo (a collision): read and retry.
            dialect = postgresql if uow.is_postgres else sqlite
            s.execute(dialect.insert(DepositMemo).values(user_id=user_id, memo=new_memo()).on_conflict_do_nothing())


def new_memo() -> str:
    return "".join(secrets.choice(MEMO_ALPHABET) for _ in range(MEMO_LENGTH))


def normalise_memo(comment: str | None) -> str | None:
    """What a sender typed, the way memos are stored: trimmed, upper case."""
    if comment is None:
        return None
    text = comment.strip().upper()
    return text or None


async def demo_faucet(
    uow: UnitOfWork,
    gateway: ChainGateway,
    user_id: int,
    *,
    hot_wallet: HotWallet,
    asset: str,
    amount: int,
    settings: Settings,
) -> str:
    """Send `amount` (minor units) to `hot_wallet` with the user's memo through a gateway that has a
    Faucet (the fake chain); return the chain tx hash. The monitor then credits it like any deposit: the
    whole path runs for real."""
    if not settings.demo_faucet_enabled or not isinstance(gateway, Faucet):
        raise Forbidden("the demo faucet is off")
    if asset not in ASSET_DECIMALS:
        raise InvalidAmount(f"the faucet has no {asset}", asset=asset)
    if isinstance(amount, bool) or not 0 < amount <= FAUCET_MAX_UNITS * 10 ** ASSET_DECIMALS[asset]:
        raise InvalidAmount(f"faucet amount out of range: {amount}", amount=amount)
    memo = ensure_memo(uow, user_id)
    if asset == "TON":
        tx = gateway.deposit(hot_wallet.address, amount, comment=memo)
    else:
        tx = gateway.jetton_deposit(hot_wallet.address, amount, comment=memo)
    return tx.hash


# --- inside the chain monitor's transaction ------------------------------------------------------


def memo_owners(session: Session, comments: Iterable[str | None]) -> dict[str, int]:
    """The users whose memos these comments are, keyed by the normalised memo."""
    # Only what could be a memo reaches the query: a comment is anyone's text (PostgreSQL refuses NUL).
    memos = {memo for c in comments if (memo := normalise_memo(c)) is not None and _is_memo(memo)}
    if not memos:
        return {}
    return dict(session.execute(select(DepositMemo.memo, DepositMemo.user_id).where(DepositMemo.memo.in_(memos))).all())


@dataclass(frozen=True)
class Credit:
    """A chain transaction's deposit to credit: `amount` minor units of `asset` to the user's available."""

    tx_hash: str
    user_id: int
    asset: str
    amount: int


def credit_deposits(session: Session, credits: Sequence[Credit]) -> None:
    """Money arrived from outside: external -> each user's available balance, one ledger transaction per
    chain tx (its idempotency key says which), all of them in a few statements."""
    external = {c.asset: ledger_batch.system_account_row(EXTERNAL, c.asset) for c in credits}
    users = {(c.user_id, c.asset): ledger_batch.user_account_row(c.user_id, c.asset) for c in credits}
    refs = ledger_batch.accounts(session, [*external.values(), *users.values()])
    entries = [
        ledger_batch.Entry(
            idempotency_key=f"deposit:{c.tx_hash}",
            kind=DEPOSIT,
            legs=[Leg(refs[external[c.asset]["key"]], refs[users[c.user_id, c.asset]["key"]], c.amount)],
            memo=f"chain tx {c.tx_hash}",
        )
        for c in credits
    ]
    ledger_batch.post_many(session, entries)


def record_unmatched(
    session: Session,
    *,
    tx_hash: str,
    asset: str,
    amount: int | None,
    sender: str | None,
    comment: str | None,
    reason: str = UNMATCHED,
    detail: str | None = None,
) -> None:
    """A deposit the monitor could not credit (whose memo matched nobody, or for `reason`): into the
    operator's review queue, not onto any balance. `amount` None: unknown, or more than a column holds."""
    if reason not in REVIEW_REASONS:
        raise ValueError(f"unknown review reason {reason!r}")
    session.add(
        UnmatchedDeposit(
            chain_tx_hash=tx_hash,
            asset=asset,
            amount=amount,
            sender=_storable(sender, 80),
            comment=_storable(comment, 500),
            reason=reason,
            detail=_storable(detail, 500),
        )
    )
    session.flush()


def _storable(text: str | None, limit: int) -> str | None:
    # Anyone can write anything in a comment; PostgreSQL text cannot hold NUL, and a text the database
    # refuses would stop the monitor on this transaction.
    return text.replace("\x00", "")[:limit] if text is not None else None


def _is_memo(text: str) -> bool:
    return len(text) == MEMO_LENGTH and all(c in MEMO_ALPHABET for c in text)
