"""The merchant's invoice form and detail page: "Parts" out of range gets one clear message; a repeated
order id is said under its field with a link to the invoice that has it, and nothing opens; the detail
page lists every setting with what is left of its limits, and the payer page of a capped floating
invoice shows its minimum and what is left of the cap. Desktop and phone, English and Russian."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import DESKTOP, PHONE, assert_fits_width, demo_login, shoot, url_of
from playwright.sync_api import Page, expect

PARTS_MESSAGE = "Parts: a whole number from 1 to 10."


def open_form(page: Page, kind: str = "Fixed amount") -> None:
    page.goto("/invoices")
    page.get_by_test_id("invoice-new").click()
    page.get_by_test_id("invoice-kind").get_by_role("radio", name=re.compile(kind)).click()


def fill(page: Page, **fields: str) -> None:
    for name, value in fields.items():
        page.locator(f"#inv_{name}").fill(value)


def test_form_messages_and_every_setting_on_the_detail_page(new_context, screenshots: Path):
    page = new_context(viewport=DESKTOP).new_page()
    demo_login(page)

    # "Parts" 0 and 11: the same message with the range, and the form as typed.
    open_form(page)
    fill(page, title="Lamp", amount="1", order_id="order-77")
    for parts in ("0", "11"):
        fill(page, max_parts=parts)
        page.get_by_test_id("invoice-create").click()
        expect(page.get_by_test_id("invoice-field-max_parts")).to_contain_text(PARTS_MESSAGE)
        expect(page).to_have_url(url_of("/invoices"))
    shoot(page, screenshots, "desktop-invoice-form-parts")
    fill(page, max_parts="3")
    page.get_by_test_id("invoice-create").click()
    expect(page).to_have_url(re.compile(r"/invoices/[0-9A-Z]+$"))
    expect(page.get_by_role("heading", name="Lamp")).to_be_visible()
    first = page.get_by_test_id("detail-number").inner_text().strip()
    expect(page.get_by_test_id("setting-order-id")).to_have_text("order-77")
    expect(page.get_by_test_id("setting-max-parts")).to_have_text("3")

    # The same order id again: said under the field, with a link to that invoice; nothing opens.
    open_form(page)
    fill(page, title="Lamp again", amount="2", order_id="order-77")
    page.get_by_test_id("invoice-create").click()
    expect(page.get_by_test_id("invoice-field-order_id")).to_contain_text("already have an invoice with this order id")
    link = page.get_by_test_id("invoice-existing-order")
    expect(link).to_have_attribute("href", f"/invoices/{first}")
    expect(page).to_have_url(url_of("/invoices"))
    expect(page.locator("#inv_title")).to_have_value("Lamp again")
    shoot(page, screenshots, "desktop-invoice-form-order-taken")
    page.set_viewport_size(PHONE)
    assert_fits_width(page)
    shoot(page, screenshots, "phone-invoice-form-order-taken")
    page.get_by_test_id("language-switch").get_by_role("radio", name="RU").click()
    expect(page.get_by_test_id("invoice-field-order_id")).to_contain_text("номером заказа уже есть")
    shoot(page, screenshots, "phone-invoice-form-order-taken-ru")
    page.get_by_test_id("language-switch").get_by_role("radio", name="EN").click()
    page.set_viewport_size(DESKTOP)
    link.click()
    expect(page).to_have_url(url_of(f"/invoices/{first}"))
    expect(page.get_by_role("heading", name="Lamp")).to_be_visible()

    # A capped floating invoice: its settings, and what is left after a (test) payment of its minimum.
    open_form(page, "Payer chooses")
    fill(
        page,
        title="Roof fund",
        description="For the new roof",
        min_payment="0.1",
        max_total="1",
        max_parts="4",
        order_id="roof-1",
        redirect_url="https://shop.example/thanks",
    )
    page.get_by_test_id("invoice-test-switch").click()
    page.get_by_test_id("invoice-create").click()
    expect(page.get_by_role("heading", name="Roof fund")).to_be_visible()
    number = page.get_by_test_id("detail-number").inner_text().strip()
    page.get_by_test_id("simulate-payment").click()
    expect(page.get_by_test_id("detail-collected")).to_have_text("0.1 TON")
    settings = page.get_by_test_id("detail-settings")
    expect(settings.get_by_test_id("setting-min-payment")).to_have_text("0.1 TON")
    expect(settings.get_by_test_id("setting-max-total")).to_have_text("1 TON · 0.9 TON left")
    expect(settings.get_by_test_id("setting-max-parts")).to_have_text("4")
    expect(settings.get_by_test_id("setting-order-id")).to_have_text("roof-1")
    expect(settings.get_by_test_id("setting-description")).to_have_text("For the new roof")
    expect(settings.get_by_test_id("setting-redirect-url")).to_have_text("https://shop.example/thanks")
    shoot(page, screenshots, "desktop-invoice-settings")
    page.get_by_test_id("language-switch").get_by_role("radio", name="RU").click()
    expect(settings.get_by_test_id("setting-max-total")).to_have_text("1 TON · 0.9 TON осталось")
    shoot(page, screenshots, "desktop-invoice-settings-ru")
    page.set_viewport_size(PHONE)
    assert_fits_width(page)
    shoot(page, screenshots, "phone-invoice-settings-ru")
    page.get_by_test_id("language-switch").get_by_role("radio", name="EN").click()
    shoot(page, screenshots, "phone-invoice-settings")

    # Its payer page: the minimum and what is left of the cap.
    page.goto(f"/pay/{number}")
    expect(page.get_by_test_id("pay-min-payment")).to_have_text("Minimum per payment: 0.1 TON")
    expect(page.get_by_test_id("pay-cap-left")).to_have_text("Left before its limit: 0.9 TON")
    assert_fits_width(page)
    shoot(page, screenshots, "phone-pay-cap-left")
    page.set_viewport_size(DESKTOP)
    shoot(page, screenshots, "desktop-pay-cap-left")
    page.get_by_test_id("language-switch").get_by_role("radio", name="RU").click()
    expect(page.get_by_test_id("pay-cap-left")).to_contain_text("Осталось до лимита")
    shoot(page, screenshots, "desktop-pay-cap-left-ru")
    page.get_by_test_id("language-switch").get_by_role("radio", name="EN").click()
