"""The served app (`reflex run --env prod`, the e2e server) over raw HTTP, no browser:

- Reflex's `/_upload`: a request without a session is answered before any of its body is sent; a 50 MB
  body is refused with 413 (declared, or streamed in chunks) and the server writes nothing to disk and
  keeps its memory (measured on the server's processes through /proc);
- framing headers on a page and on an API route, and not DENY on the widget;
- CORS preflight and the websocket handshake: a foreign origin is refused, the app's own accepted.

The chat image upload that must keep working runs in the browser in test_dispute_flow.py.
"""

from __future__ import annotations

import base64
import os
import socket
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from builders import make_session, make_user

from krypton_app.db import UnitOfWork, make_engine
from krypton_app.pages.deals.state import DealState
from krypton_app.services.auth import SESSION_COOKIE
from krypton_app.settings import ROOT

MB = 1024 * 1024
BIG = 50 * MB
CHUNK = 64 * 1024
BOUNDARY = "krypton-e2e-boundary"
# The chat's upload handler as Reflex names it (from the class, so a moved module keeps it right):
# with it, Reflex's route reads the whole body; an unknown name gets a 400 before any byte is read.
SEND_IMAGE = f"{DealState.get_full_name()}.send_image"
FOREIGN = "https://evil.example"


# --- the server's processes ---------------------------------------------------------------------------


def server_processes(port: int) -> list[int]:
    """The e2e server's process group: `reflex run` (started in its own session) and its workers."""
    leader = None
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"--backend-port" in argv and str(port).encode() in argv and any(a.endswith(b"reflex") for a in argv):
            leader = int(entry.name)
            break
    assert leader is not None, "the e2e server's process was not found"
    group = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == leader:  # field 5: process group id
                group.append(int(entry.name))
    return group


