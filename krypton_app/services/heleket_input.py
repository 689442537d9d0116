"""What a Heleket API request may say, checked field by field the way Heleket answers: every bad field is
named with Laravel-style messages (`validation.required`, `validation.max.string`…), all at once, as
HeleketInvalid (HTTP 422 `{"state":1,"errors":{…}}`). `null` counts as absent: aioheleket sends every
optional field as null. Pure: no database; the use cases (services/heleket.py) decide the rest."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from krypton_app.domain.errors import KryptonError

ORDER_ID = re.compile(r"[A-Za-z0-9_-]+")  # Heleket's alpha_dash
AMOUNT = re.compile(r"[0-9]{1,20}(\.[0-9]{1,18})?")
CURRENCY = re.compile(r"[A-Za-z]{2,8}")
NETWORK = "ton"  # Krypton's assets (TON, USDT) live on TON
LIFETIME_MIN, LIFETIME_MAX, LIFETIME_DEFAULT = 300, 43_200, 3_600
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


class HeleketInvalid(KryptonError):
    """Bad fields of a Heleket request: `errors` maps each field to its messages."""

    code = "heleket_invalid"

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(f"invalid fields: {sorted(errors)}")
        self.errors = errors


class HeleketRefused(KryptonError):
    """A Heleket request that cannot be done (`message` in Heleket's words, an HTTP status)."""

    code = "heleket_refused"

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


class Form:
    """One request body's fields, read with their checks; `done()` raises every failure together."""

    def __init__(self, data: Any):
        self.data = {k: v for k, v in data.items() if v is not None} if isinstance(data, dict) else {}
        self.errors: dict[str, list[str]] = {}

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def text(self, field: str, *, required: bool = False, low: int = 1, high: int = 255) -> str | None:
        value = self.data.get(field)
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)  # PHP's validator takes a number where a string is asked
        if value is None or value == "":
            if required:
                self.fail(field, "validation.required")
            return None
        if not isinstance(value, str):
            self.fail(field, "validation.string")
            return None
        if len(value) < low:
            self.fail(field, "validation.min.string")
        elif len(value) > high:
            self.fail(field, "validation.max.string")
        else:
            return value
        return None

    def integer(self, field: str, *, low: int, high: int, default: int | None = None) -> int | None:
        value = self.data.get(field, default)
        if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,12}", value):
            value = int(value)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(field, "validation.integer")
            return None
        if not low <= value <= high:
            self.fail(field, "validation.between.numeric")
            return None
        return value

    def boolean(self, field: str) -> bool | None:
        value = self.data.get(field)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        if value in (0, 1, "0", "1", "true", "false"):
            return value in (1, "1", "true")
        self.fail(field, "validation.boolean")
        return None

    def done(self) -> None:
        if self.errors:
            raise HeleketInvalid(self.errors)


def amount_of(form: Form, field: str, *, required: bool = True) -> Decimal | None:
    text = form.text(field, required=required, high=40)
    if text is None:
        return None
    if not AMOUNT.fullmatch(text.strip()):
        form.fail(field, "validation.numeric")
        return None
    amount = Decimal(text.strip())
    if amount <= 0:
        form.fail(field, "validation.gt.numeric")
        return None
    return amount


def code_of(form: Form, field: str, *, required: bool = False) -> str | None:
    text = form.text(field, required=required, high=8)
    if text is not None and not CURRENCY.fullmatch(text):
        form.fail(field, "validation.in")
        return None
    return text.upper() if text else None


def network_of(form: Form) -> None:
    network = form.text("network", high=32)
    if network is not None and network.lower() != NETWORK:
        form.fail("network", "validation.in")


def order_id_of(form: Form, *, required: bool = True, high: int = 128) -> str | None:
    order_id = form.text("order_id", required=required, high=high)
    if order_id is not None and not ORDER_ID.fullmatch(order_id):
        form.fail("order_id", "validation.alpha_dash")
        return None
    return order_id


@dataclass(frozen=True)
class PaymentRequest:
    amount: Decimal
    currency: str
    order_id: str
    to_currency: str | None
    lifetime: int
    url_callback: str | None
    url_return: str | None
    url_success: str | None
    additional_data: str | None


def payment_request(data: Any) -> PaymentRequest:
    """POST /v1/payment's body. Fields Krypton does not act on are checked for their type only
    (docs/compat-heleket.md lists them)."""
    form = Form(data)
    amount = amount_of(form, "amount")
    currency = code_of(form, "currency", required=True)
    order_id = order_id_of(form)
    to_currency = code_of(form, "to_currency")
    network_of(form)
    lifetime = form.integer("lifetime", low=LIFETIME_MIN, high=LIFETIME_MAX, default=LIFETIME_DEFAULT)
    urls = {name: form.text(name, low=6, high=255) for name in ("url_callback", "url_return", "url_success")}
    for name, url in urls.items():
        if url is not None and not re.match(r"https?://[^\s/]+", url):
            form.fail(name, "validation.url")
    additional_data = form.text("additional_data", high=255)
    form.integer("subtract", low=0, high=100)
    form.integer("discount_percent", low=-99, high=100)
    form.boolean("is_payment_multiple")
    form.boolean("is_refresh")
    if not _accuracy_ok(form.data.get("accuracy_payment_percent")):
        form.fail("accuracy_payment_percent", "validation.between.numeric")
    for name in ("currencies", "except_currencies"):
        if name in form.data and not isinstance(form.data[name], list):
            form.fail(name, "validation.array")
    for name in ("course_source", "from_referral_code", "payer_email"):
        form.text(name)
    form.done()
    assert amount is not None and currency is not None and order_id is not None and lifetime is not None
    return PaymentRequest(
        amount=amount,
        currency=currency,
        order_id=order_id,
        to_currency=to_currency,
        lifetime=lifetime,
        additional_data=additional_data,
        **urls,
    )


