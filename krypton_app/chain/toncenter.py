"""ChainGateway over toncenter's HTTP APIs.

Which endpoint does what, and why:
- `GET /api/v3/transactions?account=&start_lt=&sort=asc&limit=` lists an account's transactions oldest
  first from a cursor, with `mc_block_seqno` (the masterchain block that made each final). Its JSON has no
  transaction BOC, so it serves as the ordered index.
- `GET /api/v2/getTransactions?address=&lt=&hash=&to_lt=&limit=` walks the same account back from the
  newest listed transaction to the cursor and returns each one's BOC (`data`), which `parse_transaction`
  reads: the same parser as for FakeChain and liteservers, no trust in toncenter's decoded fields.
- `GET /api/v3/masterchainInfo`, `POST /api/v2/sendBocReturnHash`, `POST /api/v2/runGetMethod` (seqno,
  get_wallet_address, and get_wallet_data for a jetton wallet's balance), `GET /api/v2/getAddressBalance`.

Requests are spaced to `rps` (toncenter's limit per key) and retried with exponential backoff and jitter
on 429, 5xx and network errors; after `max_attempts` the caller gets ChainError.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from pytoniq_core import Address, Cell

from krypton_app.chain.gateway import ChainError
from krypton_app.chain.parse import external_message_hash, parse_transaction
from krypton_app.chain.types import ChainTx, TxId

# getTransactions returns at most 100; the margin lets it reach back past transactions the index lacks.
MAX_PAGE = 90
_WALK_MARGIN = 10


class ToncenterGateway:
    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        rps: float = 1.0,
        client: httpx.AsyncClient | None = None,
        jetton_master: str | None = None,
        max_attempts: int = 5,
        backoff_s: float = 0.5,
        timeout_s: float = 10.0,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        """`jetton_master` (our USDT master): when given, jetton notifications are recognised in the
        transactions of any account whose jetton wallet is asked for once and remembered."""
        self._base_url = base_url.rstrip("/")
        self._headers = {"X-API-Key": api_key} if api_key else {}
        self._client = client or httpx.AsyncClient(timeout=timeout_s)
        self._owns_client = client is None
        self._interval = 1.0 / rps if rps > 0 else 0.0
        self._next_slot = 0.0
        self._jetton_master = jetton_master
        self._jetton_wallets: dict[str, str] = {}
        self._max_attempts = max_attempts
        self._backoff_s = backoff_s
        self._sleep = sleep
        self._clock = clock

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    # --- ChainGateway ---------------------------------------------------------------------------

    async def masterchain_seqno(self) -> int:
        info = await self._request("GET", "/api/v3/masterchainInfo")
        return int(_field(info, "last", "seqno"))

    async def transactions_after(self, address: str, after: TxId | None, *, limit: int = 50) -> list[ChainTx]:
        account = _raw(address)
        limit = max(1, min(limit, MAX_PAGE))
        after_lt = after.lt if after else 0
        params: dict[str, Any] = {"account": account, "sort": "asc", "limit": limit + 1, "offset": 0}
        if after:
            params["start_lt"] = after_lt  # inclusive or not, the cursor's own transaction is dropped below
        listed = _field(await self._request("GET", "/api/v3/transactions", params=params), "transactions")
        listed = [t for t in listed if int(t["lt"]) > after_lt][:limit]
        if not listed:
            return []
        newest = listed[-1]
        walked = await self._v2(
            "GET",
            "/api/v2/getTransactions",
            params={
                "address": account,
                "lt": newest["lt"],
                "hash": _hex(newest["hash"]),
                "to_lt": after_lt,
                "limit": len(listed) + _WALK_MARGIN,
                "archival": "true",
            },
        )
        bocs = {_hex(_field(t, "transaction_id", "hash")): t["data"] for t in walked}
        jetton_wallet = await self._jetton_wallet_of(account)
        page = []
        for item in listed:
            tx_hash = _hex(item["hash"])
            if tx_hash not in bocs:
                break  # the node is behind the index: the rest comes with the next page
            tx = parse_transaction(base64.b64decode(bocs[tx_hash]), jetton_wallet=jetton_wallet)
            if tx.hash != tx_hash:
                raise ChainError(f"toncenter: transaction {tx_hash} came with the BOC of {tx.hash}")
            page.append(dataclasses.replace(tx, mc_seqno=item.get("mc_block_seqno")))
        return page

    async def send_boc(self, boc: bytes) -> str:
        message_hash = external_message_hash(boc)
        # Sending the same message again is harmless: the wallet's seqno lets only one copy run.
        await self._v2("POST", "/api/v2/sendBocReturnHash", json={"boc": base64.b64encode(boc).decode()})
        return message_hash

    async def get_seqno(self, address: str) -> int:
        result = await self._v2(
            "POST", "/api/v2/runGetMethod", json={"address": _raw(address), "method": "seqno", "stack": []}
        )
        if result.get("exit_code") != 0:
            return 0  # an undeployed wallet cannot run its get-methods; its first message carries seqno 0
        return _number(_stack(result)[0])

    async def jetton_wallet_address(self, master: str, owner: str) -> str:
        owner_cell = Address(owner).to_cell().to_boc()
        result = await self._v2(
            "POST",
            "/api/v2/runGetMethod",
            json={
                "address": _raw(master),
                "method": "get_wallet_address",
                "stack": [["tvm.Slice", base64.b64encode(owner_cell).decode()]],
            },
        )
        if result.get("exit_code") != 0:
            raise ChainError(f"toncenter: get_wallet_address failed with exit code {result.get('exit_code')}")
        kind, value = _stack(result)[0]
        if kind not in ("cell", "slice") or not isinstance(value, dict) or "bytes" not in value:
            raise ChainError(f"toncenter: get_wallet_address returned {kind}")
        address = Cell.one_from_boc(base64.b64decode(value["bytes"])).begin_parse().load_address()
        return _raw(address)

    async def account_balance(self, address: str) -> int:
        return int(await self._v2("GET", "/api/v2/getAddressBalance", params={"address": _raw(address)}))

    async def jetton_wallet_balance(self, jetton_wallet: str) -> int:
        result = await self._v2(
            "POST",
            "/api/v2/runGetMethod",
            json={"address": _raw(jetton_wallet), "method": "get_wallet_data", "stack": []},
        )
        if result.get("exit_code") != 0:
            return 0  # not deployed: no jetton ever arrived
        return _number(_stack(result)[0])

    # --- HTTP -----------------------------------------------------------------------------------

    async def _jetton_wallet_of(self, owner: str) -> str | None:
        if self._jetton_master is None:
            return None
        if owner not in self._jetton_wallets:
            self._jetton_wallets[owner] = await self.jetton_wallet_address(self._jetton_master, owner)
        return self._jetton_wallets[owner]

    async def _v2(self, method: str, path: str, **kwargs) -> Any:
        body = await self._request(method, path, **kwargs)
        if not isinstance(body, dict) or body.get("ok") is not True:
            raise ChainError(f"toncenter {path}: {_error_text(body)}")
        return body["result"]

    async def _request(self, method: str, path: str, **kwargs) -> Any:
        problem = ""
        for attempt in range(1, self._max_attempts + 1):
            await self._wait_for_slot()
            retry_after = 0.0
            try:
                response = await self._client.request(method, self._base_url + path, headers=self._headers, **kwargs)
            except httpx.TransportError as error:  # timeouts, refused connections, broken reads
                problem = type(error).__name__
            else:
                if response.status_code == 429 or response.status_code >= 500:
                    problem = f"HTTP {response.status_code}"
                    retry_after = _retry_after(response)
                elif response.status_code >= 400:
                    raise ChainError(f"toncenter {path}: HTTP {response.status_code}: {_error_text(response)}")
                else:
                    try:
                        return response.json()
                    except ValueError:
                        raise ChainError(f"toncenter {path}: response is not JSON") from None
            if attempt < self._max_attempts:
                delay = self._backoff_s * 2 ** (attempt - 1)
                # Jitter spreads the retries of several workers that failed together.
                await self._sleep(max(retry_after, delay + random.uniform(0, delay)))
        raise ChainError(f"toncenter {path}: {problem} after {self._max_attempts} attempts")

    async def _wait_for_slot(self) -> None:
        # Reserve the next free slot before waiting: no await between reading and moving it.
        now = self._clock()
        slot = max(now, self._next_slot)
        self._next_slot = slot + self._interval
        if slot > now:
            await self._sleep(slot - now)


def _raw(address: str | Address) -> str:
    return Address(address).to_str(is_user_friendly=False)


def _hex(tx_hash: str) -> str:
    """toncenter writes hashes in base64 (v3 and v2 alike); the chain layer uses hex."""
    if len(tx_hash) == 64:
        return tx_hash.lower()
    return base64.b64decode(tx_hash.replace("-", "+").replace("_", "/")).hex()


def _field(data: Any, *keys: str) -> Any:
    try:
        for key in keys:
            data = data[key]
    except (KeyError, TypeError):
        raise ChainError(f"toncenter: unexpected response, no {'.'.join(keys)}") from None
    return data


def _stack(result: dict) -> list:
    stack = result.get("stack")
    if not stack:
        raise ChainError("toncenter: get-method returned an empty stack")
    return stack


def _number(entry: list) -> int:
    kind, value = entry
    if kind != "num":
        raise ChainError(f"toncenter: expected a number on the stack, got {kind}")
    return int(value, 16) if isinstance(value, str) else int(value)


def _retry_after(response: httpx.Response) -> float:
    try:
        return float(response.headers.get("Retry-After", 0))
    except ValueError:
        return 0.0


def _error_text(body: Any) -> str:
    if isinstance(body, httpx.Response):
        try:
            body = body.json()
        except ValueError:
            return body.text[:200]
    if isinstance(body, dict):
        return str(body.get("error") or body.get("result") or body)[:200]
    return str(body)[:200]
