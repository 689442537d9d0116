"""Who is an operator: decided from the settings at every check, never stored on the user.

KRYPTON_OPERATORS lists the operators' wallets (raw or friendly form). With KRYPTON_DEMO_OPERATORS
(local runs and browser tests; never in production, where the demo wallet is off) every user the demo
wallet created is one too. A wallet taken off the list loses the role at its next operator action,
in every process started with the new settings; nothing waits for a logout or a new login.

`is_operator` is the rule; `operators_clause` is the same rule as SQL, for lists (whom to notify).
"""

from __future__ import annotations

from functools import lru_cache

from pytoniq_core import Address
from pytoniq_core.boc.address import AddressError
from sqlalchemy import ColumnElement, false, or_
from sqlmodel import Session

from krypton_app.domain.errors import Forbidden
from krypton_app.models import User
from krypton_app.settings import Settings, get_settings


def is_operator(user: User | None, settings: Settings | None = None) -> bool:
    if user is None:
        return False
    settings = settings or get_settings()
    if user.wallet_address in operator_wallets(settings):
        return True
    return bool(user.is_demo) and _demo_operators(settings)


def user_is_operator(s: Session, user_id: int, settings: Settings | None = None) -> bool:
    """`is_operator` for a user id, read in the caller's transaction."""
    return is_operator(s.get(User, user_id), settings)


def require_operator(s: Session, user_id: int, settings: Settings | None = None) -> None:
    """Raise Forbidden unless `user_id` is an operator now."""
    if not user_is_operator(s, user_id, settings):
        raise Forbidden("operator only", user_id=user_id)


def operators_clause(settings: Settings | None = None) -> ColumnElement[bool]:
    """A WHERE clause on `users` that selects exactly the users `is_operator` accepts."""
    settings = settings or get_settings()
    wallets = sorted(operator_wallets(settings))
    listed = User.wallet_address.in_(wallets) if wallets else false()
    if _demo_operators(settings):
        return or_(listed, User.is_demo.is_(True))
    return listed


def operator_wallets(settings: Settings) -> frozenset[str]:
    """The listed wallets in the raw `0:<hex>` form users are stored with."""
    return _raw_wallets(tuple(settings.operator_addresses))


def _demo_operators(settings: Settings) -> bool:
    return settings.demo_operators and settings.demo_wallet_enabled


@lru_cache(maxsize=8)
def _raw_wallets(addresses: tuple[str, ...]) -> frozenset[str]:
    wallets = set()
    for address in addresses:
        if not address.strip():
            continue
        try:
            wallets.add(Address(address.strip()).to_str(is_user_friendly=False))
        except (AddressError, ValueError, TypeError, IndexError) as e:
            # A typo in the list must not quietly leave an operator out (or in): refuse loudly.
            raise ValueError(f"KRYPTON_OPERATORS holds an address that does not parse: {address!r}") from e
    return frozenset(wallets)
