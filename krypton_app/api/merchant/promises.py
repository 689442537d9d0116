"""Promises (SPEC F6) through the merchant API: create (the code comes back once, in this response),
get, list, cancel. Scopes promises:read and promises:write. A promise holds real money, so a sandbox
(kr_test_) key may read but not create one (promise_sandbox).

The create response is the one place a code is sent; the pipeline keeps it for an Idempotency-Key
replay only sealed (Operation.seal_replay), never in clear."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from krypton_app import routes
from krypton_app.api.merchant.pipeline import Call, Operation
from krypton_app.api.merchant.schemas import MAX_ROW_ID, Amount, AssetCode, Text
from krypton_app.domain.errors import NotFound
from krypton_app.domain.invoices import MAX_EXPIRY_S
from krypton_app.domain.money import format_amount
from krypton_app.domain.promises import NOTE_MAX, PromiseRefused
from krypton_app.services import promises
from krypton_app.services.promise_rows import PromiseView
from krypton_app.services.webhook_urls import check_webhook_url

# in_deal: being sold for fiat in a P2P deal (services/promise_sales.py); it cannot be cancelled meanwhile.
Status = Literal["active", "redeemed", "cancelled", "expired", "in_deal"]


class PromiseCreate(BaseModel):
    """A new promise, paid from your available balance. Amounts are decimal text in units of the asset."""

    model_config = ConfigDict(extra="forbid", strict=True, title="PromiseCreate")

    asset: AssetCode
    amount: Amount
    pin: Text | None = Field(None, max_length=254, description="@username or verified email: only they may redeem")
    note: Text = Field("", max_length=NOTE_MAX, description="shown to whoever opens the promise")
    expires_in_s: int | None = Field(
        None, ge=60, le=MAX_EXPIRY_S, description="seconds from now; then the money returns to your balance"
    )
    webhook_url: Text | None = Field(None, max_length=2000, description="receives promise.redeemed")


class PromiseListQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    status: Status | None = None
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(20, ge=1, le=100)


class Promise(BaseModel):
    id: int
    status: Status
    origin: Literal["created", "change", "refund"]
    asset: str
    decimals: int
    amount: str
    amount_minor: int
    note: str
    code_hint: str = Field(description="the code's first characters, to tell promises apart")
    pinned: bool = Field(description="only one user may redeem it")
    expires_at: datetime | None
    created_at: datetime
    redeemed_at: datetime | None
    ended_at: datetime | None
    webhook_url: str | None


class PromiseCreated(Promise):
    code: str | None = Field(
        description="the bearer secret, returned only by the call that made it: whoever has it may redeem"
    )
    redeem_url: str | None = Field(description="the page that redeems it (/p/<code>)")


class PromiseList(BaseModel):
    items: list[Promise]
    page: int
    page_size: int
    total: int
    pages: int


def promise_json(view: PromiseView) -> Promise:
    return Promise(
        id=view.id,
        status=view.status,
        origin=view.origin,
        asset=view.asset,
        decimals=view.decimals,
        amount=format_amount(view.amount, view.decimals),
        amount_minor=view.amount,
        note=view.note,
        code_hint=view.code_hint,
        pinned=view.pinned_user_id is not None,
        expires_at=view.expires_at,
        created_at=view.created_at,
        redeemed_at=view.redeemed_at,
        ended_at=view.ended_at,
        webhook_url=view.webhook_url,
    )


def _promise_id(call: Call) -> int:
    raw = call.path["promise_id"]
    if not raw.isdigit() or not 0 < int(raw) <= MAX_ROW_ID:
        raise NotFound(code="promise_not_found")
    return int(raw)


def _own(call: Call, promise_id: int) -> PromiseView:
    if call.principal.is_test:  # every promise is live money: a sandbox key sees none
        raise NotFound(code="promise_not_found")
    view = promises.get_promise(call.uow, call.principal.user_id, promise_id, now=call.now)
    if view.issuer_id != call.principal.user_id:  # redeemed by or pinned to the merchant: not theirs to manage
        raise NotFound(code="promise_not_found")
    return view


def create_promise(call: Call) -> tuple[int, BaseModel]:
    if call.principal.is_test:
        raise PromiseRefused(code="promise_sandbox")
    data: PromiseCreate = call.body
    made = promises.create_promise(
        call.uow,
        call.principal.user_id,
        asset=data.asset,
        amount=data.amount,
        # The pipeline replays a repeated Idempotency-Key for a day; past that the service still finds the
        # promise the key made (without its code, which was returned once).
        idempotency_key=f"api:{call.idempotency_key}",
        settings=call.settings,
        now=call.now,
        pin=data.pin,
        note=data.note,
        expires_at=call.now + timedelta(seconds=data.expires_in_s) if data.expires_in_s else None,
        webhook_url=check_webhook_url(data.webhook_url, settings=call.settings),
    )
    body = promise_json(made.promise).model_dump()
    if made.code is None:
        return 200, PromiseCreated(**body, code=None, redeem_url=None)
    url = call.settings.app_url.rstrip("/") + routes.promise_link(made.code)
    return 201, PromiseCreated(**body, code=made.code, redeem_url=url)


def list_promises(call: Call) -> tuple[int, BaseModel]:
    query: PromiseListQuery = call.query
    if call.principal.is_test:
        return 200, PromiseList(items=[], page=query.page, page_size=query.page_size, total=0, pages=1)
    items, total = promises.list_promises(
        call.uow,
        call.principal.user_id,
        role=promises.ISSUED,
        now=call.now,
        status=query.status,
        limit=query.page_size,
        offset=(query.page - 1) * query.page_size,
    )
    pages = max(1, -(-total // query.page_size))
    return 200, PromiseList(
        items=[promise_json(v) for v in items], page=query.page, page_size=query.page_size, total=total, pages=pages
    )


def get_promise(call: Call) -> tuple[int, BaseModel]:
    return 200, promise_json(_own(call, _promise_id(call)))


def cancel_promise(call: Call) -> tuple[int, BaseModel]:
    promise_id = _own(call, _promise_id(call)).id
    view = promises.cancel_promise(call.uow, call.principal.user_id, promise_id, now=call.now)
    return 200, promise_json(view)


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "POST",
        "/promises",
        "createPromise",
        "Create a promise from your balance",
        "promises:write",
        create_promise,
        {
            201: ("Created; `code` is returned only here", PromiseCreated),
            200: ("The key made this promise more than a day ago: it, without its code", PromiseCreated),
        },
        body=PromiseCreate,
        description=(
            "The amount leaves your available balance. The code is a bearer secret: store it or hand it on now. "
            "A webhook_url receives `promise.redeemed`, signed with your webhook secret. Sandbox keys are refused."
        ),
        seal_replay=True,
    ),
    Operation(
        "GET",
        "/promises",
        "listPromises",
        "List the promises you made, newest first",
        "promises:read",
        list_promises,
        {200: ("A page of promises", PromiseList)},
        query=PromiseListQuery,
    ),
    Operation(
        "GET",
        "/promises/{promise_id}",
        "getPromise",
        "Get a promise you made",
        "promises:read",
        get_promise,
        {200: ("The promise", Promise)},
    ),
    Operation(
        "POST",
        "/promises/{promise_id}/cancel",
        "cancelPromise",
        "Cancel an active promise",
        "promises:write",
        cancel_promise,
        {200: ("The cancelled promise", Promise)},
        description="Its money returns to your available balance. A redeemed or expired one is refused.",
    ),
)
