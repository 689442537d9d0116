"""Builds the Reflex app: pages, style (the theme is in rxconfig) and lifespan tasks. Nothing else."""

import reflex as rx

from krypton_app import pages, workers
from krypton_app.api.app import build_api
from krypton_app.api.guards import deny_framing, upload_guard
from krypton_app.api.widget import widget_csp

app = rx.App(
    # Reflex applies these in order, each around the ones before: the API is mounted around the app; the
    # widget's CSP and the framing policy wrap everything, so they also see the compiled pages served by
    # Reflex's static mount; the upload guard refuses a request before Reflex's `/_upload` reads its body.
    api_transformer=[build_api(), widget_csp, upload_guard, deny_framing],
    # viewport-fit=cover lets the page reach under a phone's home indicator, so env(safe-area-inset-bottom)
    # is set and the tab bar (components/layout/tab_bar.py) lifts its labels above the indicator.
    head_components=[
        rx.el.meta(name="viewport", content="width=device-width, initial-scale=1, viewport-fit=cover"),
    ],
    # A phone's toasts rise above the bottom tab bar (60 px, components/layout/measures.py) instead of
    # covering it. Sonner's phone layout applies below 600 px; the desktop keeps the default corner.
    toaster=rx.toast.provider(
        custom_attrs={"mobileOffset": {"bottom": "calc(60px + 16px + env(safe-area-inset-bottom, 0px))"}}
    ),
    style={"font_family": "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"},
)
for page in pages.ALL:
    app.add_page(page.component, route=page.route, title=page.title, on_load=page.on_load)
for worker in workers.ALL:
    app.register_lifespan_task(worker)
