"""Merchant REST API under /api/v1 (SPEC F11): Bearer API keys with scopes, an Idempotency-Key on
every POST, JSON errors with stable codes, and an OpenAPI 3.1 document built from the same route
table that serves the requests, so the two cannot drift apart.

Handlers are thin: validate with the request model, call the service, render the response model.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic.json_schema import models_json_schema
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from krypton_app.db import UnitOfWork
from krypton_app.domain import catalog_data
from krypton_app.domain.errors import ApiAuthError, Forbidden, IdempotencyConflict, KryptonError, NotFound
from krypton_app.domain.invoices import MAX_EXPIRY_S, MAX_PARTS_LIMIT
from krypton_app.domain.money import format_amount
from krypton_app.i18n import error_key, translate
from krypton_app.services import api_keys, invoices, payments, webhooks
from krypton_app.services.api_keys import ApiPrincipal, StoredResponse
from krypton_app.services.invoices import InvoiceDraft, InvoiceView
from krypton_app.services.payments import PaymentView
from krypton_app.services.receipts import public_key_document
from krypton_app.settings import Settings, get_settings

PREFIX = "/api/v1"
IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_PATTERN = r"^[!-~]{1,200}$"  # visible ASCII: what fits the column and any header
MAX_BODY_BYTES = 64 * 1024
MAX_JSON_DEPTH = 32  # our bodies nest 2 deep; deeper is refused before it can exhaust the recursion limit
MAX_ROW_ID = 2**31 - 1  # ids are INTEGER columns: a larger one would be a database error, not a 404
AMOUNT_PATTERN = r"^[0-9]{1,30}(\.[0-9]{1,18})?$"  # decimal text: money never travels as a float


class RequestInvalid(KryptonError):
    """400: the request does not match the documented shape; `field` names what is wrong.
    Code `invalid_json` when the body is not JSON we read (malformed, not UTF-8, nested too deep)."""

    code = "invalid_request"


def _no_nul(text: str) -> str:
    # PostgreSQL text cannot hold NUL: refuse it here as a bad request, not as a server error.
    if "\x00" in text:
        raise ValueError("must not contain NUL characters")
    return text


Text = Annotated[str, AfterValidator(_no_nul)]
# The catalog's codes as enums in the document, so a client (and the fuzzer) sees the valid choices.
AssetCode = Literal.__getitem__(tuple(code for code, *_ in catalog_data.ASSETS))
FiatCode = Literal.__getitem__(tuple(code for code, *_ in catalog_data.FIAT_CURRENCIES))
Amount = Annotated[str, Field(pattern=AMOUNT_PATTERN, examples=["1.5"])]


# --- request and response models: the OpenAPI schemas are generated from these ------------------


class InvoiceCreate(BaseModel):
    """A new invoice. Amounts are decimal text in units of the asset (or of the fiat currency)."""

    model_config = ConfigDict(extra="forbid", strict=True, title="InvoiceCreate")

    kind: Literal["fixed", "floating", "private"] = Field(
        description="fixed: one amount; floating: the payer chooses; private: fixed, for one user only"
    )
    title: Text = Field(min_length=1, max_length=120)
    asset: AssetCode
    description: Text = Field("", max_length=2000)
    amount: Amount | None = Field(None, description="fixed and private invoices")
    fiat_currency: FiatCode | None = Field(None, description="denominate the invoice in this fiat currency")
    fiat_amount: Amount | None = Field(None, description="with fiat_currency: converted at payment time")
    min_payment: Amount | None = Field(None, description="floating: smallest payment")
    max_payments: int | None = Field(None, ge=1, le=1_000_000, description="closes after this many payments")
    max_total: Amount | None = Field(None, description="floating: closes when this much is collected")
    max_parts: int = Field(1, ge=1, le=MAX_PARTS_LIMIT, description="parts a payer may split a payment into")
    payer_contact: Text | None = Field(None, max_length=254, description="private: @username or verified email")
    order_id: Text | None = Field(None, max_length=100, description="your id; repeating it returns that invoice")
    webhook_url: Text | None = Field(None, max_length=2000)
    redirect_url: Text | None = Field(None, max_length=2000)
    allowed_origins: list[Text] = Field(default_factory=list, max_length=20, description="origins that may frame it")
    expires_in_s: int | None = Field(None, ge=1, le=MAX_EXPIRY_S)
    test: bool = Field(False, description="sandbox invoice (always with a kr_test_ key)")


class InvoiceListQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    status: Literal["open", "closed", "expired"] | None = None
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(20, ge=1, le=100)


class TestEventCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, title="TestEventCreate")

    invoice: Text = Field(min_length=1, max_length=32, description="number of an invoice with a webhook_url")


class ErrorDetail(BaseModel):
    code: str = Field(description="stable, e.g. invalid_request, api_key_invalid, invoice_closed")
    message: str
    field: str | None = None


class Error(BaseModel):
    error: ErrorDetail


class InvoiceLinks(BaseModel):
    direct_url: str = Field(description="compact pay page")
    helper_url: str = Field(description="step-by-step payment wizard")
    telegram_start_url: str | None
    telegram_app_url: str | None


class InvoiceCounters(BaseModel):
    payments_count: int
    collected: str
    collected_minor: int


class Invoice(BaseModel):
    number: str
    status: Literal["open", "closed", "expired"]
    close_reason: str | None
    kind: Literal["fixed", "floating", "private"]
    title: str
    description: str
    asset: str
    decimals: int
    amount: str | None
    amount_minor: int | None
    fiat_currency: str | None
    fiat_amount: str | None
    min_payment: str | None
    max_payments: int | None
    max_total: str | None
    max_parts: int
    order_id: str | None
    webhook_url: str | None
    redirect_url: str | None
    allowed_origins: list[str]
    test: bool
    expires_at: datetime | None
    created_at: datetime
    closed_at: datetime | None
    counters: InvoiceCounters
    links: InvoiceLinks


class InvoiceList(BaseModel):
    items: list[Invoice]
    page: int
    page_size: int
    total: int
    pages: int


class PaymentPart(BaseModel):
    position: int
    amount: str
    amount_minor: int
    method: str | None
    status: str
    funded_at: datetime | None


class Payment(BaseModel):
    id: int
    invoice: str
    status: str
    test: bool
    asset: str
    amount: str
    amount_minor: int
    fiat_currency: str | None
    fiat_rate: str | None
    parts: list[PaymentPart]
    receipt: str | None = Field(description="signed kr1 token; verify offline with the receipt key")
    secrets_delivered: bool = Field(description="your webhook answered with secrets for the payer")
    created_at: datetime
    completed_at: datetime | None


class PaymentList(BaseModel):
    items: list[Payment]


class QueuedEvent(BaseModel):
    event_id: str


class DeliveryAttempt(BaseModel):
    attempt: int
    status_code: int | None = Field(description="your endpoint's answer; null when no answer came")
    response_ms: int | None
    response_excerpt: str | None = Field(description="the start of your answer")
    error: str | None = Field(description="network error, refused address or refused secrets")
    created_at: datetime


class WebhookDelivery(BaseModel):
    id: int
    event_id: str
    type: str
    url: str
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    test: bool
    created_at: datetime
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    log: list[DeliveryAttempt]


class WebhookDeliveryList(BaseModel):
    items: list[WebhookDelivery]


class ReceiptKey(BaseModel):
    alg: str
    public_key_hex: str
    public_key_b64: str
    format: str


# --- rendering of service views ------------------------------------------------------------------


def _money(minor: int | None, decimals: int | None) -> str | None:
    return None if minor is None or decimals is None else format_amount(minor, decimals)


def invoice_json(view: InvoiceView) -> Invoice:
    return Invoice(
        number=view.number,
        status=view.status,
        close_reason=view.close_reason,
        kind=view.kind,
        title=view.title,
        description=view.description,
        asset=view.asset,
        decimals=view.decimals,
        amount=_money(view.amount, view.decimals),
        amount_minor=view.amount,
        fiat_currency=view.fiat_currency,
        fiat_amount=_money(view.fiat_amount, view.fiat_decimals),
        min_payment=_money(view.min_payment, view.decimals),
        max_payments=view.max_payments,
        max_total=_money(view.max_total, view.decimals),
        max_parts=view.max_parts,
        order_id=view.order_id,
        webhook_url=view.webhook_url,
        redirect_url=view.redirect_url,
        allowed_origins=list(view.allowed_origins),
        test=view.is_test,
        expires_at=view.expires_at,
        created_at=view.created_at,
        closed_at=view.closed_at,
        counters=InvoiceCounters(
            payments_count=view.payments_count,
            collected=format_amount(view.collected, view.decimals),
            collected_minor=view.collected,
        ),
        links=InvoiceLinks(
            direct_url=view.direct_url,
            helper_url=view.helper_url,
            telegram_start_url=view.telegram_start_url,
            telegram_app_url=view.telegram_app_url,
        ),
    )


def payment_json(view: PaymentView) -> Payment:
    return Payment(
        id=view.id,
        invoice=view.invoice_number,
        status=view.status,
        test=view.is_test,
        asset=view.asset,
        amount=format_amount(view.amount, view.decimals),
        amount_minor=view.amount,
        fiat_currency=view.fiat_currency,
        fiat_rate=view.fiat_rate,
        parts=[
            PaymentPart(
                position=part.position,
                amount=format_amount(part.amount, view.decimals),
                amount_minor=part.amount,
                method=part.method,
                status=part.status,
                funded_at=part.funded_at,
            )
            for part in view.parts
        ],
        receipt=view.receipt,
        secrets_delivered=bool(view.secrets),
        created_at=view.created_at,
        completed_at=view.completed_at,
    )


def delivery_json(view: webhooks.DeliveryView) -> WebhookDelivery:
    return WebhookDelivery(
        id=view.id,
        event_id=view.event_id,
        type=view.type,
        url=view.url,
        status=view.status,
        attempts=view.attempts,
        test=view.is_test,
        created_at=view.created_at,
        next_attempt_at=view.next_attempt_at,
        delivered_at=view.delivered_at,
        log=[
            DeliveryAttempt(
                attempt=a.attempt,
                status_code=a.status_code,
                response_ms=a.response_ms,
                response_excerpt=a.response_excerpt,
                error=a.error,
                created_at=a.created_at,
            )
            for a in view.attempts_log
        ],
    )


# --- the route table --------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """What a handler gets: the authenticated merchant, the validated input and the app's context."""

    uow: UnitOfWork
    settings: Settings
    principal: ApiPrincipal
    path: dict[str, str]
    query: Any = None
    body: Any = None
    now: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # below PREFIX, OpenAPI/Starlette syntax
    operation_id: str
    summary: str
    scope: str
    handler: Callable[[Call], tuple[int, BaseModel]]  # sync: runs in the thread pool
    success: dict[int, tuple[str, type[BaseModel]]]
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    description: str = ""


