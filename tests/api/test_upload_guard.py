"""The guard in front of Reflex's `/_upload`: no session → refused before the body is read; a body over the
limit → 413 as soon as its declared length or the bytes received pass it, with nothing written to disk and
memory flat; a valid small upload goes through; Reflex's public view of the upload folder is closed.

The inner app stands for Reflex's upload route and does what it does: `await request.form()`, which spools
every file part to a temporary file. `test_the_app_puts_the_guard_in_front_of_reflex` checks the real app is
wired the same way; tests/e2e/test_http_guards.py sends the same bodies to the served app.
"""

from __future__ import annotations

import asyncio
import tracemalloc
from pathlib import Path

import httpx
import pytest
from rows import make_session, make_user
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from krypton_app.api.guards import MAX_UPLOAD_BODY, deny_framing, upload_guard, upload_path
from krypton_app.api.widget import widget_csp
from krypton_app.services.auth import SESSION_COOKIE, revoke_session
from krypton_app.services.chat import IMAGE_MAX_BYTES

MB = 1024 * 1024
BIG = 50 * MB
CHUNK = 64 * 1024
BOUNDARY = "krypton-test-boundary"
HEADERS = {
    "content-type": f"multipart/form-data; boundary={BOUNDARY}",
    "reflex-client-token": "3f1c0d2e-token",
    "reflex-event-handler": "state.deal_state.send_image",
}


class Body:
    """A streamed multipart body of `size` file bytes that records how much of it the server pulled."""

    def __init__(self, size: int):
        self.size = size
        self.pulled = 0

    def parts(self) -> tuple[bytes, bytes]:
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="receipt.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        return head, f"\r\n--{BOUNDARY}--\r\n".encode()

    @property
    def length(self) -> int:
        head, tail = self.parts()
        return len(head) + self.size + len(tail)

    async def stream(self):
        head, tail = self.parts()
        self.pulled += len(head)
        yield head
        left = self.size
        block = b"\x89" * CHUNK
        while left:
            piece = block[: min(CHUNK, left)]
            left -= len(piece)
            self.pulled += len(piece)
            yield piece
        self.pulled += len(tail)
        yield tail


class FakeReflexUpload:
    """Reflex's buffered upload route, reduced to what matters here: it parses the whole form first."""

    def __init__(self):
        self.calls = 0
        self.file_bytes = 0

    async def handle(self, request: Request) -> Response:
        self.calls += 1
        try:
            form = await request.form()
        except ClientDisconnect:
            return Response()  # as Reflex's route answers a body that ends early
        try:
            upload = form["files"]
            self.file_bytes = len(await upload.read())
        finally:
            await form.close()
        return JSONResponse({"received": self.file_bytes})


def guarded(route: FakeReflexUpload):
    """The guard around the stand-in; its session check reads the test's database from the composition root."""
    inner = Starlette(routes=[Route(upload_path(), route.handle, methods=["POST"])])
    return upload_guard(inner)


def session_cookie(uow) -> dict[str, str]:
    return {SESSION_COOKIE: make_session(uow, make_user(uow))}


async def post(app, body: Body, *, cookies=None, declare_length: bool) -> httpx.Response:
    headers = dict(HEADERS)
    if declare_length:
        headers["content-length"] = str(body.length)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost:3000", cookies=cookies) as client:
        return await client.post(upload_path(), content=body.stream(), headers=headers)


