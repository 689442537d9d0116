"""Schemathesis against the served OpenAPI document, in-process: bounded and deterministic.

Every operation gets generated requests (valid and invalid) with a valid key on a seeded database;
no response may be a server error, and every response must match the document (status code,
content type, body schema)."""

import uuid
from datetime import UTC, datetime

import pytest
import schemathesis
from builders import make_user
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.testclient import TestClient

from krypton_app.api.app import build_api
from krypton_app.bootstrap import app_deps
from krypton_app.services.api_keys import create_api_key
from krypton_app.services.payments import simulate_test_payment
from krypton_app.services.webhooks import list_deliveries

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def seeded(uow):
    """A merchant with an all-scope key, a sandbox invoice with a webhook, a payment and an event."""
    merchant_id = make_user(uow, display_name="fuzz shop")
    _, key = create_api_key(
        uow,
        merchant_id,
        name="fuzz",
        scopes=["invoices:read", "invoices:write", "webhooks:write", "promises:read", "promises:write"],
        is_test=True,
    )
    client = TestClient(build_api())
    auth = {"Authorization": f"Bearer {key}"}
    invoice = client.post(
        "/api/v1/invoices",
        json={"kind": "fixed", "title": "Seed", "asset": "TON", "amount": "2", "webhook_url": "https://shop.example/h"},
        headers=auth | {"Idempotency-Key": "seed-invoice"},
    ).json()
    simulate_test_payment(
        uow,
        merchant_id,
        invoice["number"],
        amount=None,
        settings=app_deps().settings,
        rates=app_deps().rates,
        now=datetime.now(UTC),
    )
    [event] = list_deliveries(uow, merchant_id, invoice["number"])  # invoice.payment_completed
    return build_api(), auth, invoice["number"], event.id


def test_api_conforms_to_its_document(seeded):
    app, auth, number, delivery_id = seeded
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 13
    for operation in operations:
        # An operation without any input has nothing to make invalid.
        has_input = any(len(group) for group in (operation.path_parameters, operation.query, operation.headers))
        has_input = has_input or bool(operation.body)
        modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE) if has_input else (GenerationMode.POSITIVE,)
        for mode in modes:
            fuzz(operation, mode, auth, number, delivery_id)


def fuzz(operation, mode: GenerationMode, auth: dict, number: str, delivery_id: int) -> None:
    @settings(max_examples=15, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(mode))
    def check(case):
        case.call_and_validate(headers=auth, checks=CHECKS)
        if mode == GenerationMode.POSITIVE and aim_at_seeded_data(case, number, delivery_id):
            # Random numbers and ids mostly miss: run the case again on the seeded rows,
            # with a fresh key (generated ones repeat and would only replay).
            case.call_and_validate(headers=auth | {"Idempotency-Key": uuid.uuid4().hex}, checks=CHECKS)

    check()


def aim_at_seeded_data(case, number: str, delivery_id: int) -> bool:
    changed = False
    if "number" in (case.path_parameters or {}):
        case.path_parameters["number"] = number
        changed = True
    if "delivery_id" in (case.path_parameters or {}):
        case.path_parameters["delivery_id"] = delivery_id
        changed = True
    if case.path.endswith("/webhooks/test"):
        case.body = {"invoice": number}
        changed = True
    if case.path.endswith("/invoices") and case.method == "POST":
        # Generated drafts mostly break a rule across fields (422); keep the generated text, drop the rest.
        kept = {k: case.body[k] for k in ("title", "description", "asset", "order_id") if k in case.body}
        case.body = {"kind": "floating"} | kept
        changed = True
    return changed