def _create_invoice(call: Call) -> tuple[int, BaseModel]:
    data: InvoiceCreate = call.body
    draft = InvoiceDraft(
        **data.model_dump(exclude={"allowed_origins", "test"}),
        allowed_origins=tuple(data.allowed_origins),
        is_test=data.test or call.principal.is_test,  # a sandbox key can only make sandbox invoices
    )
    view, created = invoices.create_invoice(
        call.uow, call.principal.user_id, draft, settings=call.settings, now=call.now
    )
    return (201 if created else 200), invoice_json(view)


def _list_invoices(call: Call) -> tuple[int, BaseModel]:
    query: InvoiceListQuery = call.query
    page = invoices.list_invoices(
        call.uow,
        call.principal.user_id,
        status=query.status,
        page=query.page,
        page_size=query.page_size,
        settings=call.settings,
        only_test=call.principal.is_test,  # a sandbox key sees no live invoice, not even in the list
    )
    items = [invoice_json(view) for view in page.items]
    return 200, InvoiceList(items=items, page=page.page, page_size=page.page_size, total=page.total, pages=page.pages)


def _own_invoice(call: Call, number: str) -> InvoiceView:
    view = invoices.get_merchant_invoice(call.uow, call.principal.user_id, number, settings=call.settings)
    if call.principal.is_test and not view.is_test:
        raise NotFound()  # a sandbox key (say, leaked from a dev box) cannot read or change live invoices
    return view


