"""Starlette routes served beside the Reflex app on the same port (mounted through api_transformer)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from krypton_app.api import files, merchant
from krypton_app.db import UnitOfWork, default_uow
from krypton_app.services.catalog import get_catalog
from krypton_app.settings import get_settings


async def tonconnect_manifest(_request: Request) -> JSONResponse:
    # Wallets put the manifest's url into ton_proof's domain, so it must be the configured public URL
    # (whose host the verifier allows), not whatever host the request came in on.
    app_url = get_settings().app_url.rstrip("/")
    # Wallets read it from their own origin, without cookies: public to every origin (CORS is not, see rxconfig).
    return JSONResponse(
        {"url": app_url, "name": "Krypton", "iconUrl": f"{app_url}/krypton-icon.png"},
        headers={"Access-Control-Allow-Origin": "*"},
    )


async def catalog(request: Request) -> JSONResponse:
    view = get_catalog(request.app.state.uow())
    return JSONResponse(asdict(view), headers={"Cache-Control": "public, max-age=300"})


def build_api(uow: Callable[[], UnitOfWork] = default_uow, *, chat_upload_dir: Path | None = None) -> Starlette:
    """`uow` is a factory so that importing the app opens no database; tests pass their own (and their
    own folder of chat images; None: services/chat's default)."""
    api = Starlette(
        routes=[
            Route("/tonconnect-manifest.json", tonconnect_manifest),
            Route("/api/v1/catalog", catalog),
            *files.routes(),  # chat images, for the deal's participants (and its operator once disputed)
            # Merchant REST API, its OpenAPI document and the receipt key; last: JSON 404 for /api/v1.
            *merchant.routes(),
        ]
    )
    api.state.uow = uow
    api.state.chat_upload_dir = chat_upload_dir
    return api
