"""The merchant API's error envelope with numbers: a refusal about an amount keeps its stable code and
message and adds the numbers as fields (decimal text in `asset`), documented in the OpenAPI Error schema;
a refusal without numbers stays {"code", "message", "field"}."""

from __future__ import annotations

import json

import jsonschema_rs
from starlette.requests import Request
from starlette.testclient import TestClient

from krypton_app.api.app import build_api
from krypton_app.api.merchant.errors import refusal
from krypton_app.domain.errors import AdUnavailable, InsufficientFunds, InvoiceUnavailable, NotFound


def _request(language: str = "en") -> Request:
    headers = [(b"accept-language", language.encode())]
    return Request({"type": "http", "method": "POST", "path": "/", "headers": headers})


def _body(error, language: str = "en") -> dict:
    response = refusal(_request(language), error)
    assert response.status_code == 422 or isinstance(error, NotFound)
    return json.loads(response.body)


def test_a_refusal_about_an_amount_adds_its_numbers():
    minimum = InvoiceUnavailable(code="payment_amount_invalid", minimum=500_000_000, decimals=9, asset="TON")
    assert _body(minimum) == {
        "error": {
            "code": "payment_amount_invalid",
            "message": "The minimum is 0.5 TON for this invoice.",
            "field": None,
            "minimum": "0.5",
            "asset": "TON",
            "decimals": 9,
        }
    }
    ad = AdUnavailable(code="ad_amount_out_of_range", minimum=10**6, maximum=2_500_000, decimals=6, asset="USDT")
    body = _body(ad, "ru")["error"]
    numbers = (body["minimum"], body["maximum"], body["asset"])
    assert (body["code"], numbers) == ("ad_amount_out_of_range", ("1", "2.5", "USDT"))
    assert body["message"] == "Это объявление принимает от 1 USDT до 2,5 USDT."
    short = InsufficientFunds(asset="TON", available=4_100_000_000, required=5 * 10**9, decimals=9)
    assert (_body(short)["error"]["available"], _body(short)["error"]["code"]) == ("4.1", "insufficient_funds")


def test_a_refusal_without_numbers_keeps_the_three_fields():
    assert _body(NotFound("invoice X", asset="TON")) == {
        "error": {"code": "not_found", "message": "Not found. It may have been removed.", "field": None}
    }


def test_the_openapi_error_schema_documents_the_numbers_and_accepts_both_shapes():
    document = TestClient(build_api()).get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert {"minimum", "maximum", "left", "available", "asset", "decimals"} <= set(schemas["ErrorDetail"]["properties"])
    assert set(schemas["ErrorDetail"]["required"]) == {"code", "message"}
    root = {"$ref": "#/components/schemas/Error", "components": {"schemas": schemas}}
    validator = jsonschema_rs.Draft202012Validator(root)
    left = InvoiceUnavailable(code="payment_amount_invalid", left=3_200_000_000, decimals=9, asset="TON")
    validator.validate(_body(left))
    validator.validate(_body(NotFound()))
    assert not validator.is_valid({"error": {"code": "x", "message": "y", "minimum": 5}})  # amounts are text
