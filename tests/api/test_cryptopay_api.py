"""The Crypto Pay compatibility API through Starlette's TestClient: every encoding the SDKs use, the
envelope and its statuses, who sees which invoice, bad input, and a fuzz of methods and parameters."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from builders import make_user
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from krypton_app.api.app import build_api
from krypton_app.api.cryptopay import METHODS
from krypton_app.bootstrap import app_deps
from krypton_app.services.api_keys import revoke_api_key
from krypton_app.services.compat_keys import create_cryptopay_app

INVOICE = {"asset": "TON", "amount": "1.5", "description": "VPN key"}


class App:
    """A merchant's Crypto Pay app and a client that calls `/cryptopay/api/<method>` with its token."""

    def __init__(self, uow, *, is_test=False, merchant=None, transfers=True):
        self.merchant = merchant or make_user(uow, display_name="shop")
        self.view, self.token = create_cryptopay_app(
            uow, self.merchant, name="shop", settings=app_deps().settings, is_test=is_test, transfers=transfers
        )
        self.client = TestClient(build_api())

    def call(self, method, http="GET", token=None, **kwargs):
        headers = {"Crypto-Pay-API-Token": self.token if token is None else token, **kwargs.pop("headers", {})}
        return self.client.request(http, f"/cryptopay/api/{method}", headers=headers, **kwargs)

    def result(self, method, **params):
        response = self.call(method, params=params)
        assert response.status_code == 200, response.text
        return response.json()["result"]


def refused(response) -> tuple[int, int, str]:
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["ok"] is False and set(body["error"]) == {"code", "name"}
    return response.status_code, body["error"]["code"], body["error"]["name"]


@pytest.fixture
def app(uow):
    return App(uow)


def test_every_encoding_the_sdks_send_makes_the_same_invoice(app):
    made = [
        app.call("createInvoice", params=INVOICE),  # aiocryptopay: GET with a query
        app.call("createInvoice", "POST", json={**INVOICE, "amount": 1.5}),  # aiosend: a JSON number
        app.call("createInvoice", "POST", content=b'{"asset":"TON","amount":1.50,"description":"VPN key"}'),
        app.call("createInvoice", "POST", json=INVOICE),  # cryptopay-python-sdk: a JSON string
        app.call("createInvoice", "POST", data=INVOICE),  # x-www-form-urlencoded
        app.call("createInvoice", "POST", files={"asset": (None, "TON"), "amount": (None, "1.5")}),  # multipart
    ]
    for response in made:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        assert body["ok"] is True and (body["result"]["asset"], body["result"]["amount"]) == ("TON", "1.5")
    assert len({response.json()["result"]["invoice_id"] for response in made}) == len(made)


def test_no_parameters_arrive_in_every_form_a_client_sends_them(app):
    expected = {"app_id": int(app.token.split(":")[0]), "name": "shop"}
    for response in (
        app.call("getMe"),  # GET, no body
        app.call("getMe", headers={"Content-Type": "application/json"}),  # aiosend's constructor
        app.call("getMe", "POST", content=b"{}", headers={"Content-Type": "application/json"}),  # aiosend
        app.call("getMe", "POST", content=b"", headers={"Content-Type": "application/json"}),
        app.call("getMe", "POST"),
    ):
        assert response.status_code == 200, response.text
        assert response.json()["result"].items() >= expected.items()


def test_booleans_numbers_and_id_lists_in_each_of_their_forms(app):
    first = app.call("createInvoice", "POST", json={**INVOICE, "allow_comments": False}).json()["result"]
    second = app.result("createInvoice", **INVOICE, allow_anonymous="false", expires_in="60")
    assert first["allow_comments"] is False and second["allow_anonymous"] is False and "expiration_date" in second
    ids = f"{first['invoice_id']},{second['invoice_id']}"
    by_query = app.result("getInvoices", invoice_ids=ids)["items"]
    by_json = app.call("getInvoices", "POST", json={"invoice_ids": ids, "count": 10}).json()["result"]["items"]
    assert (
        [i["invoice_id"] for i in by_query]
        == [i["invoice_id"] for i in by_json]
        == [
            second["invoice_id"],
            first["invoice_id"],
        ]
    )
    assert (
        app.result("getInvoices", invoice_ids=ids, count=1, offset=1)["items"][0]["invoice_id"] == first["invoice_id"]
    )


def test_the_invoice_object_has_every_field_the_sdks_require(app):
    invoice = app.result(
        "createInvoice", **INVOICE, payload="p-1", paid_btn_name="openBot", paid_btn_url="https://t.me/x"
    )
    required = {"invoice_id", "hash", "currency_type", "asset", "amount", "status", "created_at", "allow_comments"}
    required |= {"allow_anonymous", "bot_invoice_url", "pay_url", "mini_app_invoice_url", "web_app_invoice_url"}
    assert required <= invoice.keys()
    assert invoice["created_at"].endswith("Z") and invoice["status"] == "active" and invoice["payload"] == "p-1"
    fiat = app.result("createInvoice", currency_type="fiat", fiat="EUR", amount="9.99", accepted_assets="USDT,TON")
    assert (fiat["fiat"], fiat["amount"], fiat["accepted_assets"]) == ("EUR", "9.99", ["USDT", "TON"])
    assert "asset" not in fiat


