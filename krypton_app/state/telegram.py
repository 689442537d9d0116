"""The Mini App: a page opened inside Telegram loads Telegram's script (vendored in assets/, same origin), follows
Telegram's theme and back button, and logs the user in from Telegram's signed `initData`, with no wallet
prompt (POST /auth/telegram, api/telegram.py, sets the session cookie; the page then reloads with it).

Telegram opens a Mini App with its launch parameters in the URL hash (#tgWebAppData=…&tgWebAppThemeParams=…);
the script is loaded only when they are there (or when Telegram's script kept them for this tab), so a page
outside Telegram never loads it. `initData` is read in the browser and goes to the server only to be
verified there: nothing the page says about Telegram is trusted."""

from __future__ import annotations

import json

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.i18n import error_key
from krypton_app.state.auth import AuthState

# What the page script answers: "" outside Telegram, INSIDE inside it (no login wanted or possible),
# LOGGED_IN when the cookie is set and the page is on its way; otherwise the refusal's error code.
INSIDE, LOGGED_IN = "inside", "ok"
# Pages where Telegram's back button is hidden: the app's roots (the landing page and the tab bar's pages).
ROOT_PATHS = (routes.LANDING, routes.WALLET, routes.PAY, routes.MARKET, routes.DEALS, routes.INVOICES)

# Loads Telegram's script when the page was launched by Telegram and resolves to its WebApp object (or null).
_SDK = """const krTelegram = () => new Promise((resolve) => {
  const app = () => (window.Telegram && window.Telegram.WebApp) || null;
  if (app()) return resolve(app());
  const key = '__telegram__initParams';
  const hash = window.location.hash;
  try {
    // Kept for this tab where telegram-web-app.js looks: the page may change its URL (a redirect drops the
    // hash) before the script has loaded and read it.
    const params = Object.fromEntries(new URLSearchParams(hash.slice(1)));
    if (params.tgWebAppData) sessionStorage.setItem(key, JSON.stringify(params));
  } catch (e) {}
  let launched = hash.includes('tgWebAppData');
  try { launched = launched || (sessionStorage.getItem(key) || '').includes('tgWebAppData'); } catch (e) {}
  if (!launched) return resolve(null);
  const script = document.createElement('script');
  script.src = %(sdk)s;
  script.onload = () => resolve(app());
  script.onerror = () => resolve(null);
  document.head.appendChild(script);
});"""

# Theme: the colour mode follows Telegram's (light or dark); telegram-web-app.js writes Telegram's colours as
# --tg-theme-* variables on <html>, and the class below points Radix's background, text and accent at them.
# Back button: shown off the roots, it goes back in the page's history; Reflex changes pages with pushState,
# which is followed here.
_DRESS = r"""const krDress = (tg) => {
  if (window.__kryptonMiniApp) return;
  window.__kryptonMiniApp = true;
  const style = document.createElement('style');
  style.textContent = %(css)s;
  document.head.appendChild(style);
  document.documentElement.classList.add('tg-mini-app');
  try { tg.ready(); tg.expand(); } catch (e) {}
  // Telegram's light or dark: the app's colour mode follows, through Reflex's own setter (shell.py's buttons).
  const mode = () => { const b = document.getElementById('kr-color-' + tg.colorScheme); if (b) b.click(); };
  tg.onEvent('themeChanged', mode);
  mode();
  const roots = %(roots)s;
  const path = () => window.location.pathname.replace(/(.)\/$/, '$1');  // the served pages end in "/"
  const follow = () => roots.includes(path()) ? tg.BackButton.hide() : tg.BackButton.show();
  tg.BackButton.onClick(() => window.history.back());
  for (const name of ['pushState', 'replaceState']) {
    const original = window.history[name];
    window.history[name] = function (...args) { const result = original.apply(this, args); follow(); return result; };
  }
  window.addEventListener('popstate', follow);
  follow();
};"""

THEME_CSS = """html.tg-mini-app .radix-themes, html.tg-mini-app [data-accent-color] {
  --color-background: var(--tg-theme-bg-color) !important;
  --color-panel-solid: var(--tg-theme-section-bg-color, var(--tg-theme-secondary-bg-color)) !important;
  --gray-2: var(--tg-theme-secondary-bg-color) !important;
  --gray-12: var(--tg-theme-text-color) !important;
  --gray-11: var(--tg-theme-hint-color) !important;
  --accent-9: var(--tg-theme-button-color) !important;
  --accent-10: var(--tg-theme-button-color) !important;
  --accent-11: var(--tg-theme-link-color) !important;
  --accent-contrast: var(--tg-theme-button-text-color) !important;
}"""


