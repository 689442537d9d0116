"""Builds the Reflex app: pages, style (the theme is in rxconfig) and lifespan tasks. Nothing else."""

import reflex as rx

from krypton_app import pages
from krypton_app.api.app import build_api
from krypton_app.workers import chain_worker

app = rx.App(
    api_transformer=build_api(),
    style={"font_family": "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"},
)
for page in pages.ALL:
    app.add_page(page.component, route=page.route, title=page.title, on_load=page.on_load)
# The chain monitor and the withdrawal sender: one leader across the app's workers.
app.register_lifespan_task(chain_worker)