def _get_invoice(call: Call) -> tuple[int, BaseModel]:
    return 200, invoice_json(_own_invoice(call, call.path["number"]))


def _close_invoice(call: Call) -> tuple[int, BaseModel]:
    _own_invoice(call, call.path["number"])
    view = invoices.close_invoice(
        call.uow, call.principal.user_id, call.path["number"], now=call.now, settings=call.settings
    )
    return 200, invoice_json(view)


def _list_payments(call: Call) -> tuple[int, BaseModel]:
    _own_invoice(call, call.path["number"])
    views = payments.list_invoice_payments(
        call.uow, call.principal.user_id, call.path["number"], settings=call.settings
    )
    return 200, PaymentList(items=[payment_json(view) for view in views])


def _list_deliveries(call: Call) -> tuple[int, BaseModel]:
    _own_invoice(call, call.path["number"])
    views = webhooks.list_deliveries(call.uow, call.principal.user_id, call.path["number"])
    return 200, WebhookDeliveryList(items=[delivery_json(view) for view in views])


def _send_test_event(call: Call) -> tuple[int, BaseModel]:
    number = _own_invoice(call, call.body.invoice).number
    event_id = webhooks.send_test_event(call.uow, call.principal.user_id, number, settings=call.settings, now=call.now)
    return 202, QueuedEvent(event_id=event_id)


