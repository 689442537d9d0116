"""Fee sweeps (SPEC F12): when an asset's fee account reaches its threshold, its whole balance leaves in
one on-chain transfer from the hot wallet to the owner's wallet (settings.fee_owner).

Making a sweep is one database transaction: lock the FEES account, read its balance, insert the sweep
and move that balance FEES -> FEE_SWEEP. Two workers (or a worker and an operator) that race lock the
same account row, so the second finds the balance gone and makes nothing; fees that arrive while a sweep
is on its way stay in FEES for the next one. The sweep is then an outgoing message of the hot wallet
like a withdrawal: the withdrawal sender signs and sends it (services/withdrawal_sender.py) and the chain
monitor confirms or returns it (services/fee_sweep_settlement.py, which also draws the states).

Operators force a sweep, change a threshold and read the statistics here; each action is one audit line
in its own transaction. `in_flight_sweeps` is what the reconciliation with the chain counts as fees
still in the hot wallet but no longer in FEES.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Row, Table, func, select
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import SweepRefused
from krypton_app.domain.ledger import FEE_SWEEP, FEES, Leg, system_account_key
from krypton_app.domain.money import format_amount, to_minor
from krypton_app.domain.ton_address import TonAddress, parse_ton_address
from krypton_app.models import Account, LedgerTransaction, Posting
from krypton_app.models.common import as_utc, utcnow
from krypton_app.models.fee_sweeps import FeeSweep, SweepSetting
from krypton_app.services import audit
from krypton_app.services.fee_sweep_settlement import FEE_SWEEP_HOLD, FEE_SWEEP_RETURN
from krypton_app.services.ledger import post, system_account
from krypton_app.services.payout_quotes import asset_decimals
from krypton_app.services.roles import require_operator
from krypton_app.settings import Settings

log = logging.getLogger(__name__)

_sweeps: Table = FeeSweep.__table__
_settings: Table = SweepSetting.__table__
_accounts: Table = Account.__table__
_postings: Table = Posting.__table__
_transactions: Table = LedgerTransaction.__table__

# Until an operator sets one: the seeds' example for TON, and about the same worth of USDT.
DEFAULT_THRESHOLDS = {"TON": 10 * 10**9, "USDT": 50 * 10**6}
SWEEP_ASSETS = tuple(DEFAULT_THRESHOLDS)
OPEN = ("pending", "sent")  # the fees are in FEE_SWEEP, not yet confirmed on chain
RECENT = 10
CHART_DAYS = 14


@dataclass(frozen=True)
class SweepView:
    id: int
    asset: str
    amount: int
    status: str  # pending | sent | confirmed | returned
    destination: str  # the owner's wallet as configured
    chain_tx_hash: str | None
    failure: str | None
    forced: bool  # an operator's, not the threshold's
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ChartDay:
    day: date
    collected: int  # fees that arrived in FEES that day (minor units)
    swept: int  # sweeps made that day and confirmed since


@dataclass(frozen=True)
class AssetSweeps:
    asset: str
    decimals: int
    threshold: int
    balance: int  # FEES now: what the next sweep takes
    in_flight: int  # swept out of FEES, not yet confirmed
    collected: int  # every fee ever credited to FEES (a returned sweep is not collected twice)
    swept: int  # confirmed sweeps, in total
    last: SweepView | None
    recent: list[SweepView]
    chart: list[ChartDay]


@dataclass(frozen=True)
class SweepStats:
    owner_wallet: str | None  # None: sweeps are off
    assets: list[AssetSweeps]


def owner_wallet(settings: Settings) -> TonAddress | None:
    """The owner's wallet, validated for our network; None when none is configured (sweeps are off)."""
    if not settings.fee_owner:
        return None
    return parse_ton_address(settings.fee_owner, testnet=settings.ton_network == "-3")


# --- the worker --------------------------------------------------------------------------------


def sweep_due(uow: UnitOfWork, settings: Settings) -> list[int]:
    """Make a sweep for every asset whose fee balance reached its threshold; the ids made. One
    transaction per asset. Safe in any number of processes at once: see the module's docstring."""
    owner = owner_wallet(settings)
    if owner is None:
        return []
    made = []
    for asset in SWEEP_ASSETS:
        # A read first: most rounds find nothing due, and a write transaction (SQLite's is the whole
        # database's) every round of every process would be paid for nothing.
        with uow.read() as s:
            if _fee_balance(s, asset) < max(threshold_of(s, asset), 1):
                continue
        with uow.transaction() as s:
            row = _make_sweep(s, asset, owner, minimum=threshold_of(s, asset), forced_by=None)
        if row is not None:
            log.info("fee sweep %s: %s minor units of %s to %s", row.id, row.amount, asset, owner.friendly)
            made.append(row.id)
    return made


