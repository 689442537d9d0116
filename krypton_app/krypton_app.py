"""Builds the Reflex app: pages, style (the theme is in rxconfig) and lifespan tasks. Nothing else."""

import reflex as rx

from krypton_app import pages
from krypton_app.api.app import build_api
from krypton_app.api.guards import deny_framing, upload_guard
from krypton_app.api.widget import widget_csp
from krypton_app.integration_workers import webhook_worker
from krypton_app.market_workers import deal_timer_worker
from krypton_app.workers import chain_worker

app = rx.App(
    # Reflex applies these in order, each around the ones before: the API is mounted around the app; the
    # widget's CSP and the framing policy wrap everything, so they also see the compiled pages served by
    # Reflex's static mount; the upload guard refuses a request before Reflex's `/_upload` reads its body.
    api_transformer=[build_api(), widget_csp, upload_guard, deny_framing],
    style={"font_family": "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"},
)
for page in pages.ALL:
    app.add_page(page.component, route=page.route, title=page.title, on_load=page.on_load)
# The chain monitor and the withdrawal sender: one leader across the app's workers.
app.register_lifespan_task(chain_worker)
# Webhook delivery and invoice expiry: claimed rows, safe in every worker process.
app.register_lifespan_task(webhook_worker)
# Deal timers (payment window, release window → dispute): claimed deals, safe in every worker process.
app.register_lifespan_task(deal_timer_worker)