def _script(body: str) -> str:
    values = {"sdk": json.dumps(routes.TELEGRAM_SDK), "css": json.dumps(THEME_CSS), "roots": json.dumps(ROOT_PATHS)}
    return f"(async () => {{ {_SDK % values} {_DRESS % values} {body} }})()"


def launch_script(*, login: bool, next_path: str) -> str:
    """Dress the page if Telegram launched it; with `login`, post its initData and, once the cookie is set,
    load `next_path` (as the server checked it), or with none reload the page as it is now (its query and
    hash kept, so a /tg link still finds its start parameter)."""
    post = f"""
  const response = await fetch({json.dumps(routes.TELEGRAM_LOGIN)}, {{
    method: 'POST', credentials: 'same-origin', headers: {{'Content-Type': 'application/json'}},
    body: JSON.stringify({{init_data: tg.initData, next: {json.dumps(next_path)}}}),
  }});
  let answer = {{}};
  try {{ answer = await response.json(); }} catch (e) {{}}
  if (response.ok) {{
    if ({json.dumps(next_path)}) window.location.assign(answer.next); else window.location.reload();
    return {json.dumps(LOGGED_IN)};
  }}
  return answer.error || 'telegram_malformed';"""
    return _script(f"""const tg = await krTelegram();
  if (!tg || !tg.initData) return '';
  krDress(tg);
  {post if login else f"return {json.dumps(INSIDE)};"}""")


# The launch's initData, for a signed-in user's link (the server verifies it); "" outside Telegram.
READ_INIT_DATA = _script("const tg = await krTelegram(); if (!tg) return ''; krDress(tg); return tg.initData || '';")

# Telegram asks the user to share their phone; resolves to the signed `response` string, or "" if refused.
REQUEST_CONTACT = _script("""const tg = await krTelegram();
  if (!tg || !tg.requestContact) return '';
  return await new Promise((resolve) => {
    try { tg.requestContact((shared, event) => resolve(shared && event && event.response ? event.response : '')); }
    catch (e) { resolve(''); }
  });""")


class MiniAppState(AuthState):
    # Settings, not secrets: whether this server can log in through Telegram (it has the bot token).
    telegram_enabled: bool = app_deps().settings.telegram_login_enabled
    in_telegram: bool = False  # the page script found Telegram's launch data
    telegram_busy: bool = False
    telegram_error_key: str = ""  # catalog key

    @rx.event
    async def start(self):
        """on_load of every public page: dress the page if Telegram launched it and, for a visitor without a
        session on a server with the bot token, log in from its initData. Anyone may call it: it only
        sends the page a script; the login itself is the route's, which verifies initData."""
        signed_in = await self._user_id() is not None
        login = self.telegram_enabled and not signed_in
        self.telegram_busy = False
        # Where to land: the page a guard sent the visitor away from, the wallet from the landing page, or
        # this page itself (reloaded with the cookie).
        on_landing = self.router.url.path.rstrip("/") == routes.LANDING.rstrip("/")
        next_path = self._next_route or (routes.WALLET if on_landing else "")
        return rx.call_script(launch_script(login=login, next_path=next_path), callback=MiniAppState.launched)

    @rx.event
    def dress(self):
        """on_load of pages behind login: Telegram's theme and back button only (their guard sends a visitor
        without a session to the landing page, whose `start` logs in)."""
        return rx.call_script(launch_script(login=False, next_path=""), callback=MiniAppState.launched)

    @rx.event
    async def launched(self, answer: str | None):
        """The page script's answer. Anyone may call it with anything: it only picks which message shows."""
        answer = answer if isinstance(answer, str) else ""
        self.in_telegram = answer != ""
        self.telegram_busy = answer == LOGGED_IN
        if answer in ("", LOGGED_IN):
            self.telegram_error_key = ""
        elif answer == INSIDE:
            signed_in = await self._user_id() is not None
            self.telegram_error_key = "" if signed_in or self.telegram_enabled else "tg.login_off"
        else:
            self.telegram_error_key = error_key(answer[:64])
