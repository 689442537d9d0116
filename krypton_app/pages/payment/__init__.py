"""/payment/[payment_id]: a payment's result for its payer (or its merchant); /payment/[payment_id]/chat:
the payer and the merchant write about it."""

from krypton_app.pages.payment.chat import payment_chat
from krypton_app.pages.payment.page import payment

__all__ = ["payment", "payment_chat"]
