"""The composition root: every adapter the app runs on is built here, once per process.

Pages, states, API routes and workers take what they need from `app_deps()` (the unit of work, the
settings, the rate provider, the chain gateway and hot wallet, the payout provider, the Lightning node,
the email sender); services never build adapters themselves, they are handed them. Tests swap any part with `override`.

Everything is built lazily on first use, so importing the app (as Reflex's compiler does) opens no
database connection and reads no chain.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from krypton_app.chain.factory import build_gateway
from krypton_app.chain.gateway import ChainGateway
from krypton_app.chain.hot_wallet import HotWallet, hot_wallet_from_settings
from krypton_app.db import UnitOfWork, make_engine
from krypton_app.lightning.base import LightningProvider
from krypton_app.lightning.factory import build_lightning
from krypton_app.mail import EmailSender, email_sender
from krypton_app.payouts.base import PayoutProvider
from krypton_app.payouts.lightning_node import lightning_payout_provider
from krypton_app.payouts.operator_queue import OperatorQueueProvider
from krypton_app.services.rates import RateProvider, rate_provider_from_settings
from krypton_app.settings import Settings, get_settings


@dataclass(frozen=True)
class AppDeps:
    settings: Settings
    uow: UnitOfWork
    rates: RateProvider
    gateway: ChainGateway
    hot_wallet: HotWallet
    payouts: PayoutProvider  # Bitcoin payouts (and Lightning ones when there is no node)
    lightning_payouts: PayoutProvider
    lightning: LightningProvider
    # None in production without SMTP: the app says it cannot send email rather than pretending to.
    mailer: EmailSender | None


def build(settings: Settings) -> AppDeps:
    return AppDeps(
        settings=settings,
        uow=UnitOfWork(make_engine(settings.database_url)),
        rates=rate_provider_from_settings(settings),
        gateway=build_gateway(settings),
        hot_wallet=hot_wallet_from_settings(settings),
        payouts=OperatorQueueProvider(),
        lightning_payouts=lightning_payout_provider(settings.lightning_node_payouts),
        lightning=build_lightning(settings),
        mailer=email_sender(settings),
    )


_current: AppDeps | None = None
_lock = threading.Lock()


def app_deps() -> AppDeps:
    """The process's adapters, built on the first call."""
    global _current
    if _current is None:
        with _lock:
            if _current is None:
                _current = build(get_settings())
    return _current


@contextmanager
def override(**parts) -> Iterator[AppDeps]:
    """Tests: run with some parts replaced (`override(uow=uow, rates=...)`), restored afterwards."""
    global _current
    saved = app_deps()
    _current = dataclasses.replace(saved, **parts)
    try:
        yield _current
    finally:
        _current = saved
