"""Promises (SPEC F6): /promises, "My promises" (page.py, its state in state.py), and /p/<code>, the
redeem page a promise's link opens (redeem.py), and /promises/sell, selling a promise for fiat or cashing
it out (sell.py, its state in sell_state.py)."""

from krypton_app.pages.promises.page import promises_page
from krypton_app.pages.promises.redeem import redeem_page
from krypton_app.pages.promises.sell import sell_page

__all__ = ["promises_page", "redeem_page", "sell_page"]
