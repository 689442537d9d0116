"""Users and their profile: the view the UI shows, profile edits, lookup by contact.

Contacts as addresses: a username belongs to whoever claimed it (unique whatever the case); an email
addresses a private invoice only once its owner proved it with an emailed code (services/email_codes.py),
and until then it waits in `pending_email`, which matches nobody; a phone addresses one only once Telegram
confirmed it (`phone_verified`, services/telegram_login.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pytoniq_core import Address
from sqlalchemy import Table, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import KryptonError, ProfileError, UserBlocked
from krypton_app.models import User
from krypton_app.services.roles import is_operator
from krypton_app.settings import Settings

# Every code update_profile can fail with (ProfileError.field names the input); the UI maps each.
PROFILE_ERROR_CODES = (
    "display_name_too_long",
    "username_invalid",
    "username_taken",
    "phone_invalid",
    "phone_taken",
    "email_invalid",
    "email_taken",
    "language_invalid",
)

LANGUAGES = ("en", "ru")
DISPLAY_NAME_MAX = 64

_USERNAME = re.compile(r"[a-z][a-z0-9_]{2,31}")
_PHONE = re.compile(r"\+[0-9]{7,15}")
_PHONE_NOISE = re.compile(r"[\s\-()]")
# Deliberately loose: one @, no spaces, a dot in the domain. Delivery is the real test.
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s.]+")
_EMAIL_MAX = 254

# Contact fields that one user at most may hold, in the order they are checked. For the email that is the
# verified one: a pending (unproven) email blocks nobody, or whoever typed it first could lock its owner out.
_CONTACT_FIELDS = ("username", "phone", "email")
EMAIL, PHONE, USERNAME = "email", "phone", "username"


_users: Table = User.__table__


def require_not_blocked(s: Session, user_id: int) -> None:
    """Raise UserBlocked (code `user_blocked`) if an operator blocked `user_id`: every login path calls
    it before it lets the user in (TON proof and the demo wallet here, Telegram too)."""
    if blocked_among(s, [user_id], lock=False):
        raise UserBlocked(f"user {user_id} is blocked", user_id=user_id)


def blocked_among(s: Session, user_ids: Iterable[int], *, lock: bool = True) -> set[int]:
    """Which of these users are blocked, read in the caller's transaction. With `lock` (money), on
    PostgreSQL the rows are share-locked: a block committing meanwhile is waited for (its UPDATE conflicts
    with the lock), so a payment cannot slip past a block that commits while it runs. A login does not
    lock: it may write the same row (services/auth.py), and a session opened meanwhile is refused anyway."""
    ids = sorted(set(user_ids))
    if not ids:
        return set()
    query = select(_users.c.id, _users.c.blocked_at).where(_users.c.id.in_(ids))
    rows = s.execute(query.with_for_update(read=True) if lock else query).all()
    return {row.id for row in rows if row.blocked_at is not None}


@dataclass(frozen=True)
class UserView:
    id: int
    wallet_address: str | None  # raw `0:<hex>`; None for a user who came through Telegram without a wallet
    friendly_address: str  # non-bounceable, url-safe: what wallets show for a user's own address; "" without
    display_name: str
    username: str | None
    phone: str | None
    email: str | None  # the verified email, else the pending one: what the profile shows
    email_verified: bool
    language: str
    is_operator: bool
    telegram_linked: bool = False
    telegram_username: str | None = None
    phone_verified: bool = False  # shared through Telegram (services/telegram_login.py)

    @property
    def short_address(self) -> str:
        if not self.friendly_address:
            return ""
        return f"{self.friendly_address[:4]}…{self.friendly_address[-4:]}"

    @property
    def name(self) -> str:
        """How the user is named where their own card shows: display name, @username, short address, or
        the Telegram handle for a user without a wallet."""
        return public_name(self.display_name, self.username, self.wallet_address, self.telegram_username)

    @classmethod
    def from_user(cls, user: User, settings: Settings | None = None) -> UserView:
        """`settings` decide the operator role (services/roles.py); the app's own when None."""
        return cls(
            id=user.id,
            wallet_address=user.wallet_address,
            friendly_address=friendly(user.wallet_address) if user.wallet_address else "",
            display_name=user.display_name,
            username=user.username,
            phone=user.phone,
            email=user.email or user.pending_email,
            email_verified=user.email is not None,
            language=user.language,
            is_operator=is_operator(user, settings),
            telegram_linked=user.telegram_id is not None,
            telegram_username=user.telegram_username,
            phone_verified=bool(user.phone_verified),
        )


def get_user(uow: UnitOfWork, user_id: int) -> UserView | None:
    with uow.read() as s:
        user = s.get(User, user_id)
        return UserView.from_user(user) if user else None


