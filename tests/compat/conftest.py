"""The compatibility APIs driven by the SDKs merchants use (aiocryptopay, heleket-sdk), which speak HTTP
over their own clients (aiohttp, requests): the API is served for real, on a loopback port, by granian's
embedded server in a thread, with the test's database from the composition root (`bootstrap.override`)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from granian.server.embed import Server

from krypton_app import bootstrap
from krypton_app.api.app import build_api


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def uow(uow):
    with bootstrap.override(uow=uow):
        yield uow


@pytest.fixture
def pg_uow(pg_uow):
    with bootstrap.override(uow=pg_uow):
        yield pg_uow


@pytest.fixture
def compat_server(uow) -> Iterator[str]:
    """The base URL (http://127.0.0.1:<port>) of the app's API routes, served over real HTTP."""
    port = _free_port()
    server = Server(build_api(), address="127.0.0.1", port=port, interface="asgi", log_enabled=False)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=lambda: loop.run_until_complete(server.serve()), daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            httpx.get(f"{base}/tonconnect-manifest.json", timeout=1)
            break
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    yield base
    loop.call_soon_threadsafe(server.stop)
    thread.join(10)
