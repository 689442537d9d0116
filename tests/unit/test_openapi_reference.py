"""The API reference page lists what the served OpenAPI document says: every operation, each with its
method, path, summary, scope, parameters and response codes; nothing the document lacks."""

from __future__ import annotations

from krypton_app.api.merchant.openapi import openapi_document
from krypton_app.api.merchant.table import OPERATIONS
from krypton_app.pages.api_reference import reference
from krypton_app.settings import get_settings


def test_every_operation_of_the_document_is_listed_with_its_details():
    document = openapi_document(OPERATIONS, get_settings())
    ops = reference(document)
    assert {(op.method, op.path) for op in ops} == {
        (method.upper(), path) for path, items in document["paths"].items() for method in items
    }
    by_id = {(op.method, op.path): op for op in ops}
    create = by_id[("POST", "/api/v1/invoices")]
    assert create.scope == "invoices:write" and create.summary
    assert create.body  # the JSON body's schema name
    assert ("Idempotency-Key", "header", True) in {(p.name, p.where, p.required) for p in create.parameters}
    assert [code for code, _ in create.responses] == sorted(document["paths"]["/api/v1/invoices"]["post"]["responses"])
    listing = by_id[("GET", "/api/v1/invoices")]
    assert {p.where for p in listing.parameters} == {"query"} and not listing.body
    one = by_id[("GET", "/api/v1/invoices/{number}")]
    assert [(p.name, p.where, p.required) for p in one.parameters] == [("number", "path", True)]
    # The receipt key needs no API key: the page says so instead of a scope.
    assert by_id[("GET", "/.well-known/krypton-receipt-key")].scope == ""
    for op in ops:
        assert op.summary and op.responses
        assert all(code.isdigit() and text for code, text in op.responses)
