from starlette.testclient import TestClient

from krypton_app.api.app import build_api
from krypton_app.bootstrap import app_deps


def test_tonconnect_manifest_names_the_configured_app_url(uow):
    client = TestClient(build_api(), base_url="http://elsewhere.example")
    manifest = client.get("/tonconnect-manifest.json").json()
    app_url = app_deps().settings.app_url.rstrip("/")
    assert manifest == {"url": app_url, "name": "Krypton", "iconUrl": f"{app_url}/krypton-icon.png"}


def test_catalog_lists_assets_countries_and_their_methods(uow):
    body = TestClient(build_api()).get("/api/v1/catalog").json()
    assert {(a["code"], a["decimals"]) for a in body["assets"]} == {("TON", 9), ("USDT", 6)}
    russia = next(c for c in body["countries"] if c["code"] == "RU")
    assert russia["fiat"] == "RUB" and "sbp" in russia["methods"]
    method_codes = {m["code"] for m in body["payment_methods"]}
    assert all(set(c["methods"]) <= method_codes for c in body["countries"])
