"""The P2P deal state machine (SPEC F9), as data.

A deal moves only along TRANSITIONS. The services turn each entry into one conditional
UPDATE ... WHERE id = :id AND status IN (:from_statuses), so of two racing actions only the
first one to commit changes the row; the other sees no row updated and is refused.

`requested` is kept in the table but never rests in the database: opening a deal locks the
escrow in the same transaction (requested -> escrow_locked), because the ad's owner agreed
to trade by publishing the ad. An acceptance step can be added later by splitting that.

The clock. A deal has one payment deadline, fixed when it opens (`payment_deadline`, kept on the
deal as `payment_deadline_at`). Undoing "I have paid" puts the deal back on that same deadline and
never gives time back (`deadline_after_undo`), and "I have paid" is accepted only before it
(`check_payment_time`). We chose "never extends" over "extends once by a bounded amount": the
buyer who undoes says they have not paid, so the seller owes them no more time, and any extension,
however bounded, is free escrow time a buyer can take from every seller. With both rules a deal
holds the seller's coins at most until the payment deadline plus one release window, however
often the buyer toggles; once the deadline passed, an undo leaves the deal to expire.

A side may open a dispute only `deal_dispute_after_s` (a setting, 10 minutes by default) after
"I have paid" (`dispute_opens_at`, `check_dispute_time`): long enough for the seller to look at
their bank, short of the release window after which the timer opens the dispute anyway. P2P
platforms do the same (Binance and Bybit offer the buyer an appeal only some minutes after "paid").

Release before "I have paid". The seller may release from `escrow_locked` too, and the deal page offers
it there, as Binance does, but only behind a confirmation that warns the buyer has not marked the deal
paid. We kept it rather than hide it: a buyer who paid and forgot to press "paid" would otherwise see
the deal expire with their money sent and the coins back with the seller, and the seller, who is the
only one who can lose by releasing early, is the one who decides. Every release (and "I have paid",
cancel, dispute) is confirmed on the page with what it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from krypton_app.domain.errors import DealClockRefused, DealTransitionRefused, Forbidden, InvalidAmount

REQUESTED = "requested"
ESCROW_LOCKED = "escrow_locked"
FIAT_SENT = "fiat_sent"
RELEASED = "released"
CANCELLED = "cancelled"
EXPIRED = "expired"
DISPUTED = "disputed"
RESOLVED = "resolved"

STATUSES = (REQUESTED, ESCROW_LOCKED, FIAT_SENT, RELEASED, CANCELLED, EXPIRED, DISPUTED, RESOLVED)
TERMINAL = frozenset({RELEASED, CANCELLED, EXPIRED, RESOLVED})
# States in which the seller's crypto sits in escrow (held, owed to the deal).
ESCROWED = frozenset({ESCROW_LOCKED, FIAT_SENT, DISPUTED})
# A deal that has not ended: an invoice part has at most one (models.market ux_deals_live_part).
LIVE = frozenset({REQUESTED}) | ESCROWED
# States with a deadline the timer acts on (deadline_at is cleared on leaving them).
TIMED = frozenset({ESCROW_LOCKED, FIAT_SENT})
# States a deal reaches only through a dispute, which stays on the deal once decided.
WITH_DISPUTE = frozenset({DISPUTED, RESOLVED})
# Once the crypto went to the buyer (or an operator decided), each side may review the other once.
REVIEWABLE = frozenset({RELEASED, RESOLVED})

# What a deal is for (issue 13): a plain trade; paying an invoice part (SPEC F10 fiat -> crypto); buying
# crypto for a destination (F7); selling a promise, which is the escrow (F6); paying a merchant in fiat
# for a payer's crypto (F10 crypto -> fiat). services/deal_purposes.py says where each one's escrow
# comes from and goes.
PLAIN = "plain"
PART = "part"
BUY = "buy"
PROMISE_SALE = "promise_sale"
FIAT_PAYOUT = "fiat_payout"
PURPOSES = (PLAIN, PART, BUY, PROMISE_SALE, FIAT_PAYOUT)

# Who may act. A timer and the opening service have no user behind them.
BUYER = "buyer"
SELLER = "seller"
OPERATOR = "operator"
TIMER = "timer"
SYSTEM = "system"
SIDES = frozenset({BUYER, SELLER})

# The side who must act is warned this long before its deadline.
DEADLINE_WARNING = timedelta(minutes=5)


@dataclass(frozen=True)
class Transition:
    action: str
    from_statuses: frozenset[str]
    to: str
    actors: frozenset[str]


def _t(action: str, sources: tuple[str, ...], to: str, actors: tuple[str, ...]) -> Transition:
    return Transition(action, frozenset(sources), to, frozenset(actors))


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _t("lock_escrow", (REQUESTED,), ESCROW_LOCKED, (SYSTEM,)),
        _t("mark_fiat_sent", (ESCROW_LOCKED,), FIAT_SENT, (BUYER,)),
        # The buyer pressed "paid" by mistake: back to waiting, on the deal's original payment deadline.
        _t("undo_fiat_sent", (FIAT_SENT,), ESCROW_LOCKED, (BUYER,)),
        # The seller may release as soon as the fiat shows up, even if the buyer never pressed "paid".
        _t("release", (ESCROW_LOCKED, FIAT_SENT), RELEASED, (SELLER,)),
        # Before "fiat sent" the buyer has paid nothing, so the buyer alone may walk away.
        _t("buyer_cancel", (REQUESTED, ESCROW_LOCKED), CANCELLED, (BUYER,)),
        # Otherwise both sides must ask; the second request performs this transition.
        _t("mutual_cancel", (ESCROW_LOCKED, FIAT_SENT), CANCELLED, (BUYER, SELLER)),
        _t("expire", (REQUESTED, ESCROW_LOCKED), EXPIRED, (TIMER,)),
        # Never an automatic release: an unanswered "fiat sent" goes to an operator.
        _t("open_dispute", (FIAT_SENT,), DISPUTED, (BUYER, SELLER, TIMER)),
        # An operator blocked a side (services/user_blocks.py): the live deal waits for an operator's decision.
        _t("operator_dispute", (ESCROW_LOCKED, FIAT_SENT), DISPUTED, (OPERATOR,)),
        _t("resolve", (DISPUTED,), RESOLVED, (OPERATOR,)),
    )
}

# A cancel request (not a transition: the status stays) is recorded in these states.
CANCEL_REQUESTABLE = frozenset({ESCROW_LOCKED, FIAT_SENT})


def transition(action: str, status: str, role: str) -> Transition:
    """The transition `role` may take from `status`; Forbidden for the wrong actor,
    DealTransitionRefused when the deal is not in a state that allows it."""
    t = TRANSITIONS[action]
    if role not in t.actors:
        raise Forbidden(f"{role} may not {action}")
    if status not in t.from_statuses:
        raise DealTransitionRefused(f"{action} not allowed from {status}", status=status, action=action)
    return t


def allowed_actions(status: str, role: str) -> tuple[str, ...]:
    return tuple(a for a, t in TRANSITIONS.items() if status in t.from_statuses and role in t.actors)


# What a person does to a deal, as the deal page offers it, besides the transitions.
CANCEL = "cancel"  # buyer_cancel, mutual_cancel or a cancel request: cancel_step picks which
STATEMENT = "statement"  # a side's account of what happened, while the dispute is open
REVIEW = "review"  # a side's review of the other, once the deal is over


def offered_actions(status: str, role: str) -> frozenset[str]:
    """What `role` may do to a deal in `status`: the transitions it may take (the cancels as one
    CANCEL), STATEMENT while disputed and REVIEW once reviewable, for the two sides. Limits per person
    (one review each, one pending cancel request) are the services' to check."""
    actions = set(allowed_actions(status, role))
    if role in SIDES:
        if actions & {"buyer_cancel", "mutual_cancel"} or status in CANCEL_REQUESTABLE:
            actions.add(CANCEL)
        if status == DISPUTED:
            actions.add(STATEMENT)
        if status in REVIEWABLE:
            actions.add(REVIEW)
    # An operator's dispute comes with blocking a side (the console's users tab), never from the deal page.
    return frozenset(actions - {"buyer_cancel", "mutual_cancel", "operator_dispute"})


