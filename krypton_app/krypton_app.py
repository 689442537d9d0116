"""Builds the Reflex app: pages, API routes, lifespan tasks. Nothing else."""

import reflex as rx


def index() -> rx.Component:
    return rx.center(rx.heading("Krypton"), height="100vh")


app = rx.App()
app.add_page(index, route="/", title="Krypton")
