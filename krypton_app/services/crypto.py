"""Keys derived from settings, and sealing of small secrets at rest (webhook secrets, delivered licence keys)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import nacl.exceptions
import nacl.secret
import nacl.signing

from krypton_app.domain.errors import KryptonError
from krypton_app.settings import Settings


def _derived(settings: Settings, purpose: str) -> bytes:
    # One secret in the environment, independent keys per purpose: a leak of one use reveals no other.
    return hashlib.sha256(f"krypton:{purpose}:{settings.secret_key}".encode()).digest()


def keyed_hash(settings: Settings, purpose: str, text: str) -> str:
    """HMAC-SHA256 (hex) of `text` under the key derived for `purpose`: what is stored in place of a secret
    that must be found again (a promise's code), so a leaked database alone reveals none of them."""
    return hmac.new(_derived(settings, purpose), text.encode(), hashlib.sha256).hexdigest()


def _box(settings: Settings) -> nacl.secret.SecretBox:
    return nacl.secret.SecretBox(_derived(settings, "sealed-secrets"))


def seal(settings: Settings, value: object) -> str:
    """Encrypt a JSON-serialisable value (XSalsa20-Poly1305) into URL-safe text for a DB column."""
    data = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(bytes(_box(settings).encrypt(data))).decode()


def unseal(settings: Settings, token: str) -> object:
    try:
        return json.loads(_box(settings).decrypt(base64.urlsafe_b64decode(token.encode())))
    except (nacl.exceptions.CryptoError, ValueError) as error:
        # The key changed or the column was tampered with: never hand out what cannot be authenticated.
        raise KryptonError(code="sealed_value_unreadable") from error


def receipt_signing_key(settings: Settings) -> nacl.signing.SigningKey:
    """Ed25519 key for receipts: KRYPTON_RECEIPT_SEED in production, derived from secret_key elsewhere."""
    if settings.receipt_seed:
        return nacl.signing.SigningKey(bytes.fromhex(settings.receipt_seed))
    if settings.is_production:
        raise RuntimeError("KRYPTON_RECEIPT_SEED must be set in production")
    return nacl.signing.SigningKey(_derived(settings, "receipt-signing"))
