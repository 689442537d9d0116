"""TON and USDT withdrawals from the hot wallet: quote, request (hold), list. The sender that signs and
sends them is services/withdrawal_sender.py; the settlement the chain monitor applies is
services/withdrawal_settlement.py.

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

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, Table, select
from sqlalchemy.dialects import postgresql, sqlite

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import (
    IdempotencyConflict,
    InsufficientFunds,
    InvalidAmount,
    InvalidDestination,
    NotFound,
)
from krypton_app.domain.ledger import AVAILABLE, HELD, Leg
from krypton_app.domain.money import format_amount, to_minor
from krypton_app.domain.ton_address import parse_ton_address
from krypton_app.models.common import as_utc, utcnow
from krypton_app.models.withdrawals import Withdrawal
from krypton_app.services.deposits import ASSET_DECIMALS
from krypton_app.services.ledger import post, user_account
from krypton_app.services.ledger_reads import list_balances
from krypton_app.services.transfer_fees import check_fee, withdrawal_fee
from krypton_app.settings import Settings

_withdrawals: Table = Withdrawal.__table__

# Ledger kinds: amount + fee held at the request, then sent (confirmed) or given back.
WITHDRAWAL_HOLD = "withdrawal_hold"
WITHDRAWAL = "withdrawal"
WITHDRAWAL_REFUND = "withdrawal_refund"
MAX_COMMENT_CHARS = 120  # room for any exchange's memo; the column holds this much


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
class MaxAmount:
    """The most the user can send of `asset` by one method: what is available less that method's fee."""

    asset: str
    decimals: int
    available: int
    fee: int
    amount: int  # available - fee; 0 when the balance does not cover the fee


def spendable(available: int, fee: int, asset: str, decimals: int) -> MaxAmount:
    return MaxAmount(asset, decimals, available, fee, max(available - fee, 0))


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
    fee (the fee schedule's, services/transfer_fees.py), check the balance covers both."""
    with uow.read() as s:
        fee = withdrawal_fee(s, asset, settings) if asset in ASSET_DECIMALS else 0
    quote = _quote(asset, address, amount, settings, comment, fee)
    balance = next(b for b in list_balances(uow, user_id) if b.asset == asset)
    if balance.available < quote.total:
        raise InsufficientFunds(
            f"{asset} available {balance.available}, needs {quote.total}",
            asset=asset,
            available=balance.available,
            decimals=quote.decimals,
            required=quote.total,
        )
    return quote


def max_ton_withdrawal(uow: UnitOfWork, user_id: int, *, asset: str, settings: Settings) -> MaxAmount:
    """The "Max" of the TON withdraw form: the available balance less the network fee."""
    if asset not in ASSET_DECIMALS:
        raise NotFound(f"no asset {asset!r} on TON", asset=asset)
    balance = next(b for b in list_balances(uow, user_id) if b.asset == asset)
    with uow.read() as s:
        fee = withdrawal_fee(s, asset, settings)
    return spendable(balance.available, fee, asset, balance.decimals)


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
    quoted_fee: int | None = None,
) -> WithdrawalView:
    """Create the withdrawal and hold amount + fee, in one transaction. A retry with the same key
    returns the first withdrawal; the same key for another withdrawal is an IdempotencyConflict. The fee
    is read again in this transaction: FeeChanged if it is not `quoted_fee`, the fee the user confirmed."""
    # Keys are the client's: scoped per user so one user's key never collides with another's.
    key = f"user:{user_id}:{idempotency_key}"
    now = utcnow()
    with uow.transaction() as s:
        fee = withdrawal_fee(s, asset, settings)
        quote = _quote(asset, address, amount, settings, comment, fee)
        existing = s.execute(select(_withdrawals).where(_withdrawals.c.idempotency_key == key)).one_or_none()
        if existing is None:
            # A retry answers with the first withdrawal even after a fee change; a new one pays today's fee.
            check_fee(quoted_fee, fee, asset=asset)
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
            kind=WITHDRAWAL_HOLD,
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


# --- helpers -------------------------------------------------------------------------------------


def _quote(asset: str, address: str, amount: str, settings: Settings, comment: str | None, fee: int) -> WithdrawalQuote:
    if asset not in ASSET_DECIMALS:
        raise NotFound(f"no asset {asset!r} on TON", asset=asset)
    comment = _user_comment(comment)
    decimals = ASSET_DECIMALS[asset]
    destination = parse_ton_address(address, testnet=settings.ton_network == "-3")
    minor = to_minor(amount, decimals)
    # Below the fee, most of what leaves the balance would be fee; it also keeps dust withdrawals
    # (each costs the hot wallet gas and one seqno slot) from clogging the queue.
    minimum = max(fee, 1)
    if minor < minimum:
        raise InvalidAmount(
            f"the smallest {asset} withdrawal is {format_amount(minimum, decimals)}",
            code="withdrawal_below_minimum",
            amount=minor,
            minimum=minimum,
            decimals=decimals,
            asset=asset,
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
