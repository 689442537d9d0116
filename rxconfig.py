import reflex as rx

from krypton_app.api.link_pages import PrerenderLinkPages
from krypton_app.settings import get_settings

settings = get_settings()

config = rx.Config(
    app_name="krypton_app",
    db_url=settings.database_url,
    redis_url=settings.redis_url,
    # One process without Redis keeps its tabs' state in memory: Reflex's disk mode, its default, rescans
    # every state file every 2 s (200 idle tabs: 3,000 files, 60% of a core) to keep tabs across a dev
    # reload. Several processes share the state in Redis.
    state_manager_mode=(
        rx.constants.StateManagerMode.REDIS if settings.redis_url else rx.constants.StateManagerMode.MEMORY
    ),
    # Browsers may call the app with the user's cookies only from its own origin (and KRYPTON_CORS_ORIGINS):
    # Starlette's CORS middleware and the websocket's origin check both read this list.
    cors_allowed_origins=settings.cors_allowed_origins,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="blue", gray_color="slate", radius="large", scaling="100%")
        ),
        # Pages opened from a link paint their layout and skeleton before their scripts have loaded.
        PrerenderLinkPages(),
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