def update_profile(
    uow: UnitOfWork,
    user_id: int,
    *,
    display_name: str,
    username: str | None,
    phone: str | None,
    email: str | None,
    language: str,
) -> UserView:
    values = {
        "display_name": _clean_display_name(display_name),
        "username": normalize_username(username),
        "phone": normalize_phone(phone),
        "email": normalize_email(email),
        "language": _clean_language(language),
    }
    try:
        with uow.transaction() as s:
            user = s.get(User, user_id)
            if user is None:
                raise KryptonError(f"user {user_id} not found", code="user_not_found")
            taken = _first_taken(s, user_id, values)
            if taken:
                raise ProfileError(f"{taken}_taken", taken)
            if values["phone"] != user.phone:
                user.phone_verified = False  # a typed phone is unproven; only Telegram's signed contact proves one
            for name in ("display_name", "username", "phone", "language"):
                setattr(user, name, values[name])
            if values["email"] != (user.email or user.pending_email):
                # A changed email is unproven again: it waits for its code and addresses nothing meanwhile.
                user.email, user.pending_email = None, values["email"]
        return UserView.from_user(user)
    except IntegrityError:
        # A concurrent edit took the value between our check and our write: the unique
        # constraint caught it; find which field so the user gets the right message.
        with uow.read() as s:
            taken = _first_taken(s, user_id, values)
        if taken:
            raise ProfileError(f"{taken}_taken", taken) from None
        raise


def contact_kind(contact: str) -> str:
    """How a typed contact reads: EMAIL (an "@" after the first character), PHONE (a leading "+" or digit)
    or USERNAME (anything else, with or without the "@")."""
    contact = (contact or "").strip()
    if "@" in contact[1:]:
        return EMAIL
    if contact[:1] == "+" or contact[:1].isdigit():
        return PHONE
    return USERNAME


def find_user_by_contact(uow: UnitOfWork, contact: str) -> UserView | None:
    """The user a private invoice is addressed to: by `@username` (any case), by an email its owner has
    verified, or by a phone its owner verified through Telegram (services/telegram_login.py). An unverified
    email or phone, or anything malformed, matches nobody."""
    contact = (contact or "").strip()
    kind = contact_kind(contact)
    verified = True
    try:
        if kind == EMAIL:
            value, column = normalize_email(contact), User.email  # holds verified addresses only
        elif kind == USERNAME:
            value, column = normalize_username(contact), func.lower(User.username)
        else:
            value = normalize_phone(contact if contact.startswith("+") else f"+{contact}")
            column, verified = User.phone, User.phone_verified.is_(True)
    except ProfileError:
        return None  # not a well-formed contact, so nobody has it
    if value is None:
        return None
    with uow.read() as s:
        user = s.exec(select(User).where(column == value, verified)).first()
        return UserView.from_user(user) if user else None


def public_name_of_address(uow: UnitOfWork, wallet_address: str | None) -> str | None:
    """The public name of the user who signs in with `wallet_address` (a receipt names its merchant only
    by address); None when no user has it, or for no address (a merchant without a wallet)."""
    if not wallet_address:
        return None
    with uow.read() as s:
        user = s.exec(select(User).where(User.wallet_address == wallet_address)).first()
        if user is None:
            return None
        return public_name(user.display_name, user.username, user.wallet_address, user.telegram_username)


# Normalisers return the stored form, None for an empty input, and raise ProfileError when invalid.

# The name of a user who has neither a name, a username, a wallet nor a Telegram handle (Telegram always
# gives a first name, so only a user who cleared theirs gets it).
NAMELESS = "Telegram"


def public_name(
    display_name: str | None, username: str | None, wallet_address: str | None, telegram_username: str | None = None
) -> str:
    """How other traders see a user: display name, else @username, else the short address, else (a user
    who came through Telegram without a wallet) their Telegram handle."""
    if display_name:
        return display_name
    if username:
        return f"@{username}"
    if not wallet_address:
        return f"@{telegram_username}" if telegram_username else NAMELESS
    try:
        text = friendly(wallet_address)
    except Exception:  # an address the library does not parse still names someone
        text = wallet_address
    return f"{text[:4]}…{text[-4:]}"


def friendly(wallet_address: str) -> str:
    """The non-bounceable, url-safe form wallets show for a user's own address."""
    return Address(wallet_address).to_str(is_user_friendly=True, is_bounceable=False)


def normalize_username(raw: str | None) -> str | None:
    value = (raw or "").strip().removeprefix("@").lower()
    if value and not _USERNAME.fullmatch(value):
        raise ProfileError("username_invalid", "username")
    return value or None


def normalize_phone(raw: str | None) -> str | None:
    value = _PHONE_NOISE.sub("", raw or "")
    if value and not _PHONE.fullmatch(value):
        raise ProfileError("phone_invalid", "phone")
    return value or None


def normalize_email(raw: str | None) -> str | None:
    value = (raw or "").strip().lower()
    if value and (len(value) > _EMAIL_MAX or not _EMAIL.fullmatch(value)):
        raise ProfileError("email_invalid", "email")
    return value or None


def _clean_display_name(raw: str) -> str:
    value = (raw or "").strip()
    if len(value) > DISPLAY_NAME_MAX:
        raise ProfileError("display_name_too_long", "display_name")
    return value


def _clean_language(raw: str) -> str:
    value = (raw or "").strip().lower()
    if value not in LANGUAGES:
        raise ProfileError("language_invalid", "language")
    return value


def _first_taken(s: Session, user_id: int, values: dict[str, str | None]) -> str | None:
    for field in _CONTACT_FIELDS:
        value = values[field]
        if value is None:
            continue
        column = func.lower(User.username) if field == USERNAME else getattr(User, field)
        other = s.exec(select(User.id).where(column == value, User.id != user_id)).first()
        if other is not None:
            return field
    return None