def cancel_step(status: str, role: str, *, requested_by_other: bool) -> str:
    """What a cancel call by `role` does: "buyer_cancel" or "mutual_cancel" (a transition), or
    "request" (record the wish and wait for the other side)."""
    if role == BUYER and status in TRANSITIONS["buyer_cancel"].from_statuses:
        return "buyer_cancel"
    if role not in SIDES:
        raise Forbidden("only the deal's sides may cancel")
    if status not in CANCEL_REQUESTABLE:
        raise DealTransitionRefused(f"cancel not allowed from {status}", status=status, action="cancel")
    return "mutual_cancel" if requested_by_other else "request"


def payment_deadline(now: datetime, payment_window_min: int) -> datetime:
    return now + timedelta(minutes=payment_window_min)


def release_deadline(now: datetime, release_window_min: int) -> datetime:
    # The window is the setting deal_release_window_min.
    return now + timedelta(minutes=release_window_min)


def check_payment_time(now: datetime, payment_deadline_at: datetime) -> None:
    """ "I have paid" counts only before the payment deadline; after it the deal is the timer's to
    expire (the seller's coins go back), even if the timer has not come round yet."""
    if now >= payment_deadline_at:
        raise DealClockRefused("the payment window is over", code="deal_payment_window_over")


def deadline_after_undo(payment_deadline_at: datetime) -> datetime:
    """The deadline of a deal whose buyer took back "I have paid": the original payment deadline,
    never later (see the module's docstring for why not a bounded extension)."""
    return payment_deadline_at


