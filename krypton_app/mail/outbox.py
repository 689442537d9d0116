"""Development only: each message is written to a folder as an .eml file instead of being sent.

`make run` has no mail server; the developer reads the code from `outbox/` in the project folder
(git-ignored). Never used in production (see mail.email_sender).
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime
from pathlib import Path

from krypton_app.mail.base import OutgoingEmail

log = logging.getLogger(__name__)

MARK = "development outbox - not sent"


class OutboxEmailSender:
    def __init__(self, folder: Path, *, sender: str):
        self.folder, self.sender = Path(folder), sender

    def send(self, email: OutgoingEmail) -> Path:
        message = email.to_message(self.sender)
        message["X-Krypton-Outbox"] = MARK
        self.folder.mkdir(parents=True, exist_ok=True)
        # Sortable by time; the random tail keeps two messages in one second apart.
        path = self.folder / f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}.eml"
        path.write_bytes(bytes(message))
        log.warning("%s: mail to %s written to %s", MARK, email.to, path)
        return path
