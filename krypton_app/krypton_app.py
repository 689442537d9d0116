"""Builds the Reflex app: pages and style (the theme is in rxconfig). Nothing else."""

import reflex as rx

from krypton_app import pages
from krypton_app.api.app import build_api

app = rx.App(
    api_transformer=build_api(),
    style={"font_family": "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"},
)
for page in pages.ALL:
    app.add_page(page.component, route=page.route, title=page.title, on_load=page.on_load)