def _accuracy_ok(value: Any) -> bool:
    """0-5: aioheleket sends an int, heleket-sdk a string."""
    if value is None:
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return 0 <= value <= 5
    return isinstance(value, str) and bool(AMOUNT.fullmatch(value)) and Decimal(value) <= 5


def lookup(data: Any) -> tuple[str | None, str | None]:
    """(uuid, order_id) of an info / resend request: one of them required; order_id wins (Heleket's rule)."""
    form = Form(data)
    uuid, order_id = form.text("uuid", high=36), form.text("order_id", high=128)
    if uuid is None and order_id is None:
        form.fail("uuid", "validation.required_without")
        form.fail("order_id", "validation.required_without")
    form.done()
    return (None, order_id) if order_id is not None else (uuid, None)


def date_range(data: Any) -> tuple[datetime | None, datetime | None]:
    """`date_from` / `date_to` of a history request, `YYYY-MM-DD HH:MM:SS` in UTC (aioheleket's
    `data_from` typo is read too)."""
    form = Form(data)
    if "date_from" not in form.data and "data_from" in form.data:
        form.data["date_from"] = form.data["data_from"]
    moments = []
    for name in ("date_from", "date_to"):
        text = form.text(name, high=19)
        moment = None
        if text is not None:
            try:
                moment = datetime.strptime(text, DATE_FORMAT).replace(tzinfo=UTC)
            except ValueError:
                form.fail(name, "validation.date_format")
        moments.append(moment)
    form.done()
    return moments[0], moments[1]


@dataclass(frozen=True)
class PayoutRequest:
    amount: Decimal
    currency: str
    order_id: str
    address: str
    is_subtract: bool
    url_callback: str | None
    memo: str | None


def payout_request(data: Any) -> PayoutRequest:
    """POST /v1/payout's body: TON or USDT on TON to a TON address (docs/compat-heleket.md)."""
    form = Form(data)
    amount = amount_of(form, "amount")
    currency = code_of(form, "currency", required=True)
    order_id = order_id_of(form, high=100)
    address = form.text("address", required=True, high=128)
    is_subtract = form.boolean("is_subtract")
    if is_subtract is None and "is_subtract" not in form.errors:
        form.fail("is_subtract", "validation.required")
    network_of(form)
    url_callback = form.text("url_callback", low=6, high=255)
    memo = form.text("memo", high=30)
    if form.text("to_currency", high=8) is not None:
        form.fail("to_currency", "validation.prohibited")
    priority = form.text("priority", high=16)
    if priority is not None and priority not in ("recommended", "economy", "high", "highest"):
        form.fail("priority", "validation.in")
    for name in ("course_source", "from_currency"):
        form.text(name)
    form.done()
    assert amount is not None and currency is not None and order_id is not None and address is not None
    return PayoutRequest(amount, currency, order_id, address, bool(is_subtract), url_callback, memo)


@dataclass(frozen=True)
class RefundRequest:
    uuid: str | None
    order_id: str | None
    address: str
    is_subtract: bool
    amount: Decimal | None  # aioheleket's: part of the paid amount; None: all of it


def refund_request(data: Any) -> RefundRequest:
    """POST /v1/payment/refund's body."""
    uuid, order_id = lookup(data)
    form = Form(data)
    address = form.text("address", required=True, high=128)
    is_subtract = form.boolean("is_subtract")
    if is_subtract is None and "is_subtract" not in form.errors:
        form.fail("is_subtract", "validation.required")
    amount = amount_of(form, "amount", required=False)
    form.done()
    assert address is not None
    return RefundRequest(uuid, order_id, address, bool(is_subtract), amount)


PAYMENT_STATUSES = (
    "paid", "paid_over", "wrong_amount", "process", "confirm_check", "wrong_amount_waiting", "check", "fail",
    "cancel", "system_fail", "refund_process", "refund_fail", "refund_paid", "locked",
)  # fmt: skip
PAYOUT_STATUSES = ("process", "check", "paid", "fail", "cancel", "system_fail")


@dataclass(frozen=True)
class TestWebhookRequest:
    url_callback: str
    status: str
    currency: str | None
    uuid: str | None
    order_id: str | None


def test_webhook_request(data: Any, *, payout: bool) -> TestWebhookRequest:
    """POST /v1/test-webhook/{payment|payout}'s body."""
    form = Form(data)
    url_callback = form.text("url_callback", required=True, low=6, high=255)
    status = form.text("status", high=32) or "paid"
    if status not in (PAYOUT_STATUSES if payout else PAYMENT_STATUSES):
        form.fail("status", "validation.in")
    currency = code_of(form, "currency")
    network_of(form)
    uuid, order_id = form.text("uuid", high=36), order_id_of(form, required=False)
    form.done()
    assert url_callback is not None
    return TestWebhookRequest(url_callback, status, currency, uuid, order_id)
