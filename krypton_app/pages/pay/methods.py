"""The ways to fund a part that the wizard offers, in the order the picker shows them.

Adding a method is one entry here (its PaymentPart.method value, its icon, its label's catalog key)
and one case in pages/pay/part_picker.method_panel. The state accepts only these keys from the browser.
"""

from __future__ import annotations

from typing import NamedTuple


class Method(NamedTuple):
    key: str
    icon: str
    label: str


METHODS: tuple[Method, ...] = (
    Method("balance", "wallet", "paywiz.method.balance"),
    Method("promise", "ticket", "paywiz.method.promise"),
    Method("lightning", "zap", "paywiz.method.lightning"),
    Method("fiat_deal", "handshake", "paywiz.method.fiat_deal"),
)
METHOD_KEYS = frozenset(method.key for method in METHODS)
DEFAULT_METHOD = METHODS[0].key
# `?method=` on /pay and the wizard (the start page's "pay with", domain/master.py) -> the method the
# picker starts on for part 1; any other value leaves the default.
QUERY_METHODS = {"fiat": "fiat_deal", "balance": "balance", "lightning": "lightning", "promise": "promise"}


def method_from_query(value: str) -> str:
    """The picker's method a `?method=` value asks for; "" for one it does not know."""
    return QUERY_METHODS.get(value, "")


def wizard_with_method(wizard: str, method: str) -> str:
    """The wizard's URL with the `?method=` the number form was opened with, if the picker knows it."""
    return f"{wizard}?method={method}" if method_from_query(method) else wizard
