"""Promise rules without a database (SPEC F6): statuses and their transitions, who may redeem or
cancel, what a code looks like.

A promise is a bearer voucher: its money sits in the system PROMISE_BACKING account while it is
`active`, and leaves it exactly once: to a redeemer (`redeemed`), or back to its issuer (`cancelled` by
them, `expired` by the worker). Every transition is one conditional UPDATE from `active`, so of two
racing requests exactly one wins. A promise sold for fiat (services/promise_sales.py) is `in_deal` while
the deal runs: nothing else may use it; the deal's end makes it `redeemed` (sold) or `active` again.
"""

from __future__ import annotations

import re
from datetime import datetime

from krypton_app.domain.errors import KryptonError

ACTIVE = "active"
REDEEMED = "redeemed"
CANCELLED = "cancelled"
EXPIRED = "expired"
IN_DEAL = "in_deal"  # the escrow of a deal selling it for fiat: locked, neither redeemable nor cancellable
STATUSES = (ACTIVE, REDEEMED, CANCELLED, EXPIRED, IN_DEAL)
# The only transitions there are; the end states are final. A deal's lock never ends a promise itself:
# the deal's release redeems it (to the buyer), its refund makes it active again with the same code.
TRANSITIONS = {
    ACTIVE: frozenset({REDEEMED, CANCELLED, EXPIRED, IN_DEAL}),
    IN_DEAL: frozenset({ACTIVE, REDEEMED}),
}

# Where a promise came from: made from a balance, change of a part paid with a bigger promise, or the
# refund of such a part. The payer of the last two is their issuer, so cancelling pays the payer back.
CREATED = "created"
BOUGHT = "bought"  # bought for fiat as a promise (SPEC F7, services/buy_deals.py); the buyer is its issuer
CHANGE = "change"
REFUND = "refund"
ORIGINS = (CREATED, CHANGE, REFUND, BOUGHT)

NOTE_MAX = 500
HINT_LENGTH = 4
# Codes are secrets.token_urlsafe(24): 32 characters, 192 bits. Anything else is not a code of ours.
CODE_BYTES = 24
_CODE = re.compile(r"[A-Za-z0-9_-]{32}")

# Every refusal of the promise use cases; the UI shows `error.<code>`, the API returns the code.
ERROR_CODES = (
    "promise_not_found",  # no promise with this code (or id, for its issuer)
    "promise_redeemed",
    "promise_cancelled",
    "promise_expired",
    "promise_in_deal",  # locked by a deal selling it for fiat until the deal ends
    "promise_pinned",  # pinned to another user
    "promise_guess_limit",  # too many wrong codes from this user or client lately
    "promise_pin_unknown",  # nobody has the contact the promise was to be pinned to
    "promise_note_too_long",
    "promise_expiry_past",
    "promise_asset_unknown",
    "promise_sandbox",  # a sandbox API key may not move real money into a promise
    "promise_ad_mismatch",  # the ad to sell it to is not a buy ad of the promise's asset
    "promise_too_small",  # cashing out: the promise does not cover the payout and its fee
)


class PromiseRefused(KryptonError):
    """The promise cannot do this (see ERROR_CODES)."""

    code = "promise_not_found"


def may_transition(source: str, target: str) -> bool:
    return target in TRANSITIONS.get(source, frozenset())


def normalise_code(text: str | None) -> str | None:
    """The code in what someone typed or pasted: the bare code, or a link ending in `/p/<code>`; None
    when it cannot be one of ours."""
    text = (text or "").strip()
    if "/p/" in text:
        text = text.rsplit("/p/", 1)[1].split("?", 1)[0].split("#", 1)[0].strip("/")
    return text if _CODE.fullmatch(text) else None


def effective_status(status: str, expires_at: datetime | None, now: datetime) -> str:
    """What a promise is now: an active one past its expiry is expired, even before the worker ends it."""
    if status == ACTIVE and expires_at is not None and expires_at <= now:
        return EXPIRED
    return status


def check_redeemable(status: str, expires_at: datetime | None, pinned_user_id: int | None, user_id: int, now: datetime):
    """Raise PromiseRefused unless `user_id` may take the promise now."""
    current = effective_status(status, expires_at, now)
    if current != ACTIVE:
        raise PromiseRefused(code=f"promise_{current}")
    if pinned_user_id is not None and pinned_user_id != user_id:
        raise PromiseRefused(code="promise_pinned")


def may_cancel(status: str, issuer_id: int, user_id: int) -> bool:
    return status == ACTIVE and issuer_id == user_id
