"""Builds the Reflex app: pages, style (the theme is in rxconfig), toasts and lifespan tasks. Nothing else."""

import reflex as rx

from krypton_app import pages, workers
from krypton_app.api.app import build_api
from krypton_app.api.guards import deny_framing, upload_guard
from krypton_app.api.link_pages import serve_link_pages
from krypton_app.api.widget import widget_csp
from krypton_app.components.layout.toasts import toaster

app = rx.App(
    # Reflex applies these in order, each around the ones before: the API is mounted around the app; a page
    # opened from a link is served its prerendered shell (api/link_pages.py); the widget's CSP and the
    # framing policy wrap everything, so they also see the compiled pages served by Reflex's static mount;
    # the upload guard refuses a request before Reflex's `/_upload` reads its body.
    api_transformer=[build_api(), serve_link_pages, widget_csp, upload_guard, deny_framing],
    # viewport-fit=cover lets the page reach under a phone's home indicator, so env(safe-area-inset-bottom)
    # is set and the tab bar (components/layout/tab_bar.py) lifts its labels above the indicator.
    head_components=[
        rx.el.meta(name="viewport", content="width=device-width, initial-scale=1, viewport-fit=cover"),
    ],
    style={"font_family": "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"},
    toaster=toaster(),
)
for page in pages.ALL:
    app.add_page(page.component, route=page.route, title=page.title, on_load=page.on_load)
for worker in workers.ALL:
    app.register_lifespan_task(worker)
