"""services/telegram_login.py on SQLite and PostgreSQL: a Mini App login creates a wallet-less user once and
finds it again; a wallet user links and unlinks Telegram (the rule for an account that already has a user);
the phone shared through Telegram becomes a verified, unique phone."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, urlencode

import pytest
from builders import (
    TELEGRAM_BOT_TOKEN,
    deposit,
    make_session,
    make_user,
    race,
    telegram_contact,
    telegram_hash,
    telegram_init_data,
)
from sqlmodel import select

from krypton_app.domain.errors import ProfileError, TelegramAuthError, TelegramLinkError, UserBlocked
from krypton_app.models import User
from krypton_app.services.auth import read_session
from krypton_app.services.deposits import ensure_memo
from krypton_app.services.telegram_login import (
    has_history,
    link_telegram,
    login_with_telegram,
    unlink_telegram,
    verify_telegram_phone,
)
from krypton_app.services.user_blocks import block_user, unblock_user
from krypton_app.services.users import get_user, update_profile
from krypton_app.settings import Settings

SETTINGS = Settings(_env_file=None, KRYPTON_TELEGRAM_BOT_TOKEN=TELEGRAM_BOT_TOKEN)
OFF = Settings(_env_file=None)
TG = 5_000_000_001


def now() -> int:
    return int(time.time())


def login(uow, init_data=None, settings=SETTINGS):
    return login_with_telegram(uow, init_data or telegram_init_data(user_id=TG), settings=settings, now=now())


def link(uow, user_id, telegram_id=TG):
    return link_telegram(uow, user_id, telegram_init_data(user_id=telegram_id), settings=SETTINGS, now=now())


def share_phone(uow, user_id, *, telegram_id=TG, phone="79991234567"):
    contact = telegram_contact(user_id=telegram_id, phone=phone)
    return verify_telegram_phone(uow, user_id, contact, settings=SETTINGS, now=now())


def code(call, *args, **kwargs) -> str:
    with pytest.raises((TelegramLinkError, TelegramAuthError, ProfileError)) as caught:
        call(*args, **kwargs)
    return caught.value.code


def test_first_login_creates_a_wallet_less_user_named_from_telegram(uow):
    user = login(
        uow,
        telegram_init_data(
            user={"id": TG, "first_name": "Иван", "last_name": "Петров", "username": "ivan_p", "language_code": "ru"}
        ),
    )
    assert (user.wallet_address, user.friendly_address, user.short_address) == (None, "", "")
    assert (user.display_name, user.language, user.telegram_username) == ("Иван Петров", "ru", "ivan_p")
    assert user.telegram_linked and not user.is_operator and user.name == "Иван Петров"


def test_the_next_login_is_the_same_user_and_follows_a_new_username(uow):
    first = login(uow)
    again = login(uow, telegram_init_data(user={"id": TG, "first_name": "T", "username": "renamed"}))
    assert again.id == first.id and again.telegram_username == "renamed"
    with uow.read() as s:
        assert len(s.exec(select(User).where(User.telegram_id == TG)).all()) == 1


def test_an_unusable_username_is_not_kept(uow):
    user = login(uow, telegram_init_data(user={"id": TG, "first_name": "T", "username": "x" * 40}))
    assert user.telegram_username is None and user.name == "T"


def test_two_first_logins_at_once_make_one_user(uow):
    init_data = telegram_init_data(user_id=TG)
    ids = {view.id for view in race(*[lambda: login(uow, init_data)] * 4)}
    assert len(ids) == 1


def test_login_is_off_without_the_bot_token(uow):
    assert code(login, uow, settings=OFF) == "telegram_login_off"


def test_a_forged_or_stale_launch_logs_nobody_in(uow):
    forged = telegram_init_data("7000000009:AAFsomeOtherBotTokenValue_0123456789", user_id=TG)
    assert code(login, uow, forged) == "telegram_bad_hash"
    stale = telegram_init_data(user_id=TG, auth_date=now() - SETTINGS.telegram_max_age_s - 5)
    assert code(login, uow, stale) == "telegram_expired"
    assert code(login, uow, telegram_init_data(user={})) == "telegram_malformed"
    with uow.read() as s:
        assert s.exec(select(User)).all() == []


def test_launch_data_without_a_user_logs_nobody_in(uow):
    pairs = [(k, v) for k, v in parse_qsl(telegram_init_data()) if k not in ("user", "hash")]
    no_user = urlencode([*pairs, ("hash", telegram_hash(pairs, TELEGRAM_BOT_TOKEN))])
    assert code(login, uow, no_user) == "telegram_no_user"


def test_a_wallet_user_links_and_then_logs_in_either_way(uow):
    wallet_user = make_user(uow, display_name="Ann")
    linked = link(uow, wallet_user)
    assert linked.telegram_linked and linked.wallet_address is not None
    assert login(uow).id == wallet_user
    # Linking the same account again changes nothing.
    assert link(uow, wallet_user).id == wallet_user


def test_a_user_with_another_account_linked_must_unlink_first(uow):
    wallet_user = make_user(uow)
    link(uow, wallet_user)
    assert code(link, uow, wallet_user, telegram_id=TG + 1) == "telegram_already_linked"


def test_an_empty_telegram_only_user_gives_its_account_to_the_wallet_user(uow):
    empty = login(uow).id
    ensure_memo(uow, empty)  # opening the deposit page is not activity
    session = make_session(uow, empty)
    wallet_user = make_user(uow)
    assert link(uow, wallet_user).telegram_linked
    assert login(uow).id == wallet_user
    assert read_session(uow, session, max_age_s=3600) is None  # the empty user's sessions are gone
    assert get_user(uow, empty).telegram_linked is False


def test_the_phone_an_empty_user_verified_moves_with_the_account(uow):
    empty = login(uow).id
    share_phone(uow, empty, phone="79995550011")
    wallet_user = make_user(uow)
    linked = link(uow, wallet_user)
    assert (linked.phone, linked.phone_verified) == ("+79995550011", True)
    assert get_user(uow, empty).phone is None


def test_an_account_whose_user_has_money_or_history_is_not_taken(uow):
    used = login(uow).id
    deposit(uow, used, 10**9)
    wallet_user = make_user(uow)
    assert code(link, uow, wallet_user) == "telegram_linked_elsewhere"
    assert login(uow).id == used


def test_an_account_linked_to_another_wallet_user_is_not_taken(uow):
    first = make_user(uow)
    link(uow, first)
    assert code(link, uow, make_user(uow)) == "telegram_linked_elsewhere"


def test_history_is_any_row_that_names_the_user_beyond_the_passive_ones(uow):
    user = login(uow).id
    with uow.read() as s:
        assert has_history(s, user) is False
    deposit(uow, user, 1)
    with uow.read() as s:
        assert has_history(s, user) is True


def test_unlink_needs_a_wallet_to_remain(uow):
    telegram_only = login(uow).id
    assert code(unlink_telegram, uow, telegram_only) == "telegram_unlink_needs_wallet"
    wallet_user = make_user(uow)
    assert code(unlink_telegram, uow, wallet_user) == "telegram_not_linked"
    link(uow, wallet_user, telegram_id=TG + 7)
    assert unlink_telegram(uow, wallet_user).telegram_linked is False
    # The account is free again: its next Mini App login is a new user.
    assert login(uow, telegram_init_data(user_id=TG + 7)).id not in (wallet_user, telegram_only)


def test_a_shared_phone_becomes_the_verified_phone(uow):
    user = login(uow).id
    view = share_phone(uow, user, phone="79991234567")
    assert (view.phone, view.phone_verified) == ("+79991234567", True)
    # Typed into the profile again unchanged it stays verified; changed it is unproven.
    profile = {"display_name": "T", "username": None, "email": None, "language": "en"}
    kept = update_profile(uow, user, phone="+79991234567", **profile)
    assert kept.phone_verified
    changed = update_profile(uow, user, phone="+79990000000", **profile)
    assert (changed.phone, changed.phone_verified) == ("+79990000000", False)


def test_a_phone_needs_the_users_own_linked_account(uow):
    wallet_user = make_user(uow)
    assert code(share_phone, uow, wallet_user) == "telegram_not_linked"
    link(uow, wallet_user)
    assert code(share_phone, uow, wallet_user, telegram_id=TG + 1) == "telegram_contact_not_yours"


def test_a_forged_contact_sets_no_phone(uow):
    user = login(uow).id
    forged = telegram_contact("7000000009:AAFsomeOtherBotTokenValue_0123456789", user_id=TG)
    assert code(verify_telegram_phone, uow, user, forged, settings=SETTINGS, now=now()) == "telegram_bad_hash"
    assert get_user(uow, user).phone is None


def test_a_phone_verified_by_another_user_is_refused(uow):
    owner = login(uow).id
    share_phone(uow, owner, phone="79991234567")
    other = login(uow, telegram_init_data(user_id=TG + 1)).id
    assert code(share_phone, uow, other, telegram_id=TG + 1, phone="+7 999 123-45-67") == "phone_taken"


def test_a_phone_another_user_only_typed_goes_to_whoever_proves_it(uow):
    squatter = make_user(uow, phone="+79991234567")
    owner = login(uow).id
    assert share_phone(uow, owner).phone == "+79991234567"
    assert get_user(uow, squatter).phone is None


def test_a_blocked_user_cannot_log_in_through_telegram_until_unblocked(uow):
    user = login(uow)
    operator = make_user(uow, operator=True)
    block_user(uow, operator, user.id, reason="chargeback fraud")
    with pytest.raises(UserBlocked) as caught:
        login(uow)
    assert caught.value.code == "user_blocked"
    unblock_user(uow, operator, user.id)
    assert login(uow).id == user.id
