"""/invoices/[number]: one invoice for its merchant: links with QR, counters, a chart of payments over
time, the payments, the webhook deliveries (redeliver, send a test event), close, simulate (test mode)
and the widget's embed snippet."""

from krypton_app.pages.invoice_detail.page import invoice_detail

__all__ = ["invoice_detail"]