def _redeliver(call: Call) -> tuple[int, BaseModel]:
    text = call.path["delivery_id"]
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_ROW_ID:  # anything else cannot be a row id
        raise NotFound()
    event_row_id = int(text)
    try:
        event_id = webhooks.redeliver(
            call.uow, call.principal.user_id, event_row_id, now=call.now, only_test=call.principal.is_test
        )
    except Forbidden:
        raise NotFound() from None  # another merchant's event does not exist for this one
    return 202, QueuedEvent(event_id=event_id)


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "POST",
        "/invoices",
        "createInvoice",
        "Create an invoice",
        "invoices:write",
        _create_invoice,
        {201: ("Created", Invoice), 200: ("An invoice with this order_id already existed: that one", Invoice)},
        body=InvoiceCreate,
    ),
    Operation(
        "GET",
        "/invoices",
        "listInvoices",
        "List your invoices, newest first",
        "invoices:read",
        _list_invoices,
        {200: ("A page of invoices", InvoiceList)},
        query=InvoiceListQuery,
    ),
    Operation(
        "GET",
        "/invoices/{number}",
        "getInvoice",
        "Get an invoice",
        "invoices:read",
        _get_invoice,
        {200: ("The invoice", Invoice)},
    ),
    Operation(
        "POST",
        "/invoices/{number}/close",
        "closeInvoice",
        "Close an invoice",
        "invoices:write",
        _close_invoice,
        {200: ("The closed invoice", Invoice)},
        description="Funded parts of unfinished payments go back to their payers. Closing twice changes nothing.",
    ),
    Operation(
        "GET",
        "/invoices/{number}/payments",
        "listInvoicePayments",
        "List an invoice's payments",
        "invoices:read",
        _list_payments,
        {200: ("Payments, newest first", PaymentList)},
    ),
    Operation(
        "GET",
        "/invoices/{number}/webhook-deliveries",
        "listWebhookDeliveries",
        "The invoice's webhook events and every delivery attempt",
        "invoices:read",
        _list_deliveries,
        {200: ("Events, newest first", WebhookDeliveryList)},
    ),
    Operation(
        "POST",
        "/webhooks/test",
        "sendTestWebhook",
        "Queue a webhook.test event to an invoice's webhook_url",
        "webhooks:write",
        _send_test_event,
        {202: ("Queued", QueuedEvent)},
        body=TestEventCreate,
    ),
    Operation(
        "POST",
        "/webhook-deliveries/{delivery_id}/redeliver",
        "redeliverWebhook",
        "Deliver an event once more, with the same event id and body",
        "webhooks:write",
        _redeliver,
        {202: ("Queued", QueuedEvent)},
    ),
)


