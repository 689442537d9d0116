"""What every merchant API request goes through before and after its resource's handler, in this order:
the API key (authentication and the operation's scope), the query and the body (at most MAX_BODY_BYTES,
JSON nested at most MAX_JSON_DEPTH, validated by the operation's model), and for a POST the
Idempotency-Key (a repeat replays the stored response). Refusals are the error envelope of errors.py.

Handlers are synchronous and run in the thread pool, as do the key and idempotency lookups: none of
them waits on the database on the event loop.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from krypton_app.api.bodies import BodyTooLarge, json_depth, read_body
from krypton_app.api.merchant.errors import RequestInvalid, error_response, refusal
from krypton_app.bootstrap import app_deps
from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import IdempotencyConflict, KryptonError
from krypton_app.models.common import utcnow
from krypton_app.services import api_keys
from krypton_app.services.api_keys import ApiPrincipal, StoredResponse
from krypton_app.services.crypto import seal, unseal
from krypton_app.settings import Settings

PREFIX = "/api/v1"
IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_PATTERN = r"^[!-~]{1,200}$"  # visible ASCII: what fits the column and any header
MAX_BODY_BYTES = 64 * 1024
MAX_JSON_DEPTH = 32  # our bodies nest 2 deep; deeper is refused before it can exhaust the recursion limit


@dataclass(frozen=True)
class Call:
    """What a handler gets: the authenticated merchant, the validated input and the app's context."""

    uow: UnitOfWork
    settings: Settings
    principal: ApiPrincipal
    path: dict[str, str]
    query: Any = None
    body: Any = None
    now: datetime = field(default_factory=utcnow)
    idempotency_key: str = ""  # a POST's Idempotency-Key, for a service that keeps its own


@dataclass(frozen=True)
class Operation:
    """One served operation: the route, the scope its key needs, its models, and what the document says."""

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
    # The response holds a secret shown once (a promise's code): its replay copy is stored sealed.
    seal_replay: bool = False


def endpoint(operation: Operation) -> Callable[[Request], Awaitable[Response]]:
    async def handle(request: Request) -> Response:
        deps = app_deps()
        uow = deps.uow
        try:
            principal = await run_in_threadpool(
                api_keys.authenticate,
                uow,
                request.headers.get("authorization"),
                scope=operation.scope,
                settings=deps.settings,
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
            return refusal(request, error)
        key = request.headers.get(IDEMPOTENCY_HEADER, "") if operation.method == "POST" else ""
        call = Call(uow, deps.settings, principal, dict(request.path_params), query, body, idempotency_key=key)
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
                unseal(deps.settings, stored.body) if operation.seal_replay else stored.body,
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
        text = response.body.decode()
        stored_response = StoredResponse(
            response.status_code, seal(deps.settings, text) if operation.seal_replay else text
        )
        await run_in_threadpool(api_keys.finish_idempotent, uow, user_id, key, stored_response, is_test=is_test)
        return response

    return handle


def dispatch(methods: dict[str, Operation]) -> Callable[[Request], Awaitable[Response]]:
    """One Starlette endpoint for the operations that share a path (GET and POST /invoices). The route
    takes every method, so any other (HEAD, PUT, DELETE, …) is a 405 in the API's envelope with an Allow
    header, before the key is checked: Starlette's own answer would be plain text, and HEAD, which
    Starlette adds beside GET, found no handler here."""
    handlers = {method: endpoint(operation) for method, operation in methods.items()}
    allow = ", ".join(sorted(handlers))

    async def by_method(request: Request) -> Response:
        handler = handlers.get(request.method)
        if handler is None:
            return error_response(request, 405, "method_not_allowed", Allow=allow)
        return await handler(request)

    return by_method


async def _run(request: Request, operation: Operation, call: Call) -> JSONResponse:
    try:
        status, model = await run_in_threadpool(operation.handler, call)
    except KryptonError as error:
        return refusal(request, error)
    return JSONResponse(model.model_dump(mode="json"), status_code=status)


def _parse(model: type[BaseModel], data: Any) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise RequestInvalid(field=_field_of(error)) from None


def _field_of(error: ValidationError) -> str:
    location = error.errors()[0]["loc"] if error.errors() else ()
    return ".".join(str(part) for part in location) or "body"


async def _read_body(request: Request) -> bytes:
    # An invoice is a few KB: MAX_BODY_BYTES is plenty.
    try:
        return await read_body(request, MAX_BODY_BYTES)
    except BodyTooLarge:
        raise RequestInvalid(field="body") from None


def _json_body(raw: bytes) -> Any:
    try:
        body = json.loads(raw) if raw else {}
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: thousands of nested arrays
        raise RequestInvalid(code="invalid_json", field="body") from None
    if json_depth(body) > MAX_JSON_DEPTH:
        raise RequestInvalid(code="invalid_json", field="body")
    return body


def _request_hash(method: str, path: str, body: Any) -> str:
    # Same key + same meaning = same request: key order and whitespace in the JSON do not count.
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()
