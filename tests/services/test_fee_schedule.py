"""The fee schedule operators set (services/fees.py, SPEC F12): only operators; each change writes one
audit line with who, the old and the new rule, in the same transaction; setting the same rule again
writes nothing; bad inputs are refused with their code; the starting values come from the settings."""

from decimal import Decimal

import pytest
from builders import make_user
from sqlalchemy import select

from krypton_app.domain.errors import Forbidden
from krypton_app.domain.fees import DEAL, INVOICE_PAYMENT, MAKER, PAYOUT, TAKER, WITHDRAWAL, FeeRule, FeeRuleInvalid
from krypton_app.models import OperatorAction
from krypton_app.services import audit, fees
from krypton_app.settings import Settings

SETTINGS = Settings(
    KRYPTON_INVOICE_FEE_PERCENT="1",
    KRYPTON_DEAL_FEE_PERCENT="0.5",
    KRYPTON_DEAL_FEE_PAYER="taker",
    KRYPTON_WITHDRAWAL_FEES={"TON": 50_000_000, "USDT": 300_000},
    KRYPTON_PAYOUT_FEES={"TON": 100_000_000, "USDT": 1_000_000},
)


def fee_lines(uow) -> list[OperatorAction]:
    with uow.read() as s:
        query = select(OperatorAction).where(OperatorAction.action == audit.FEE_CHANGED).order_by(OperatorAction.id)
        return [OperatorAction(**row.model_dump()) for row in s.execute(query).scalars()]


def test_before_any_operator_the_settings_starting_values_apply(uow):
    schedule = {(v.rule.operation, v.rule.asset): v for v in fees.fee_schedule(uow, SETTINGS)}
    assert {op for op, _ in schedule} == {INVOICE_PAYMENT, DEAL, WITHDRAWAL, PAYOUT}
    assert schedule[INVOICE_PAYMENT, "TON"].rule == FeeRule(INVOICE_PAYMENT, "TON", percent=Decimal(1))
    assert schedule[DEAL, "USDT"].rule == FeeRule(DEAL, "USDT", percent=Decimal("0.5"), payer=TAKER)
    assert schedule[WITHDRAWAL, "USDT"].rule.flat == 300_000 and schedule[PAYOUT, "TON"].rule.flat == 100_000_000
    assert schedule[WITHDRAWAL, "USDT"].decimals == 6
    assert not any(v.set_by_operator for v in schedule.values())
    assert fees.fee_rule(uow, INVOICE_PAYMENT, "TON", SETTINGS).percent == 1


def test_an_operator_sets_a_rule_and_the_change_is_logged_with_old_and_new(uow):
    operator = make_user(uow, operator=True, display_name="Olga")
    view = fees.set_fee_rule(
        uow, operator, INVOICE_PAYMENT, "TON", percent="2,5", flat="0.01", minimum="0.02", settings=SETTINGS
    )
    assert view.rule == FeeRule(INVOICE_PAYMENT, "TON", percent=Decimal("2.5"), flat=10_000_000, minimum=20_000_000)
    assert view.set_by_operator and view.updated_at is not None
    assert fees.fee_rule(uow, INVOICE_PAYMENT, "TON", SETTINGS) == view.rule
    [line] = fee_lines(uow)
    assert line.operator_id == operator and line.subject == "fee:invoice_payment:TON"
    assert line.details == {
        "old": {"percent": "1", "flat": 0, "minimum": 0, "payer": None},
        "new": {"percent": "2.5", "flat": 10_000_000, "minimum": 20_000_000, "payer": None},
    }
    # the next change logs the operator's rule as its old one
    fees.set_fee_rule(uow, operator, INVOICE_PAYMENT, "TON", percent="0", settings=SETTINGS)
    assert fee_lines(uow)[-1].details["old"]["percent"] == "2.5"
    assert fee_lines(uow)[-1].details["new"] == {"percent": "0", "flat": 0, "minimum": 0, "payer": None}
    # the schedule shows it as set by an operator; other rules keep their starting value
    schedule = {(v.rule.operation, v.rule.asset): v for v in fees.fee_schedule(uow, SETTINGS)}
    assert schedule[INVOICE_PAYMENT, "TON"].set_by_operator and schedule[INVOICE_PAYMENT, "TON"].rule.percent == 0
    assert not schedule[INVOICE_PAYMENT, "USDT"].set_by_operator