# --- request handling ---------------------------------------------------------------------------


def _language(request: Request) -> str:
    return "ru" if request.headers.get("accept-language", "").lower().startswith("ru") else "en"


def error_response(request: Request, status: int, code: str, field: str | None = None, **headers: str) -> JSONResponse:
    message = translate(_language(request), error_key(code))
    detail = ErrorDetail(code=code, message=message, field=field)
    return JSONResponse(Error(error=detail).model_dump(mode="json"), status_code=status, headers=headers or None)


def _status_of(error: KryptonError) -> int:
    if isinstance(error, ApiAuthError):
        return 403 if error.code == "api_scope_missing" else 401
    if isinstance(error, RequestInvalid):
        return 400
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, IdempotencyConflict):
        return 409
    return 422


def _field_of(error: ValidationError) -> str:
    location = error.errors()[0]["loc"] if error.errors() else ()
    return ".".join(str(part) for part in location) or "body"


def _parse(model: type[BaseModel], data: Any) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise RequestInvalid(field=_field_of(error)) from None


async def _read_body(request: Request) -> bytes:
    # Read at most MAX_BODY_BYTES: an invoice is a few KB, and memory is not the client's to spend.
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise RequestInvalid(field="body")
    return body


def _json_body(raw: bytes) -> Any:
    try:
        body = json.loads(raw) if raw else {}
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: thousands of nested arrays
        raise RequestInvalid(code="invalid_json", field="body") from None
    if _depth(body) > MAX_JSON_DEPTH:
        raise RequestInvalid(code="invalid_json", field="body")
    return body


