"""The loopback server the SDK tests use answers with the app's routes and the test's database."""

import httpx


def test_the_server_serves_the_api_routes(compat_server):
    response = httpx.get(f"{compat_server}/api/v1/invoices")
    assert response.status_code == 401 and response.json()["error"]["code"] == "api_key_missing"
