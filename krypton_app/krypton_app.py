"""Builds the Reflex app: theme and pages. Nothing else."""

import reflex as rx

from krypton_app import pages

app = rx.App(
    theme=rx.theme(accent_color="blue", gray_color="slate", radius="large", scaling="100%"),
    style={"font_family": "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"},
)
for page in pages.ALL:
    app.add_page(page.component, route=page.route, title=page.title, on_load=page.on_load)