def dispute_opens_at(fiat_sent_at: datetime, dispute_after_s: int) -> datetime:
    """When a side may first dispute a deal marked paid at `fiat_sent_at` (setting deal_dispute_after_s)."""
    return fiat_sent_at + timedelta(seconds=dispute_after_s)


def check_dispute_time(actor: str, now: datetime, opens_at: datetime | None) -> None:
    """A side may not dispute before `opens_at`; the release timer (TIMER), which acts only after the
    whole release window, is never held back."""
    if actor in SIDES and opens_at is not None and now < opens_at:
        raise DealClockRefused("too early to open a dispute", code="deal_dispute_too_early", opens_at=opens_at)


def timer_action(status: str) -> str | None:
    """What the timer does to a deal whose deadline passed in `status`."""
    return {ESCROW_LOCKED: "expire", REQUESTED: "expire", FIAT_SENT: "open_dispute"}.get(status)


OUTCOMES = ("release", "refund", "split")


def split_amounts(amount: int, outcome: str, buyer_share: str | None = None) -> tuple[int, int]:
    """(to buyer, back to seller) in minor units for an operator's decision. `buyer_share` is a
    decimal fraction of the escrow in [0, 1] as text ("0.5"); the buyer's part rounds down so the
    two parts always add up to the escrow."""
    if outcome == "release":
        return amount, 0
    if outcome == "refund":
        return 0, amount
    if outcome != "split":
        raise InvalidAmount(f"unknown outcome {outcome!r}", code="dispute_outcome_invalid")
    try:
        share = Decimal(buyer_share or "")
    except InvalidOperation:
        raise InvalidAmount("buyer_share is not a number", code="dispute_share_invalid") from None
    if not share.is_finite() or share < 0 or share > 1:
        raise InvalidAmount("buyer_share must be between 0 and 1", code="dispute_share_invalid")
    to_buyer = int((Decimal(amount) * share).to_integral_value(rounding="ROUND_FLOOR"))
    return to_buyer, amount - to_buyer


def share_from_percent(percent: str) -> str:
    """The buyer's share typed as a percentage ("25", "33.5") as the fraction the service takes."""
    try:
        value = Decimal(percent.strip().replace(",", ".").rstrip("%"))
    except InvalidOperation:
        raise InvalidAmount("not a percentage", code="dispute_share_invalid") from None
    if not value.is_finite() or value < 0 or value > 100:
        raise InvalidAmount("a percentage is 0 to 100", code="dispute_share_invalid")
    return str(value / 100)
