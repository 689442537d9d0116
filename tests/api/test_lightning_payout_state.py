"""A Lightning payout as a browser tab drives it, on a deployment whose node pays payouts: the withdraw
form hands it to the node (the toast says so), the wallet's recent list shows it sending, then paid
with its preimage once the payout worker's round ran (the texts of those keys: tests/unit/test_i18n.py)."""

from __future__ import annotations

import asyncio

import pytest
from builders import USDT, deposit, make_user
from reflex_tabs import Processor

from krypton_app import bootstrap, routes
from krypton_app.lightning.fake_node import FakeLightningNode
from krypton_app.pages.wallet.state import WalletState
from krypton_app.pages.wallet.withdraw_state import WithdrawState, _requested_key
from krypton_app.payouts.lightning_node import LIGHTNING_NODE
from krypton_app.payouts.operator_queue import OPERATOR_QUEUE
from krypton_app.services.lightning_payouts import send_lightning_payouts
from krypton_app.settings import get_settings
from krypton_app.state.auth import AuthState
from krypton_app.state.live import LiveState


@pytest.fixture
def user(uow, monkeypatch):
    user_id = make_user(uow)

    async def signed_in(self):
        return user_id

    monkeypatch.setattr(AuthState, "_user_id", signed_in)
    return user_id


def test_a_node_paid_lightning_payout_from_the_form_to_paid_with_its_preimage(uow, user):
    deposit(uow, user, 20 * USDT, "USDT")
    node = FakeLightningNode(network="regtest")
    invoice = node.create_invoice(1_500_500, "coffee", 600)
    regtest = get_settings().model_copy(update={"bitcoin_network": "regtest"})

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.WALLET)
            await tab.send(LiveState.start_live)
            await tab.send(WalletState.load)
            await tab.send(WithdrawState.choose_method, method="lightning")
            await tab.send(WithdrawState.review, form_data={"asset": "USDT", "invoice": invoice.bolt11})
            assert (await tab.state(WithdrawState)).field_errors == {}
            await tab.send(WithdrawState.confirm)
            (row,) = (await tab.state(WalletState)).recent
            assert (row.status_key, row.note_key, row.can_cancel) == ("status.sending", "recent.note.sending", False)

            assert send_lightning_payouts(uow, node) == 1
            await tab.send(WalletState.load)
            (row,) = (await tab.state(WalletState)).recent
            assert (row.status_key, row.reference_key, row.note_key) == ("status.paid", "recent.preimage", "")
            preimage = node.raw(invoice.payment_hash).preimage
            assert row.reference and preimage.startswith(row.reference.split("…")[0])

    with bootstrap.override(uow=uow, settings=regtest, lightning=node, lightning_payouts=LIGHTNING_NODE):
        assert _requested_key("lightning") == "withdraw.requested.lightning_node"
        assert _requested_key("bitcoin") == "withdraw.requested.bitcoin"
        asyncio.run(scenario())
    with bootstrap.override(lightning_payouts=OPERATOR_QUEUE):
        assert _requested_key("lightning") == "withdraw.requested.lightning"
