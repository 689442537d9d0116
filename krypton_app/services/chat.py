"""Deal chat (SPEC F9, issue 5 item 4): the two participants, and the operator once the deal is disputed.

Text is stored as plain text and escaped by the UI. System messages store a catalog key and params
(JSON in `body`, kind "system") so each reader sees them in their own language.
"""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from krypton_app.models import ChatMessage

TEXT, SYSTEM, IMAGE = "text", "system", "image"


def post_system_message(session: Session, deal_id: int, text_key: str, params: dict[str, Any] | None = None) -> None:
    """Write a system message in the caller's transaction (a deal transition and its message commit together)."""
    body = json.dumps({"key": text_key, "params": params or {}}, ensure_ascii=False, sort_keys=True, default=str)
    session.add(ChatMessage(deal_id=deal_id, author_id=None, kind=SYSTEM, body=body))
    session.flush()
