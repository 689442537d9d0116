"""Telegram as a way in (SPEC F1): the Mini App's signed initData logs a user in, a wallet user links their
Telegram account, and the phone a user shares through Telegram becomes their verified phone.

One Telegram account is one Krypton user (`users.telegram_id`, unique). The first Mini App login of an
account creates a user without a wallet; a wallet user who links Telegram logs in either way afterwards.

Linking an account that already has its own Krypton user:
- that user is *empty* (no wallet, and nothing of theirs anywhere but sessions, login tokens, email codes,
  a deposit memo, notifications and ledger accounts without a single posting): the account moves to the
  wallet user (with the phone it verified, unless the wallet user has a verified one), and the empty user's
  sessions are revoked. The empty row stays (other rows may name it)
  but nothing can log in as it any more: it has neither a wallet nor Telegram.
- otherwise (a wallet of its own, money, an invoice, an ad, a deal…): refused, `telegram_linked_elsewhere`;
  two users with history are never merged.

Unlinking leaves the user their wallet login, so a user without a wallet cannot unlink.
"""

from __future__ import annotations

import re

from sqlalchemy import Table, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import KryptonError, ProfileError, TelegramLinkError
from krypton_app.models import Account, Posting, User, UserSession
from krypton_app.models.common import utcnow
from krypton_app.services.telegram import verify_contact, verify_init_data
from krypton_app.services.users import DISPLAY_NAME_MAX, LANGUAGES, UserView, normalize_phone, require_not_blocked
from krypton_app.settings import Settings

TELEGRAM_LOGIN_ERROR_CODES = (
    "telegram_login_off",  # no KRYPTON_TELEGRAM_BOT_TOKEN: the Telegram login is off
    "telegram_no_user",  # signed launch data without a user (opened from an inline query's chat)
    "telegram_linked_elsewhere",  # the account belongs to another user with a wallet or history
    "telegram_already_linked",  # this user has another Telegram account linked
    "telegram_not_linked",  # unlink or phone without a linked account
    "telegram_unlink_needs_wallet",  # the user would have no way left to log in
    "telegram_contact_not_yours",  # the shared contact is another Telegram account's
)

# Rows that a user gets by merely opening pages: they do not make a Telegram-only user "used".
_PASSIVE_TABLES = frozenset({"user_sessions", "login_tokens", "email_codes", "deposit_memos", "notifications"})
_TELEGRAM_USERNAME = re.compile(r"[A-Za-z0-9_]{1,32}")
_sessions: Table = UserSession.__table__


def login_with_telegram(uow: UnitOfWork, init_data: str, *, settings: Settings, now: int) -> UserView:
    """Verify the Mini App's initData and return its Telegram account's user, created (without a wallet)
    on the first login. Raises TelegramAuthError (the data) or TelegramLinkError (telegram_login_off,
    telegram_no_user)."""
    tg_user = _verified_user(init_data, settings, now)
    with uow.transaction() as s:
        user = _user_of_telegram(s, tg_user["id"])
        if user is None:
            user = _create_telegram_user(s, tg_user)
        elif (username := _telegram_username(tg_user)) != user.telegram_username:
            user.telegram_username = username
        require_not_blocked(s, user.id)
    return UserView.from_user(user, settings)


