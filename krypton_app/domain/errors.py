"""Typed domain errors. Each carries a stable `code`: the API returns it, the UI shows the
catalog message `error.<code>` in the user's language."""

from __future__ import annotations


class KryptonError(Exception):
    code = "error"

    def __init__(self, message: str = "", *, code: str | None = None, **details):
        super().__init__(message or code or self.code)
        if code is not None:
            self.code = code
        self.details = details


# Ledger
class InsufficientFunds(KryptonError):
    code = "insufficient_funds"


class IdempotencyConflict(KryptonError):
    """The key was already used for a different request."""

    code = "idempotency_conflict"


class InvalidAmount(KryptonError):
    code = "invalid_amount"


class UnbalancedTransaction(KryptonError):
    code = "unbalanced_transaction"


# Login (codes listed in krypton_app/services/auth.py)
class TonProofError(KryptonError):
    code = "ton_proof_invalid"


# Profile: code names the rule, `field` the input it concerns.
class ProfileError(KryptonError):
    code = "profile_invalid"

    def __init__(self, code: str, field: str):
        super().__init__(code=code, field=field)
        self.field = field
