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


# Login (codes listed in krypton_app/services/ton_proof.py)
class TonProofError(KryptonError):
    code = "ton_proof_invalid"


class LoginLinkInvalid(KryptonError):
    """A one-time login link that is unknown, already used or expired."""

    code = "login_link_invalid"


class TelegramAuthError(KryptonError):
    """Telegram's signed launch data (or shared contact) did not verify. Codes in services/telegram.py:
    telegram_bad_hash, telegram_bad_signature, telegram_expired, telegram_malformed."""

    code = "telegram_malformed"


class TelegramLinkError(KryptonError):
    """A Telegram login, link, unlink or shared phone that the rules refuse (codes in
    services/telegram_login.py)."""

    code = "telegram_link_refused"


# Profile: code names the rule, `field` the input it concerns.
class ProfileError(KryptonError):
    code = "profile_invalid"

    def __init__(self, code: str, field: str):
        super().__init__(code=code, field=field)
        self.field = field


# Wallet and chain
class InvalidDestination(KryptonError):
    """A withdrawal or payout target that cannot be paid. Codes: address_invalid, address_checksum,
    address_testnet, address_workchain, bitcoin_address_invalid, bitcoin_address_network,
    lightning_invoice_invalid, lightning_invoice_expired, lightning_invoice_network, lightning_invoice_no_amount."""

    code = "destination_invalid"


class UserBlocked(KryptonError):
    """An operator blocked this user: no login, no session, no money leaving their balance, no API key."""

    code = "user_blocked"


class NotFound(KryptonError):
    code = "not_found"


class Forbidden(KryptonError):
    """The user may not see or change this (not theirs, or not an operator)."""

    code = "forbidden"


class InvalidState(KryptonError):
    """The object is not in a state that allows this action (e.g. a payout already paid)."""

    code = "invalid_state"


class SweepRefused(KryptonError):
    """A fee sweep or threshold the operator asked for cannot be done. Codes: sweep_off (no owner wallet
    set), sweep_nothing (the fee balance is zero), sweep_asset (not an asset fees are swept in),
    sweep_threshold_zero (a threshold must be above zero)."""

    code = "sweep_off"


class ChainUnavailable(KryptonError):
    code = "chain_unavailable"


# Invoices, receipts, merchant API
class InvoiceUnavailable(KryptonError):
    """The invoice cannot take this payment. Codes: invoice_closed, invoice_expired, invoice_limit_reached,
    payment_amount_invalid, parts_invalid, invoice_is_test."""

    code = "invoice_closed"


class ReceiptInvalid(KryptonError):
    """Codes: receipt_malformed, receipt_signature, receipt_wrong_invoice."""

    code = "receipt_malformed"


class WebhookUrlRefused(KryptonError):
    """Codes: webhook_url_invalid, webhook_url_private."""

    code = "webhook_url_invalid"


class ApiAuthError(KryptonError):
    """Codes: api_key_missing, api_key_invalid, api_scope_missing."""

    code = "api_key_invalid"


# P2P market
class DealTransitionRefused(KryptonError):
    """The deal is not in a state that allows this action (or someone else acted first). Code: deal_state."""

    code = "deal_state"


class DealClockRefused(KryptonError):
    """The deal's clock does not allow this action now (domain/deals.py says why). Codes:
    deal_dispute_too_early (a side disputes before the wait after "I have paid" is over; `opens_at`),
    deal_payment_window_over (the buyer says "paid" after the payment deadline)."""

    code = "deal_dispute_too_early"


class AdUnavailable(KryptonError):
    """Codes: ad_inactive, ad_amount_out_of_range, ad_volume_exhausted, ad_requirements_unmet, ad_own."""

    code = "ad_inactive"


# Contacts (codes in krypton_app/services/email_codes.py)
class ContactNotVerified(KryptonError):
    """Proving an email with a code failed or may not start now."""

    code = "email_code_wrong"
