"""ChainGateway straight to TON liteservers (ADNL) with pytoniq's LiteBalancer.

The liteserver list comes from the TON global config shipped in the repo (chain/global-config.json), so
start-up downloads nothing. The balancer connects on first use. trust_level=2 trusts the servers'
answers without checking block proofs: the same trust as any HTTP API, at a fraction of the CPU.

A liteserver lists an account's transactions only backwards, from the newest one. To serve pages
oldest-first after a cursor, the gateway walks back from the head to the cursor (16 per request) and
keeps the walked chain, so the next pages and the next poll only fetch what is new.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from pytoniq import LiteBalancer
from pytoniq.liteclient.client import LiteClientError, RunGetMethodError
from pytoniq_core import Address, Slice
from pytoniq_core.tlb.transaction import Transaction

from krypton_app.chain.gateway import ChainError
from krypton_app.chain.parse import external_message_hash, parse_transaction
from krypton_app.chain.types import ChainTx, TxId

WALK_STEP = 16  # the most liteServer.getTransactions returns at once
# What a liteserver or the connection to it may throw; all mean "ask again, maybe elsewhere".
_NODE_ERRORS = (LiteClientError, asyncio.TimeoutError, ConnectionError, OSError)


def load_config(path: str | Path) -> dict:
    """The global config, checked for what LiteBalancer.from_config reads."""
    config = json.loads(Path(path).read_text())
    servers = config.get("liteservers")
    if not servers or not all({"ip", "port", "id"} <= set(s) for s in servers):
        raise ValueError(f"{path}: no usable liteservers")
    if "init_block" not in config.get("validator", {}):
        raise ValueError(f"{path}: no validator.init_block")
    return config


class PytoniqGateway:
    def __init__(
        self,
        config_path: str | Path,
        *,
        jetton_master: str | None = None,
        trust_level: int = 2,
        timeout_s: int = 10,
        max_attempts: int = 3,
        backoff_s: float = 1.0,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        balancer: LiteBalancer | None = None,
    ):
        """`balancer` replaces the one built from the config (tests). `jetton_master`: as for
        ToncenterGateway, lets the gateway recognise our jetton notifications."""
        self._config = load_config(config_path)  # a bad path fails at start, not at the first deposit
        self._trust_level = trust_level
        self._timeout_s = timeout_s
        self._balancer = balancer
        self._started = balancer is not None
        self._start_lock = asyncio.Lock()
        self._jetton_master = jetton_master
        self._jetton_wallets: dict[str, str] = {}
        self._walked: dict[str, list[ChainTx]] = {}  # per account: a linked chain of transactions, oldest first
        self._max_attempts = max_attempts
        self._backoff_s = backoff_s
        self._sleep = sleep

    @property
    def liteservers(self) -> int:
        return len(self._config["liteservers"])

    async def close(self) -> None:
        if self._started and self._balancer is not None:
            await self._balancer.close_all()
            self._started = False

    # --- ChainGateway ---------------------------------------------------------------------------

    async def masterchain_seqno(self) -> int:
        info = await self._call("get_masterchain_info")
        return int(info["last"]["seqno"])

    async def transactions_after(self, address: str, after: TxId | None, *, limit: int = 50) -> list[ChainTx]:
        account = Address(address).to_str(is_user_friendly=False)
        _, shard_account = await self._call("raw_get_account_state", account)
        if shard_account is None:
            return []  # the account does not exist yet
        head = TxId(shard_account.last_trans_lt, shard_account.last_trans_hash.hex())
        # Transactions newer than the block the state was read at may exist, but none older are missing:
        # so that block's seqno is a safe (late) estimate of when each walked transaction became final.
        read_at = self._balancer.last_mc_block.seqno if self._balancer.last_mc_block else None
        chain = self._walked_after(account, after)
        known = {tx.hash for tx in chain}
        cursor = TxId(after.lt if after else 0, after.hash if after else "")
        fresh: list[Transaction] = []
        lt, tx_hash = head.lt, head.hash
        while lt > cursor.lt and tx_hash not in known:
            batch, _ = await self._call("raw_get_transactions", account, WALK_STEP, lt, bytes.fromhex(tx_hash))
            for tx in batch:
                if tx.lt <= cursor.lt or tx.cell.hash.hex() in known:
                    lt = 0
                    break
                fresh.append(tx)
            else:
                if not batch:
                    break
                lt, tx_hash = batch[-1].prev_trans_lt, batch[-1].prev_trans_hash.hex()
        jetton_wallet = await self._jetton_wallet_of(account)
        for tx in reversed(fresh):
            parsed = parse_transaction(tx.cell.to_boc(), jetton_wallet=jetton_wallet)
            chain.append(dataclasses.replace(parsed, mc_seqno=read_at))
        self._walked[account] = chain
        return chain[: max(1, limit)]

    async def send_boc(self, boc: bytes) -> str:
        message_hash = external_message_hash(boc)
        await self._call("raw_send_message", boc)
        return message_hash

    async def get_seqno(self, address: str) -> int:
        account, _ = await self._call("raw_get_account_state", address)
        if account is None or account.storage.state.type_ != "account_active":
            return 0  # not deployed: the first message carries seqno 0 and the state init
        (seqno,) = await self._call("run_get_method", address, "seqno", [])
        return int(seqno)

    async def jetton_wallet_address(self, master: str, owner: str) -> str:
        owner_slice = Address(owner).to_cell().begin_parse()
        (result,) = await self._call("run_get_method", master, "get_wallet_address", [owner_slice])
        if not isinstance(result, Slice):
            result = result.begin_parse()
        return result.load_address().to_str(is_user_friendly=False)

    async def account_balance(self, address: str) -> int:
        account, _ = await self._call("raw_get_account_state", address)
        return 0 if account is None else int(account.storage.balance.grams)

    async def jetton_wallet_balance(self, jetton_wallet: str) -> int:
        account, _ = await self._call("raw_get_account_state", jetton_wallet)
        if account is None or account.storage.state.type_ != "account_active":
            return 0  # not deployed: no jetton ever arrived
        balance, *_ = await self._call("run_get_method", jetton_wallet, "get_wallet_data", [])
        return int(balance)

    # --- plumbing -------------------------------------------------------------------------------

    def _walked_after(self, account: str, after: TxId | None) -> list[ChainTx]:
        """The remembered chain trimmed to what follows `after`; empty when it does not join the cursor."""
        chain = self._walked.get(account, [])
        if after is None:
            return chain if chain and chain[0].prev_lt == 0 else []
        for i, tx in enumerate(chain):
            if tx.hash == after.hash:
                return chain[i + 1 :]
        return chain if chain and chain[0].prev_hash == after.hash else []

    async def _jetton_wallet_of(self, owner: str) -> str | None:
        if self._jetton_master is None:
            return None
        if owner not in self._jetton_wallets:
            self._jetton_wallets[owner] = await self.jetton_wallet_address(self._jetton_master, owner)
        return self._jetton_wallets[owner]

    async def _connect(self) -> LiteBalancer:
        async with self._start_lock:
            if not self._started:
                self._balancer = self._balancer or LiteBalancer.from_config(
                    self._config, trust_level=self._trust_level, timeout=self._timeout_s
                )
                await self._balancer.start_up()
                self._started = True
        return self._balancer

    async def _call(self, method: str, *args) -> Any:
        problem: BaseException | None = None
        for attempt in range(1, self._max_attempts + 1):
            try:
                balancer = await self._connect()
                return await getattr(balancer, method)(*args)
            except RunGetMethodError as error:  # the contract answered: asking again gives the same answer
                raise ChainError(f"liteserver {method}: {error}") from None
            except _NODE_ERRORS as error:
                problem = error
            if attempt < self._max_attempts:
                await self._sleep(self._backoff_s * 2 ** (attempt - 1))
        raise ChainError(f"liteserver {method}: {problem!r} after {self._max_attempts} attempts")
