"""Telegram's signed launch data: pure checks, no database.

A Mini App receives `initData`, a query string signed by Telegram. Two rules check it
(core.telegram.org/bots/webapps, "Validating data received via the Mini App" and "… for Third-Party Use"):

- with the bot token: `hash` = hex HMAC-SHA-256 of the data-check string, keyed with
  HMAC-SHA-256(key="WebAppData", msg=bot_token). The data-check string is every other field as
  `key=value` (URL-decoded), sorted by key, joined by "\\n". The phone a user shares with
  `WebApp.requestContact` comes back signed by the same rule (`verify_contact`).
- without the token: `signature` = base64url Ed25519 signature, by Telegram's published key, of
  `"<bot_id>:WebAppData\\n"` + the same lines without `hash` and `signature`.

The signature is checked before the age, so a forged string reads as forged whatever its date; only a
genuine one can be "expired". Values are hashed exactly as sent (a `photo_url` keeps its escaped
slashes), and only decoded afterwards.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from urllib.parse import parse_qsl

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from krypton_app.domain.errors import TelegramAuthError

BAD_HASH, BAD_SIGNATURE, EXPIRED, MALFORMED = (
    "telegram_bad_hash",
    "telegram_bad_signature",
    "telegram_expired",
    "telegram_malformed",
)
TELEGRAM_ERROR_CODES = (BAD_HASH, BAD_SIGNATURE, EXPIRED, MALFORMED)

# A Telegram client's clock may run a little ahead of ours; beyond this a future auth_date is refused.
FUTURE_SKEW_S = 60
# initData is a few hundred bytes; anything this long is not Telegram's.
MAX_INIT_DATA = 8192
# Fields that Telegram sends as JSON objects.
_JSON_FIELDS = ("user", "receiver", "chat", "contact")
_HASH_HEX = 64


def verify_init_data(init_data: str, *, bot_token: str, now: int, max_age_s: int) -> dict:
    """The fields of `init_data` when `hash` is the bot token's HMAC of them and `auth_date` is at most
    `max_age_s` old (and not in the future); `user` (and `receiver`, `chat`) decoded from JSON,
    `auth_date` an int. Raises TelegramAuthError: telegram_malformed, telegram_bad_hash, telegram_expired."""
    fields = _parse(init_data)
    _check_hash(fields, bot_token)
    return _fresh_fields(fields, now=now, max_age_s=max_age_s)


def verify_init_data_signature(init_data: str, *, bot_id: int, public_key_hex: str, now: int, max_age_s: int) -> dict:
    """As `verify_init_data`, by Telegram's Ed25519 `signature` (no bot token needed): the signed
    message is `"<bot_id>:WebAppData\\n"` + the sorted lines of every field but `hash` and `signature`.
    Raises TelegramAuthError: telegram_malformed, telegram_bad_signature, telegram_expired."""
    fields = _parse(init_data)
    signature = _urlsafe_b64decode(fields.get("signature", ""))
    if len(signature) != 64:
        raise TelegramAuthError(code=MALFORMED, field="signature")
    message = f"{bot_id}:WebAppData\n" + _check_string(fields, exclude=("hash", "signature"))
    try:
        VerifyKey(bytes.fromhex(public_key_hex)).verify(message.encode(), signature)
    except BadSignatureError:
        raise TelegramAuthError(code=BAD_SIGNATURE) from None
    return _fresh_fields(fields, now=now, max_age_s=max_age_s)


def verify_contact(response: str, *, bot_token: str, now: int, max_age_s: int) -> dict:
    """The contact a user shared through `WebApp.requestContact`: its `response` string
    (`contact=<json>&auth_date=…&hash=…`) is signed by the bot-token rule. Returns the fields with
    `contact` decoded; its `user_id` and `phone_number` are present."""
    fields = verify_init_data(response, bot_token=bot_token, now=now, max_age_s=max_age_s)
    contact = fields.get("contact")
    if (
        not isinstance(contact, dict)
        or not _is_id(contact.get("user_id"))
        or not isinstance(contact.get("phone_number"), str)
    ):
        raise TelegramAuthError(code=MALFORMED, field="contact")
    return fields


def bot_id_of(bot_token: str) -> int:
    """The bot's numeric id: the part of its token before the colon."""
    prefix, _, secret = bot_token.partition(":")
    if not (prefix.isascii() and prefix.isdigit() and secret):
        raise ValueError("a bot token looks like <digits>:<secret>")
    return int(prefix)


def _parse(init_data: str) -> dict[str, str]:
    if not isinstance(init_data, str) or not init_data or len(init_data) > MAX_INIT_DATA:
        raise TelegramAuthError(code=MALFORMED, field="init_data")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True, errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise TelegramAuthError(code=MALFORMED, field="init_data") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise TelegramAuthError(code=MALFORMED, field="duplicate")  # which copy was signed is unclear
    return fields


def _check_string(fields: dict[str, str], *, exclude: tuple[str, ...]) -> str:
    return "\n".join(f"{key}={value}" for key, value in sorted(fields.items()) if key not in exclude)


def _check_hash(fields: dict[str, str], bot_token: str) -> None:
    received = fields.get("hash", "")
    if len(received) != _HASH_HEX or any(c not in "0123456789abcdef" for c in received):
        raise TelegramAuthError(code=MALFORMED, field="hash")
    secret = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    expected = hmac.new(secret, _check_string(fields, exclude=("hash",)).encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, received):
        raise TelegramAuthError(code=BAD_HASH)


def _fresh_fields(fields: dict[str, str], *, now: int, max_age_s: int) -> dict:
    raw_date = fields.get("auth_date", "")
    if not (raw_date.isascii() and raw_date.isdigit() and len(raw_date) <= 12):
        raise TelegramAuthError(code=MALFORMED, field="auth_date")
    auth_date = int(raw_date)
    if now - auth_date > max_age_s or auth_date - now > FUTURE_SKEW_S:
        raise TelegramAuthError(code=EXPIRED, auth_date=auth_date)
    parsed: dict = dict(fields, auth_date=auth_date)
    for name in _JSON_FIELDS:
        if name in fields:
            try:
                value = json.loads(fields[name])
            except ValueError:
                raise TelegramAuthError(code=MALFORMED, field=name) from None
            if not isinstance(value, dict):
                raise TelegramAuthError(code=MALFORMED, field=name)
            parsed[name] = value
    user = parsed.get("user")
    if user is not None and not _is_id(user.get("id")):
        raise TelegramAuthError(code=MALFORMED, field="user")
    return parsed


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


def _urlsafe_b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise TelegramAuthError(code=MALFORMED, field="signature") from None