def disk_writes() -> int:
    """Bytes this process has passed to write(2) so far (files, temporary files, pipes)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    raise AssertionError("no wchar in /proc/self/io")


@pytest.mark.parametrize("cookies", [None, {SESSION_COOKIE: "forged.token.value"}], ids=["no_cookie", "forged"])
@pytest.mark.parametrize("declare_length", [True, False], ids=["content_length", "chunked"])
def test_without_a_session_nothing_of_the_body_is_read(uow, cookies, declare_length):
    route = FakeReflexUpload()
    body = Body(BIG)
    response = asyncio.run(post(guarded(route), body, cookies=cookies, declare_length=declare_length))
    assert response.status_code == 401
    assert body.pulled == 0 and route.calls == 0


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read(uow):
    route = FakeReflexUpload()
    body = Body(BIG)
    response = asyncio.run(post(guarded(route), body, cookies=session_cookie(uow), declare_length=True))
    assert response.status_code == 413
    assert body.pulled == 0 and route.calls == 0


def test_a_chunked_body_is_stopped_as_it_passes_the_limit_without_disk_or_memory(uow, tmp_path, monkeypatch):
    # Starlette spools form files into the temp folder: point it at an empty one we can watch.
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    route = FakeReflexUpload()
    body = Body(BIG)
    writes_before = disk_writes()
    tracemalloc.start()
    try:
        response = asyncio.run(post(guarded(route), body, cookies=session_cookie(uow), declare_length=False))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    written = disk_writes() - writes_before
    assert response.status_code == 413
    # The guard stopped at the limit: one chunk past it at most was pulled, and the parser gave up.
    assert body.pulled <= MAX_UPLOAD_BODY + CHUNK
    assert route.file_bytes == 0
    assert written < MAX_UPLOAD_BODY + MB, f"{written} bytes written for a refused upload"
    assert list(tmp_path.iterdir()) == []
    assert peak < 8 * MB, f"peak Python memory {peak} bytes"


def test_the_same_body_without_the_guard_is_read_and_spooled_whole(tmp_path, monkeypatch):
    """The measuring works: without the guard the same request costs the full 50 MB of writes."""
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    route = FakeReflexUpload()
    inner = Starlette(routes=[Route(upload_path(), route.handle, methods=["POST"])])
    body = Body(BIG)
    writes_before = disk_writes()
    response = asyncio.run(post(inner, body, declare_length=False))
    assert response.status_code == 200 and route.file_bytes == BIG
    assert disk_writes() - writes_before >= BIG


@pytest.mark.parametrize("declare_length", [True, False], ids=["content_length", "chunked"])
def test_a_valid_small_upload_goes_through_whole(uow, declare_length):
    route = FakeReflexUpload()
    body = Body(IMAGE_MAX_BYTES + 1)  # one byte over the image limit: services/chat gives the message
    response = asyncio.run(post(guarded(route), body, cookies=session_cookie(uow), declare_length=declare_length))
    assert response.status_code == 200
    assert response.json() == {"received": IMAGE_MAX_BYTES + 1} and body.pulled == body.length


def test_a_logged_out_session_uploads_nothing(uow):
    route = FakeReflexUpload()
    cookies = session_cookie(uow)
    revoke_session(uow, cookies[SESSION_COOKIE])
    body = Body(BIG)
    response = asyncio.run(post(guarded(route), body, cookies=cookies, declare_length=True))
    assert response.status_code == 401
    assert body.pulled == 0 and route.calls == 0


def test_the_upload_folder_is_not_served_and_other_routes_pass(uow):
    route = FakeReflexUpload()
    inner = Starlette(
        routes=[
            Route(upload_path(), route.handle, methods=["POST"]),
            Route("/wallet", lambda _r: JSONResponse({"ok": True})),
        ]
    )

    async def run():
        transport = httpx.ASGITransport(app=upload_guard(inner))
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://localhost:3000") as anonymous,
            httpx.AsyncClient(
                transport=transport, base_url="http://localhost:3000", cookies=session_cookie(uow)
            ) as user,
        ):
            folder = await anonymous.get(f"{upload_path()}/chat/0123456789abcdef0123456789abcdef.png")
            signed_in = await user.get(f"{upload_path()}/chat/x.png")
            other = await anonymous.get("/wallet")
            return folder, signed_in, other

    folder, signed_in, other = asyncio.run(run())
    assert folder.status_code == signed_in.status_code == 404
    assert other.json() == {"ok": True}


def test_the_app_puts_the_guard_in_front_of_reflex():
    from krypton_app.krypton_app import app

    transformers = list(app.api_transformer)
    assert upload_guard in transformers and deny_framing in transformers and widget_csp in transformers
    # Reflex wraps in list order: later ones are outside, so they see every request first.
    assert transformers.index(upload_guard) > transformers.index(widget_csp)
    assert upload_path() == "/_upload"
