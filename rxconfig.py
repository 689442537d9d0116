import reflex as rx

from krypton_app.settings import get_settings

settings = get_settings()

config = rx.Config(
    app_name="krypton_app",
    db_url=settings.database_url,
    redis_url=settings.redis_url,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[rx.plugins.RadixThemesPlugin()],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