def link_telegram(uow: UnitOfWork, user_id: int, init_data: str, *, settings: Settings, now: int) -> UserView:
    """Link the Mini App's Telegram account to the signed-in user (see the module's rule for an account
    that already has a user). Linking the account already linked is a no-op."""
    tg_user = _verified_user(init_data, settings, now)
    with uow.transaction() as s:
        user = _locked_user(s, user_id)
        if user.telegram_id == tg_user["id"]:
            return UserView.from_user(user, settings)
        if user.telegram_id is not None:
            raise TelegramLinkError(code="telegram_already_linked")
        holder = _user_of_telegram(s, tg_user["id"], lock=True)
        if holder is not None:
            if holder.wallet_address is not None or has_history(s, holder.id):
                raise TelegramLinkError(code="telegram_linked_elsewhere")
            holder.telegram_id, holder.telegram_username = None, None
            # A phone the empty user verified through this Telegram account is this person's: it moves too.
            moved_phone = holder.phone if holder.phone_verified else None
            if moved_phone is not None:
                holder.phone, holder.phone_verified = None, False
            s.execute(
                update(_sessions)
                .where(_sessions.c.user_id == holder.id, _sessions.c.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
            s.flush()  # the unique telegram_id leaves the empty user before the wallet user takes it
            if moved_phone is not None and not user.phone_verified:
                user.phone, user.phone_verified = moved_phone, True
        user.telegram_id, user.telegram_username = tg_user["id"], _telegram_username(tg_user)
        try:
            s.flush()
        except IntegrityError:
            # A first Mini App login of the same account created its user between our read and write.
            raise TelegramLinkError(code="telegram_linked_elsewhere") from None
    return UserView.from_user(user, settings)


def unlink_telegram(uow: UnitOfWork, user_id: int, *, settings: Settings | None = None) -> UserView:
    """Forget the user's Telegram account; only while they keep a wallet to log in with."""
    with uow.transaction() as s:
        user = _locked_user(s, user_id)
        if user.telegram_id is None:
            raise TelegramLinkError(code="telegram_not_linked")
        if user.wallet_address is None:
            raise TelegramLinkError(code="telegram_unlink_needs_wallet")
        user.telegram_id, user.telegram_username = None, None
    return UserView.from_user(user, settings)


def verify_telegram_phone(
    uow: UnitOfWork, user_id: int, contact_response: str, *, settings: Settings, now: int
) -> UserView:
    """The phone the user shared with `WebApp.requestContact` becomes their verified phone: the response is
    signed by the bot token, and its contact must be the user's own linked Telegram account. A phone
    another user verified is refused (`phone_taken`); one that another user only typed is taken from them
    (they never proved it)."""
    _require_login_on(settings)
    fields = verify_contact(contact_response, bot_token=settings.telegram_bot_token, now=now, max_age_s=_age(settings))
    contact = fields["contact"]
    raw = contact["phone_number"].strip()
    phone = normalize_phone(raw if raw.startswith("+") else f"+{raw}")
    with uow.transaction() as s:
        user = _locked_user(s, user_id)
        if user.telegram_id is None:
            raise TelegramLinkError(code="telegram_not_linked")
        if contact["user_id"] != user.telegram_id:
            raise TelegramLinkError(code="telegram_contact_not_yours")
        taken = select(User).where(User.phone == phone, User.id != user_id).with_for_update()
        other = s.execute(taken).scalars().first()
        if other is not None:
            if other.phone_verified:
                raise ProfileError("phone_taken", "phone")
            other.phone = None
            s.flush()
        user.phone, user.phone_verified = phone, True
    return UserView.from_user(user, settings)


def has_history(s: Session, user_id: int) -> bool:
    """Has the user anything but passive rows: a posting on one of their accounts, or any row of any other
    table that names them (invoices, payments, ads, deals, promises, withdrawals, API keys, …). New
    tables count by themselves: the check walks every foreign key to `users`."""
    for table in SQLModel.metadata.sorted_tables:
        if table.name in _PASSIVE_TABLES:
            continue
        columns = [fk.parent for fk in table.foreign_keys if fk.column.table.name == User.__tablename__]
        if not columns:
            continue
        if table.name == Account.__tablename__:
            postings = select(Posting.id).join(Account, Account.id == Posting.account_id)
            if s.execute(select(exists(postings.where(Account.user_id == user_id)))).scalar():
                return True
            continue
        for column in columns:
            if s.execute(select(exists().where(column == user_id))).scalar():
                return True
    return False


def _verified_user(init_data: str, settings: Settings, now: int) -> dict:
    _require_login_on(settings)
    fields = verify_init_data(init_data, bot_token=settings.telegram_bot_token, now=now, max_age_s=_age(settings))
    tg_user = fields.get("user")
    if tg_user is None:
        raise TelegramLinkError(code="telegram_no_user")
    return tg_user


def _require_login_on(settings: Settings) -> None:
    if not settings.telegram_login_enabled:
        raise TelegramLinkError(code="telegram_login_off")


def _age(settings: Settings) -> int:
    return settings.telegram_max_age_s


def _user_of_telegram(s: Session, telegram_id: int, *, lock: bool = False) -> User | None:
    query = select(User).where(User.telegram_id == telegram_id)
    return s.execute(query.with_for_update() if lock else query).scalars().first()


def _locked_user(s: Session, user_id: int) -> User:
    user = s.execute(select(User).where(User.id == user_id).with_for_update()).scalars().first()
    if user is None:
        raise KryptonError(f"user {user_id} not found", code="user_not_found")
    return user


def _create_telegram_user(s: Session, tg_user: dict) -> User:
    name = " ".join(str(tg_user.get(part) or "").strip() for part in ("first_name", "last_name")).strip()
    language = str(tg_user.get("language_code") or "")[:2].lower()
    user = User(
        wallet_address=None,
        telegram_id=tg_user["id"],
        telegram_username=_telegram_username(tg_user),
        display_name=name[:DISPLAY_NAME_MAX],
        language=language if language in LANGUAGES else "en",
    )
    try:
        # A savepoint: two tabs opening the Mini App at once may both insert the account's first user.
        with s.begin_nested():
            s.add(user)
        return user
    except IntegrityError:
        return _user_of_telegram(s, tg_user["id"])


def _telegram_username(tg_user: dict) -> str | None:
    username = tg_user.get("username")
    return username if isinstance(username, str) and _TELEGRAM_USERNAME.fullmatch(username) else None
