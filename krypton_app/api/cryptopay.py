"""The Crypto Pay compatibility API: `/cryptopay/api/{method}`, so merchant code written for Telegram's
Crypto Pay (aiocryptopay, aiosend, cryptopay-python-sdk) works with only its base URL and token changed.

Who: the app whose `Crypto-Pay-API-Token` header is valid (services/compat_keys; 401 otherwise), its
merchant not blocked (403). Input: GET or POST, parameters in the query, a JSON or a form body
(api/cryptopay_params.py), at most 64 KB. Every answer is `application/json`: `{"ok": true, "result": …}`
or `{"ok": false, "error": {"code": <HTTP status>, "name": …}}`; an unknown method is 405, never 423
(which aiosend reads as a suspended app). How often: as every merchant API route, no limit of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, request_response
from starlette.types import Receive, Scope, Send

from krypton_app.api.cryptopay_params import Params, read_params
from krypton_app.bootstrap import AppDeps, app_deps
from krypton_app.domain.errors import ApiAuthError, KryptonError, NotFound, UserBlocked
from krypton_app.models.common import utcnow
from krypton_app.services import compat_keys, cryptopay, cryptopay_info, cryptopay_money
from krypton_app.services.compat_keys import CompatPrincipal
from krypton_app.services.cryptopay import CryptoPayRefused, InvoiceRequest
from krypton_app.services.rates import RateUnavailable

PREFIX = "/cryptopay/api"
TOKEN_HEADER = "Crypto-Pay-API-Token"


@dataclass(frozen=True)
class Call:
    deps: AppDeps
    app: CompatPrincipal
    params: Params


def get_me(call: Call) -> Any:
    return cryptopay_info.get_me(call.app, settings=call.deps.settings)


def create_invoice(call: Call) -> Any:
    p = call.params
    request = InvoiceRequest(
        amount=p.text("amount"),
        currency_type=(p.text("currency_type") or cryptopay.CRYPTO).strip().lower(),
        asset=p.code("asset"),
        fiat=p.code("fiat"),
        accepted_assets=p.codes("accepted_assets"),
        swap_to=p.code("swap_to"),
        description=p.text("description"),
        hidden_message=p.text("hidden_message"),
        paid_btn_name=p.text("paid_btn_name"),
        paid_btn_url=p.text("paid_btn_url"),
        payload=p.text("payload"),
        allow_comments=p.boolean("allow_comments", True),
        allow_anonymous=p.boolean("allow_anonymous", True),
        expires_in=p.integer("expires_in", low=-(10**18), high=10**18),
    )
    deps = call.deps
    return cryptopay.create_invoice(deps.uow, call.app, request, settings=deps.settings, rates=deps.rates, now=utcnow())


def get_invoices(call: Call) -> Any:
    p = call.params
    items = cryptopay.get_invoices(
        call.deps.uow,
        call.app,
        settings=call.deps.settings,
        now=utcnow(),
        asset=p.code("asset"),
        fiat=p.code("fiat"),
        invoice_ids=p.integers("invoice_ids"),
        status=p.text("status"),
        offset=_or(p.integer("offset", low=-(10**18), high=2**31 - 1), 0),
        count=_or(p.integer("count", low=-(10**18), high=10**18), 100),
    )
    return {"items": items}


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def delete_invoice(call: Call) -> Any:
    invoice_id = call.params.required_integer("invoice_id", low=1, high=2**63 - 1)
    return cryptopay.delete_invoice(call.deps.uow, call.app, invoice_id, settings=call.deps.settings, now=utcnow())


def get_balance(call: Call) -> Any:
    return cryptopay_info.get_balance(call.deps.uow, call.app)


def get_exchange_rates(call: Call) -> Any:
    return cryptopay_info.get_exchange_rates(call.deps.uow, call.deps.rates)


def get_currencies(call: Call) -> Any:
    return cryptopay_info.get_currencies(call.deps.uow)


def get_stats(call: Call) -> Any:
    p = call.params
    return cryptopay_info.get_stats(
        call.deps.uow,
        call.app,
        rates=call.deps.rates,
        now=utcnow(),
        start_at=p.moment("start_at"),
        end_at=p.moment("end_at"),
    )


def create_check(call: Call) -> Any:
    p = call.params
    return cryptopay_money.create_check(
        call.deps.uow,
        call.app,
        asset=p.code("asset"),
        amount=p.text("amount"),
        settings=call.deps.settings,
        now=utcnow(),
        pin_to_user_id=p.integer("pin_to_user_id", low=1, high=2**63 - 1),
        pin_to_username=p.text("pin_to_username"),
    )


def get_checks(call: Call) -> Any:
    p = call.params
    items = cryptopay_money.get_checks(
        call.deps.uow,
        call.app,
        settings=call.deps.settings,
        asset=p.code("asset"),
        check_ids=p.integers("check_ids"),
        status=p.text("status"),
        offset=_or(p.integer("offset", low=-(10**18), high=2**31 - 1), 0),
        count=_or(p.integer("count", low=-(10**18), high=10**18), 100),
    )
    return {"items": items}


def delete_check(call: Call) -> Any:
    check_id = call.params.required_integer("check_id", low=1, high=2**63 - 1)
    return cryptopay_money.delete_check(call.deps.uow, call.app, check_id, settings=call.deps.settings, now=utcnow())


def transfer(call: Call) -> Any:
    p = call.params
    return cryptopay_money.transfer(
        call.deps.uow,
        call.app,
        user_id=p.required_integer("user_id", low=1, high=2**63 - 1),
        asset=p.code("asset"),
        amount=p.text("amount"),
        spend_id=p.text("spend_id"),
        comment=p.text("comment"),
        now=utcnow(),
    )


def get_transfers(call: Call) -> Any:
    p = call.params
    items = cryptopay_money.get_transfers(
        call.deps.uow,
        call.app,
        asset=p.code("asset"),
        transfer_ids=p.integers("transfer_ids"),
        spend_id=p.text("spend_id"),
        offset=_or(p.integer("offset", low=-(10**18), high=2**31 - 1), 0),
        count=_or(p.integer("count", low=-(10**18), high=10**18), 100),
    )
    return {"items": items}


METHODS: dict[str, Callable[[Call], Any]] = {
    "getMe": get_me,
    "createInvoice": create_invoice,
    "getInvoices": get_invoices,
    "deleteInvoice": delete_invoice,
    "getBalance": get_balance,
    "getExchangeRates": get_exchange_rates,
    "getCurrencies": get_currencies,
    "getStats": get_stats,
    "createCheck": create_check,
    "getChecks": get_checks,
    "deleteCheck": delete_check,
    "transfer": transfer,
    "getTransfers": get_transfers,
}


def error(status: int, name: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": {"code": status, "name": name}}, status_code=status)


def _refusal(failure: KryptonError) -> JSONResponse:
    """A typed refusal as Crypto Pay's error; anything else is a defect and stays a 500."""
    if isinstance(failure, CryptoPayRefused):
        return error(failure.status, failure.name)
    if isinstance(failure, ApiAuthError):
        return error(401, "UNAUTHORIZED")
    if isinstance(failure, UserBlocked):
        return error(403, "USER_BLOCKED")
    if isinstance(failure, NotFound):
        return error(400, "NOT_FOUND")
    if isinstance(failure, RateUnavailable):
        return error(400, "RATE_UNAVAILABLE")
    return error(400, "PARAMS_INVALID")


