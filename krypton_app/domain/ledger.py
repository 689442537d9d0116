"""Double-entry rules without a database: account names, legs, the postings they make, request hashes.

A leg moves a positive amount of one asset from a source account to a destination account. The legs
of one ledger transaction are netted into one posting per account; postings sum to zero per asset.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from krypton_app.domain.errors import InvalidAmount, UnbalancedTransaction
from krypton_app.domain.money import MAX_MINOR

# A user's balance per asset is two accounts: spendable, and frozen for escrow or pending withdrawal.
AVAILABLE = "available"
HELD = "held"
USER_KINDS = (AVAILABLE, HELD)

# Platform accounts, one per asset.
HOT_WALLET = "hot_wallet"
FEES = "fees"
PROMISE_BACKING = "promise_backing"
EXTERNAL = "external"
# The platform's Lightning liquidity per asset: the asset given out for sats received on the node. It
# mirrors sats held outside the ledger (like EXTERNAL), so it goes negative as Lightning payments arrive.
LIGHTNING = "lightning"
# Fees on their way to the owner's wallet: moved out of FEES when a sweep is made, so fees arriving
# meanwhile are not swept twice; out to EXTERNAL when the chain confirms it (services/fee_sweeps.py).
FEE_SWEEP = "fee_sweep"
SYSTEM_KINDS = (HOT_WALLET, FEES, PROMISE_BACKING, EXTERNAL, LIGHTNING, FEE_SWEEP)
# The outside world's accounts mirror money outside the system, so they are the ones that go negative.
MAY_GO_NEGATIVE = frozenset({EXTERNAL, LIGHTNING})

# Ledger transaction kinds written by services/ledger.py.
TRANSFER = "transfer"
HOLD = "hold"
RELEASE = "release"
CAPTURE = "capture"


def user_account_key(user_id: int, asset: str, kind: str) -> str:
    if kind not in USER_KINDS:
        raise ValueError(f"unknown user account kind {kind!r}")
    return f"user:{user_id}:{asset}:{kind}"


def account_owner(key: str) -> int | None:
    """The user whose account `key` names (user_account_key), or None for a system account."""
    kind, _, rest = key.partition(":")
    return int(rest.split(":", 1)[0]) if kind == "user" else None


def system_account_key(kind: str, asset: str) -> str:
    if kind not in SYSTEM_KINDS:
        raise ValueError(f"unknown system account kind {kind!r}")
    return f"system:{kind}:{asset}"


@dataclass(frozen=True)
class AccountRef:
    """Enough of an account to name it in a leg; balances are read under lock by the ledger service."""

    id: int
    key: str
    asset: str


@dataclass(frozen=True)
class Leg:
    """Move `amount` minor units from `source` to `destination`, two accounts of the same asset."""

    source: AccountRef
    destination: AccountRef
    amount: int


@dataclass(frozen=True)
class PostingLine:
    """The signed net change of one account in one ledger transaction."""

    account: AccountRef
    amount: int


def validate_legs(legs: Sequence[Leg]) -> None:
    if not legs:
        raise UnbalancedTransaction("a ledger transaction needs at least one leg")
    for leg in legs:
        # bool is an int in Python; True TON is a bug, not an amount.
        if isinstance(leg.amount, bool) or not isinstance(leg.amount, int):
            raise InvalidAmount(f"amount must be an integer of minor units, not {leg.amount!r}")
        if not 0 < leg.amount <= MAX_MINOR:
            raise InvalidAmount(f"amount must be positive, not {leg.amount}", amount=leg.amount)
        if leg.source.id == leg.destination.id:
            raise UnbalancedTransaction(f"leg moves money from {leg.source.key} to itself")
        if leg.source.asset != leg.destination.asset:
            raise UnbalancedTransaction(
                f"leg moves {leg.source.asset} from {leg.source.key} into {leg.destination.asset} account "
                f"{leg.destination.key}"
            )


def check_balanced(postings: Iterable[PostingLine]) -> None:
    """Raise UnbalancedTransaction unless the postings sum to zero in every asset."""
    totals: dict[str, int] = defaultdict(int)
    for line in postings:
        totals[line.account.asset] += line.amount
    off = {asset: total for asset, total in totals.items() if total}
    if off:
        raise UnbalancedTransaction(f"postings do not sum to zero: {off}", totals=off)


def postings_for(legs: Sequence[Leg]) -> list[PostingLine]:
    """Validate the legs and net them into one posting per account, in ascending account id."""
    validate_legs(legs)
    accounts: dict[int, AccountRef] = {}
    net: dict[int, int] = defaultdict(int)
    for leg in legs:
        accounts[leg.source.id] = leg.source
        accounts[leg.destination.id] = leg.destination
        net[leg.source.id] -= leg.amount
        net[leg.destination.id] += leg.amount
    lines = [PostingLine(accounts[i], net[i]) for i in sorted(net) if net[i]]
    if not lines:
        raise UnbalancedTransaction("the legs cancel out: the transaction would move nothing")
    # Netting keeps the sums by construction; the rule is still checked where postings are made.
    check_balanced(lines)
    return lines


def request_hash(kind: str, memo: str, legs: Sequence[Leg]) -> str:
    """Fingerprint of a posting request, independent of leg order: a retry must hash the same."""
    return move_hash(kind, memo, [(leg.source.key, leg.destination.key, leg.source.asset, leg.amount) for leg in legs])


def move_hash(kind: str, memo: str, moves: Sequence[tuple[str, str, str, int]]) -> str:
    """`request_hash` of legs given as (source key, destination key, asset, amount): what the accounts'
    keys name, before their ids are known."""
    canonical = {"kind": kind, "memo": memo, "legs": sorted(list(move) for move in moves)}
    return hashlib.sha256(json.dumps(canonical, separators=(",", ":")).encode()).hexdigest()
