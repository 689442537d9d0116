"""The error envelope: every refusal is `{"error": {"code", "message", "field"}}` with a stable code, an
HTTP status chosen by the error's type, and the message in the client's language."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from krypton_app.api.merchant.schemas import Error, ErrorDetail
from krypton_app.domain.errors import ApiAuthError, Forbidden, IdempotencyConflict, KryptonError, NotFound
from krypton_app.i18n import error_key, translate


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
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, IdempotencyConflict):
        return 409
    return 422  # a business rule refused it: the code says which


def error_response(
    request: Request, status: int, code: str, field: str | None = None, details: dict | None = None, **headers: str
) -> JSONResponse:
    message = translate(_language(request), error_key(code, details))
    detail = ErrorDetail(code=code, message=message, field=field)
    return JSONResponse(Error(error=detail).model_dump(mode="json"), status_code=status, headers=headers or None)


def refusal(request: Request, error: KryptonError) -> JSONResponse:
    """The envelope of a typed error; a 401 tells the client which scheme to authenticate with."""
    status = status_of(error)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    return error_response(request, status, error.code, error.details.get("field"), error.details, **headers)


def _language(request: Request) -> str:
    return "ru" if request.headers.get("accept-language", "").lower().startswith("ru") else "en"
