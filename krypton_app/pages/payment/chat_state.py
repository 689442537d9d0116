"""/payment/[payment_id]/chat: the payer and the invoice's merchant write about one payment (and an
operator, once one of them called one). Its own page rather than a panel of the result page: the
merchant arrives from the invoice page and a notification, where the result page (receipt, secrets,
cancel) means nothing to them, and on a phone a chat wants the whole screen.

A per-tab watcher (state/watchers.py) reads the new messages when one is posted, in any app process
(`payment_chat_topic`, announced by the service: krypton_app/wakeups.py). Every
read and write goes through services/payment_chat.py, which answers NotFound to anyone but the two
sides (and a called operator): a stranger calling these handlers by name with someone else's payment
id gets the "not yours" page and nothing else.
"""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.components.chat import CHAT_INPUT
from krypton_app.domain.errors import KryptonError
from krypton_app.i18n import error_key, translate
from krypton_app.models.common import utcnow
from krypton_app.services.chat import IMAGE_MAX_BYTES, MERCHANT, PAYER
from krypton_app.services.payment_chat import (
    PaymentChatRoom,
    call_operator,
    mark_read,
    post_payment_message,
    read_payment_chat,
)
from krypton_app.state.auth import AuthState
from krypton_app.state.chat_rows import MessageRow, message_row
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop
from krypton_app.state.watchers import TabWatcher
from krypton_app.wakeups import payment_chat_topic

ROLES = "paychat.role"


def _read_room(key: tuple[int, int, int]) -> PaymentChatRoom | None:
    """(viewer, payment, last message id shown) -> the chat's news, marked read as the tab shows them;
    None when the viewer may not (or no longer) see it."""
    user_id, payment_id, after_id = key
    uow = app_deps().uow
    try:
        room = read_payment_chat(uow, user_id, payment_id, after_id=after_id)
        if room.messages and room.my_role in (PAYER, MERCHANT):
            mark_read(uow, user_id, payment_id, room.messages[-1].id)
        return room
    except KryptonError:
        return None


class PaymentChatState(TabWatcher, AuthState):
    role: str = ""  # payer | merchant | operator
    about: str = ""  # "Payment #12 · invoice K7QX2M" in the tab's language
    other_name: str = ""
    operator_called: bool = False
    messages: list[MessageRow] = []
    chat_error: str = ""
    chat_length: int = 0
    image_error: str = ""
    call_error: str = ""
    missing: bool = False
    shown: int = 0  # the payment whose chat is shown (0: none yet)

    _payment_id: int = 0
    _last_id: int = 0

    def _show(self, room: PaymentChatRoom, lang: str) -> None:
        self.role, self.other_name, self.operator_called = room.my_role, room.other_name, room.operator_called
        self.about = translate(lang, "paychat.about", payment_id=room.payment_id, invoice=room.invoice_number)
        self.messages.extend(message_row(m, lang, roles=ROLES) for m in room.messages)
        self._last_id = max([self._last_id, *(m.id for m in room.messages)])
        self.shown = room.payment_id

    async def _refresh(self, user_id: int) -> None:
        room = await off_loop(_read_room, (user_id, self._payment_id, self._last_id))
        if room is None:
            self.missing = True
            return
        self._show(room, (await self.get_state(I18n)).lang)

    @rx.event
    async def load(self):
        self.messages, self._last_id, self.missing, self.shown = [], 0, False, 0
        self.chat_error, self.image_error, self.call_error, self.chat_length = "", "", "", 0
        self.role, self.about, self.other_name, self.operator_called = "", "", "", False
        user_id = await self._user_id()
        if user_id is None:
            return None
        self._payment_id = routes.payment_id_in_chat(self.router.url.path)
        await self._refresh(user_id)
        if self.missing:
            self._payment_id = 0  # the handlers below then do nothing at all
            return None
        return PaymentChatState.watch

    # -- the watcher ------------------------------------------------------------------------------

    async def _watch_key(self) -> tuple[int, int, int] | None:
        path = self.router.url.path
        if self.missing or not self._payment_id or routes.payment_id_in_chat(path) != self._payment_id:
            return None
        user_id = await self._user_id()
        return None if user_id is None else (user_id, self._payment_id, self._last_id)

    _watch_read = staticmethod(_read_room)

    def _watch_topics(self, key: tuple[int, int, int]) -> tuple:
        return (payment_chat_topic(key[1]),)

    async def _watch_show(self, key: tuple[int, int, int], room: PaymentChatRoom | None) -> None:
        # Shown only if the tab did not move on meanwhile (another payment, or its own refresh).
        if room is not None and (self._payment_id, self._last_id) == key[1:]:
            self._show(room, (await self.get_state(I18n)).lang)

    @rx.event(background=True)
    async def watch(self):
        async for event in self._watch_rounds():
            yield event

    # -- writing ----------------------------------------------------------------------------------

    async def _post(self, user_id: int, **message) -> str:
        """Post through the service; "" when sent, else the error's catalog key."""
        try:
            await off_loop(post_payment_message, app_deps().uow, user_id, self._payment_id, now=utcnow(), **message)
        except KryptonError as error:
            return error_key(error.code, error.details)
        await self._refresh(user_id)
        return ""

    @rx.event
    async def send(self, form_data: dict):
        user_id = await self._user_id()
        if user_id is None or not self._payment_id:
            return None
        self.chat_error = await self._post(user_id, text=str(form_data.get("text") or ""))
        if self.chat_error:
            return None  # a refused message stays in the input to be shortened
        self.chat_length = 0
        return rx.set_value(CHAT_INPUT, "")

    @rx.event
    def count_chat(self, text: str):
        """The counter under the chat input: the length of the text only, nothing is stored or sent."""
        self.chat_length = len(text) if isinstance(text, str) else 0

    @rx.event
    async def send_image(self, files: list[rx.UploadFile]):
        user_id = await self._user_id()
        if user_id is None or not self._payment_id or not files:
            return
        upload = files[0]
        # One byte over the limit is enough for the service to refuse; never read a huge file whole.
        data = await upload.read(IMAGE_MAX_BYTES + 1)
        image_type = getattr(upload, "content_type", None) or None
        self.image_error = await self._post(user_id, text="", image=data, image_type=image_type)

    @rx.event
    async def call_operator(self):
        user_id = await self._user_id()
        if user_id is None or not self._payment_id:
            return
        try:
            await off_loop(call_operator, app_deps().uow, user_id, self._payment_id, now=utcnow())
        except KryptonError as error:
            self.call_error = error_key(error.code, error.details)
            return
        self.call_error = ""
        await self._refresh(user_id)
