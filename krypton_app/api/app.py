"""Starlette routes served beside the Reflex app on the same port (mounted through api_transformer).

Every route takes the unit of work and the settings from the composition root (`bootstrap.app_deps()`)
when a request comes in, so building the app opens no database and tests swap them with
`bootstrap.override`. Database calls run in the thread pool, never on the event loop.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from krypton_app.api import auth, cryptopay, files, heleket, merchant, telegram
from krypton_app.bootstrap import app_deps
from krypton_app.services.catalog import get_catalog


async def tonconnect_manifest(_request: Request) -> JSONResponse:
    # Wallets put the manifest's url into ton_proof's domain, so it must be the configured public URL
    # (whose host the verifier allows), not whatever host the request came in on.
    app_url = app_deps().settings.app_url.rstrip("/")
    # Wallets read it from their own origin, without cookies: public to every origin (CORS is not, see rxconfig).
    return JSONResponse(
        {"url": app_url, "name": "Krypton", "iconUrl": f"{app_url}/krypton-icon.png"},
        headers={"Access-Control-Allow-Origin": "*"},
    )


async def catalog(_request: Request) -> JSONResponse:
    view = await run_in_threadpool(get_catalog, app_deps().uow)
    return JSONResponse(asdict(view), headers={"Cache-Control": "public, max-age=300"})


def build_api(*, chat_upload_dir: Path | None = None) -> Starlette:
    """The routes; `chat_upload_dir` is where chat images are read from (None: services/chat's default;
    tests pass their own folder)."""
    api = Starlette(
        routes=[
            Route("/tonconnect-manifest.json", tonconnect_manifest),
            Route("/api/v1/catalog", catalog),
            *auth.routes(),  # the session cookie: set HttpOnly after a verified login, cleared at logout
            *telegram.routes(),  # the Mini App's login: verified initData becomes the session cookie
            *files.routes(),  # chat images, for the deal's participants (and its operator once disputed)
            *cryptopay.routes(),  # the Crypto Pay compatibility API: /cryptopay/api/{method}
            *heleket.routes(),  # Heleket's merchant API at /heleket/v1 (docs/compat-heleket.md)
            # Merchant REST API, its OpenAPI document and the receipt key; last: JSON 404 for /api/v1.
            *merchant.routes(),
        ]
    )
    api.state.chat_upload_dir = chat_upload_dir
    return api
