"""/buy: buying crypto for fiat, step by step (SPEC F7); its state in state.py, the steps in page.py."""

from krypton_app.pages.buy.page import buy

__all__ = ["buy"]
