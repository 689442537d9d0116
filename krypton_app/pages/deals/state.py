"""The deal page's state: the deal, the chat, the dispute and the review, as one read of
services/deal_room.py, and the handlers of its buttons and forms (the dispute forms in dispute_forms.py,
the review and the chat in talk.py, mixed in).

A per-tab watcher (state/watchers.py) reads the deal room when the deal announces a change (a move,
a message: `deal_topic`, from the services' transactions, in any app process; a review or a dispute
statement from this page's `_changed`), so the other side's messages and actions appear at once
without a reload.
What the viewer may do comes from the deal view (`allowed_actions`); the services check every action
again.
"""

from __future__ import annotations

import math
from functools import partial

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.domain import deals as machine
from krypton_app.domain.errors import KryptonError
from krypton_app.i18n import duration_text, error_key
from krypton_app.models.common import utcnow
from krypton_app.pages.deals.buy_state import BuyDestination
from krypton_app.pages.deals.dispute_forms import DisputeForms
from krypton_app.pages.deals.rows import DealRow, DisputeRow, deal_row, dispute_row
from krypton_app.pages.deals.talk import DealTalk
from krypton_app.services import deals as deal_service
from krypton_app.services.deal_room import DealRoom, read_deal_room
from krypton_app.services.disputes import open_dispute
from krypton_app.state.auth import AuthState
from krypton_app.state.chat_rows import MessageRow, message_row
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop
from krypton_app.state.watchers import TabWatcher
from krypton_app.wakeups import WAKEUPS, deal_topic, deals_topic

DEAL_PAGE_PREFIX = routes.deal_detail("")


def _read_room(key: tuple[int, int, int, str]) -> DealRoom | None:
    """(viewer, deal, last message id, status of the counterparty's card shown) -> the room, or None when
    the viewer may no longer see it."""
    user_id, deal_id, after_id, card_status = key
    try:
        return read_deal_room(app_deps().uow, user_id, deal_id, after_id=after_id, counterparty_known_at=card_status)
    except KryptonError:
        return None


