"""The fee schedule (SPEC F12): what each operation costs, read by the use cases that charge it and
set by operators in the console.

A rule an operator set is a `fee_rules` row; until then the operation's starting value comes from the
settings (invoice and deal percents, the flat withdrawal and payout fees per asset). Use cases read the
rule inside their own transaction (`rule_in`) and move the fee to the fee account in that same ledger
transaction; screens show it before the user confirms (`fee_schedule`, or the use case's own quote).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.fees import (
    DEAL,
    INVOICE_PAYMENT,
    OPERATIONS,
    PAYOUT,
    PERCENT_OPERATIONS,
    PPM_PER_PERCENT,
    WITHDRAWAL,
    FeeRule,
    FeeRuleInvalid,
    FeeSplit,
    percent_text,
    ppm_of,
    take_out,
)
from krypton_app.domain.money import parse_amount_text, to_minor
from krypton_app.models import Asset, OperatorAction, User
from krypton_app.models.common import as_utc, utcnow
from krypton_app.models.fees import FeeRuleRow
from krypton_app.services import audit
from krypton_app.services.roles import require_operator
from krypton_app.settings import Settings, get_settings


@dataclass(frozen=True)
class FeeRuleView:
    rule: FeeRule
    decimals: int  # the asset's, to show flat and minimum
    set_by_operator: bool  # False: the settings' starting value
    updated_at: datetime | None


def default_rule(operation: str, asset: str, settings: Settings) -> FeeRule:
    """The rule before any operator set one."""
    if operation == INVOICE_PAYMENT:
        return FeeRule(operation, asset, percent=settings.invoice_fee_percent)
    if operation == DEAL:
        return FeeRule(operation, asset, percent=settings.deal_fee_percent, payer=settings.deal_fee_payer)
    if operation == WITHDRAWAL:
        return FeeRule(operation, asset, flat=settings.withdrawal_fees.get(asset, 0))
    if operation == PAYOUT:
        return FeeRule(operation, asset, flat=settings.payout_fees.get(asset, 0))
    raise FeeRuleInvalid(f"unknown operation {operation!r}", code="fee_operation_invalid")


def rule_in(s: Session, operation: str, asset: str, settings: Settings | None = None) -> FeeRule:
    """The rule in force for `operation` in `asset`, read in the caller's transaction."""
    row = s.get(FeeRuleRow, (operation, asset))
    if row is None:
        return default_rule(operation, asset, settings or get_settings())
    return _rule(row)


def fee_rule(uow: UnitOfWork, operation: str, asset: str, settings: Settings | None = None) -> FeeRule:
    with uow.read() as s:
        return rule_in(s, operation, asset, settings)


def fee_schedule(uow: UnitOfWork, settings: Settings | None = None) -> list[FeeRuleView]:
    """Every operation in every asset, in OPERATIONS order: public (the price list)."""
    settings = settings or get_settings()
    with uow.read() as s:
        assets = s.execute(select(Asset.code, Asset.decimals).order_by(Asset.code)).all()
        rows = {(r.operation, r.asset): r for r in s.execute(select(FeeRuleRow)).scalars()}
    views = []
    for operation in OPERATIONS:
        for asset in assets:
            row = rows.get((operation, asset.code))
            rule = _rule(row) if row is not None else default_rule(operation, asset.code, settings)
            views.append(
                FeeRuleView(rule, asset.decimals, row is not None, as_utc(row.updated_at) if row is not None else None)
            )
    return views


@dataclass(frozen=True)
class FeeQuote:
    """What the merchant of an invoice receives of one payment, shown before they create it."""

    rule: FeeRule
    decimals: int
    split: FeeSplit | None  # for the typed amount; None when none (or no amount) was typed


def invoice_fee_quote(uow: UnitOfWork, asset: str, amount: str = "", settings: Settings | None = None) -> FeeQuote:
    """The invoice-payment rule in `asset` and, for a typed `amount` (decimal text; anything else counts
    as none), its gross, fee and net. Reads no one's data."""
    with uow.read() as s:
        decimals = s.execute(select(Asset.decimals).where(Asset.code == asset)).scalar_one_or_none()
        if decimals is None:
            raise FeeRuleInvalid(f"unknown asset {asset!r}", code="fee_operation_invalid")
        rule = rule_in(s, INVOICE_PAYMENT, asset, settings)
    try:
        gross = to_minor(str(amount), decimals) if str(amount).strip() else None
    except KryptonError:
        gross = None
    return FeeQuote(rule, decimals, take_out(rule, gross) if gross else None)