def test_auth_errors_are_401_and_unknown_methods_405(app, uow):
    assert refused(app.call("getMe", token="")) == (401, 401, "UNAUTHORIZED")
    assert refused(app.call("getMe", token="123:nope")) == (401, 401, "UNAUTHORIZED")
    assert refused(app.call("getMe", token=app.token + "x")) == (401, 401, "UNAUTHORIZED")
    assert refused(app.call("getme")) == (405, 405, "METHOD_NOT_FOUND")
    for verb in ("PUT", "DELETE", "TRACE", "PROPFIND"):
        assert refused(app.call("getMe", verb)) == (405, 405, "METHOD_NOT_ALLOWED")
    assert refused(app.client.get("/cryptopay/api/a/b")) == (404, 404, "NOT_FOUND")
    assert refused(app.client.request("TRACE", "/cryptopay/api/")) == (404, 404, "NOT_FOUND")
    revoke_api_key(uow, app.merchant, app.view.id)
    assert refused(app.call("getMe")) == (401, 401, "UNAUTHORIZED")


def test_an_app_sees_only_its_own_invoices_and_a_test_app_only_sandbox_ones(app, uow):
    mine = app.result("createInvoice", **INVOICE)
    other = App(uow)
    theirs = other.result("createInvoice", **INVOICE)
    sandbox = App(uow, is_test=True, merchant=app.merchant)
    test_invoice = sandbox.result("createInvoice", **INVOICE)
    assert [i["invoice_id"] for i in app.result("getInvoices")["items"]] == [mine["invoice_id"]]
    assert app.result("getInvoices", invoice_ids=str(theirs["invoice_id"]))["items"] == []
    assert [i["invoice_id"] for i in sandbox.result("getInvoices")["items"]] == [test_invoice["invoice_id"]]
    assert refused(app.call("deleteInvoice", params={"invoice_id": theirs["invoice_id"]}))[2] == "INVOICE_NOT_FOUND"
    assert other.result("getInvoices", invoice_ids=str(theirs["invoice_id"]))["items"][0]["status"] == "active"


def test_filters_by_asset_fiat_and_status(app):
    ton = app.result("createInvoice", **INVOICE)
    usdt = app.result("createInvoice", asset="USDT", amount="2")
    rub = app.result("createInvoice", currency_type="fiat", fiat="RUB", amount="500")
    assert [i["invoice_id"] for i in app.result("getInvoices", asset="USDT")["items"]] == [usdt["invoice_id"]]
    assert [i["invoice_id"] for i in app.result("getInvoices", fiat="rub")["items"]] == [rub["invoice_id"]]
    assert app.result("deleteInvoice", invoice_id=ton["invoice_id"]) is True
    assert {i["invoice_id"] for i in app.result("getInvoices", status="active")["items"]} == {
        usdt["invoice_id"],
        rub["invoice_id"],
    }
    assert app.result("getInvoices", status="paid")["items"] == []
    assert refused(app.call("deleteInvoice", params={"invoice_id": ton["invoice_id"]}))[2] == "INVOICE_NOT_FOUND"


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"asset": "BTC", "amount": "1"}, "ASSET_INVALID"),
        ({"amount": "1"}, "ASSET_INVALID"),
        ({"asset": "TON"}, "AMOUNT_INVALID"),
        ({"asset": "TON", "amount": "abc"}, "AMOUNT_INVALID"),
        ({"asset": "TON", "amount": "0"}, "AMOUNT_INVALID"),
        ({"asset": "TON", "amount": "1.0000000001"}, "AMOUNT_INVALID"),
        ({"asset": "TON", "amount": "1", "expires_in": "0"}, "EXPIRES_IN_INVALID"),
        ({"asset": "TON", "amount": "1", "expires_in": "2678401"}, "EXPIRES_IN_INVALID"),
        ({"asset": "TON", "amount": "1", "expires_in": "soon"}, "EXPIRES_IN_INVALID"),
        ({"asset": "TON", "amount": "1", "swap_to": "USDT"}, "SWAP_TO_UNSUPPORTED"),
        ({"asset": "TON", "amount": "1", "allow_comments": "yes"}, "ALLOW_COMMENTS_INVALID"),
        ({"asset": "TON", "amount": "1", "paid_btn_name": "viewItem"}, "PAID_BTN_URL_INVALID"),
        (
            {"asset": "TON", "amount": "1", "paid_btn_name": "x", "paid_btn_url": "https://a.io"},
            "PAID_BTN_NAME_INVALID",
        ),
        (
            {"asset": "TON", "amount": "1", "paid_btn_name": "callback", "paid_btn_url": "ftp://a"},
            "PAID_BTN_URL_INVALID",
        ),
        ({"asset": "TON", "amount": "1", "description": "d" * 1025}, "DESCRIPTION_TOO_LONG"),
        ({"asset": "TON", "amount": "1", "payload": "p" * 4097}, "PAYLOAD_TOO_LONG"),
        ({"asset": "TON", "amount": "1", "accepted_assets": "TON"}, "ACCEPTED_ASSETS_INVALID"),
        ({"currency_type": "fiat", "fiat": "XXX", "amount": "1"}, "FIAT_INVALID"),
        ({"currency_type": "fiat", "fiat": "USD", "amount": "1", "accepted_assets": "BTC"}, "ACCEPTED_ASSETS_INVALID"),
        ({"currency_type": "barter", "amount": "1"}, "CURRENCY_TYPE_INVALID"),
    ],
)
def test_bad_invoices_are_400_with_crypto_pay_names(app, params, name):
    assert refused(app.call("createInvoice", params=params)) == (400, 400, name)


