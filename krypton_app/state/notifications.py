"""The bell: the unread count follows the user's notifications in every open tab, and the list
shows each one in the reader's language; a click opens what it is about (`notification_target`).

One background task per tab (guarded in itself, see state/watchers.py) reads `unread_count` (one
indexed COUNT) when a notification for the user is added or read (`bell_topic`, in any app process); it
stops when the tab closes or the user logs out, and the next page load starts it again.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.i18n import translate
from krypton_app.i18n.formatting import format_short_datetime, message_params
from krypton_app.services.notifications import NotificationView, list_notifications, mark_read, unread_count
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop
from krypton_app.state.watchers import TabWatcher
from krypton_app.wakeups import bell_topic

LIST_SIZE = 20
KIND_ICONS = {
    "deal_requested": "handshake",
    "deal_status": "refresh-cw",
    "chat_message": "message-circle",
    "dispute_opened": "scale",
    "timer_soon": "clock",
}


def notification_target(n: NotificationView) -> str:
    """The page a notification is about. Every kind the services send today (services/notifications.KINDS:
    a deal requested, a deal's status, a chat message, a timer, a dispute for the operators) is about
    one deal, and its page holds the status, the chat and the dispute; a payment chat's message
    (services/payment_chat.py) names its payment in its params instead, and a payment waiting for a fiat
    payout its invoice; "" for one without any."""
    if n.deal_id is not None:
        return routes.deal_detail(n.deal_id)
    payment_id = n.params.get("payment_id")
    if isinstance(payment_id, int) and payment_id > 0:
        return routes.payment_chat(payment_id)
    # A payment waiting for its merchant's fiat payout (services/fiat_payouts.py) names its invoice.
    invoice = n.params.get("invoice")
    return routes.invoice_detail(invoice) if isinstance(invoice, str) and invoice else ""


@dataclass(frozen=True)
class NotificationRow:
    id: int
    text: str  # in the reader's language
    href: str  # notification_target: where a click goes, or ""
    icon: str
    unread: bool
    time: str


def notification_row(n: NotificationView, lang: str) -> NotificationRow:
    return NotificationRow(
        id=n.id,
        text=translate(lang, n.text_key, **message_params(n.params, lang)),
        href=notification_target(n),
        icon=KIND_ICONS.get(n.kind, "clock"),
        unread=not n.read,
        time=format_short_datetime(n.created_at, lang),
    )


class NotificationsState(TabWatcher, AuthState):
    unread: int = 0
    items: list[NotificationRow] = []

    @rx.var
    def badge(self) -> str:
        return "9+" if self.unread > 9 else str(self.unread)

    @rx.event
    async def start(self):
        """on_load of every page: show the count now and start this tab's watcher (a no-op when it
        runs already)."""
        user_id = await self._user_id()
        if user_id is None:
            self.unread, self.items = 0, []
            return None
        self.unread = await off_loop(unread_count, app_deps().uow, user_id)
        return NotificationsState.watch

    async def _watch_key(self) -> int | None:
        return await self._user_id()

    def _watch_topics(self, user_id: int) -> tuple:
        return (bell_topic(user_id),)

    @staticmethod
    def _watch_read(user_id: int) -> int:
        return unread_count(app_deps().uow, user_id)

    async def _watch_show(self, user_id: int, count: int) -> None:
        if await self._user_id() == user_id:
            self.unread = count

    async def _watch_ended(self) -> None:
        self.unread = 0

    @rx.event(background=True)
    async def watch(self):
        async for event in self._watch_rounds():
            yield event

    async def _load_items(self, user_id: int) -> None:
        lang = (await self.get_state(I18n)).lang
        uow = app_deps().uow
        notifications = await off_loop(list_notifications, uow, user_id, limit=LIST_SIZE)
        self.items = [notification_row(n, lang) for n in notifications]
        self.unread = await off_loop(unread_count, uow, user_id)

    @rx.event
    async def opened(self, is_open: bool):
        user_id = await self._user_id()
        if is_open and user_id is not None:
            await self._load_items(user_id)

    @rx.event
    async def read_all(self):
        user_id = await self._user_id()
        if user_id is None:
            return
        await off_loop(mark_read, app_deps().uow, user_id)
        await self._load_items(user_id)

    @rx.event
    async def follow(self, notification_id: int | str):
        """Mark one read and open what it is about. The target is the one the server put on the row it
        listed for this user, never a link from the browser; an id not in the list does nothing."""
        user_id = await self._user_id()
        number = str(notification_id) if isinstance(notification_id, int | str) else ""
        if user_id is None or isinstance(notification_id, bool) or not (number.isascii() and number.isdigit()):
            return None
        row = next((item for item in self.items if item.id == int(number)), None)
        if row is None:
            return None
        await off_loop(mark_read, app_deps().uow, user_id, [row.id])
        await self._load_items(user_id)
        return rx.redirect(row.href) if row.href else None
