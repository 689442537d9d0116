"""The error envelope: every refusal is `{"error": {"code", "message", "field"}}` with a stable code, an
HTTP status chosen by the error's type, and the message in the client's language; a refusal about an
amount adds the numbers it is about (minimum, maximum, left, available, asset, decimals)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from krypton_app.api.merchant.schemas import Error, ErrorDetail
from krypton_app.domain.errors import (
    ApiAuthError,
    Forbidden,
    IdempotencyConflict,
    KryptonError,
    NotFound,
    UserBlocked,
)
from krypton_app.domain.money import format_amount
from krypton_app.i18n import AMOUNT_DETAILS, error_text


class RequestInvalid(KryptonError):
    """400: the request does not match the documented shape; `field` names what is wrong.
    Code `invalid_json` when the body is not JSON we read (malformed, not UTF-8, nested too deep)."""

    code = "invalid_request"


def status_of(error: KryptonError) -> int:
    if isinstance(error, ApiAuthError):
        return 403 if error.code == "api_scope_missing" else 401
    if isinstance(error, RequestInvalid):
        return 400
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Forbidden | UserBlocked):
        return 403
    if isinstance(error, IdempotencyConflict):
        return 409
    return 422  # a business rule refused it: the code says which


def error_response(
    request: Request, status: int, code: str, field: str | None = None, details: dict | None = None, **headers: str
) -> JSONResponse:
    refused = KryptonError(code=code)
    refused.details = details = details or {}
    message = error_text(_language(request), refused)
    detail = ErrorDetail(code=code, message=message, field=field, **numbers_of(details))
    # Unset number fields are left out: a refusal carries only the numbers it is about.
    body = Error(error=detail).model_dump(mode="json", exclude_unset=True)
    return JSONResponse(body, status_code=status, headers=headers or None)


def numbers_of(details: dict) -> dict[str, str | int]:
    """A refusal's numbers as the envelope's fields: amounts as decimal text in their asset ("0.5"), with
    `asset` and the `decimals` it allows; nothing when the details carry no `decimals` to write them."""
    decimals = details.get("decimals")
    if not isinstance(decimals, int):
        return {}
    numbers: dict[str, str | int] = {"decimals": decimals}
    for name in AMOUNT_DETAILS:
        if isinstance(details.get(name), int):
            numbers[name] = format_amount(details[name], decimals)
    if len(numbers) > 1 and details.get("asset"):
        numbers["asset"] = str(details["asset"])
    return numbers


def refusal(request: Request, error: KryptonError) -> JSONResponse:
    """The envelope of a typed error; a 401 tells the client which scheme to authenticate with."""
    status = status_of(error)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    return error_response(request, status, error.code, error.details.get("field"), error.details, **headers)


def _language(request: Request) -> str:
    return "ru" if request.headers.get("accept-language", "").lower().startswith("ru") else "en"
