"""Users and their profile: the view the UI shows, profile edits, lookup by contact."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pytoniq_core import Address
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import KryptonError, ProfileError
from krypton_app.models import User

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

# Contact fields with a unique constraint, in the order they are checked.
_CONTACT_FIELDS = ("username", "phone", "email")


@dataclass(frozen=True)
class UserView:
    id: int
    wallet_address: str  # raw `0:<hex>`
    friendly_address: str  # non-bounceable, url-safe: what wallets show for a user's own address
    display_name: str
    username: str | None
    phone: str | None
    email: str | None
    language: str
    is_operator: bool

    @property
    def short_address(self) -> str:
        return f"{self.friendly_address[:4]}…{self.friendly_address[-4:]}"

    @classmethod
    def from_user(cls, user: User) -> UserView:
        return cls(
            id=user.id,
            wallet_address=user.wallet_address,
            friendly_address=Address(user.wallet_address).to_str(is_user_friendly=True, is_bounceable=False),
            display_name=user.display_name,
            username=user.username,
            phone=user.phone,
            email=user.email,
            language=user.language,
            is_operator=user.is_operator,
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
            for name, value in values.items():
                setattr(user, name, value)
        return UserView.from_user(user)
    except IntegrityError:
        # A concurrent edit took the value between our check and our write: the unique
        # constraint caught it; find which field so the user gets the right message.
        with uow.read() as s:
            taken = _first_taken(s, user_id, values)
        if taken:
            raise ProfileError(f"{taken}_taken", taken) from None
        raise


def find_user_by_contact(uow: UnitOfWork, contact: str) -> UserView | None:
    """Find a user by `@username`, phone or email, as a payer types it for a private invoice."""
    contact = (contact or "").strip()
    try:
        if "@" in contact[1:]:
            field, value = "email", normalize_email(contact)
        elif contact[:1] == "+" or contact[:1].isdigit():
            field, value = "phone", normalize_phone(contact if contact[:1] == "+" else "+" + contact)
        else:
            field, value = "username", normalize_username(contact)
    except ProfileError:
        return None  # not a well-formed contact, so nobody has it
    if value is None:
        return None
    with uow.read() as s:
        user = s.exec(select(User).where(getattr(User, field) == value)).first()
        return UserView.from_user(user) if user else None


# Normalisers return the stored form, None for an empty input, and raise ProfileError when invalid.


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
        column = getattr(User, field)
        other = s.exec(select(User.id).where(column == value, User.id != user_id)).first()
        if other is not None:
            return field
    return None
