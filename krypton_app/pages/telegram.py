"""/tg: where Telegram links land. `inv_<number>` opens that invoice's wizard, `ad_<id>` that ad's page;
anything else goes to the landing page with a message. The start parameter comes as `?tgWebAppStartParam=`
(Mini App links), as `?start=`, or, inside a Mini App opened another way, from Telegram's WebApp object /
launch hash."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.layout import template
from krypton_app.components.ui import loading_note
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n

INVOICE_PREFIX = "inv_"
AD_PREFIX = "ad_"
# Telegram puts the launch data in the URL hash (tgWebAppData=…start_param%3D…), and telegram-web-app.js
# exposes it as Telegram.WebApp.initDataUnsafe.start_param and keeps it in sessionStorage for the tab; any
# of them is read without waiting for that script.
READ_START_PARAM = """(() => {
  const tg = window.Telegram && window.Telegram.WebApp && window.Telegram.WebApp.initDataUnsafe;
  if (tg && tg.start_param) return tg.start_param;
  const hash = new URLSearchParams(window.location.hash.slice(1));
  let kept = {};  // what telegram-web-app.js kept of the launch for this tab (the hash is gone after a reload)
  try { kept = JSON.parse(sessionStorage.getItem('__telegram__initParams') || '{}') || {}; } catch (e) {}
  const data = new URLSearchParams(hash.get('tgWebAppData') || kept.tgWebAppData || '');
  return hash.get('tgWebAppStartParam') || kept.tgWebAppStartParam || data.get('start_param') || '';
})()"""


def route_for(start_param: str) -> str | None:
    """The page a start parameter opens, or None for one Krypton does not know."""
    if start_param.startswith(INVOICE_PREFIX) and len(start_param) > len(INVOICE_PREFIX):
        number = start_param[len(INVOICE_PREFIX) :]
        if number.isalnum():
            return routes.pay_invoice(number.upper())
    ad_id = start_param.removeprefix(AD_PREFIX)
    # ASCII digits only, as Telegram passes them (its start parameter allows [A-Za-z0-9_-]).
    if start_param.startswith(AD_PREFIX) and ad_id.isascii() and ad_id.isdigit() and len(ad_id) <= 18:
        return routes.market_ad(int(ad_id))
    return None


class TelegramState(AuthState):
    def _go(self, start_param: str):
        target = route_for(start_param.strip())
        if target is None:
            self.notice_key = "tg.unknown"
            return rx.redirect(routes.LANDING)
        return rx.redirect(target)

    @rx.event
    def route(self):
        params = self.router.url.query_parameters
        start = params.get("tgWebAppStartParam") or params.get("startapp") or params.get("start") or ""
        if start:
            return self._go(start)
        return rx.call_script(READ_START_PARAM, callback=TelegramState.route_from_telegram)

    @rx.event
    def route_from_telegram(self, start_param: str | None):
        return self._go(start_param or "")


@template(route=routes.TELEGRAM, title="Telegram", protected=False, on_load=[TelegramState.route])
def telegram() -> rx.Component:
    return loading_note(I18n.t["tg.opening"])
