"""QR codes as data: a view that carries a QR (the deposit instructions, an invoice's direct link) gets it
from here, and `components/qr.py` draws it. No Reflex here, so services may call it."""

from __future__ import annotations

import base64
import io

import segno


def qr_data_uri(text: str) -> str:
    """`text` as a QR code in a `data:image/svg+xml;base64,…` URI (error correction M, a 2-module border)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
