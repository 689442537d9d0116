"""/invoices: the merchant's invoices and the "New invoice" form (the state, the list, the form, the page)."""

from krypton_app.pages.invoices.page import invoices

__all__ = ["invoices"]
