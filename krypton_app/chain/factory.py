"""Pick the chain gateway the settings ask for (KRYPTON_CHAIN=fake|toncenter|liteserver)."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy.engine import make_url

from krypton_app.chain.fake import FakeChain
from krypton_app.chain.gateway import ChainGateway
from krypton_app.chain.liteserver import PytoniqGateway
from krypton_app.chain.toncenter import ToncenterGateway
from krypton_app.settings import ROOT

FAKE_CHAIN_FILE = "krypton.fakechain.json"
# A block every few seconds, as on mainnet, so deposits gather confirmations in a local run.
FAKE_BLOCK_INTERVAL_S = 3.0

_fake: FakeChain | None = None
_fake_lock = threading.Lock()


def build_gateway(settings) -> ChainGateway:
    if settings.chain == "fake":
        return fake_chain(settings)
    if settings.chain == "toncenter":
        return ToncenterGateway(
            settings.toncenter_url,
            settings.toncenter_api_key,
            rps=settings.toncenter_rps,
            jetton_master=settings.usdt_master,
        )
    if settings.chain == "liteserver":
        return PytoniqGateway(settings.liteserver_config, jetton_master=settings.usdt_master)
    raise ValueError(f"unknown chain: {settings.chain!r}")


def fake_chain(settings) -> FakeChain:
    """The one FakeChain of this process, kept in a file beside the SQLite database so a local run keeps
    its chain (and the monitor's cursor stays valid) across restarts."""
    global _fake
    with _fake_lock:
        if _fake is None:
            _fake = FakeChain(
                usdt_master=settings.usdt_master,
                block_interval_s=FAKE_BLOCK_INTERVAL_S,
                store_path=fake_chain_path(settings),
            )
        return _fake


def fake_chain_path(settings) -> Path:
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).resolve().parent / FAKE_CHAIN_FILE
    return ROOT / FAKE_CHAIN_FILE
