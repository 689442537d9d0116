"""Pieces of the merchant's invoice pages that more than one page shows."""

from __future__ import annotations

import reflex as rx


def test_mark(flag: rx.Var[bool]) -> rx.Component:
    """The TEST badge of a sandbox invoice, payment or webhook delivery."""
    return rx.cond(
        flag,
        rx.badge("TEST", color_scheme="amber", variant="solid", radius="full", size="1", data_testid="test-mark"),
    )
