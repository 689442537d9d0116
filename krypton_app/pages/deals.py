"""Deals: not built yet; the page says so and what it will do."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.coming_soon import coming_soon
from krypton_app.components.layout import template


@template(route=routes.DEALS, title="Deals", protected=False)
def deals() -> rx.Component:
    return coming_soon("deals", "handshake")