def _depth(value: Any) -> int:
    """How deep arrays and objects nest in a parsed JSON value (without recursion)."""
    deepest, level = 0, [(value, 1)]
    while level:
        node, depth = level.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            level.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def _request_hash(method: str, path: str, body: Any) -> str:
    # Same key + same meaning = same request: key order and whitespace in the JSON do not count.
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def endpoint(operation: Operation) -> Callable[[Request], Awaitable[Response]]:
    async def handle(request: Request) -> Response:
        uow: UnitOfWork = request.app.state.uow()
        settings = get_settings()
        try:
            principal = await run_in_threadpool(
                api_keys.authenticate, uow, request.headers.get("authorization"), scope=operation.scope
            )
            query = _parse(operation.query, dict(request.query_params)) if operation.query else None
            raw_body: Any = None
            body = None
            if operation.method == "POST":
                raw_body = _json_body(await _read_body(request))
                if operation.body is not None:
                    if not isinstance(raw_body, dict):
                        raise RequestInvalid(field="body")
                    body = _parse(operation.body, raw_body)
                key = request.headers.get(IDEMPOTENCY_HEADER, "")
                if not re.fullmatch(IDEMPOTENCY_KEY_PATTERN, key):
                    raise RequestInvalid(field=IDEMPOTENCY_HEADER)
        except KryptonError as error:
            headers = {"WWW-Authenticate": "Bearer"} if _status_of(error) == 401 else {}
            return error_response(request, _status_of(error), error.code, error.details.get("field"), **headers)
        call = Call(uow, settings, principal, dict(request.path_params), query, body)
        if operation.method != "POST":
            return await _run(request, operation, call)
        # Idempotency keys are the merchant's per mode: a sandbox key never meets a live request's key.
        user_id, is_test = principal.user_id, principal.is_test
        request_hash = _request_hash(operation.method, request.url.path, raw_body)
        try:
            stored = await run_in_threadpool(
                api_keys.begin_idempotent, uow, user_id, key, request_hash, is_test=is_test
            )
        except IdempotencyConflict as error:
            return error_response(request, 409, error.code, IDEMPOTENCY_HEADER)
        if stored is not None:
            return Response(
                stored.body,
                status_code=stored.status_code,
                media_type="application/json",
                headers={"Idempotent-Replayed": "true"},
            )
        try:
            response = await _run(request, operation, call)
        except BaseException:
            # Nothing was decided: the client's retry with this key must run, not replay a failure.
            await run_in_threadpool(api_keys.abandon_idempotent, uow, user_id, key, is_test=is_test)
            raise
        stored_response = StoredResponse(response.status_code, response.body.decode())
        await run_in_threadpool(api_keys.finish_idempotent, uow, user_id, key, stored_response, is_test=is_test)
        return response

    return handle


async def _run(request: Request, operation: Operation, call: Call) -> JSONResponse:
    try:
        status, model = await run_in_threadpool(operation.handler, call)
    except KryptonError as error:
        return error_response(request, _status_of(error), error.code, error.details.get("field"))
    return JSONResponse(model.model_dump(mode="json"), status_code=status)


async def receipt_key(_request: Request) -> JSONResponse:
    return JSONResponse(public_key_document(get_settings()), headers={"Cache-Control": "public, max-age=3600"})


async def openapi_json(_request: Request) -> JSONResponse:
    return JSONResponse(openapi_document(get_settings()))


async def api_not_found(request: Request) -> JSONResponse:
    # Mounted beside Reflex, an unknown /api/v1 path would otherwise get an HTML page.
    return error_response(request, 404, "not_found")


