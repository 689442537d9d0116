"""Promises through the merchant API (Starlette's TestClient): create returns the code once and moves the
money, an Idempotency-Key replay returns the same code (stored only sealed), get/list/cancel see only the
merchant's own promises, scopes are checked, and a redeem sends promise.redeemed signed with the
merchant's webhook secret. A promise being sold in a deal reads `in_deal` and cannot be cancelled."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import httpx
import pytest
from builders import BUY, NOW, RATES, SETTINGS, TON, balances, deposit, make_user, promise_backing
from sqlmodel import select
from starlette.testclient import TestClient

from krypton_app.api.app import build_api
from krypton_app.bootstrap import app_deps
from krypton_app.models import ApiIdempotencyRecord, WebhookEvent
from krypton_app.services import promises
from krypton_app.services.ads import create_ad
from krypton_app.services.api_keys import create_api_key
from krypton_app.services.promise_sales import open_promise_sale
from krypton_app.services.webhook_delivery import deliver_due
from krypton_app.services.webhooks import verify_signature, webhook_secret

HOOK = "https://shop.example/hooks/krypton"


class Shop:
    def __init__(self, uow, scopes=("promises:read", "promises:write")):
        self.uow = uow
        self.id = make_user(uow, display_name="shop")
        deposit(uow, self.id, 10 * TON)
        _view, self.key = create_api_key(uow, self.id, name="server", scopes=list(scopes))
        self.client = TestClient(build_api())

    def post(self, path, body=None, *, key="k1"):
        headers = {"Authorization": f"Bearer {self.key}", "Idempotency-Key": key}
        return self.client.post(f"/api/v1{path}", json=body, headers=headers)

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {self.key}"}, params=params)


@pytest.fixture
def shop(uow):
    return Shop(uow)


def test_create_returns_the_code_once_and_a_replay_returns_the_same(shop):
    body = {"asset": "TON", "amount": "2.5", "note": "bonus", "webhook_url": HOOK}
    first = shop.post("/promises", body, key="p-1")
    assert first.status_code == 201, first.text
    made = first.json()
    assert (made["amount"], made["amount_minor"], made["status"], made["note"]) == (
        "2.5",
        5 * TON // 2,
        "active",
        "bonus",
    )
    assert made["redeem_url"].endswith(f"/p/{made['code']}") and made["code_hint"] == made["code"][:4]
    again = shop.post("/promises", body, key="p-1")
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == made
    with shop.uow.read() as s:
        stored = s.exec(select(ApiIdempotencyRecord.response_body)).all()
    assert stored and all(made["code"] not in text for text in stored)  # the replay copy is sealed
    assert balances(shop.uow, shop.id) == (15 * TON // 2, 0) and promise_backing(shop.uow) == 5 * TON // 2
    # get and list show it without the code
    got = shop.get(f"/promises/{made['id']}").json()
    assert got == {k: v for k, v in made.items() if k not in ("code", "redeem_url")}
    listed = shop.get("/promises", status="active").json()
    assert [p["id"] for p in listed["items"]] == [made["id"]] and listed["total"] == 1
    assert shop.get("/promises", status="redeemed").json()["items"] == []


def test_refusals_have_stable_codes(shop):
    too_much = shop.post("/promises", {"asset": "TON", "amount": "11"}, key="a")
    assert (too_much.status_code, too_much.json()["error"]["code"]) == (422, "insufficient_funds")
    assert too_much.json()["error"]["available"] == "10"
    bad = shop.post("/promises", {"asset": "TON", "amount": 1}, key="b")
    assert (bad.status_code, bad.json()["error"]["field"]) == (400, "amount")
    pin = shop.post("/promises", {"asset": "TON", "amount": "1", "pin": "@nobody_at_all"}, key="c")
    assert (pin.status_code, pin.json()["error"]["code"]) == (422, "promise_pin_unknown")
    short = shop.post("/promises", {"asset": "TON", "amount": "1", "expires_in_s": 5}, key="d")
    assert (short.status_code, short.json()["error"]["field"]) == (400, "expires_in_s")
    later = shop.post("/promises", {"asset": "TON", "amount": "1", "expires_in_s": 3600}, key="e").json()
    made_at, ends_at = (datetime.fromisoformat(later[k].replace("Z", "+00:00")) for k in ("created_at", "expires_at"))
    assert abs((ends_at - made_at).total_seconds() - 3600) < 5
    assert shop.get("/promises/999").json()["error"]["code"] == "promise_not_found"
    assert shop.get("/promises/abc").status_code == 404


def test_cancel_returns_the_money_and_only_the_issuer_may(shop, uow):
    made = shop.post("/promises", {"asset": "TON", "amount": "3"}, key="x").json()
    other = Shop(uow)
    assert other.post(f"/promises/{made['id']}/cancel", key="c1").status_code == 404
    assert other.get(f"/promises/{made['id']}").status_code == 404
    assert other.get("/promises").json()["items"] == []
    cancelled = shop.post(f"/promises/{made['id']}/cancel", key="c2")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert balances(uow, shop.id) == (10 * TON, 0)
    twice = shop.post(f"/promises/{made['id']}/cancel", key="c3")
    assert (twice.status_code, twice.json()["error"]["code"]) == (422, "promise_cancelled")


def test_scopes(uow):
    reader = Shop(uow, scopes=("promises:read",))
    refused = reader.post("/promises", {"asset": "TON", "amount": "1"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "api_scope_missing")
    assert reader.get("/promises").status_code == 200
    invoices_only = Shop(uow, scopes=("invoices:read",))
    assert invoices_only.get("/promises").status_code == 403


def test_redeem_sends_a_signed_promise_redeemed_webhook(shop, uow):
    made = shop.post("/promises", {"asset": "TON", "amount": "1", "webhook_url": HOOK}, key="w").json()
    promises.redeem_promise(uow, make_user(uow), made["code"], settings=SETTINGS, now=NOW)
    with uow.read() as s:
        (event,) = s.exec(select(WebhookEvent)).all()
    assert event.type == "promise.redeemed" and event.merchant_id == shop.id
    sent = []
    settings = app_deps().settings

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    async def deliver():
        async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
            await deliver_due(uow, settings=settings, client=client, now=datetime.now(UTC))

    asyncio.run(deliver())
    (request,) = sent
    secret = webhook_secret(uow, shop.id, is_test=False, settings=settings)
    assert verify_signature(
        secret, request.headers["Krypton-Signature"], request.content, now=datetime.now(UTC).timestamp()
    )
    assert json.loads(request.content)["data"]["promise"]["id"] == made["id"]


def test_a_promise_being_sold_reads_in_deal_and_cannot_be_cancelled(shop, uow):
    made = shop.post("/promises", {"asset": "TON", "amount": "2"}, key="s").json()
    trader = make_user(uow)
    ad = create_ad(uow, trader, BUY, rates=RATES, idempotency_key="buy")
    open_promise_sale(
        uow, make_user(uow), made["code"], ad.id, method="sbp", idempotency_key="d", settings=SETTINGS, rates=RATES,
        now=NOW,
    )  # fmt: skip
    assert shop.get(f"/promises/{made['id']}").json()["status"] == "in_deal"
    assert [p["id"] for p in shop.get("/promises", status="in_deal").json()["items"]] == [made["id"]]
    refused = shop.post(f"/promises/{made['id']}/cancel", key="c")
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "promise_in_deal")
