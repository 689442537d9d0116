"""/developers/api: the merchant API's reference for people, open to anyone without a login and linked
from the Developers card; one card per operation of the OpenAPI document. Desktop and phone, English
and Russian."""

from __future__ import annotations

from pathlib import Path

from helpers import DESKTOP, PHONE, assert_fits_width, demo_login, shoot, switch_language, url_of
from playwright.sync_api import expect

from krypton_app.api.merchant import table

# One card per operation of the route table, and one for the public receipt key.
OPERATIONS = len(table.OPERATIONS) + 1


def test_the_reference_is_public_and_linked_from_developers(new_context, screenshots: Path):
    visitor = new_context(viewport=PHONE).new_page()
    visitor.goto("/developers/api")
    expect(visitor.get_by_test_id("apiref-operation")).to_have_count(OPERATIONS)
    create = visitor.get_by_test_id("apiref-operation").filter(has_text="/api/v1/invoices").first
    expect(create).to_contain_text("POST")
    expect(create).to_contain_text("invoices:write")
    expect(create).to_contain_text("Idempotency-Key")
    expect(create).to_contain_text("201")
    expect(visitor.get_by_test_id("apiref-openapi")).to_have_attribute("href", "/api/v1/openapi.json")
    assert_fits_width(visitor)
    shoot(visitor, screenshots, "phone-en-api-reference")
    switch_language(visitor, "RU")
    expect(visitor.get_by_role("heading", name="Справочник API")).to_be_visible()
    assert_fits_width(visitor)
    shoot(visitor, screenshots, "phone-ru-api-reference")

    merchant = new_context(viewport=DESKTOP).new_page()
    demo_login(merchant)
    merchant.goto("/invoices")
    merchant.get_by_test_id("dev-api-reference").click()
    expect(merchant).to_have_url(url_of("/developers/api"))
    expect(merchant.get_by_test_id("apiref-operation")).to_have_count(OPERATIONS)
    shoot(merchant, screenshots, "desktop-en-api-reference")
    switch_language(merchant, "RU")
    expect(merchant.get_by_role("heading", name="Справочник API")).to_be_visible()
    shoot(merchant, screenshots, "desktop-ru-api-reference")
