"""Builds the Reflex app: theme and pages. Nothing else."""

import reflex as rx

from krypton_app import pages  # noqa: F401  (registers every page through @template)

app = rx.App(
    theme=rx.theme(accent_color="blue", gray_color="slate", radius="large", scaling="100%"),
    style={"font_family": "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"},
)
