"""What a Krypton tab does in the UI benchmarks (bench/ui.py, bench/idle.py), over bench/reflex_client.py,
and the rows it needs that no page of the mix creates, written through the services in the app's database.

A demo login goes as in the browser: the handler signs a ton_proof with the server-side demo wallet and
answers with a script that writes the login's binding cookie and loads the cookie exchange route; that
route's response sets the HttpOnly session cookie, and the browser loads the page it names afresh (a
new websocket connection, which carries the cookie).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import httpx
from reflex_client import Tab, event_name, sends_event, touches

from krypton_app.db import UnitOfWork, make_engine
from krypton_app.domain.ledger import EXTERNAL, Leg
from krypton_app.models import User
from krypton_app.models.common import utcnow
from krypton_app.pages.deals.state import DealState
from krypton_app.services import deals, ledger
from krypton_app.services.ads import AdDraft, create_ad
from krypton_app.services.auth import SESSION_COOKIE, read_session
from krypton_app.services.chat import post_message
from krypton_app.services.invoice_drafts import InvoiceDraft
from krypton_app.services.invoices import create_invoice
from krypton_app.services.rates import StaticRateProvider
from krypton_app.settings import Settings
from krypton_app.state.auth import AuthState
from krypton_app.state.notifications import NotificationsState

TON = 10**9
LOGIN = event_name(AuthState.login_with_demo_wallet)
CHAT_SEND = event_name(DealState.send)
BELL_OPENED = event_name(NotificationsState.opened)
# The script the login answers with: `document.cookie = "<binding>; path=…"` and `location.assign("<url>")`.
_BINDING = re.compile(r'document\.cookie = "([^=";]+)=([^;"]+);')
_GO = re.compile(r'location\.assign\("([^"]+)"\)')


async def demo_login(tab: Tab) -> float:
    """Click "demo wallet" on the open landing page and take the session cookie as the browser does;
    the seconds of the login event's round trip (to the script it answers with). The tab is then on
    its way to the page the login names (`tab.path`), to be opened with `tab.open(tab.path)`."""
    seconds, update = await tab.call(LOGIN, until=sends_event("_call_script"))
    script = next(e for e in update["events"] if e["name"] == "_call_script")["payload"]["javascript_code"]
    binding, go = _BINDING.search(script), _GO.search(script)
    async with httpx.AsyncClient(base_url=tab.base_url, timeout=tab.timeout_s) as http:
        answer = await http.get(go.group(1), headers={"Cookie": f"{binding.group(1)}={binding.group(2)}"})
    if answer.status_code != 303 or SESSION_COOKIE not in answer.cookies:
        raise RuntimeError(f"the cookie exchange answered {answer.status_code} without a session")
    tab.cookies[SESSION_COOKIE] = answer.cookies[SESSION_COOKIE]
    tab.path = answer.headers["location"]
    return seconds


async def send_chat(tab: Tab, text: str) -> float:
    """Send a message in the open deal's chat; seconds until the chat with it comes back."""
    until = touches(DealState.get_full_name(), "messages")
    seconds, _ = await tab.call(CHAT_SEND, {"form_data": {"text": text}}, until=until)
    return seconds


async def open_bell(tab: Tab) -> float:
    """Open the bell's list; seconds until the notifications arrive."""
    until = touches(NotificationsState.get_full_name(), "items")
    seconds, _ = await tab.call(BELL_OPENED, {"is_open": True}, until=until)
    return seconds


@dataclass
class Market:
    """A seller with a sell ad large enough for every tab's deal, in the app's database."""

    uow: UnitOfWork
    settings: Settings
    seller_id: int
    ad_id: int

    @classmethod
    def create(cls, database_url: str, deals_wanted: int) -> Market:
        uow, settings = UnitOfWork(make_engine(database_url)), Settings()
        volume = deals_wanted + 10
        with uow.transaction() as s:
            seller = User(wallet_address=f"0:{uuid.uuid4().hex}{uuid.uuid4().hex}", display_name="bench seller")
            s.add(seller)
            s.flush()
            seller_id = seller.id
            leg = Leg(ledger.system_account(s, EXTERNAL, "TON"), ledger.user_account(s, seller_id, "TON"), volume * TON)
            ledger.post(s, idempotency_key=f"bench-deposit:{uuid.uuid4()}", kind="deposit", legs=[leg])
        draft = AdDraft(
            side="sell",
            asset="TON",
            fiat="RUB",
            country="RU",
            methods=("sbp",),
            price_kind="fixed",
            price="400",
            margin_percent=None,
            min_amount="1",
            max_amount="5",
            total_volume=str(volume),
        )
        ad = create_ad(uow, seller_id, draft, rates=StaticRateProvider(settings.rates), idempotency_key="bench")
        return cls(uow, settings, seller_id, ad.id)

    def user_of(self, tab: Tab) -> int:
        user_id = read_session(self.uow, tab.cookies[SESSION_COOKIE], max_age_s=self.settings.session_max_age_s)
        if user_id is None:
            raise RuntimeError("the tab's session cookie names no live session")
        return user_id

    def deal_for(self, tab: Tab) -> int:
        """A deal of 1 TON the tab's user opened on the ad, with a message from the seller in its chat
        (so the bell has something to list)."""
        deal = deals.open_deal(
            self.uow,
            self.user_of(tab),
            self.ad_id,
            amount="1",
            method="sbp",
            idempotency_key=uuid.uuid4().hex,
            rates=StaticRateProvider(self.settings.rates),
            now=utcnow(),
        )
        post_message(self.uow, self.seller_id, deal.id, text="Hello, the details are in the ad.", now=utcnow())
        return deal.id

    def invoice_for(self, tab: Tab) -> str:
        """The number of a 1 TON invoice of the tab's user (its merchant page is live)."""
        draft = InvoiceDraft(kind="fixed", title="bench", asset="TON", amount="1")
        return create_invoice(self.uow, self.user_of(tab), draft, settings=self.settings, now=utcnow())[0].number