def set_fee_rule(
    uow: UnitOfWork,
    operator_id: int,
    operation: str,
    asset: str,
    *,
    percent: str = "0",
    flat: str = "0",
    minimum: str = "0",
    payer: str | None = None,
    settings: Settings | None = None,
) -> FeeRuleView:
    """An operator sets one rule from the console's texts (amounts in the asset's units: "0.05"). The
    change and its audit line (old and new rule) commit together; setting the same rule again changes
    nothing and logs nothing."""
    if operation not in OPERATIONS:
        raise FeeRuleInvalid(f"unknown operation {operation!r}", code="fee_operation_invalid")
    with uow.transaction() as s:
        require_operator(s, operator_id)
        decimals = s.execute(select(Asset.decimals).where(Asset.code == asset)).scalar_one_or_none()
        if decimals is None:
            raise FeeRuleInvalid(f"unknown asset {asset!r}", code="fee_operation_invalid")
        new = FeeRule(
            operation,
            asset,
            percent=_percent(percent) if operation in PERCENT_OPERATIONS else Decimal(0),
            flat=_minor(flat, decimals, "fee_flat_invalid"),
            minimum=_minor(minimum, decimals, "fee_minimum_invalid"),
            payer=(payer or None) if operation == DEAL else None,
        )
        # The row locked before the old rule is read: two operators changing one rule log a true old.
        row = s.get(FeeRuleRow, (operation, asset), with_for_update=True)
        old = _rule(row) if row is not None else default_rule(operation, asset, settings or get_settings())
        if old == new and row is not None:
            return FeeRuleView(new, decimals, True, as_utc(row.updated_at))
        if row is None:
            row = FeeRuleRow(operation=operation, asset=asset)
        row.ppm = ppm_of(new.percent)
        row.flat, row.minimum, row.payer = new.flat, new.minimum, new.payer
        row.updated_by, row.updated_at = operator_id, utcnow()
        s.add(row)
        audit.record(s, operator_id, audit.FEE_CHANGED, f"fee:{operation}:{asset}", old=_json(old), new=_json(new))
        return FeeRuleView(new, decimals, True, as_utc(row.updated_at))


@dataclass(frozen=True)
class FeeChange:
    """One change of the schedule as the console's history shows it: who, when, the old and the new rule."""

    id: int
    operator_id: int
    operator_name: str  # display name or username, "" when the operator set neither
    operation: str
    asset: str
    decimals: int
    old: FeeRule
    new: FeeRule
    created_at: datetime


def fee_changes(uow: UnitOfWork, operator_id: int, *, limit: int = 50) -> list[FeeChange]:
    """The newest changes of the fee schedule first (the audit lines set_fee_rule wrote); operators only."""
    with uow.read() as s:
        require_operator(s, operator_id)
        decimals = {row.code: row.decimals for row in s.execute(select(Asset.code, Asset.decimals))}
        rows = s.execute(
            select(OperatorAction, User.display_name, User.username)
            .join(User, User.id == OperatorAction.operator_id)
            .where(OperatorAction.action == audit.FEE_CHANGED)
            .order_by(OperatorAction.id.desc())
            .limit(max(1, min(limit, 200)))
        ).all()
    changes = []
    for line, display_name, username in rows:
        _, operation, asset = line.subject.split(":", 2)
        changes.append(
            FeeChange(
                id=line.id,
                operator_id=line.operator_id,
                operator_name=display_name or username or "",
                operation=operation,
                asset=asset,
                decimals=decimals.get(asset, 0),
                old=_from_json(operation, asset, line.details["old"]),
                new=_from_json(operation, asset, line.details["new"]),
                created_at=as_utc(line.created_at),
            )
        )
    return changes


def _rule(row: FeeRuleRow) -> FeeRule:
    return FeeRule(
        row.operation,
        row.asset,
        percent=Decimal(row.ppm) / PPM_PER_PERCENT,
        flat=row.flat,
        minimum=row.minimum,
        payer=row.payer,
    )


def _json(rule: FeeRule) -> dict:
    return {"percent": percent_text(rule.percent), "flat": rule.flat, "minimum": rule.minimum, "payer": rule.payer}


def _from_json(operation: str, asset: str, data: dict) -> FeeRule:
    return FeeRule(
        operation,
        asset,
        percent=Decimal(data["percent"]),
        flat=int(data["flat"]),
        minimum=int(data["minimum"]),
        payer=data["payer"],
    )


def _percent(text: str) -> Decimal:
    """A typed percent ("0.5", "0,5"); its range and places are the rule's own check."""
    try:
        return parse_amount_text(str(text or "0"))
    except (KryptonError, InvalidOperation):
        raise FeeRuleInvalid(f"not a percent: {text!r}", code="fee_percent_invalid") from None


def _minor(text: str, decimals: int, code: str) -> int:
    try:
        return to_minor(str(text or "0"), decimals)
    except KryptonError:
        raise FeeRuleInvalid(f"not an amount: {text!r}", code=code) from None
