"""A QR code on a page: the image (a data URI from `services/qr.py`) on a white square, so it still scans
with the dark theme around it."""

from __future__ import annotations

import reflex as rx


def qr_code(
    src: rx.Var | str, *, alt: rx.Var | str, test_id: str, size: str = "184px", padding: str = "10px"
) -> rx.Component:
    return rx.center(
        rx.image(src=src, alt=alt, width="100%", height="auto", data_testid=test_id),
        width=size,
        height=size,
        padding=padding,
        border_radius="16px",
        background="white",
        border=f"1px solid {rx.color('gray', 5)}",
        justify_self="center",
    )