def _make_sweep(s: Session, asset: str, owner: TonAddress, *, minimum: int, forced_by: int | None) -> Row | None:
    fees = system_account(s, FEES, asset)
    in_flight = system_account(s, FEE_SWEEP, asset)
    # The lock that makes racing sweepers one: whoever comes second reads the balance already moved.
    balance = s.execute(select(_accounts.c.balance).where(_accounts.c.id == fees.id).with_for_update()).scalar_one()
    if balance <= 0 or balance < minimum:
        return None
    row = s.execute(
        _sweeps.insert()
        .values(
            asset=asset,
            amount=balance,
            destination=owner.raw,
            destination_friendly=owner.friendly,
            status="pending",
            forced_by=forced_by,
            attempts=0,
            created_at=utcnow(),
            updated_at=utcnow(),
        )
        .returning(_sweeps)
    ).one()
    post(
        s,
        idempotency_key=f"fee_sweep:{row.id}:hold",
        kind=FEE_SWEEP_HOLD,
        legs=[Leg(fees, in_flight, balance)],
        memo=f"fee sweep {row.id} to {owner.friendly}",
    )
    return row


# --- operators ---------------------------------------------------------------------------------


def force_sweep(uow: UnitOfWork, operator_id: int, asset: str, *, settings: Settings) -> SweepView:
    """Sweep the asset's whole fee balance now, below the threshold too; refused when there is none."""
    _check_asset(asset)
    with uow.transaction() as s:
        require_operator(s, operator_id)
        owner = owner_wallet(settings)
        if owner is None:
            raise SweepRefused("no owner wallet", code="sweep_off")
        row = _make_sweep(s, asset, owner, minimum=1, forced_by=operator_id)
        if row is None:
            raise SweepRefused("nothing to sweep", code="sweep_nothing", asset=asset)
        audit.record(
            s, operator_id, audit.SWEEP_FORCED, f"fee_sweep:{row.id}", asset=asset, amount=row.amount, to=owner.raw
        )
        return _view(row)


def set_threshold(uow: UnitOfWork, operator_id: int, asset: str, amount_text: str) -> int:
    """Set the asset's threshold from text in its units ("12.5"); returns it in minor units. A threshold
    that changes nothing writes no audit line."""
    _check_asset(asset)
    with uow.transaction() as s:
        require_operator(s, operator_id)
        decimals = asset_decimals(s, asset)
        new = to_minor(amount_text, decimals)
        if new <= 0:
            raise SweepRefused("threshold must be positive", code="sweep_threshold_zero")
        old = threshold_of(s, asset)
        if new == old:
            return new
        current = s.get(SweepSetting, asset)
        if current is None:
            s.add(SweepSetting(asset=asset, threshold=new, updated_by=operator_id, updated_at=utcnow()))
        else:
            current.threshold, current.updated_by, current.updated_at = new, operator_id, utcnow()
        audit.record(
            s, operator_id, audit.SWEEP_THRESHOLD_CHANGED, f"sweep_threshold:{asset}", asset=asset, old=old, new=new
        )
        log.info("operator %s set the %s sweep threshold to %s", operator_id, asset, format_amount(new, decimals))
        return new


def _fee_balance(s: Session, asset: str) -> int:
    key = system_account_key(FEES, asset)
    return s.execute(select(_accounts.c.balance).where(_accounts.c.key == key)).scalar_one_or_none() or 0


def threshold_of(s: Session, asset: str) -> int:
    stored = s.execute(select(_settings.c.threshold).where(_settings.c.asset == asset)).scalar_one_or_none()
    return stored if stored is not None else DEFAULT_THRESHOLDS[asset]


def sweep_stats(uow: UnitOfWork, operator_id: int, *, settings: Settings, today: date | None = None) -> SweepStats:
    """Per asset: threshold, fee balance, in flight, collected and swept in total, the last and recent
    sweeps, and the last CHART_DAYS days of fees collected and swept. Operators only."""
    today = today or utcnow().date()
    owner = owner_wallet(settings)
    with uow.read() as s:
        require_operator(s, operator_id)
        return SweepStats(
            owner_wallet=owner.friendly if owner else None,
            assets=[_asset_stats(s, asset, today) for asset in SWEEP_ASSETS],
        )


