"""TON Connect loads on the landing page only when it is needed (components/tonconnect.py): at the press of the
connect button, or at once when the browser keeps a wallet connection. The library is ~400 KB of the first
load otherwise (bench/pages.py)."""

from __future__ import annotations

from helpers import DESKTOP
from playwright.sync_api import Page, expect

LOADED = "window.kryptonTonConnect !== undefined"
CONNECTION_KEY = "ton-connect-storage_bridge-connection"


def test_the_connect_button_loads_tonconnect_and_opens_the_wallet_list(page: Page):
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    # Hydrated: the demo button waits for the websocket.
    expect(page.get_by_test_id("demo-login")).to_be_enabled()
    assert not page.evaluate(LOADED)

    page.get_by_test_id("tonconnect-login").get_by_role("button").click()
    expect(page.get_by_text("Connect your TON wallet")).to_be_visible()
    assert page.evaluate(LOADED)


def test_a_kept_wallet_connection_loads_tonconnect_at_once(page: Page):
    page.goto("/")
    page.evaluate(f"window.localStorage.setItem({CONNECTION_KEY!r}, '{{}}')")
    # What a logout on a page without TON Connect leaves for the landing page (tonconnect.disconnect_wallet).
    page.evaluate("window.sessionStorage.setItem('kryptonDisconnectWallet', '1')")
    page.reload()
    page.wait_for_function(LOADED)
    # The restored connection was looked at, and disconnected if it was one; the mark is spent.
    page.wait_for_function("window.sessionStorage.getItem('kryptonDisconnectWallet') === null")
    # Its own button (its wallet menu once connected) has taken the place of ours.
    expect(page.locator("#ton-connect-button")).to_be_attached()
