"""One module per page. Importing this package registers every page (`@template` wraps `rx.page`)."""

from krypton_app.pages import buy, deals, invoices, landing, market, pay, profile, wallet

__all__ = ["buy", "deals", "invoices", "landing", "market", "pay", "profile", "wallet"]