def routes() -> list[Route]:
    table: dict[str, dict[str, Operation]] = {}
    for operation in OPERATIONS:
        table.setdefault(operation.path, {})[operation.method] = operation
    served = [Route(PREFIX + path, _dispatch(methods), methods=list(methods)) for path, methods in table.items()]
    return [
        *served,
        Route(PREFIX + "/openapi.json", openapi_json),
        Route("/.well-known/krypton-receipt-key", receipt_key),
        Route(PREFIX + "/{rest:path}", api_not_found, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
    ]


def _dispatch(methods: dict[str, Operation]) -> Callable[[Request], Awaitable[Response]]:
    handlers = {method: endpoint(operation) for method, operation in methods.items()}

    async def dispatch(request: Request) -> Response:
        return await handlers[request.method](request)

    return dispatch


# --- OpenAPI ------------------------------------------------------------------------------------


REPLAYED_HEADER_DOC = {
    "description": "present (true) when this is the stored response of an earlier request with the same key",
    "schema": {"type": "string", "enum": ["true"]},
}


def _error_response(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def openapi_document(settings: Settings) -> dict:
    """The OpenAPI 3.1 document of OPERATIONS (what `routes()` serves)."""
    models: list[tuple[type[BaseModel], Literal["validation", "serialization"]]] = [(Error, "serialization")]
    models += [(ReceiptKey, "serialization")]
    for operation in OPERATIONS:
        if operation.body is not None:
            models.append((operation.body, "validation"))
        models += [(model, "serialization") for _, model in operation.success.values()]
    _, definitions = models_json_schema(models, ref_template="#/components/schemas/{model}")
    paths: dict[str, dict] = {}
    for operation in OPERATIONS:
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": _path_schema(name)}
            for name in _path_names(operation.path)
        ]
        if operation.query is not None:
            schema = operation.query.model_json_schema()
            for name, prop in schema["properties"].items():
                # A query string has no null: an optional parameter is simply left out.
                prop = next((p for p in prop.get("anyOf", ()) if p.get("type") != "null"), prop)
                prop = {k: v for k, v in prop.items() if k not in ("title", "default", "anyOf")}
                parameters.append({"name": name, "in": "query", "required": False, "schema": prop})
        responses: dict[str, dict] = {}
        for status, (description, model) in sorted(operation.success.items()):
            responses[str(status)] = {
                "description": description,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}},
            }
            if operation.method == "POST":
                responses[str(status)]["headers"] = {"Idempotent-Replayed": REPLAYED_HEADER_DOC}
        responses["401"] = _error_response("API key missing, unknown or revoked (api_key_missing, api_key_invalid)")
        responses["403"] = _error_response("The key lacks the scope (api_scope_missing)")
        if operation.query is not None or operation.method == "POST":
            described = "The request does not match this document (invalid_request, field)"
            if operation.method == "POST":
                described += f", or its body is not JSON nested at most {MAX_JSON_DEPTH} deep (invalid_json)"
            responses["400"] = _error_response(described)
        if "{" in operation.path or operation.method == "POST":
            responses["404"] = _error_response("No such invoice or event of yours (not_found)")
        entry: dict[str, Any] = {
            "operationId": operation.operation_id,
            "summary": operation.summary,
            "tags": [operation.path.split("/")[1]],
            "security": [{"bearer": [operation.scope]}],
            "x-scope": operation.scope,
            "responses": responses,
        }
        if operation.description:
            entry["description"] = operation.description
        if operation.method == "POST":
            parameters.append(
                {
                    "name": IDEMPOTENCY_HEADER,
                    "in": "header",
                    "required": True,
                    "description": "Your unique key for this request: a retry with the same key and body gets "
                    "the first response again (header Idempotent-Replayed: true); the same key with "
                    "another body gets 409.",
                    "schema": {"type": "string", "pattern": IDEMPOTENCY_KEY_PATTERN},
                }
            )
            responses["409"] = _error_response("Idempotency-Key reused with another body, or still running")
            responses["422"] = _error_response("A business rule refused it: the code says which")
            if operation.body is not None:
                entry["requestBody"] = {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{operation.body.__name__}"}}
                    },
                }
        entry["parameters"] = parameters
        paths.setdefault(operation.path, {})[operation.method.lower()] = entry
    paths_prefixed = {PREFIX + path: item for path, item in paths.items()}
    paths_prefixed["/.well-known/krypton-receipt-key"] = {
        "get": {
            "operationId": "getReceiptKey",
            "summary": "The Ed25519 public key that signs receipts (verify them offline)",
            "tags": ["receipts"],
            "security": [],
            "responses": {
                "200": {
                    "description": "The key",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReceiptKey"}}},
                }
            },
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Krypton merchant API",
            "version": "1",
            "description": "Invoices, payments and webhooks. Authenticate with `Authorization: Bearer kr_live_...`; "
            'every POST takes an Idempotency-Key. Errors: {"error": {"code", "message", "field"}}.',
        },
        "servers": [{"url": settings.app_url.rstrip("/")}],
        "security": [{"bearer": []}],
        "paths": paths_prefixed,
        "components": {
            "schemas": definitions.get("$defs", {}),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API key from the Developers page: kr_live_<prefix>_<secret> or kr_test_...",
                }
            },
        },
    }


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def _path_schema(name: str) -> dict:
    if name.endswith("_id"):
        return {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID}
    return {"type": "string", "minLength": 1, "description": "invoice number, any case, dashes allowed"}
