"""/payment/[payment_id]: a payment's result for its payer (or its merchant)."""

from krypton_app.pages.payment.page import payment

__all__ = ["payment"]