async def endpoint(request: Request) -> Response:
    handler = METHODS.get(request.path_params["method"])
    if handler is None:
        return error(405, "METHOD_NOT_FOUND")
    if request.method not in ("GET", "POST"):
        return error(405, "METHOD_NOT_ALLOWED")
    deps = app_deps()
    try:
        token = request.headers.get(TOKEN_HEADER)
        app = await run_in_threadpool(compat_keys.authenticate_cryptopay, deps.uow, token, settings=deps.settings)
        params = await read_params(request)
        result = await run_in_threadpool(handler, Call(deps, app, Params(params)))
    except KryptonError as failure:
        return _refusal(failure)
    return JSONResponse({"ok": True, "result": result})


async def not_found(_request: Request) -> Response:
    return error(404, "NOT_FOUND")


class _EveryMethod:
    """The endpoint as a plain ASGI app, which Starlette routes for every HTTP method (a function endpoint
    only for those listed, and any other verb would get Starlette's plain-text 405)."""

    def __init__(self, endpoint: Callable[[Request], Any]):
        self._app = request_response(endpoint)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)


def routes() -> list[Route]:
    return [
        Route(PREFIX + "/{method}", _EveryMethod(endpoint)),
        Route("/cryptopay/{rest:path}", _EveryMethod(not_found)),  # the API's 404, not Starlette's text
    ]
