"""A browser tab of a Reflex 0.10 app, spoken over its websocket from Python (python-socketio), for
load benchmarks: `tab = Tab(url); await tab.open("/")`, `await tab.call(name, payload, until=...)`.

The protocol, as reflex_base/.templates/web/utils/state.js speaks it:
- The tab connects to `/_event` (socket.io over a websocket; `/_event` is both the path and the
  namespace, as socket.io-client reads the URL) with `?token=<its client token>` and its cookies in
  the request headers (the server reads the session cookie there, once per connection).
  The socket.io CONNECT packet carries the first event, `hydrate_and_load`, with the page's router data
  (pathname, asPath, query) and the hashes of the state defaults compiled into the page's scripts: the
  server sends what differs from them, then runs the page's on_load events and finally sets
  `is_hydrated` true. A full page load is a new connection. `compiled_hashes(url)` reads the hashes
  from the served scripts, as the browser has them; without them the server sends the whole state.
- A navigation inside the app is the event `on_load_internal` with the new router data; again the last
  delta sets `is_hydrated` true.
- An event is `{"name": "<state path>.<handler>", "payload": {...}, "router_data": {...}}` emitted as
  "event"; the server answers with "event" messages `{"delta": {state: {var_rx_state_: value}},
  "events": [...]}` (a delta per handler step, frontend events such as `_call_script`).
- Reflex 0.10 sends no `final` flag any more (StateUpdate.final is deprecated since 0.9 and never set),
  and a handler's chained events run as separate events. So the end of an event is recognised from what
  arrives: by default the first delta that touches the handler's own state (a handler that does not
  `yield` sends exactly one, when it returns), or an `until` condition for handlers that yield or chain.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

import httpx
import socketio
from reflex.state import OnLoadInternalState, State
from reflex.utils.format import format_event_handler
from reflex_base.constants.state import FIELD_MARKER

ROOT_STATE = State.get_full_name()
NAMESPACE = "/_event"
HYDRATE = format_event_handler(State.event_handlers["hydrate_and_load"])
ON_LOAD = format_event_handler(OnLoadInternalState.event_handlers["on_load_internal"])
Update = Mapping[str, Any]
# In the minified context module: `initialStateHashes:()=>fe` in its export map, and the constant as a
# list (`fe=[`<digest>`,`<hash>`,…]`) or, when the minifier found it shorter, `fe=`<digest>.<hash>…`.split(`.`)`.
_HASHES_NAME = re.compile(r"initialStateHashes:\(\)=>([\w$]+)")
_SCRIPTS = re.compile(r"/assets/[\w.-]+\.js")


async def compiled_hashes(base_url: str) -> list[str] | None:
    """The state hashes the app's compiled scripts hold (None when no script of "/" has them)."""
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        page = (await http.get("/")).text
        for script in dict.fromkeys(_SCRIPTS.findall(page)):
            code = (await http.get(script)).text
            if (name := _HASHES_NAME.search(code)) and (
                found := re.search(rf"[^\w$]{re.escape(name.group(1))}=(`[0-9a-f.]+`|\[[`\"'0-9a-f,\s]*\])", code)
            ):
                return re.findall(r"[0-9a-f]+", found.group(1))
    return None


def event_name(handler) -> str:
    """`state path.handler` of a state's event handler, as the browser names it."""
    return format_event_handler(handler)


def state_of(name: str) -> str:
    """The state path of an event name: everything before the handler."""
    return name.rsplit(".", 1)[0]


def touches(state: str, var: str | None = None) -> Callable[[Update], bool]:
    """An `until` condition: a delta of `state` (that sets `var`, if given)."""

    def check(update: Update) -> bool:
        delta = update.get("delta") or {}
        return state in delta and (var is None or var + FIELD_MARKER in delta[state])

    return check


def sends_event(name: str) -> Callable[[Update], bool]:
    """An `until` condition: an update that asks the browser to run the frontend event `name`."""
    return lambda update: any(e.get("name") == name for e in update.get("events") or ())


