"""Build the Lightning node the settings ask for (KRYPTON_LIGHTNING=fake|lnd)."""

from __future__ import annotations

from krypton_app.lightning.base import LightningProvider
from krypton_app.lightning.fake_node import FakeLightningNode
from krypton_app.lightning.lnd import LndRestProvider
from krypton_app.settings import Settings


def build_lightning(settings: Settings) -> LightningProvider:
    if settings.lightning == "fake":
        # Always regtest invoices (lnbcrt...): no real wallet can mistake the fake node's for its network's.
        return FakeLightningNode(network="regtest")
    if not settings.lnd_url:
        raise ValueError("KRYPTON_LIGHTNING=lnd needs KRYPTON_LND_URL")
    macaroon = settings.lnd_macaroon
    if not macaroon and settings.lnd_macaroon_path:
        macaroon = settings.lnd_macaroon_path.read_bytes().hex()
    if not macaroon:
        raise ValueError("KRYPTON_LIGHTNING=lnd needs KRYPTON_LND_MACAROON or KRYPTON_LND_MACAROON_PATH")
    return LndRestProvider(settings.lnd_url, macaroon, cert=settings.lnd_cert)
