"""The app's Reflex states driven in-process, as a browser tab drives them: Reflex's own event
processor with an in-memory state manager, events sent by handler name with the router data a tab
sends, and every delta Reflex would send to that tab collected. No server, no browser.

Importable from every test folder (pytest puts tests/ on the path for its conftest)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from typing import Any

from reflex.istate.manager.memory import StateManagerMemory
from reflex.istate.manager.token import BaseStateToken
from reflex.state import State
from reflex.utils.format import format_event_handler
from reflex_base.event import Event
from reflex_base.event.processor import BaseStateEventProcessor
from reflex_base.utils.format import json_dumps

# The app module registers the app and every page state, as `reflex run` does.
import krypton_app.krypton_app

# A path no page claims. The app's 404 page would still run its on_load there (session, bell);
# `quiet_unknown_paths` takes that away, so only the events a test sends run.
NO_PAGE = "/no-page-here"


def quiet_unknown_paths(monkeypatch) -> None:
    app = krypton_app.krypton_app.app
    monkeypatch.setitem(app._load_events, "404", [])


def state_classes() -> list[type[State]]:
    """Every state class of the app (Reflex's own internal states left out)."""
    found, todo = [], [State]
    while todo:
        cls = todo.pop()
        if cls.__module__.startswith("krypton_app"):
            found.append(cls)
        todo.extend(cls.get_substates())
    return sorted(found, key=lambda c: c.get_full_name())


class Tab:
    """One browser tab: a client token, the page it is on, the deltas it received."""

    def __init__(
        self,
        processor: BaseStateEventProcessor,
        states: StateManagerMemory,
        path: str = "/",
        query: Mapping[str, str] | None = None,
    ):
        self.processor = processor
        self.states = states
        self.token = uuid.uuid4().hex
        self.deltas: list[Mapping[str, Any]] = []
        self.go(path, query)

    def go(self, path: str, query: Mapping[str, str] | None = None) -> None:
        self.path, self.query = path, dict(query or {})

    def _router(self) -> dict[str, Any]:
        query = "&".join(f"{k}={v}" for k, v in self.query.items())
        return {
            "pathname": self.path,
            "asPath": self.path + (f"?{query}" if query else ""),
            "query": self.query,
            "token": self.token,
            "sid": f"sid-{self.token}",
            "headers": {"host": "localhost:3000", "origin": "http://localhost:3000"},
            "ip": "127.0.0.1",
        }

    def event(self, handler, **payload) -> Event:
        return Event(name=format_event_handler(handler), router_data=self._router(), payload=payload)

    async def send(self, handler, **payload) -> list[Mapping[str, Any]]:
        """Run `handler` (and the events it chains) to the end; the deltas it sent to this tab."""
        sent = []
        async for delta in self.processor.enqueue_stream_delta(self.token, self.event(handler, **payload)):
            sent.append(delta)
        self.deltas.extend(sent)
        return sent

    async def start(self, handler, **payload):
        """Enqueue `handler` without waiting for it: the future resolves when it returns."""
        return await self.processor.enqueue(self.token, self.event(handler, **payload))

    def _token(self, cls: type[State]) -> BaseStateToken:
        return BaseStateToken(ident=self.token, cls=cls)

    async def state(self, cls: type[State]) -> State:
        """The tab's instance of `cls` as the server holds it (read it, do not keep it)."""
        root = await self.states.get_state(self._token(cls))
        return await root.get_state(cls)

    async def edit(self, cls: type[State], **values) -> None:
        """Set vars of the tab's `cls` under its lock, as another handler would."""
        async with self.states.modify_state_with_links(self._token(cls)) as root:
            state = await root.get_state(cls)
            for name, value in values.items():
                setattr(state, name, value)

    async def client_state(self) -> dict[str, Any]:
        """Everything the tab's browser holds: the full frontend state of every state class."""
        root = await self.states.get_state(self._token(State))
        return root.dict()

    def received_text(self) -> str:
        """Every delta this tab received, as one JSON text to search."""
        # Reflex's own encoder, so typed rows read as the browser gets them (field names quoted).
        return json_dumps(self.deltas)


class Processor:
    """`async with Processor() as p:` a started event processor; `p.tab(path)` opens a tab."""

    def __init__(self):
        self.states = StateManagerMemory()
        self.processor = BaseStateEventProcessor().configure(state_manager=self.states)

    async def __aenter__(self) -> Processor:
        await self.processor.start()
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.processor.stop(graceful_shutdown_timeout=0)
        await self.states.close()

    def tab(self, path: str = "/", query: Mapping[str, str] | None = None) -> Tab:
        return Tab(self.processor, self.states, path, query)


async def wait_for(condition, timeout_s: float = 5.0, step_s: float = 0.01) -> bool:
    """Poll `condition()` until it is true or the time is up; returns its last value."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(step_s)
    return True
