"""FakeChain's accounts and the file that keeps them across restarts of a local run.

The file holds each transaction's BOC and masterchain block; the ChainTx are parsed again on load, so
what a restarted chain serves is what it served before. It is written whole to a temporary file and
renamed over the old one: a crash mid-write never leaves half a chain.

`StoreLock` lets the processes of one machine share the chain through that file (the Granian workers of
one app process, or the processes of `make run-cluster`): each call takes the file's lock and reads the
file again when another process saved since.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from krypton_app.chain.types import ChainTx, TxId

STORE_VERSION = 1


@dataclass
class FakeAccount:
    balance: int = 0
    status: str = "uninitialized"
    seqno: int = 0  # wallet seqno, once deployed
    public_key: bytes | None = None
    wallet_id: int | None = None
    txs: list[ChainTx] = field(default_factory=list)
    lts: list[int] = field(default_factory=list)  # txs' lts, for bisect

    @property
    def last(self) -> TxId:
        return self.txs[-1].id if self.txs else TxId(0, "00" * 32)

    def append(self, tx: ChainTx) -> None:
        self.txs.append(tx)
        self.lts.append(tx.lt)


@dataclass
class Snapshot:
    """Everything FakeChain keeps: the masterchain seqno and when its last block came, the next logical
    time, the count of made-up senders, the accounts, and the jetton wallets' balances."""

    seqno: int
    last_block_at: float
    lt: int
    senders: int
    accounts: dict[str, FakeAccount]
    jettons: dict[str, int] = field(default_factory=dict)  # jetton wallet -> balance


class StoreLock:
    """FakeChain's lock: reentrant across its threads, and with a store file, exclusive across processes too
    (an flock on `<file>.lock`). Entering it calls `reload` when the file changed since this process last
    read or wrote it."""

    def __init__(self, path: Path | None, reload: Callable[[], None]):
        self._path = path
        self._reload = reload
        self._threads = threading.RLock()
        self._depth = 0
        self._file: int | None = None
        self._seen: tuple[int, int] | None = None

    def __enter__(self) -> StoreLock:
        self._threads.acquire()
        self._depth += 1
        if self._depth == 1 and self._path is not None:
            try:
                self._file = os.open(self._path.with_name(self._path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(self._file, fcntl.LOCK_EX)
                if (stamp := _stamp(self._path)) is not None and stamp != self._seen:
                    self._reload()
            except BaseException:
                self.__exit__(None, None, None)
                raise
        return self

    def __exit__(self, *_exc) -> None:
        try:
            if self._depth == 1 and self._file is not None:
                self._seen = _stamp(self._path)  # this process's own save, if it made one
                os.close(self._file)  # closing the file drops the flock
                self._file = None
        finally:
            self._depth -= 1
            self._threads.release()


def _stamp(path: Path) -> tuple[int, int] | None:
    """Which version of the file is there: every save renames a new file over it (a new inode)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns


def save(path: Path, snapshot: Snapshot) -> None:
    state = {
        "version": STORE_VERSION,
        "seqno": snapshot.seqno,
        "last_block_at": snapshot.last_block_at,
        "lt": snapshot.lt,
        "senders": snapshot.senders,
        "accounts": {
            address: {
                "balance": a.balance,
                "status": a.status,
                "seqno": a.seqno,
                "public_key": a.public_key.hex() if a.public_key else None,
                "wallet_id": a.wallet_id,
                "txs": [[base64.b64encode(t.boc).decode(), t.mc_seqno] for t in a.txs],
            }
            for address, a in snapshot.accounts.items()
        },
        "jettons": snapshot.jettons,
    }
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(state))
    os.replace(temporary, path)


def load(path: Path, parse: Callable[[str, bytes, int], ChainTx]) -> Snapshot:
    """The saved chain; `parse(address, boc, mc_seqno)` turns each stored transaction into a ChainTx."""
    state = json.loads(path.read_text())
    if state.get("version") != STORE_VERSION:
        raise ValueError(f"{path}: unknown fake chain store version")
    accounts = {}
    for address, saved in state["accounts"].items():
        account = FakeAccount(
            balance=saved["balance"],
            status=saved["status"],
            seqno=saved["seqno"],
            public_key=bytes.fromhex(saved["public_key"]) if saved["public_key"] else None,
            wallet_id=saved["wallet_id"],
        )
        for boc, mc_seqno in saved["txs"]:
            account.append(parse(address, base64.b64decode(boc), mc_seqno))
        accounts[address] = account
    jettons = {address: int(amount) for address, amount in state.get("jettons", {}).items()}
    return Snapshot(state["seqno"], state["last_block_at"], state["lt"], state["senders"], accounts, jettons)
