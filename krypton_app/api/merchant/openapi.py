"""The OpenAPI 3.1 document, generated from the operations the route table serves (and their models),
so the document and the API cannot drift apart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from krypton_app.api.merchant.pipeline import (
    IDEMPOTENCY_HEADER,
    IDEMPOTENCY_KEY_PATTERN,
    MAX_JSON_DEPTH,
    PREFIX,
    Operation,
)
from krypton_app.api.merchant.schemas import MAX_ROW_ID, Error, ReceiptKey
from krypton_app.settings import Settings

RECEIPT_KEY_PATH = "/.well-known/krypton-receipt-key"

REPLAYED_HEADER_DOC = {
    "description": "present (true) when this is the stored response of an earlier request with the same key",
    "schema": {"type": "string", "enum": ["true"]},
}


def openapi_document(operations: Sequence[Operation], settings: Settings) -> dict:
    """The document of `operations` (what the route table serves) and of the public receipt key."""
    models: list[tuple[type[BaseModel], Literal["validation", "serialization"]]] = [(Error, "serialization")]
    models += [(ReceiptKey, "serialization")]
    for operation in operations:
        if operation.body is not None:
            models.append((operation.body, "validation"))
        models += [(model, "serialization") for _, model in operation.success.values()]
    _, definitions = models_json_schema(models, ref_template="#/components/schemas/{model}")
    paths: dict[str, dict] = {}
    for operation in operations:
        paths.setdefault(PREFIX + operation.path, {})[operation.method.lower()] = _operation_item(operation)
    paths[RECEIPT_KEY_PATH] = {
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
            'every POST takes an Idempotency-Key. Errors: {"error": {"code", "message", "field"}}, '
            "plus the numbers a refusal is about (minimum, maximum, left, available, asset, decimals).",
        },
        "servers": [{"url": settings.app_url.rstrip("/")}],
        "security": [{"bearer": []}],
        "paths": paths,
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


def _operation_item(operation: Operation) -> dict:
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
    return entry


def _error_response(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def _path_schema(name: str) -> dict:
    if name.endswith("_id"):
        return {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID}
    return {"type": "string", "minLength": 1, "description": "invoice number, any case, dashes allowed"}