def hydrated(update: Update) -> bool:
    """The last delta of a page load: `is_hydrated` set true."""
    return (update.get("delta") or {}).get(ROOT_STATE, {}).get("is_hydrated" + FIELD_MARKER) is True


class Tab:
    """One browser tab: a client token, its cookies, the page it is on and the state it was sent."""

    def __init__(self, base_url: str, *, hashes: list[str] | None = None, timeout_s: float = 120.0):
        self.base_url = base_url.rstrip("/")
        self.hashes = hashes
        self.token = uuid.uuid4().hex
        self.cookies: dict[str, str] = {}
        self.path, self.query = "/", {}
        self.timeout_s = timeout_s
        self._sio: socketio.AsyncClient | None = None
        self._waiters: list[tuple[Callable[[Update], bool], asyncio.Future]] = []

    def _router(self) -> dict[str, Any]:
        query = urlencode(self.query)
        data = {"pathname": self.path, "asPath": self.path + (f"?{query}" if query else "")}
        if self.query:
            data["query"] = dict(self.query)
        return data

    def _event(self, name: str, payload: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return {"name": name, "payload": dict(payload or {}), "router_data": self._router()}

    def _received(self, update: Update) -> None:
        for condition, future in list(self._waiters):
            if not future.done() and condition(update):
                future.set_result(update)

    def _new_token(self, token: str) -> None:
        # The server found this token in use by another connection and gave the tab a new one.
        self.token = token

    async def _emit(self, name: str, payload: Mapping[str, Any] | None = None) -> None:
        await self._sio.emit("event", self._event(name, payload), namespace=NAMESPACE)

    async def _until(self, condition: Callable[[Update], bool], send) -> tuple[float, Update]:
        """Run `send()` and wait for the first update that satisfies `condition`: (seconds, update)."""
        loop = asyncio.get_running_loop()
        waiter = (condition, loop.create_future())
        self._waiters.append(waiter)
        try:
            started = loop.time()
            await send()
            update = await asyncio.wait_for(waiter[1], self.timeout_s)
            return loop.time() - started, update
        finally:
            self._waiters.remove(waiter)

    async def open(self, path: str, query: Mapping[str, str] | None = None) -> float:
        """A full page load of `path`: (re)connect with this tab's token and cookies, hydrate, run the
        page's on_load; seconds until the page is hydrated."""
        await self.close()
        self.path, self.query = path, dict(query or {})
        sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        sio.on("event", self._received, namespace=NAMESPACE)
        sio.on("new_token", self._new_token, namespace=NAMESPACE)
        self._sio = sio
        headers = {"Origin": self.base_url}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())

        async def connect():
            await sio.connect(
                f"{self.base_url}?token={self.token}",
                headers=headers,
                auth={"event": self._event(HYDRATE, {"hashes": self.hashes} if self.hashes else None)},
                transports=["websocket"],
                namespaces=[NAMESPACE],
                socketio_path="_event",
                wait_timeout=self.timeout_s,
            )

        seconds, _ = await self._until(hydrated, connect)
        return seconds

    async def navigate(self, path: str, query: Mapping[str, str] | None = None) -> float:
        """A link followed inside the app: the page's on_load events; seconds until it is hydrated."""
        self.path, self.query = path, dict(query or {})
        seconds, _ = await self._until(hydrated, lambda: self._emit(ON_LOAD))
        return seconds

    async def call(
        self, name: str, payload: Mapping[str, Any] | None = None, *, until: Callable[[Update], bool] | None = None
    ) -> tuple[float, Update]:
        """Send the event `name` and wait for its final update (`until`, by default the first delta of
        the handler's own state): (seconds, that update)."""
        condition = until or touches(state_of(name))
        return await self._until(condition, lambda: self._emit(name, payload))

    async def close(self) -> None:
        if self._sio is not None:
            await self._sio.disconnect()
            self._sio = None