def test_a_round_percent_is_logged_as_typed(uow):
    operator = make_user(uow, operator=True)
    fees.set_fee_rule(uow, operator, INVOICE_PAYMENT, "TON", percent="10", settings=SETTINGS)
    fees.set_fee_rule(uow, operator, INVOICE_PAYMENT, "TON", percent="20", settings=SETTINGS)
    assert [line.details["new"]["percent"] for line in fee_lines(uow)] == ["10", "20"]
    assert fees.fee_changes(uow, operator)[0].old.percent == 10


def test_setting_the_same_rule_again_changes_and_logs_nothing(uow):
    operator = make_user(uow, operator=True)
    first = fees.set_fee_rule(uow, operator, DEAL, "TON", percent="0.75", payer=MAKER, settings=SETTINGS)
    again = fees.set_fee_rule(uow, operator, DEAL, "TON", percent="0.7500", payer=MAKER, settings=SETTINGS)
    assert again == first
    assert len(fee_lines(uow)) == 1


def test_only_an_operator_sets_a_fee(uow):
    someone = make_user(uow)
    for user in (someone, 999_999):
        with pytest.raises(Forbidden):
            fees.set_fee_rule(uow, user, INVOICE_PAYMENT, "TON", percent="0", settings=SETTINGS)
    assert fee_lines(uow) == []
    assert not any(v.set_by_operator for v in fees.fee_schedule(uow, SETTINGS))


@pytest.mark.parametrize(
    ("operation", "asset", "fields", "code"),
    [
        ("refund", "TON", {}, "fee_operation_invalid"),
        (INVOICE_PAYMENT, "DOGE", {}, "fee_operation_invalid"),
        (INVOICE_PAYMENT, "TON", {"percent": "abc"}, "fee_percent_invalid"),
        (INVOICE_PAYMENT, "TON", {"percent": "-1"}, "fee_percent_invalid"),
        (INVOICE_PAYMENT, "TON", {"percent": "51"}, "fee_percent_invalid"),
        (INVOICE_PAYMENT, "TON", {"percent": "0.00001"}, "fee_percent_invalid"),
        (INVOICE_PAYMENT, "TON", {"percent": "1e2"}, "fee_percent_invalid"),
        (INVOICE_PAYMENT, "USDT", {"flat": "0.0000001"}, "fee_flat_invalid"),  # 7 places: USDT has 6
        (WITHDRAWAL, "TON", {"flat": "-1"}, "fee_flat_invalid"),
        (WITHDRAWAL, "TON", {"minimum": "x"}, "fee_minimum_invalid"),
        (DEAL, "TON", {"percent": "1"}, "fee_payer_invalid"),
        (DEAL, "TON", {"percent": "1", "payer": "bank"}, "fee_payer_invalid"),
    ],
)
def test_a_rule_that_cannot_be_is_refused_with_its_code_and_nothing_is_written(uow, operation, asset, fields, code):
    operator = make_user(uow, operator=True)
    with pytest.raises(FeeRuleInvalid) as error:
        fees.set_fee_rule(uow, operator, operation, asset, settings=SETTINGS, **fields)
    assert error.value.code == code
    assert fee_lines(uow) == []


def test_a_withdrawal_fee_is_flat_whatever_percent_is_typed(uow):
    operator = make_user(uow, operator=True)
    view = fees.set_fee_rule(uow, operator, WITHDRAWAL, "USDT", percent="5", flat="0.5", settings=SETTINGS)
    assert view.rule == FeeRule(WITHDRAWAL, "USDT", flat=500_000)
    assert view.decimals == 6


def test_the_history_lists_fee_changes_newest_first_for_operators_only(uow):
    operator = make_user(uow, operator=True, display_name="Olga")
    fees.set_fee_rule(uow, operator, INVOICE_PAYMENT, "TON", percent="2", settings=SETTINGS)
    fees.set_fee_rule(uow, operator, WITHDRAWAL, "USDT", flat="0.4", settings=SETTINGS)
    history = fees.fee_changes(uow, operator)
    assert [(c.operation, c.asset) for c in history] == [(WITHDRAWAL, "USDT"), (INVOICE_PAYMENT, "TON")]
    assert history[0].operator_name == "Olga" and history[0].old.flat == 300_000 and history[0].new.flat == 400_000
    assert history[1].old.percent == 1 and history[1].new.percent == 2 and history[1].decimals == 9
    with pytest.raises(Forbidden):
        fees.fee_changes(uow, make_user(uow))