def _asset_stats(s: Session, asset: str, today: date) -> AssetSweeps:
    balances = dict(
        s.execute(
            select(_accounts.c.kind, _accounts.c.balance).where(
                _accounts.c.user_id.is_(None), _accounts.c.asset == asset, _accounts.c.kind.in_((FEES, FEE_SWEEP))
            )
        ).all()
    )
    rows = s.execute(select(_sweeps).where(_sweeps.c.asset == asset).order_by(_sweeps.c.id.desc()).limit(RECENT)).all()
    recent = [_view(row) for row in rows]
    swept = s.execute(
        select(func.coalesce(func.sum(_sweeps.c.amount), 0)).where(
            _sweeps.c.asset == asset, _sweeps.c.status == "confirmed"
        )
    ).scalar_one()
    return AssetSweeps(
        asset=asset,
        decimals=asset_decimals(s, asset),
        threshold=threshold_of(s, asset),
        balance=balances.get(FEES, 0),
        in_flight=balances.get(FEE_SWEEP, 0),
        collected=s.execute(
            select(func.coalesce(func.sum(_postings.c.amount), 0)).select_from(_collected).where(_fee_credits(asset))
        ).scalar_one(),
        swept=swept,
        last=recent[0] if recent else None,
        recent=recent,
        chart=_chart(s, asset, today),
    )


_collected = _postings.join(_accounts, _accounts.c.id == _postings.c.account_id).join(
    _transactions, _transactions.c.id == _postings.c.transaction_id
)


def _fee_credits(asset: str):
    """Every credit to the asset's FEES account except a sweep coming back: fees collected."""
    return (
        (_accounts.c.key == system_account_key(FEES, asset))
        & (_postings.c.amount > 0)
        & (_transactions.c.kind != FEE_SWEEP_RETURN)
    )


def _chart(s: Session, asset: str, today: date) -> list[ChartDay]:
    first = today - timedelta(days=CHART_DAYS - 1)
    since = datetime.combine(first, time.min, tzinfo=UTC)
    collected: dict[date, int] = defaultdict(int)
    for created_at, amount in s.execute(
        select(_transactions.c.created_at, _postings.c.amount)
        .select_from(_collected)
        .where(_fee_credits(asset), _transactions.c.created_at >= since)
    ):
        collected[as_utc(created_at).date()] += amount
    swept: dict[date, int] = defaultdict(int)
    for created_at, amount in s.execute(
        select(_sweeps.c.created_at, _sweeps.c.amount).where(
            _sweeps.c.asset == asset, _sweeps.c.status == "confirmed", _sweeps.c.created_at >= since
        )
    ):
        swept[as_utc(created_at).date()] += amount
    days = [first + timedelta(days=n) for n in range(CHART_DAYS)]
    return [ChartDay(day, collected[day], swept[day]) for day in days]


# --- the reconciliation ------------------------------------------------------------------------


def in_flight_sweeps(session: Session) -> dict[str, int]:
    """Per asset, fees moved out of FEES into a sweep that the chain has not confirmed yet (pending or
    sent): still in the hot wallet, no longer in FEES. Assets with none are left out."""
    rows = session.execute(
        select(_sweeps.c.asset, func.sum(_sweeps.c.amount)).where(_sweeps.c.status.in_(OPEN)).group_by(_sweeps.c.asset)
    ).all()
    return {asset: int(amount) for asset, amount in rows if amount}


def sent_sweeps(session: Session) -> dict[str, int]:
    """Per asset, sweeps signed and sent but not yet confirmed: still owed in FEE_SWEEP, possibly gone
    from the hot wallet on chain already (the reconciliation's `sweeps_in_flight`, like a withdrawal's)."""
    rows = session.execute(
        select(_sweeps.c.asset, func.sum(_sweeps.c.amount)).where(_sweeps.c.status == "sent").group_by(_sweeps.c.asset)
    ).all()
    return {asset: int(amount) for asset, amount in rows if amount}


def _check_asset(asset: str) -> None:
    if asset not in SWEEP_ASSETS:
        raise SweepRefused("fees are not swept in this asset", code="sweep_asset", asset=asset)


def _view(row: Row) -> SweepView:
    return SweepView(
        id=row.id,
        asset=row.asset,
        amount=row.amount,
        status=row.status,
        destination=row.destination_friendly,
        chain_tx_hash=row.chain_tx_hash,
        failure=row.failure,
        forced=row.forced_by is not None,
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
    )
