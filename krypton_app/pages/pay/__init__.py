"""Paying an invoice (SPEC F5): /pay asks for a number, /pay/[number] is the step-by-step wizard and
/i/[number] the one-screen direct page; the wizard and the direct page share one state."""

from krypton_app.pages.pay.direct_link import direct
from krypton_app.pages.pay.entry import pay
from krypton_app.pages.pay.wizard import pay_invoice

__all__ = ["direct", "pay", "pay_invoice"]
