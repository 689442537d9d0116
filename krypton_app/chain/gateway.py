"""What the services need from a TON node. Implementations: FakeChain, ToncenterGateway, PytoniqGateway.

`Faucet` is an optional capability beside it: services ask a gateway whether it has one
(`isinstance(gateway, Faucet)`, checked structurally), never which class it is.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

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

    async def account_balance(self, address: str) -> int:
        """The account's TON balance in nanotons (0 for an account that does not exist)."""

    async def jetton_wallet_balance(self, jetton_wallet: str) -> int:
        """The jettons a jetton wallet holds, in the jetton's minor units (get_wallet_data; 0 undeployed)."""


@runtime_checkable
class Faucet(Protocol):
    """A gateway that can make money arrive from outside on demand: only FakeChain has this. The demo
    faucet sends its deposits through it, so they reach the hot wallet as real chain transactions."""

    def deposit(self, to: str, amount: int, *, comment: str | None = None) -> ChainTx:
        """`amount` nanotons from someone outside to `to`, with a text comment; `to`'s transaction."""

    def jetton_deposit(self, owner: str, jetton_amount: int, *, comment: str | None = None) -> ChainTx:
        """USDT (minor units) for `owner` with a comment, as its jetton wallet notifies; `owner`'s transaction."""
