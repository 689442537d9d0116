"""Deposit instructions (address, memo, links, QR) and the demo faucet that sends real chain deposits."""

import asyncio
import base64
from functools import partial
from urllib.parse import parse_qs, urlsplit

import pytest
from builders import make_users, race
from sqlalchemy import select

from krypton_app.chain.fake import FakeChain
from krypton_app.chain.hot_wallet import hot_wallet_from_settings
from krypton_app.domain.errors import Forbidden, InvalidAmount
from krypton_app.domain.ton_address import parse_ton_address
from krypton_app.models import AppliedChainTransaction, DepositMemo
from krypton_app.services import deposits, ledger_reads
from krypton_app.services.chain_sync import ChainMonitor
from krypton_app.settings import get_settings

NOW = 1_800_000_000
TON = 10**9
USDT = 10**6


@pytest.fixture
def settings():
    return get_settings().model_copy(update={"confirmations": 1, "chain": "fake", "env": "development"})


@pytest.fixture
def hot_wallet(settings):
    return hot_wallet_from_settings(settings)


@pytest.fixture
def chain():
    return FakeChain(now=NOW)


def test_deposit_info_gives_address_memo_links_and_qr_codes(uow, settings, hot_wallet):
    (user,) = make_users(uow, 1)
    info = deposits.deposit_info(uow, user, hot_wallet=hot_wallet, settings=settings)
    assert info.address == hot_wallet.friendly
    assert parse_ton_address(info.address).raw == hot_wallet.address
    assert len(info.memo) == deposits.MEMO_LENGTH
    assert set(info.memo) <= set(deposits.MEMO_ALPHABET) and not set(info.memo) & set("0O1I")
    assert info.ton_link == f"ton://transfer/{hot_wallet.friendly}?text={info.memo}"
    link = urlsplit(info.usdt_link)
    assert f"{link.scheme}://{link.netloc}{link.path}" == f"ton://transfer/{hot_wallet.friendly}"
    query = parse_qs(link.query)
    assert query["text"] == [info.memo]
    assert parse_ton_address(query["jetton"][0]).raw == settings.usdt_master
    for qr in (info.ton_qr_svg, info.usdt_qr_svg):
        prefix, _, payload = qr.partition(",")
        assert prefix == "data:image/svg+xml;base64"
        assert base64.b64decode(payload).lstrip().startswith(b"<svg")
    assert info.ton_qr_svg != info.usdt_qr_svg
    # The memo is made once and kept.
    assert deposits.deposit_info(uow, user, hot_wallet=hot_wallet, settings=settings).memo == info.memo


def test_every_user_gets_an_own_memo_even_when_a_random_one_collides(uow, monkeypatch):
    first, second = make_users(uow, 2)
    taken = deposits.ensure_memo(uow, first)
    picks = iter([taken, taken, "ABCDEFGH"])
    monkeypatch.setattr(deposits, "new_memo", lambda: next(picks))
    assert deposits.ensure_memo(uow, second) == "ABCDEFGH"
    with uow.read() as s:
        assert dict(s.execute(select(DepositMemo.user_id, DepositMemo.memo)).all()) == {
            first: taken,
            second: "ABCDEFGH",
        }


@pytest.mark.parametrize(
    ("comment", "expected"),
    [("abcd2345", "ABCD2345"), ("  AbCd2345\n", "ABCD2345"), ("   ", None), (None, None)],
)
def test_comments_are_normalised_like_memos(comment, expected):
    assert deposits.normalise_memo(comment) == expected


def test_the_demo_faucet_sends_real_deposits_that_the_monitor_credits(uow, chain, settings, hot_wallet):
    (user,) = make_users(uow, 1)
    monitor = ChainMonitor(uow, chain, settings=settings, hot_wallet=hot_wallet)
    ton_hash = asyncio.run(
        deposits.demo_faucet(uow, chain, user, hot_wallet=hot_wallet, asset="TON", amount=5 * TON, settings=settings)
    )
    usdt_hash = asyncio.run(
        deposits.demo_faucet(uow, chain, user, hot_wallet=hot_wallet, asset="USDT", amount=7 * USDT, settings=settings)
    )
    chain.advance(1)
    assert asyncio.run(monitor.run_once()) == 2
    balances = {b.asset: b.available for b in ledger_reads.list_balances(uow, user)}
    assert balances == {"TON": 5 * TON, "USDT": 7 * USDT}
    with uow.read() as s:
        applied = dict(s.execute(select(AppliedChainTransaction.hash, AppliedChainTransaction.outcome)).all())
    assert applied == {ton_hash: "deposit", usdt_hash: "deposit"}


@pytest.mark.parametrize(
    "change",
    [{"demo_faucet": False}, {"env": "production"}, {"chain": "toncenter"}],
    ids=["switched_off", "production", "real_chain"],
)
def test_the_demo_faucet_is_refused_unless_enabled_on_the_fake_chain(uow, chain, settings, hot_wallet, change):
    (user,) = make_users(uow, 1)
    with pytest.raises(Forbidden):
        asyncio.run(
            deposits.demo_faucet(
                uow,
                chain,
                user,
                hot_wallet=hot_wallet,
                asset="TON",
                amount=TON,
                settings=settings.model_copy(update=change),
            )
        )


def test_the_demo_faucet_needs_the_fake_chain_as_gateway(uow, settings, hot_wallet):
    (user,) = make_users(uow, 1)

    class RealNode:  # any other gateway
        pass

    with pytest.raises(Forbidden):
        asyncio.run(
            deposits.demo_faucet(
                uow, RealNode(), user, hot_wallet=hot_wallet, asset="TON", amount=TON, settings=settings
            )
        )


@pytest.mark.parametrize(
    ("asset", "amount"), [("TON", 0), ("TON", -1), ("TON", 1001 * TON), ("USDT", 1001 * USDT), ("BTC", 1)]
)
def test_the_demo_faucet_refuses_odd_amounts(uow, chain, settings, hot_wallet, asset, amount):
    (user,) = make_users(uow, 1)
    with pytest.raises(InvalidAmount):
        asyncio.run(
            deposits.demo_faucet(uow, chain, user, hot_wallet=hot_wallet, asset=asset, amount=amount, settings=settings)
        )


def test_racing_first_calls_make_one_memo(pg_uow):
    (user,) = make_users(pg_uow, 1)
    memos = set(race(*[partial(deposits.ensure_memo, pg_uow, user) for _ in range(20)]))
    assert len(memos) == 1