def test_bad_bodies_and_lists_are_400_and_a_huge_body_413(app):
    json_type = {"Content-Type": "application/json"}
    for content in (b"[1]", b"{", b'"x"', b"\xff", b"[" * 10_000 + b"]" * 10_000, b'{"amount": NaN}'):
        assert refused(app.call("createInvoice", "POST", content=content, headers=json_type))[0] == 400
    assert refused(app.call("getInvoices", params={"invoice_ids": "1,x"}))[2] == "INVOICE_IDS_INVALID"
    assert refused(app.call("getInvoices", params={"count": "1001"}))[2] == "COUNT_INVALID"
    assert refused(app.call("getInvoices", params={"status": "gone"}))[2] == "STATUS_INVALID"
    assert refused(app.call("deleteInvoice"))[2] == "INVOICE_ID_INVALID"
    assert refused(app.call("getStats", params={"start_at": "yesterday"}))[2] == "START_AT_INVALID"
    big = json.dumps({"description": "x" * 70_000}).encode()
    assert refused(app.call("createInvoice", "POST", content=big, headers=json_type)) == (413, 413, "REQUEST_TOO_LARGE")
    upload = {"asset": ("a.txt", b"TON", "text/plain")}
    assert refused(app.call("createInvoice", "POST", files=upload))[0] == 400


def test_stats_dates_arrive_in_each_sdks_form(app):
    app.result("createInvoice", **INVOICE)
    for start in ("2020-01-01 00:00:00", "2020-01-01T00:00:00", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00+03:00"):
        stats = app.result("getStats", start_at=start)
        assert stats["created_invoice_count"] == 1 and stats["start_at"].startswith("20")
    assert refused(app.call("getStats", params={"start_at": "2030-01-01", "end_at": "2020-01-01"}))[0] == 400


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.text(max_size=30),
    st.sampled_from(["TON", "USDT", "fiat", "crypto", "RUB", "1,2", "true", "viewItem", "2026-01-01", "-1", "1e9"]),
)
_values = st.one_of(
    _scalars, st.lists(_scalars, max_size=3), st.dictionaries(st.text(max_size=5), _scalars, max_size=2)
)
_names = st.sampled_from(
    [
        "asset", "amount", "fiat", "currency_type", "accepted_assets", "swap_to", "description", "hidden_message",
        "paid_btn_name", "paid_btn_url", "payload", "allow_comments", "allow_anonymous", "expires_in", "invoice_ids",
        "status", "offset", "count", "invoice_id", "start_at", "end_at", "check_id", "check_ids", "user_id",
        "spend_id", "comment", "pin_to_user_id", "pin_to_username", "transfer_ids", "disable_send_notification",
    ]
)  # fmt: skip
_methods = st.one_of(
    st.sampled_from(sorted(METHODS)),
    st.text(st.characters(categories=["L", "N"]) | st.sampled_from("-_.~"), min_size=1, max_size=12),
)


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(
    method=_methods,
    params=st.dictionaries(_names | st.text(max_size=8), _values, max_size=6),
    encoding=st.sampled_from(["query", "json", "form", "raw"]),
    raw=st.binary(max_size=40),
    verb=st.sampled_from(["GET", "GET", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "HEAD"]),
)
def test_fuzz_never_a_5xx_and_always_the_json_envelope(app, method, params, encoding, raw, verb):
    def text(value):
        return json.dumps(value) if isinstance(value, list | dict) else "" if value is None else str(value)

    if encoding == "query":
        response = app.call(method, verb, params={k: text(v) for k, v in params.items() if "\x00" not in k})
        if verb == "HEAD":  # no body to read: the status and the type say it all
            assert response.status_code < 500 and response.headers["content-type"] == "application/json"
            return
    elif encoding == "json":
        body = json.dumps(params, default=lambda d: str(d) if isinstance(d, Decimal) else d).encode()
        response = app.call(method, "POST", content=body, headers={"Content-Type": "application/json"})
    elif encoding == "form":
        response = app.call(method, "POST", data={k: text(v) for k, v in params.items()})
    else:
        response = app.call(method, "POST", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["ok"] is (response.status_code == 200)
    if not body["ok"]:
        assert isinstance(body["error"]["code"], int) and body["error"]["code"] == response.status_code
        assert isinstance(body["error"]["name"], str) and body["error"]["name"]
