"""What the services need from a TON node. Implementations: FakeChain, ToncenterGateway, PytoniqGateway."""

from __future__ import annotations

from typing import Protocol

from krypton_app.chain.types import ChainTx, TxId


class ChainError(Exception):
    """The node could not answer (network, rate limit after retries, bad response)."""


class ChainGateway(Protocol):
    async def masterchain_seqno(self) -> int:
        """The latest final masterchain block: confirmations count from it."""

    async def transactions_after(self, address: str, after: TxId | None, *, limit: int = 50) -> list[ChainTx]:
        """Transactions of `address` newer than `after`, oldest first, at most `limit` (a page)."""

    async def send_boc(self, boc: bytes) -> str:
        """Send a signed external message; returns its normalised hash (hex)."""

    async def get_seqno(self, address: str) -> int:
        """The wallet's current seqno (0 for an undeployed wallet)."""

    async def jetton_wallet_address(self, master: str, owner: str) -> str:
        """Raw address of `owner`'s jetton wallet for the jetton `master` (get_wallet_address)."""
