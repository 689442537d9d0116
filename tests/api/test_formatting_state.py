"""Amounts, dates and counts as a tab shows them, in the reader's language: a list rounds and keeps every
digit for the tooltip, Russian gets its comma and plural forms, and a notification of every kind opens
the page it is about."""

from __future__ import annotations

import asyncio

import pytest
from builders import TON, deposit, make_invoice, make_user, open_deal, sell_ad
from reflex_tabs import Processor

from krypton_app import bootstrap, routes
from krypton_app.pages.invoice_detail.state import InvoiceDetailState
from krypton_app.pages.wallet.history import HistoryState
from krypton_app.pages.wallet.state import WalletState
from krypton_app.services import notifications
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.notifications import NotificationsState

NBSP = "\u00a0"
# 12 345.678912345 TON: grouped, and more digits than a list shows.
ODD = 12_345 * TON + 678_912_345


def sign_in(monkeypatch, user_id: int) -> None:
    async def signed_in(self):
        return user_id

    monkeypatch.setattr(AuthState, "_user_id", signed_in)


@pytest.mark.parametrize(
    ("lang", "shown", "full", "total"),
    [
        ("en", "12,345.6789", "12,345.678912345 TON", "1 movement"),
        ("ru", f"12{NBSP}345,6789", f"12{NBSP}345,678912345 TON", "1 движение"),
    ],
)
def test_the_wallet_and_history_round_for_the_list_and_keep_every_digit_for_hover(
    uow, monkeypatch, lang, shown, full, total
):
    user = make_user(uow)
    deposit(uow, user, ODD)

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.WALLET)
            await tab.send(WalletState.start_live)
            await tab.edit(I18n, lang=lang)
            await tab.send(WalletState.start_live)
            wallet = await tab.state(WalletState)
            ton = next(row for row in wallet.balances if row.asset == "TON")
            tab.go(routes.HISTORY)
            await tab.send(HistoryState.load)
            history = await tab.state(HistoryState)
            return ton, history.rows, history.total_text

    sign_in(monkeypatch, user)
    with bootstrap.override(uow=uow):
        ton, rows, total_text = asyncio.run(scenario())
    assert (ton.available, ton.available_full) == (shown, full)
    assert [(r.available, r.available_full) for r in rows] == [(f"+{shown}", f"+{full.removesuffix(' TON')}")]
    assert total_text == total


def test_every_notification_kind_opens_the_page_it_is_about(uow, monkeypatch):
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id)
    with uow.transaction() as s:
        # One of each kind the services send (opening the deal already sent the owner a deal_requested).
        for kind in notifications.KINDS:
            notifications.notify(s, owner, kind=kind, deal_id=deal.id, text_key="notify.chat_message", params={})
    listed = notifications.list_notifications(uow, owner, limit=50)
    assert {n.kind for n in listed} == set(notifications.KINDS)

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.WALLET)
            await tab.send(NotificationsState.opened, is_open=True)
            shown = (await tab.state(NotificationsState)).items
            await tab.send(NotificationsState.follow, notification_id=shown[0].id)
            # An id the tab was not shown (another user's, or made up) changes nothing.
            await tab.send(NotificationsState.follow, notification_id=10**9)
            return shown, [row.unread for row in (await tab.state(NotificationsState)).items]

    sign_in(monkeypatch, owner)
    with bootstrap.override(uow=uow):
        shown, unread_after = asyncio.run(scenario())
    assert {row.href for row in shown} == {routes.deal_detail(deal.id)}
    assert len(shown) == len(notifications.KINDS) + 1
    # The one followed is read; the others wait.
    assert all(row.unread for row in shown)
    assert unread_after == [False] + [True] * len(notifications.KINDS)


def test_a_deal_notification_shows_its_amount_in_the_readers_digits(uow, monkeypatch):
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id, amount="2.5")

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.WALLET)
            await tab.send(NotificationsState.opened, is_open=True)
            await tab.edit(I18n, lang="ru")
            await tab.send(NotificationsState.opened, is_open=True)
            return (await tab.state(NotificationsState)).items

    sign_in(monkeypatch, owner)
    with bootstrap.override(uow=uow):
        items = asyncio.run(scenario())
    assert [row.text for row in items] == [f"Новая сделка №{deal.id} по вашему объявлению: 2,5 TON"]


def test_the_invoice_page_reformats_its_dates_after_a_language_switch(uow, monkeypatch):
    """The merchant's invoice page is live: a switch to Russian wakes the tab's watcher, which re-writes
    its dates, though nothing about the invoice changed (its fingerprint alone would say "nothing new")."""
    merchant = make_user(uow)
    invoice = make_invoice(uow, merchant)
    monkeypatch.setattr("krypton_app.state.watchers.CHECK_IN_S", 0.05)  # notices the closed tab soon
    connected = [False]  # no websocket here: the watcher runs while this says so
    monkeypatch.setattr("krypton_app.state.watchers.tab_connected", lambda token: connected[0])
    sign_in(monkeypatch, merchant)

    async def created(tab) -> str:
        return (await tab.state(InvoiceDetailState)).invoice.created

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.invoice_detail(invoice.number))
            await tab.send(InvoiceDetailState.load)
            english = await created(tab)
            connected[0] = True
            watcher = await tab.start(InvoiceDetailState.watch)
            await tab.send(AuthState.choose_language, lang="ru")
            for _ in range(200):
                if await created(tab) != english:
                    break
                await asyncio.sleep(0.01)
            russian = await created(tab)
            connected[0] = False  # the watcher's next round sees the tab gone and ends
            await asyncio.wait_for(watcher, 5)
            return english, russian

    with bootstrap.override(uow=uow):
        english, russian = asyncio.run(scenario())
    assert english != russian
    assert russian.endswith("UTC") and any("а" <= c <= "я" for c in russian), russian
