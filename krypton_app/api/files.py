"""Chat image attachments over HTTP: `GET /files/chat/<message id>`, for whoever may read the deal's chat.

The viewer comes only from the session cookie (set by api/auth.py, checked against the server's
session table on every request, so a revoked session is refused at once); services/chat
decides who may see the file. Every refusal is the same 404 (no session, forged or expired cookie,
a stranger, a missing file), so the route tells nobody whether a message or a deal exists. The bytes
were checked by their magic numbers on upload; the headers keep a browser from treating them as
anything but an image (no sniffing, no scripts, shown inline).
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from krypton_app.bootstrap import app_deps
from krypton_app.domain.errors import NotFound
from krypton_app.services import chat
from krypton_app.services.auth import SESSION_COOKIE, read_session

MAX_ROW_ID = 2**31 - 1  # ids are INTEGER columns: a larger one would be a database error, not a 404

FILE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, max-age=3600",
    "Content-Security-Policy": "default-src 'none'",
    "Content-Disposition": "inline",
    "Vary": "Cookie",  # the answer depends on who asks
}


def _not_found() -> Response:
    return PlainTextResponse(
        "Not Found", status_code=404, headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    )


async def chat_attachment(request: Request) -> Response:
    deps = app_deps()
    message_id: int = request.path_params["message_id"]
    if not 0 < message_id <= MAX_ROW_ID:
        return _not_found()
    viewer_id = await run_in_threadpool(
        read_session, deps.uow, request.cookies.get(SESSION_COOKIE), max_age_s=deps.settings.session_max_age_s
    )
    if viewer_id is None:
        return _not_found()
    try:
        path, content_type = await run_in_threadpool(
            chat.attachment_file,
            deps.uow,
            viewer_id,
            message_id,
            upload_dir=request.app.state.chat_upload_dir,
        )
    except NotFound:
        return _not_found()
    if not path.is_file():
        return _not_found()
    return FileResponse(path, media_type=content_type, headers=FILE_HEADERS)


def routes() -> list[Route]:
    return [Route("/files/chat/{message_id:int}", chat_attachment, methods=["GET"])]
