"""The Developers card's two webhook signing secrets in a browser: live and test are shown and rotated
apart, and the events the app then sends to a local receiver verify with exactly one of them: a test
invoice's with the test secret, a live invoice's with the live secret."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from pathlib import Path

from helpers import DESKTOP, demo_login, shoot
from playwright.sync_api import Page, expect


def signed_by(secret: str, headers: dict, body: bytes) -> bool:
    fields = dict(part.split("=", 1) for part in headers["Krypton-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{fields['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


def secret_of(page: Page, suffix: str) -> str:
    value = page.get_by_test_id(f"webhook-secret{suffix}")
    expect(value).to_have_text(re.compile(r"^\s*whsec_"))
    return value.inner_text().strip()


def new_invoice(page: Page, title: str, webhook_url: str, *, test: bool) -> None:
    page.goto("/invoices")
    page.get_by_test_id("invoice-new").click()
    page.locator("#inv_title").fill(title)
    page.locator("#inv_amount").fill("1")
    page.locator("#inv_webhook_url").fill(webhook_url)
    switch = page.get_by_test_id("invoice-test-switch")
    if (switch.get_attribute("aria-checked") == "true") != test:  # the form remembers the last choice
        switch.click()
    expect(switch).to_have_attribute("aria-checked", "true" if test else "false")
    page.get_by_test_id("invoice-create").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()


def test_live_and_test_secrets_are_apart_and_each_signs_only_its_own_events(
    new_context, hook_receiver, screenshots: Path
):
    page = new_context(viewport=DESKTOP).new_page()
    demo_login(page)
    page.goto("/invoices")
    expect(page.get_by_test_id("invoices-list")).to_be_visible()
    page.get_by_test_id("dev-tab-webhooks").click()
    page.get_by_test_id("webhook-secret-reveal").click()
    page.get_by_test_id("webhook-secret-reveal-test").click()
    live, test = secret_of(page, ""), secret_of(page, "-test")
    assert live != test

    # Rotating the test secret leaves the live one as it was.
    page.get_by_test_id("webhook-secret-rotate-test").click()
    page.get_by_test_id("webhook-secret-rotate-confirm-test").click()
    expect(page.get_by_test_id("webhook-secret-test")).not_to_have_text(test)
    rotated = secret_of(page, "-test")
    assert rotated.startswith("whsec_") and secret_of(page, "") == live
    shoot(page, screenshots, "desktop-developers-webhook-secrets")

    # A test invoice's event is signed with the (new) test secret only, a live invoice's with the live one.
    for title, is_test in (("Sandbox order", True), ("Live order", False)):
        new_invoice(page, title, hook_receiver.url, test=is_test)
        page.get_by_test_id("send-test-event").click()
    # The delivery worker does not keep the order the events were sent in: the test one first by its body.
    received = sorted(hook_receiver.wait_for(2), key=lambda request: json.loads(request[1])["test"] is not True)
    (test_headers, test_body), (live_headers, live_body) = received
    assert json.loads(test_body)["test"] is True and json.loads(live_body)["test"] is False
    assert signed_by(rotated, test_headers, test_body) and not signed_by(live, test_headers, test_body)
    assert signed_by(live, live_headers, live_body) and not signed_by(rotated, live_headers, live_body)
    assert not signed_by(test, test_headers, test_body)  # the secret before the rotation signs nothing now
