"""Sessions live on the server (browser): a logout ends the session even for a copy of its cookie, and "log out
everywhere" on the profile page ends the session of every other browser at its next action."""

from __future__ import annotations

from helpers import DESKTOP, LANDING_URL, demo_login, session_cookie, url_of
from playwright.sync_api import expect

from krypton_app.db import UnitOfWork, make_engine
from krypton_app.routes import session_start
from krypton_app.services.auth import LOGIN_BINDING_COOKIE, issue_login_token, read_session


def test_a_cookie_copied_before_logout_opens_nothing(new_context, base_url: str):
    context = new_context(viewport=DESKTOP)
    page = context.new_page()
    demo_login(page)
    copied = session_cookie(context)
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(LANDING_URL)
    expect(page.get_by_test_id("notice")).to_have_text("You have signed out.")

    # Another device (or a thief) that kept the cookie finds the session ended on the server.
    other = new_context(viewport=DESKTOP)
    other.add_cookies([{"name": copied["name"], "value": copied["value"], "url": base_url}])
    tab = other.new_page()
    tab.goto("/wallet")
    expect(tab).to_have_url(LANDING_URL)
    expect(tab.get_by_test_id("notice")).to_have_text("Please sign in to open that page.")


def test_log_out_everywhere_logs_the_other_browser_out(new_context, app_database_url: str):
    first = new_context(viewport=DESKTOP)
    page = first.new_page()
    demo_login(page)
    expect(page.get_by_test_id("account-address")).to_contain_text("…")  # drawn before it is read once
    address = page.get_by_test_id("account-address").inner_text()

    # The same wallet signs in from a second browser. The demo wallet's key lives in the first tab's
    # server state, so the test issues the second login's one-time token (and puts its binding where
    # the login page would) as a verified proof does; the exchange route, the cookie and the session
    # are the real ones.
    uow = UnitOfWork(make_engine(app_database_url))
    user_id = read_session(uow, session_cookie(first)["value"], max_age_s=3600)
    assert user_id is not None
    ticket = issue_login_token(uow, user_id, next_path="/wallet")
    second = new_context(viewport=DESKTOP)
    second.add_cookies(
        [{"name": LOGIN_BINDING_COOKIE, "value": ticket.binding, "domain": "localhost", "path": "/auth/session"}]
    )
    other = second.new_page()
    other.goto(session_start(ticket.token))
    expect(other).to_have_url(url_of("/wallet"))
    expect(other.get_by_test_id("account-address")).to_have_text(address)
    assert session_cookie(second)["value"] != session_cookie(first)["value"]

    page.get_by_role("link", name="Profile").click()
    expect(page).to_have_url(url_of("/profile"))
    page.get_by_test_id("logout-everywhere").click()
    expect(page).to_have_url(LANDING_URL)
    expect(page.get_by_test_id("notice")).to_have_text("You have signed out on every device.")
    assert not (session_cookie(first) or {}).get("value")

    # The other browser's next action finds its session gone, and so does a reload.
    other.get_by_role("link", name="Deals").click()
    expect(other).to_have_url(LANDING_URL)
    expect(other.get_by_test_id("notice")).to_have_text("Please sign in to open that page.")
    other.goto("/wallet")
    expect(other).to_have_url(LANDING_URL)
    uow.engine.dispose()
