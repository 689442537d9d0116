"""Crypto Pay checks (Krypton promises) and transfers (merchant -> the user with that Telegram id): money
moves once, from the merchant's balance, or not at all."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from builders import TON, assert_invariants, balances, deposit, make_user, race

from krypton_app.domain.promises import PromiseRefused
from krypton_app.services import cryptopay_money, promises
from krypton_app.services.compat_keys import authenticate_cryptopay, create_cryptopay_app
from krypton_app.services.cryptopay import CryptoPayRefused
from krypton_app.settings import Settings

SETTINGS = Settings(KRYPTON_APP_URL="https://krypton.example")
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def _app(uow, *, transfers=True, is_test=False, balance=10 * TON):
    merchant = make_user(uow, display_name="shop", telegram_id=_telegram_id())
    _view, token = create_cryptopay_app(
        uow, merchant, name="shop", settings=SETTINGS, transfers=transfers, is_test=is_test
    )
    if balance:
        deposit(uow, merchant, balance)
    return merchant, authenticate_cryptopay(uow, token, settings=SETTINGS, now=NOW)


def _telegram_id() -> int:
    return uuid.uuid4().int % 10**12 + 1


def _refusal(call) -> tuple[int, str]:
    with pytest.raises(CryptoPayRefused) as refused:
        call()
    return refused.value.status, refused.value.name


def test_a_check_is_a_promise_from_the_merchants_balance_redeemed_by_its_link(uow):
    merchant, app = _app(uow)
    check = cryptopay_money.create_check(uow, app, asset="TON", amount="2.5", settings=SETTINGS, now=NOW)
    assert check["status"] == "active" and check["amount"] == "2.5" and check["asset"] == "TON"
    assert balances(uow, merchant) == (int(7.5 * TON), 0)
    code = check["bot_check_url"].rsplit("/p/", 1)[1]
    [again] = cryptopay_money.get_checks(uow, app, settings=SETTINGS, check_ids=[check["check_id"]])
    assert again["bot_check_url"] == check["bot_check_url"]  # the sealed code gives the link again
    holder = make_user(uow)
    promises.redeem_promise(uow, holder, code, settings=SETTINGS, now=NOW)
    [activated] = cryptopay_money.get_checks(uow, app, settings=SETTINGS, status="activated")
    assert activated["check_id"] == check["check_id"] and activated["activated_at"].endswith("Z")
    assert balances(uow, holder) == (int(2.5 * TON), 0)
    assert _refusal(lambda: cryptopay_money.delete_check(uow, app, check["check_id"], settings=SETTINGS, now=NOW)) == (
        400,
        "CHECK_NOT_ACTIVE",
    )
    assert_invariants(uow)


def test_a_deleted_check_gives_the_money_back_and_is_gone(uow):
    merchant, app = _app(uow)
    check = cryptopay_money.create_check(uow, app, asset="TON", amount="1", settings=SETTINGS, now=NOW)
    assert cryptopay_money.delete_check(uow, app, check["check_id"], settings=SETTINGS, now=NOW) is True
    assert balances(uow, merchant) == (10 * TON, 0)
    assert cryptopay_money.get_checks(uow, app, settings=SETTINGS) == []
    _other_merchant, other = _app(uow)
    mine = cryptopay_money.create_check(uow, app, asset="TON", amount="1", settings=SETTINGS, now=NOW)
    assert cryptopay_money.get_checks(uow, other, settings=SETTINGS, check_ids=[mine["check_id"]]) == []


def test_a_check_pinned_to_a_telegram_user_is_theirs_alone(uow):
    _merchant, app = _app(uow)
    telegram_id = _telegram_id()
    pinned_user = make_user(uow, telegram_id=telegram_id)
    check = cryptopay_money.create_check(
        uow, app, asset="TON", amount="1", settings=SETTINGS, now=NOW, pin_to_user_id=telegram_id
    )
    code = check["bot_check_url"].rsplit("/p/", 1)[1]
    with pytest.raises(PromiseRefused) as refused:
        promises.redeem_promise(uow, make_user(uow), code, settings=SETTINGS, now=NOW)
    assert refused.value.code == "promise_pinned"
    promises.redeem_promise(uow, pinned_user, code, settings=SETTINGS, now=NOW)
    assert balances(uow, pinned_user) == (TON, 0)
    unknown = lambda: cryptopay_money.create_check(  # noqa: E731
        uow, app, asset="TON", amount="1", settings=SETTINGS, now=NOW, pin_to_user_id=_telegram_id()
    )
    assert _refusal(unknown) == (400, "USER_NOT_FOUND")


def test_checks_refuse_bad_assets_amounts_and_a_short_balance(uow):
    merchant, app = _app(uow, balance=TON)

    def check(asset, amount):
        return lambda: cryptopay_money.create_check(uow, app, asset=asset, amount=amount, settings=SETTINGS, now=NOW)

    assert _refusal(check("BTC", "1")) == (400, "ASSET_INVALID")
    assert _refusal(check("TON", "0")) == (400, "AMOUNT_INVALID")
    assert _refusal(check("TON", "x")) == (400, "AMOUNT_INVALID")
    assert _refusal(check("TON", "2")) == (400, "NOT_ENOUGH_COINS")
    assert balances(uow, merchant) == (TON, 0)


def test_a_transfer_moves_money_to_the_telegram_user_once_per_spend_id(uow):
    merchant, app = _app(uow)
    telegram_id = _telegram_id()
    user = make_user(uow, telegram_id=telegram_id)

    def send(spend_id="order-1", amount="1.5"):
        return cryptopay_money.transfer(
            uow, app, user_id=telegram_id, asset="TON", amount=amount, spend_id=spend_id, comment="thanks", now=NOW
        )

    first = send()
    assert (first["user_id"], first["amount"], first["status"], first["comment"]) == (
        telegram_id,
        "1.5",
        "completed",
        "thanks",
    )
    assert send() == first  # a repeat returns the first transfer and moves nothing
    assert balances(uow, user) == (int(1.5 * TON), 0) and balances(uow, merchant) == (int(8.5 * TON), 0)
    assert cryptopay_money.get_transfers(uow, app, spend_id="order-1") == [first]
    assert [t["transfer_id"] for t in cryptopay_money.get_transfers(uow, app, transfer_ids=[first["transfer_id"]])] == [
        first["transfer_id"]
    ]
    assert _refusal(lambda: send("order-2", "100")) == (400, "NOT_ENOUGH_COINS")
    assert balances(uow, merchant) == (int(8.5 * TON), 0)
    assert cryptopay_money.get_transfers(uow, app, spend_id="order-2") == []
    assert_invariants(uow)


def test_a_transfer_needs_the_app_enabled_a_known_user_and_a_live_app(uow):
    _merchant, closed = _app(uow, transfers=False)
    telegram_id = _telegram_id()
    make_user(uow, telegram_id=telegram_id)

    def send(app, user_id=telegram_id, spend_id="s-1"):
        return lambda: cryptopay_money.transfer(
            uow, app, user_id=user_id, asset="TON", amount="1", spend_id=spend_id, now=NOW
        )

    assert _refusal(send(closed)) == (403, "METHOD_DISABLED")
    _sandbox_merchant, sandbox = _app(uow, is_test=True)
    assert _refusal(send(sandbox)) == (403, "METHOD_DISABLED")
    _open_merchant, app = _app(uow)
    assert _refusal(send(app, user_id=_telegram_id())) == (400, "USER_NOT_FOUND")
    assert _refusal(send(app, spend_id="")) == (400, "SPEND_ID_INVALID")
    assert _refusal(send(app, spend_id="s" * 65)) == (400, "SPEND_ID_INVALID")


def test_two_racing_transfers_with_one_spend_id_move_money_once(pg_uow):
    merchant, app = _app(pg_uow)
    telegram_id = _telegram_id()
    user = make_user(pg_uow, telegram_id=telegram_id)

    def send():
        return cryptopay_money.transfer(
            pg_uow, app, user_id=telegram_id, asset="TON", amount="3", spend_id="race", now=NOW
        )

    results = race(send, send, send)
    assert all(isinstance(result, dict) for result in results), results
    assert len({result["transfer_id"] for result in results}) == 1
    assert balances(pg_uow, user) == (3 * TON, 0) and balances(pg_uow, merchant) == (7 * TON, 0)
    assert_invariants(pg_uow)
