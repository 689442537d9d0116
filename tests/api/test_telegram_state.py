"""The profile's Telegram handlers and the Mini App's page state as a browser tab drives them: whatever text the
browser passes as initData or as a shared contact, only Telegram's signed data links an account or verifies a
phone, and only for the signed-in user; the bot token never reaches the tab."""

from __future__ import annotations

import asyncio

import pytest
from builders import TELEGRAM_BOT_TOKEN, make_user, telegram_contact, telegram_init_data
from reflex_tabs import Processor

from krypton_app import bootstrap, routes
from krypton_app.pages.profile.state import ProfileState
from krypton_app.services.users import get_user
from krypton_app.settings import Settings
from krypton_app.state.auth import AuthState
from krypton_app.state.telegram import MiniAppState

ON = Settings(_env_file=None, KRYPTON_TELEGRAM_BOT_TOKEN=TELEGRAM_BOT_TOKEN)
TG = 5_000_000_123


@pytest.fixture
def signed_in_as(uow, monkeypatch):
    who = {}

    async def user_id(self):
        return who.get("id")

    monkeypatch.setattr(AuthState, "_user_id", user_id)
    with bootstrap.override(uow=uow, settings=ON):
        yield lambda user: who.update(id=user)


def run(steps, path=routes.PROFILE):
    async def scenario():
        async with Processor() as p:
            tab = p.tab(path)
            result = await steps(tab)
            return result, tab.received_text(), await tab.client_state()

    return asyncio.run(scenario())


def test_only_telegrams_signed_launch_links_and_only_its_own_contact_verifies(uow, signed_in_as):
    alice = make_user(uow)
    signed_in_as(alice)

    async def steps(tab):
        seen = []
        await tab.send(ProfileState.load)
        for init_data in ("user=%7B%22id%22%3A1%7D&auth_date=1&hash=" + "0" * 64, ["not", "text"], None):
            await tab.send(ProfileState.link_telegram_with, init_data=init_data)
            seen.append((await tab.state(ProfileState)).telegram_error)
        await tab.send(ProfileState.link_telegram_with, init_data=telegram_init_data(user_id=TG))
        linked = await tab.state(ProfileState)
        seen.append((linked.telegram_linked, linked.telegram_username, linked.telegram_error))
        await tab.send(ProfileState.share_phone_with, response="")
        seen.append((await tab.state(ProfileState)).telegram_error)
        await tab.send(ProfileState.share_phone_with, response=telegram_contact(user_id=TG + 1))
        seen.append((await tab.state(ProfileState)).telegram_error)
        await tab.send(ProfileState.share_phone_with, response=telegram_contact(user_id=TG, phone="79990001111"))
        phone = await tab.state(ProfileState)
        seen.append((phone.phone_verified, phone.form.phone, phone.telegram_error))
        await tab.send(ProfileState.unlink_telegram)
        seen.append((await tab.state(ProfileState)).telegram_linked)
        return seen

    seen, sent, client = run(steps)
    assert seen[:3] == ["error.telegram_bad_hash", "error.telegram_malformed", "error.telegram_malformed"]
    assert seen[3] == (True, f"tess{TG % 1000}", "")
    assert seen[4] == "profile.telegram.phone_cancelled"
    assert seen[5] == "error.telegram_contact_not_yours"
    assert seen[6] == (True, "+79990001111", "")
    assert seen[7] is False
    assert TELEGRAM_BOT_TOKEN not in sent and TELEGRAM_BOT_TOKEN not in str(client)
    assert get_user(uow, alice).phone_verified


def test_without_a_session_nothing_is_linked(uow, signed_in_as):
    alice = make_user(uow)

    async def steps(tab):
        await tab.send(ProfileState.link_telegram_with, init_data=telegram_init_data(user_id=TG))

    run(steps)
    assert get_user(uow, alice).telegram_linked is False


def test_the_page_scripts_answer_only_picks_the_message(uow, signed_in_as):
    async def steps(tab):
        seen = []
        for answer in ("inside", "telegram_expired", "no_such_code", "", 42, "ok"):
            await tab.send(MiniAppState.launched, answer=answer)
            state = await tab.state(MiniAppState)
            seen.append((state.in_telegram, state.telegram_busy, state.telegram_error_key))
        return seen

    seen, _, _ = run(steps, routes.LANDING)
    # The tests' app has no bot token: inside Telegram, a visitor is told the login is off.
    assert seen == [
        (True, False, "tg.login_off"),
        (True, False, "error.telegram_expired"),
        (True, False, "error.unexpected"),
        (False, False, ""),
        (False, False, ""),
        (True, True, ""),
    ]