class DealState(BuyDestination, DisputeForms, DealTalk, TabWatcher, AuthState):
    deal: DealRow = DealRow()
    role: str = ""
    status: str = ""
    # domain.deals.offered_actions for the viewer, from the deal view
    actions: list[str] = []
    cancel_requested: str = ""  # "", "me", "other"
    # What the cancel button does (domain.deals.cancel_step): True ends the deal now, False only asks.
    cancel_now: bool = False
    # Who the viewer trades with and their reputation ("" / -1 for an operator, who is neither side).
    other_name: str = ""
    other_deals: int = -1
    other_rate: str = ""
    ad_terms: str = ""
    # The seller's payment details: the deal room gives them to the two sides only, "" to anyone else.
    payment_details: str = ""
    # The deal's deadline, ms since the epoch (0: none): the browser counts down to it
    # (components/countdown.py), and the timers worker acts at it.
    deadline_ms: int = 0
    # A side may dispute only a while after "I have paid" (domain/deals.py): the wait as text ("10 min")
    # for the rule shown before "paid"; then the moment it opens (ms, the browser counts down to it) and
    # whether it is still to come (the button waits for it).
    dispute_wait: str = ""
    dispute_opens_ms: int = 0
    dispute_waiting: bool = False
    _dispute_ts: float = 0.0
    messages: list[MessageRow] = []
    error: str = ""
    missing: bool = False
    dispute_info: DisputeRow = DisputeRow()
    # The invoice part the deal pays (SPEC F10; part_position 0: a plain deal), and the payment's page
    # for its payer ("" for the trader and an operator).
    part_position: int = 0
    part_count: int = 0
    part_invoice: str = ""
    part_merchant: str = ""
    part_payment_href: str = ""

    _deal_id: int = 0
    _last_id: int = 0
    # The deal's seller and buyer, whose lists of deals an action here changes.
    _sides: tuple[int, ...] = ()
    # The deal status at which the counterparty's card was read: read again only when it changes.
    _card_status: str = ""
    # The escrow, for the operator's split preview: raw amounts never go to the browser.
    _amount: int = 0
    _decimals: int = 0
    _asset: str = ""
    # The deal's fee and who pays it (seller | buyer): the split preview says what it changes.
    _fee: int = 0
    _fee_side: str = ""

    def _url_deal_id(self) -> int:
        segment = routes.last_segment(self.router.url.path)
        return int(segment) if segment.isdigit() else 0

    def _show(self, room: DealRoom, user_id: int, lang: str) -> None:
        view = room.deal
        self._sides = (view.seller_id, view.buyer_id)
        self.deal = deal_row(view, lang)
        self.dispute_info = dispute_row(room.dispute, lang) if room.dispute is not None else DisputeRow()
        self.role, self.status = view.my_role or "", view.status
        self.actions = sorted(view.allowed_actions)
        self._amount, self._decimals, self._asset = view.amount, view.decimals, view.asset
        self._fee, self._fee_side = view.fee, view.fee_side
        asked = view.cancel_requested_by
        self.cancel_requested = "" if asked is None else ("me" if asked == user_id else "other")
        self.cancel_now = machine.CANCEL in view.allowed_actions and (
            machine.cancel_step(view.status, view.my_role or "", requested_by_other=self.cancel_requested == "other")
            != "request"
        )
        if room.counterparty_read:
            other = room.counterparty
            self.other_name = other.name if other else ""
            self.other_deals = other.completed_deals if other else -1
            rate = other.completion_rate_30d if other else None
            self.other_rate = "" if rate is None else f"{round(rate * 100)}%"
            self._card_status = view.status
            part = room.part
            self.part_position, self.part_count = (part.position, part.parts) if part else (0, 0)
            self.part_invoice, self.part_merchant = (part.invoice_number, part.merchant_name) if part else ("", "")
            self.part_payment_href = routes.payment(part.payment_id) if part and part.is_payer else ""
        self.ad_terms, self.payment_details = room.ad_terms, room.payment_details
        self._show_buy(room.buy, lang)
        deadline = view.timer_deadline
        self.deadline_ms = int(deadline.timestamp() * 1000) if deadline else 0
        side = view.my_role in machine.SIDES
        wait_s = app_deps().settings.deal_dispute_after_s
        waiting = side and view.status == machine.ESCROW_LOCKED and wait_s > 0
        self.dispute_wait = duration_text(lang, wait_s) if waiting else ""
        opens = view.dispute_opens_at if side and view.status == machine.FIAT_SENT else None
        self._dispute_ts = opens.timestamp() if opens else 0.0
        self.dispute_opens_ms = math.ceil(self._dispute_ts * 1000)
        self._tick()
        if room.my_review is not None:
            self.my_review = "positive" if room.my_review.positive else "negative"
        self.messages.extend(message_row(m, lang) for m in room.messages)
        self._last_id = max([self._last_id, *(m.id for m in room.messages)])

    def _tick(self) -> None:
        # To the microsecond the server checks: enabled a moment early would only earn "too early".
        self.dispute_waiting = self._dispute_ts > utcnow().timestamp()

    def _watch_tick(self) -> float | None:
        """The dispute button waits for its moment: the watcher wakes once then, not every second (the
        countdowns tick in the browser)."""
        self._tick()
        return self._dispute_ts - utcnow().timestamp() if self.dispute_waiting else None

    async def _refresh(self, user_id: int) -> None:
        room = await off_loop(
            read_deal_room,
            app_deps().uow,
            user_id,
            self._deal_id,
            after_id=self._last_id,
            counterparty_known_at=self._card_status,
        )
        lang = (await self.get_state(I18n)).lang
        self._show(room, user_id, lang)
        await self._take_buy_code(user_id, self._deal_id, self._decimals, lang)

    @rx.event
    async def load(self):
        user_id = await self._user_id()
        if user_id is None:
            return None
        self._deal_id = self._url_deal_id()
        self.messages, self._last_id, self.error, self.chat_error, self.missing = [], 0, "", "", False
        self.my_review, self.review_error = "", ""
        self.statement_error, self.statement_saved, self.image_error = "", False, ""
        self.decision, self.decision_error = "", ""
        self._card_status = ""
        self._reset_buy(self._deal_id)
        room = await off_loop(_read_room, (user_id, self._deal_id, 0, ""))
        if room is None:
            self.missing, self.deal = True, DealRow()
            return None
        lang = (await self.get_state(I18n)).lang
        self._show(room, user_id, lang)
        await self._take_buy_code(user_id, self._deal_id, self._decimals, lang)
        return DealState.watch

    # -- the watcher ------------------------------------------------------------------------------

    async def _watch_key(self) -> tuple[int, int, int, str] | None:
        path = self.router.url.path
        if not path.startswith(DEAL_PAGE_PREFIX) or self._url_deal_id() != self._deal_id or self.missing:
            return None
        user_id = await self._user_id()
        return None if user_id is None else (user_id, self._deal_id, self._last_id, self._card_status)

    _watch_read = staticmethod(_read_room)

    def _watch_topics(self, key: tuple[int, int, int, str]) -> tuple:
        return (deal_topic(key[1]),)

    def _changed(self) -> None:
        """This tab changed the deal: the deal's other tabs and both sides' lists look again now."""
        WAKEUPS.wake(deal_topic(self._deal_id), *(deals_topic(side) for side in self._sides))

    async def _watch_show(self, key: tuple[int, int, int, str], room: DealRoom | None) -> None:
        user_id, deal_id, after_id, card_status = key
        # Shown only if the tab did not move on meanwhile (another deal, or its own refresh).
        if room is not None and (self._deal_id, self._last_id, self._card_status) == (deal_id, after_id, card_status):
            lang = (await self.get_state(I18n)).lang
            self._show(room, user_id, lang)
            await self._take_buy_code(user_id, deal_id, self._decimals, lang)
        else:
            self._tick()

    @rx.event(background=True)
    async def watch(self):
        async for event in self._watch_rounds():
            yield event

    # -- the two sides' buttons -------------------------------------------------------------------

    async def _act(self, user_id: int, action) -> None:
        try:
            await off_loop(action, app_deps().uow, user_id, self._deal_id, now=utcnow())
            self.error = ""
            self._changed()
        except KryptonError as error:
            self.error = error_key(error.code, error.details)
        await self._refresh(user_id)

    @rx.event
    async def mark_paid(self):
        if (user_id := await self._user_id()) is not None:
            # The settings of the composition root: the wait it starts is the one this page shows.
            await self._act(user_id, partial(deal_service.mark_fiat_sent, settings=app_deps().settings))

    @rx.event
    async def undo_paid(self):
        if (user_id := await self._user_id()) is not None:
            await self._act(user_id, deal_service.undo_fiat_sent)

    @rx.event
    async def release(self):
        if (user_id := await self._user_id()) is not None:
            # A deal that pays an invoice part funds it on release, at the composition root's rates.
            deps = app_deps()
            await self._act(user_id, partial(deal_service.release, settings=deps.settings, rates=deps.rates))

    @rx.event
    async def cancel(self):
        if (user_id := await self._user_id()) is not None:
            await self._act(user_id, deal_service.cancel)

    @rx.event
    async def dispute(self):
        if (user_id := await self._user_id()) is not None:
            await self._act(user_id, open_dispute)