def _proc_value(pid: int, name: str, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass  # a worker that ended meanwhile counts nothing
    return 0


def written(pids) -> int:
    """Bytes the processes passed to write(2): a spooled upload shows here."""
    return sum(_proc_value(pid, "io", "wchar:") for pid in pids)


def peak_memory_kb(pids) -> int:
    return sum(_proc_value(pid, "status", "VmHWM:") for pid in pids)


def files_under(*folders: Path) -> set[Path]:
    return {path for folder in folders if folder.exists() for path in folder.rglob("*")}


# --- raw HTTP -----------------------------------------------------------------------------------------


def connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    return socket.create_connection((parts.hostname, parts.port), timeout=10)


def request_head(url: str, *, cookie: str | None, length: int | None) -> bytes:
    host = urlsplit(url).netloc
    lines = [
        "POST /_upload HTTP/1.1",
        f"Host: {host}",
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
        "Reflex-Client-Token: 5c0e3a4e-2f4b-4f57-9b1e-e2e0guard000",
        f"Reflex-Event-Handler: {SEND_IMAGE}",
    ]
    if cookie:
        lines.append(f"Cookie: {SESSION_COOKIE}={cookie}")
    lines.append(f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def multipart_head() -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="big.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()


def status_of(sock: socket.socket) -> int:
    """The response's status code; 0 when none came within the socket's timeout."""
    data = b""
    try:
        while b"\r\n" not in data:
            piece = sock.recv(4096)
            if not piece:
                break
            data += piece
    except TimeoutError:
        return 0
    return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0


def answered(sock: socket.socket) -> bool:
    timeout = sock.gettimeout()
    sock.settimeout(0)
    try:
        return bool(sock.recv(1, socket.MSG_PEEK))
    except BlockingIOError:
        return False
    finally:
        sock.settimeout(timeout)


def stream_until_answered(sock: socket.socket, body_size: int, *, chunked: bool) -> int:
    """Send the body in 64 kB pieces until the server answers or drops us; return how much went out."""
    sent = 0
    head = multipart_head()
    pieces = [head] + [b"\x89" * CHUNK] * (body_size // CHUNK)
    try:
        for piece in pieces:
            if answered(sock):
                break
            sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n" if chunked else piece)
            sent += len(piece)
    except (BrokenPipeError, ConnectionResetError, TimeoutError):
        pass  # the server answered and closed (or stopped reading): how far it let us get is what counts
    return sent


@pytest.fixture
def session_token(app_server, app_database_url) -> str:
    """A live session of a user in the server's database, made as a login makes it."""
    uow = UnitOfWork(make_engine(app_database_url))
    try:
        return make_session(uow, make_user(uow))
    finally:
        uow.engine.dispose()


@pytest.fixture
def server(app_server):
    """The app's URL; afterwards, the server must have written no body to disk and kept its memory."""
    pids = server_processes(urlsplit(app_server).port)
    uploads = ROOT / "uploaded_files"  # Reflex's upload folder (and the chat's, under chat/)
    before = (written(pids), peak_memory_kb(pids), files_under(uploads))
    yield app_server
    time.sleep(0.5)  # let the server finish with the connection
    # Starlette spools form files into unnamed temporary files: write(2) counts them, a listing would not.
    assert written(pids) - before[0] < 10 * MB, "the refused body reached the disk"
    assert peak_memory_kb(pids) - before[1] < 20 * 1024, "the server's memory grew with the body"
    assert files_under(uploads) == before[2]


# --- /_upload -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("length", [BIG, None], ids=["content_length", "chunked"])
def test_an_upload_without_a_session_is_refused_before_its_body_is_sent(server, length):
    with connect(server) as sock:
        sock.sendall(request_head(server, cookie=None, length=length))
        assert status_of(sock) == 401  # no byte of the body was sent


def test_a_declared_50_mb_upload_is_refused_before_its_body_is_sent(server, session_token):
    with connect(server) as sock:
        sock.sendall(request_head(server, cookie=session_token, length=BIG))
        assert status_of(sock) == 413


def test_a_chunked_50_mb_upload_is_cut_off_at_the_limit(server, session_token):
    with connect(server) as sock:
        sock.sendall(request_head(server, cookie=session_token, length=None))
        sent = stream_until_answered(sock, BIG, chunked=True)
        assert status_of(sock) == 413
    # What the kernel buffers on top of the ~2 MB limit, not the 50 MB.
    assert sent < 16 * MB, f"{sent} bytes went out before the server answered"


def test_a_50_mb_body_with_its_length_sent_anyway_is_refused(server, session_token):
    with connect(server) as sock:
        sock.sendall(request_head(server, cookie=session_token, length=BIG))
        stream_until_answered(sock, BIG, chunked=False)
        assert status_of(sock) == 413


# --- framing ------------------------------------------------------------------------------------------


def get(url: str, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


@pytest.mark.parametrize("path", ["/", "/wallet", "/api/v1/openapi.json", "/api/v1/catalog"])
def test_pages_and_api_routes_may_not_be_framed(app_server, path):
    status, headers = get(app_server + path)
    assert status == 200
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Content-Security-Policy"] == "frame-ancestors 'none'"


def test_the_widget_is_not_denied_wholesale(app_server):
    status, headers = get(app_server + "/widget/invoice/NOSUCH22")
    assert status == 200
    assert headers["X-Frame-Options"] is None
    # Its own policy: an unknown invoice names no origin (a real one names its allowed_origins).
    assert headers["Content-Security-Policy"] == "frame-ancestors 'none'"


# --- CORS and the websocket ---------------------------------------------------------------------------


def preflight(url: str, origin: str):
    request = urllib.request.Request(
        url + "/api/v1/invoices",
        method="OPTIONS",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def test_cors_preflight_allows_only_the_apps_origin(app_server):
    status, headers = preflight(app_server, FOREIGN)
    assert status == 400 and headers["Access-Control-Allow-Origin"] is None
    status, headers = preflight(app_server, app_server)
    assert status == 200 and headers["Access-Control-Allow-Origin"] == app_server


def websocket_status(url: str, origin: str) -> int:
    key = base64.b64encode(os.urandom(16)).decode()
    with connect(url) as sock:
        head = (
            f"GET /_event/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {urlsplit(url).netloc}\r\n"
            f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            f"Sec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n"
        )
        sock.sendall(head.encode())
        return status_of(sock)


def test_the_websocket_accepts_the_apps_origin_only(app_server):
    assert websocket_status(app_server, app_server) == 101
    assert websocket_status(app_server, FOREIGN) != 101
