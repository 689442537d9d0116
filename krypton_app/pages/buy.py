"""Buy crypto: not built yet; the page says so and what it will do."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.coming_soon import coming_soon
from krypton_app.components.layout import template


@template(route=routes.BUY, title="Buy", protected=False)
def buy() -> rx.Component:
    return coming_soon("buy", "banknote")
