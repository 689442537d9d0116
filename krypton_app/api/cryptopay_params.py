"""Crypto Pay's request parameters as its SDKs send them, into typed values: from the query string, a JSON
body (numbers, strings, booleans), a form body (url-encoded or multipart), or none at all; booleans as
`true`/`false`, id and asset lists as one comma-separated string. A value that does not parse is the
400 `<PARAM>_INVALID` Crypto Pay answers; the body is read up to MAX_BODY_BYTES (413 past it)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request

from krypton_app.api.bodies import BodyTooLarge, read_body
from krypton_app.services.cryptopay import CryptoPayRefused

MAX_BODY_BYTES = 64 * 1024  # a createInvoice with every text at its limit is under 8 KB
MAX_IDS = 1000
MAX_FORM_FIELDS = 100
_INTEGER = re.compile(r"-?[0-9]{1,18}")
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


async def read_params(request: Request) -> dict[str, Any]:
    """The query string's parameters, overridden by the body's (an object; an empty body is none)."""
    try:
        body = await read_body(request, MAX_BODY_BYTES)
    except BodyTooLarge:
        raise CryptoPayRefused("REQUEST_TOO_LARGE", 413) from None
    params: dict[str, Any] = dict(request.query_params)
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media in _FORMS:
        params.update(await _form(request, body))
    elif body.strip():
        params.update(_json_object(body))
    return params


async def _form(request: Request, body: bytes) -> dict[str, Any]:
    sent = False

    async def replay() -> dict:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(request.scope, replay).form(max_files=0, max_fields=MAX_FORM_FIELDS)
    except (MultiPartException, HTTPException, ValueError):  # Starlette turns a parser's refusal into a 400
        raise CryptoPayRefused("PARAMS_INVALID") from None
    return dict(form)


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        document = json.loads(body, parse_float=Decimal, parse_constant=_no_constant)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested past the recursion limit
        raise CryptoPayRefused("PARAMS_INVALID") from None
    if not isinstance(document, dict):
        raise CryptoPayRefused("PARAMS_INVALID")
    return document


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


class Params:
    """Typed reads of one request's parameters; each refusal names the parameter."""

    def __init__(self, raw: Mapping[str, Any]):
        self._raw = raw

    def text(self, name: str) -> str | None:
        """The value as text; None when absent (or JSON null)."""
        value = self._raw.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, Decimal):
            # JSON numbers come exact; an absurd exponent is refused before it could become a huge string.
            if not value.is_finite() or not -64 <= value.as_tuple().exponent <= 64 or value.adjusted() > 64:
                raise _invalid(name)
            return format(value, "f")
        if isinstance(value, list) and all(type(item) in (str, int) for item in value):
            value = ",".join(str(item) for item in value)  # an array where a comma list was meant
        if not isinstance(value, str) or "\x00" in value:  # an UploadFile, an object; NUL fits no column
            raise _invalid(name)
        return value

    def code(self, name: str) -> str | None:
        """An asset or fiat code, upper case."""
        value = self.text(name)
        return None if value is None else value.strip().upper()

    def codes(self, name: str) -> tuple[str, ...]:
        value = self.code(name)
        return () if not value else tuple(part.strip() for part in value.split(","))

    def integer(self, name: str, *, low: int, high: int) -> int | None:
        value = self.text(name)
        if value is None:
            return None
        value = value.strip()
        if not _INTEGER.fullmatch(value) or not low <= int(value) <= high:
            raise _invalid(name)
        return int(value)

    def required_integer(self, name: str, *, low: int, high: int) -> int:
        value = self.integer(name, low=low, high=high)
        if value is None:
            raise _invalid(name)
        return value

    def integers(self, name: str) -> list[int] | None:
        value = self.text(name)
        if value is None:
            return None
        parts = [part.strip() for part in value.split(",") if part.strip()]
        if len(parts) > MAX_IDS or not all(_INTEGER.fullmatch(part) for part in parts):
            raise _invalid(name)
        return [int(part) for part in parts]

    def boolean(self, name: str, default: bool) -> bool:
        value = self.text(name)
        if value is None:
            return default
        value = value.strip().lower()
        if value not in ("true", "false", "1", "0"):
            raise _invalid(name)
        return value in ("true", "1")

    def moment(self, name: str) -> datetime | None:
        """ISO-8601 (`…T…`, `…Z`) or Python's `YYYY-MM-DD HH:MM:SS`; without a zone, UTC."""
        value = self.text(name)
        if value is None:
            return None
        text = value.strip()
        try:
            moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
            return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        except (ValueError, OverflowError):  # OverflowError: year 1 moved to UTC
            raise _invalid(name) from None


def _invalid(name: str) -> CryptoPayRefused:
    return CryptoPayRefused(f"{name.upper()}_INVALID")
