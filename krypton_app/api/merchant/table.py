"""The served route table: each resource module's operations behind the pipeline, the OpenAPI document
made from the same operations, the public receipt key, and a JSON 404 for the rest of /api/v1."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from krypton_app.api.merchant import invoices, payments, promises, webhooks
from krypton_app.api.merchant.errors import error_response
from krypton_app.api.merchant.openapi import RECEIPT_KEY_PATH, openapi_document
from krypton_app.api.merchant.pipeline import PREFIX, Operation, dispatch
from krypton_app.bootstrap import app_deps
from krypton_app.services.receipts import public_key_document

# A new resource adds its module's OPERATIONS here; the document and the routes follow.
OPERATIONS: tuple[Operation, ...] = (
    *invoices.OPERATIONS,
    *payments.OPERATIONS,
    *webhooks.OPERATIONS,
    *promises.OPERATIONS,
)
# Every method a client may send (Starlette needs them listed: a function endpoint defaults to GET).
HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]


async def openapi_json(_request: Request) -> JSONResponse:
    return JSONResponse(openapi_document(OPERATIONS, app_deps().settings))


async def receipt_key(_request: Request) -> JSONResponse:
    # Computed from the settings in memory: nothing here waits on the database.
    document = public_key_document(app_deps().settings)
    return JSONResponse(document, headers={"Cache-Control": "public, max-age=3600"})


async def api_not_found(request: Request) -> JSONResponse:
    # Mounted beside Reflex, an unknown /api/v1 path would otherwise get an HTML page.
    return error_response(request, 404, "not_found")


def routes() -> list[Route]:
    table: dict[str, dict[str, Operation]] = {}
    for operation in OPERATIONS:
        table.setdefault(operation.path, {})[operation.method] = operation
    # A served path takes every method and `dispatch` answers the ones it lacks with a 405; limited to
    # its own methods, the path would fall through to the catch-all below and be called a 404.
    served = [Route(PREFIX + path, dispatch(methods), methods=HTTP_METHODS) for path, methods in table.items()]
    return [
        *served,
        Route(PREFIX + "/openapi.json", openapi_json),
        Route(RECEIPT_KEY_PATH, receipt_key),
        Route(PREFIX + "/{rest:path}", api_not_found, methods=HTTP_METHODS),
    ]
