"""Heleket's merchant API at /heleket/v1/… (issue 15; docs/compat-heleket.md): code written against
Heleket's SDKs works by changing the base URL and the credentials.

Who may call: a Heleket merchant of Krypton (services/compat_keys.create_heleket_merchant), every request
signed `md5(base64(raw body) + key)` in the `sign` header beside the `merchant` UUID, over the body bytes
exactly as received (never re-serialised: each SDK signs its own bytes). The payment key reaches the
payment calls; a request signed with another key, or with none, is 401 `Invalid Sign.`. Input: a JSON
object of at most MAX_BODY_BYTES (`null` counts as absent); refusals are Heleket's envelope
(`{"state":1,"errors":{…}}` with 422, `{"state":1,"message":…}` with a 4xx), never a 5xx. How often: as the
merchant's keys allow elsewhere (a blocked merchant is refused). Database calls run in the thread pool.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from krypton_app.api.bodies import BodyTooLarge, json_depth, read_body
from krypton_app.bootstrap import app_deps
from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import ApiAuthError, KryptonError, NotFound, UserBlocked
from krypton_app.i18n import error_key, translate
from krypton_app.models.common import utcnow
from krypton_app.services import compat_keys, heleket, heleket_events, heleket_payouts, heleket_refunds
from krypton_app.services.compat_keys import CompatPrincipal
from krypton_app.services.heleket_input import (
    Form,
    HeleketInvalid,
    HeleketRefused,
    date_range,
    lookup,
    payment_request,
    payout_request,
    refund_request,
    test_webhook_request,
)
from krypton_app.services.rates import RateProvider
from krypton_app.settings import Settings

PREFIX = "/heleket"
MAX_BODY_BYTES = 64 * 1024
MAX_JSON_DEPTH = 32
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


@dataclass(frozen=True)
class Call:
    uow: UnitOfWork
    settings: Settings
    rates: RateProvider
    merchant: CompatPrincipal
    body: Any
    query: dict[str, str]
    path: dict[str, str]
    now: datetime


def _create(call: Call) -> Any:
    request = payment_request(call.body)
    return heleket.create_payment(
        call.uow, call.merchant, request, settings=call.settings, rates=call.rates, now=call.now
    )


def _info(call: Call) -> Any:
    uuid, order_id = lookup(call.body)
    return heleket.payment_info(
        call.uow, call.merchant, uuid=uuid, order_id=order_id, settings=call.settings, rates=call.rates, now=call.now
    )


def _list(call: Call) -> Any:
    date_from, date_to = date_range(call.body)
    return heleket.list_payments(
        call.uow,
        call.merchant,
        date_from=date_from,
        date_to=date_to,
        cursor=call.query.get("cursor"),
        settings=call.settings,
        rates=call.rates,
        now=call.now,
    )


def _services(call: Call) -> Any:
    return heleket.payment_services(call.uow, settings=call.settings)


def _resend(call: Call) -> Any:
    uuid, order_id = lookup(call.body)
    return heleket.resend_webhook(call.uow, call.merchant, uuid=uuid, order_id=order_id, now=call.now)


def _balance(call: Call) -> Any:
    return heleket.balance(call.uow, call.merchant, rates=call.rates)


def _exchange_rates(call: Call) -> Any:
    return heleket.exchange_rates(call.path["currency"], settings=call.settings, rates=call.rates)


def _payout(call: Call) -> Any:
    request = payout_request(call.body)
    return heleket_payouts.create_payout(call.uow, call.merchant, request, settings=call.settings, now=call.now)


def _payout_info(call: Call) -> Any:
    uuid, order_id = lookup(call.body)
    return heleket_payouts.payout_info(call.uow, call.merchant, uuid=uuid, order_id=order_id)


def _payout_list(call: Call) -> Any:
    date_from, date_to = date_range(call.body)
    return heleket_payouts.list_payouts(
        call.uow, call.merchant, date_from=date_from, date_to=date_to, cursor=call.query.get("cursor")
    )


def _payout_services(call: Call) -> Any:
    return heleket_payouts.payout_services(call.uow, settings=call.settings)


def _qr(call: Call) -> Any:
    form = Form(call.body)
    uuid = form.text("merchant_payment_uuid", required=True, high=36)
    form.done()
    return heleket.payment_qr(call.uow, call.merchant, uuid=uuid or "", settings=call.settings)


def _test_payment_webhook(call: Call) -> Any:
    request = test_webhook_request(call.body, payout=False)
    return heleket_events.send_test_webhook(call.uow, call.merchant, "payment", request, now=call.now)


def _test_payout_webhook(call: Call) -> Any:
    request = test_webhook_request(call.body, payout=True)
    return heleket_events.send_test_webhook(call.uow, call.merchant, "payout", request, now=call.now)


def _refund(call: Call) -> Any:
    request = refund_request(call.body)
    return heleket_refunds.refund_payment(call.uow, call.merchant, request, settings=call.settings, now=call.now)


@dataclass(frozen=True)
class Endpoint:
    method: str
    pattern: re.Pattern[str]  # the path after /heleket/
    scopes: tuple[str, ...]  # the key that signed it must allow one (compat_keys' scopes)
    handler: Callable[[Call], Any]  # sync: runs in the thread pool


def _endpoint(method: str, path: str, scopes: str, handler: Callable[[Call], Any]) -> Endpoint:
    pattern = re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[A-Za-z0-9]{1,10})", path))
    return Endpoint(method, pattern, tuple(scopes.split()), handler)


ENDPOINTS = (
    _endpoint("POST", "v1/payment", "invoices:write", _create),
    _endpoint("POST", "v1/payment/info", "invoices:read", _info),
    _endpoint("POST", "v1/payment/list", "invoices:read", _list),
    _endpoint("POST", "v1/payment/services", "invoices:read", _services),
    _endpoint("POST", "v1/payment/resend", "invoices:write", _resend),
    _endpoint("POST", "v1/balance", "invoices:read", _balance),
    _endpoint("GET", "v1/exchange-rate/{currency}/list", "invoices:read", _exchange_rates),
    _endpoint("POST", "v1/payout", "payouts:write", _payout),
    _endpoint("POST", "v1/payout/info", "payouts:write", _payout_info),
    _endpoint("POST", "v1/payout/list", "payouts:write", _payout_list),
    _endpoint("POST", "v1/payout/services", "payouts:write", _payout_services),
    _endpoint("POST", "v1/payment/qr", "invoices:read", _qr),
    _endpoint("POST", "v1/test-webhook/payment", "invoices:write", _test_payment_webhook),
    _endpoint("POST", "v1/test-webhook/payout", "payouts:write", _test_payout_webhook),
    # Money leaves the merchant's balance: only the payout key may (as heleket-sdk and Heleket's PHP SDK
    # sign it), so a leaked payment key cannot send paid payments to an address of its choosing.
    _endpoint("POST", "v1/payment/refund", "payouts:write", _refund),
)


def _refusal(status: int, message: str) -> JSONResponse:
    return JSONResponse({"state": 1, "message": message}, status_code=status)


def _invalid(errors: dict[str, list[str]]) -> JSONResponse:
    return JSONResponse({"state": 1, "errors": errors}, status_code=422)


def _json_object(raw: bytes) -> dict | None:
    """The body as a JSON object (empty: `{}`), or None when it is not one."""
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return body if isinstance(body, dict) and json_depth(body) <= MAX_JSON_DEPTH else None


def _match(method: str, path: str) -> tuple[Endpoint | None, dict[str, str], bool]:
    """(endpoint, path parameters, whether the path exists under another method)."""
    exists = False
    for endpoint in ENDPOINTS:
        found = endpoint.pattern.fullmatch(path)
        if found is not None:
            if endpoint.method == method:
                return endpoint, found.groupdict(), True
            exists = True
    return None, {}, exists


async def handle(request: Request) -> JSONResponse:
    path = request.path_params.get("path", "").strip("/")
    endpoint, params, exists = _match(request.method, path)
    if endpoint is None:
        return _refusal(405, "Method not allowed.") if exists else _refusal(404, "Not found.")
    try:
        raw = await read_body(request, MAX_BODY_BYTES)
    except BodyTooLarge:
        return _refusal(413, "Request body too large.")
    deps = app_deps()
    try:
        merchant = await run_in_threadpool(
            compat_keys.authenticate_heleket,
            deps.uow,
            request.headers.get("merchant"),
            request.headers.get("sign"),
            raw,
            settings=deps.settings,
        )
    except ApiAuthError:
        return _refusal(401, "Invalid Sign.")
    except UserBlocked:
        return _refusal(403, "Merchant is blocked.")
    if not set(endpoint.scopes) & set(merchant.scopes):  # signed with the payout key: not this key's call
        return _refusal(401, "Invalid Sign.")
    body = _json_object(raw)
    if body is None:
        return _invalid({"body": ["validation.json"]})
    query = dict(request.query_params)
    call = Call(deps.uow, deps.settings, deps.rates, merchant, body, query, params, utcnow())
    try:
        result = await run_in_threadpool(endpoint.handler, call)
    except HeleketInvalid as error:
        return _invalid(error.errors)
    except HeleketRefused as error:
        return _refusal(error.status, error.message)
    except NotFound:
        return _refusal(404, "Not found.")
    except KryptonError as error:
        return _refusal(400, translate("en", error_key(error.code, error.details)))
    return JSONResponse({"state": 0, "result": result})


def routes() -> list[Route]:
    return [Route(PREFIX + "/{path:path}", handle, methods=METHODS)]
