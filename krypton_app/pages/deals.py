"""/deals: my deals with status chips; /deals/[deal_id]: the deal, the actions my role allows, and the chat.

The deal page polls every POLL_S in a per-tab background task (as state/live.py does) so the other
side's messages and actions appear without a reload. Chat text is rendered as text, never as HTML;
system messages carry a catalog key and are shown in the reader's language.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import reflex as rx

from krypton_app import routes
from krypton_app.components.layout import template
from krypton_app.components.ui import card, card_title, empty_note, field_error, page_heading, status_chip
from krypton_app.db import default_uow
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.money import format_amount
from krypton_app.i18n import error_key, translate
from krypton_app.pages.market import method_names
from krypton_app.services import deals as deal_service
from krypton_app.services.chat import list_messages, post_message
from krypton_app.services.disputes import open_dispute
from krypton_app.services.reviews import leave_review, my_review
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.live import _tab_connected

POLL_S = 1.5
STATUS_COLORS = {
    "requested": "gray",
    "escrow_locked": "blue",
    "fiat_sent": "amber",
    "released": "green",
    "cancelled": "gray",
    "expired": "gray",
    "disputed": "red",
    "resolved": "green",
}


def _now() -> datetime:
    return datetime.now(UTC)


def deal_row(v: deal_service.DealView, lang: str = "en") -> dict[str, str]:
    return {
        "id": str(v.id),
        "role_key": f"deal.role.{v.my_role}",
        "status_key": f"deal.status.{v.status}",
        "status_color": STATUS_COLORS.get(v.status, "gray"),
        "amount": f"{format_amount(v.amount, v.decimals)} {v.asset}",
        "fiat_amount": f"{format_amount(v.fiat_amount, 2, trim=False)} {v.fiat}",
        "price": f"{format_amount(v.price, 2, trim=False)} {v.fiat}",
        "method": method_names((v.method,), lang),
        "created": v.created_at.strftime("%Y-%m-%d %H:%M"),
    }


class DealsState(AuthState):
    rows: list[dict[str, str]] = []
    loaded: bool = False

    @rx.event
    async def load(self):
        user_id = self._verified_user_id()
        if user_id is None:
            return
        lang = (await self.get_state(I18n)).lang
        self.rows = [deal_row(v, lang) for v in deal_service.list_my_deals(default_uow(), user_id)]
        self.loaded = True


def _read(user_id: int, deal_id: int, after_id: int):
    uow = default_uow()
    return deal_service.get_deal(uow, user_id, deal_id), list_messages(uow, user_id, deal_id, after_id=after_id)


class DealState(AuthState):
    deal: dict[str, str] = {}
    role: str = ""
    status: str = ""
    cancel_requested: str = ""  # "", "me", "other"
    deadline_ts: int = 0
    messages: list[dict[str, str]] = []
    error: str = ""
    chat_error: str = ""
    missing: bool = False
    seconds_left: int = -1
    # my review of the other side once the deal is over: "" none yet, "positive" / "negative"
    my_review: str = ""
    review_error: str = ""

    _deal_id: int = 0
    _last_id: int = 0
    _watching: bool = False

    def _url_deal_id(self) -> int:
        segment = routes.last_segment(self.router.url.path)
        return int(segment) if segment.isdigit() else 0

    async def _lang(self) -> str:
        return (await self.get_state(I18n)).lang

    def _show(self, view: deal_service.DealView, msgs, user_id: int, lang: str) -> None:
        self.deal = deal_row(view, lang)
        self.role = view.my_role or ""
        self.status = view.status
        self.cancel_requested = (
            "" if view.cancel_requested_by is None else ("me" if view.cancel_requested_by == user_id else "other")
        )
        deadline = view.deadline_at
        self.deadline_ts = (
            int(deadline.timestamp()) if deadline and view.status in ("escrow_locked", "fiat_sent") else 0
        )
        self._tick()
        if view.status in ("released", "resolved") and not self.my_review:
            mine = my_review(default_uow(), user_id, view.id)
            self.my_review = "" if mine is None else ("positive" if mine.positive else "negative")
        for m in msgs:
            text = translate(lang, m.text_key or "", **(m.params or {})) if m.kind == "system" else m.text
            self.messages.append(
                {
                    "id": str(m.id),
                    "text": text,
                    "kind": m.kind,
                    "side": "mine" if m.mine else ("system" if m.kind == "system" else "theirs"),
                    "author_key": f"deal.role.{m.author_role}" if m.author_role else "deal.system",
                    "time": m.created_at.strftime("%H:%M"),
                }
            )
            self._last_id = max(self._last_id, m.id)

    def _tick(self) -> None:
        self.seconds_left = max(self.deadline_ts - int(_now().timestamp()), 0) if self.deadline_ts else -1

    @rx.var
    def time_left(self) -> str:
        if self.seconds_left < 0:
            return ""
        return f"{self.seconds_left // 60:02d}:{self.seconds_left % 60:02d}"

    @rx.event
    async def load(self):
        user_id = self._verified_user_id()
        if user_id is None:
            return None
        self._deal_id = self._url_deal_id()
        self.messages, self._last_id, self.error, self.chat_error, self.missing = [], 0, "", "", False
        self.my_review, self.review_error = "", ""
        try:
            view, msgs = _read(user_id, self._deal_id, 0)
        except KryptonError:
            self.missing = True
            self.deal = {}
            return None
        self._show(view, msgs, user_id, await self._lang())
        if self._watching:
            return None
        self._watching = True
        return DealState.watch

    def _watch_target(self) -> int | None:
        if not self.router.url.path.startswith("/deals/") or not _tab_connected(self.router.session.client_token):
            return None
        if self._url_deal_id() != self._deal_id or self.missing:
            return None
        return self._verified_user_id()

    @rx.event(background=True)
    async def watch(self):
        while True:
            async with self:
                user_id = self._watch_target()
                if user_id is None:
                    self._watching = False
                    return
                deal_id, after = self._deal_id, self._last_id
            try:
                view, msgs = await asyncio.to_thread(_read, user_id, deal_id, after)
            except KryptonError:
                view = None
            async with self:
                if view is not None and self._deal_id == deal_id and self._last_id == after:
                    self._show(view, msgs, user_id, await self._lang())
                else:
                    self._tick()
            await asyncio.sleep(POLL_S)

    async def _refresh(self, user_id: int) -> None:
        view, msgs = _read(user_id, self._deal_id, self._last_id)
        self._show(view, msgs, user_id, await self._lang())

    async def _act(self, action) -> None:
        user_id = self._verified_user_id()
        if user_id is None:
            return
        try:
            action(default_uow(), user_id, self._deal_id, now=_now())
            self.error = ""
        except KryptonError as error:
            self.error = error_key(error.code)
        await self._refresh(user_id)

    @rx.event
    async def mark_paid(self):
        await self._act(deal_service.mark_fiat_sent)

    @rx.event
    async def undo_paid(self):
        await self._act(deal_service.undo_fiat_sent)

    @rx.event
    async def release(self):
        await self._act(deal_service.release)

    @rx.event
    async def cancel(self):
        await self._act(deal_service.cancel)

    @rx.event
    async def dispute(self):
        await self._act(open_dispute)

    @rx.event
    async def review(self, form_data: dict):
        user_id = self._verified_user_id()
        if user_id is None:
            return
        positive = str(form_data.get("verdict") or "") != "negative"
        try:
            leave_review(
                default_uow(),
                user_id,
                self._deal_id,
                positive=positive,
                comment=str(form_data.get("comment") or "").strip(),
                now=_now(),
            )
        except KryptonError as error:
            self.review_error = error_key(error.code)
            return
        self.review_error = ""
        self.my_review = "positive" if positive else "negative"

    @rx.event
    async def send(self, form_data: dict):
        user_id = self._verified_user_id()
        if user_id is None:
            return None
        try:
            post_message(default_uow(), user_id, self._deal_id, text=str(form_data.get("text") or ""), now=_now())
            self.chat_error = ""
        except KryptonError as error:
            self.chat_error = error_key(error.code)
            return None
        await self._refresh(user_id)
        return rx.set_value("chat_text", "")


# -- list -----------------------------------------------------------------------------------------


def deal_item(row: rx.Var) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.code("#", row["id"], size="2", variant="soft"),
                    status_chip(I18n.t[row["status_key"]], row["status_color"], data_testid="deal-status"),
                    rx.badge(I18n.t[row["role_key"]], variant="outline", radius="full", size="1"),
                    spacing="2",
                    wrap="wrap",
                ),
                rx.text(row["created"], size="1", color_scheme="gray"),
                spacing="1",
            ),
            rx.spacer(),
            rx.vstack(
                rx.text(row["amount"], size="3", weight="bold"),
                rx.text(row["fiat_amount"], " · ", row["method"], size="1", color_scheme="gray"),
                spacing="0",
                align="end",
            ),
            width="100%",
            wrap="wrap",
        ),
        href="/deals/" + row["id"],
        underline="none",
        color=rx.color("gray", 12),
        width="100%",
        padding_y="12px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="deal-row",
    )


@template(route=routes.DEALS, title="Deals", on_load=[DealsState.load])
def deals() -> rx.Component:
    return rx.vstack(
        page_heading(I18n.t["deals.title"], I18n.t["deals.subtitle"]),
        card(
            card_title("handshake", I18n.t["deals.list_title"]),
            rx.cond(
                DealsState.rows.length() > 0,
                rx.vstack(rx.foreach(DealsState.rows, deal_item), spacing="0", width="100%"),
                empty_note(I18n.t["deals.empty"]),
            ),
        ),
        rx.callout(I18n.t["deals.not_built"], icon="info", color_scheme="gray", size="1", width="100%"),
        spacing="4",
        width="100%",
    )


# -- detail ---------------------------------------------------------------------------------------


def _kv(label_key: str, value: rx.Var, test_id: str = "") -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t[label_key], size="1", color_scheme="gray"),
        rx.text(value, size="3", weight="medium", data_testid=test_id or None),
        spacing="0",
    )


def summary() -> rx.Component:
    d = DealState.deal
    return card(
        card_title(
            "handshake",
            rx.text.span(I18n.t["deal.title"], " #", d["id"]),
            status_chip(I18n.t[d["status_key"]], d["status_color"], data_testid="deal-status"),
        ),
        rx.grid(
            _kv("deal.field.role", I18n.t[d["role_key"]], "deal-role"),
            _kv("deal.field.amount", d["amount"], "deal-amount-value"),
            _kv("deal.field.fiat_amount", d["fiat_amount"]),
            _kv("deal.field.price", d["price"]),
            _kv("deal.field.method", d["method"]),
            rx.cond(DealState.time_left != "", _kv("deal.field.time_left", DealState.time_left, "deal-time-left")),
            columns=rx.breakpoints(initial="2", sm="3"),
            spacing="4",
            width="100%",
        ),
        rx.cond(
            DealState.cancel_requested == "other",
            rx.callout(I18n.t["deal.cancel_asked"], icon="info", color_scheme="amber", size="1", margin_top="12px"),
        ),
        rx.cond(
            DealState.cancel_requested == "me",
            rx.callout(I18n.t["deal.cancel_waiting"], icon="info", color_scheme="gray", size="1", margin_top="12px"),
        ),
        actions(),
        rx.cond(DealState.error != "", field_error(I18n.t[DealState.error])),
    )


def actions() -> rx.Component:
    buyer = DealState.role == "buyer"
    seller = DealState.role == "seller"
    status = DealState.status
    return rx.hstack(
        rx.cond(
            buyer & (status == "escrow_locked"),
            rx.button(I18n.t["deal.action.mark_paid"], on_click=DealState.mark_paid, data_testid="deal-mark-paid"),
        ),
        rx.cond(
            buyer & (status == "fiat_sent"),
            rx.button(
                I18n.t["deal.action.undo"], on_click=DealState.undo_paid, variant="soft", data_testid="deal-undo"
            ),
        ),
        rx.cond(
            seller & ((status == "fiat_sent") | (status == "escrow_locked")),
            rx.button(
                I18n.t["deal.action.release"],
                on_click=DealState.release,
                color_scheme="green",
                data_testid="deal-release",
            ),
        ),
        rx.cond(
            (status == "escrow_locked") | (status == "fiat_sent"),
            rx.button(
                rx.cond(
                    DealState.cancel_requested == "other",
                    I18n.t["deal.action.agree_cancel"],
                    I18n.t["deal.action.cancel"],
                ),
                on_click=DealState.cancel,
                variant="soft",
                color_scheme="gray",
                disabled=DealState.cancel_requested == "me",
                data_testid="deal-cancel",
            ),
        ),
        rx.cond(
            status == "fiat_sent",
            rx.button(
                I18n.t["deal.action.dispute"],
                on_click=DealState.dispute,
                variant="outline",
                color_scheme="red",
                data_testid="deal-dispute",
            ),
        ),
        spacing="2",
        wrap="wrap",
        margin_top="16px",
    )


def review_card() -> rx.Component:
    return card(
        card_title("star", I18n.t["deal.review.title"]),
        rx.cond(
            DealState.my_review != "",
            rx.text(
                I18n.t["deal.review.done"],
                " ",
                rx.cond(
                    DealState.my_review == "positive", I18n.t["deal.review.positive"], I18n.t["deal.review.negative"]
                ),
                size="2",
                data_testid="review-done",
            ),
            rx.form(
                rx.vstack(
                    rx.radio_group.root(
                        rx.radio_group.item(I18n.t["deal.review.positive"], value="positive"),
                        rx.radio_group.item(I18n.t["deal.review.negative"], value="negative"),
                        name="verdict",
                        default_value="positive",
                        direction="row",
                        spacing="4",
                    ),
                    rx.input(
                        name="comment",
                        placeholder=I18n.t["deal.review.comment"],
                        size="3",
                        width="100%",
                        data_testid="review-comment",
                    ),
                    rx.button(I18n.t["deal.review.send"], type="submit", data_testid="review-send"),
                    rx.cond(DealState.review_error != "", field_error(I18n.t[DealState.review_error])),
                    spacing="3",
                    width="100%",
                ),
                on_submit=DealState.review,
            ),
        ),
    )


def message_bubble(m: rx.Var) -> rx.Component:
    return rx.cond(
        m["side"] == "system",
        rx.box(
            rx.text(m["text"], size="1", color_scheme="gray", text_align="center"),
            width="100%",
            padding="6px 12px",
            data_testid="chat-system",
        ),
        rx.hstack(
            rx.box(
                rx.text(I18n.t[m["author_key"]], " · ", m["time"], size="1", color_scheme="gray"),
                # Plain text child: React escapes it, so a message can never inject HTML.
                rx.text(m["text"], size="2", white_space="pre-wrap", word_break="break-word"),
                background=rx.cond(m["side"] == "mine", rx.color("accent", 3), rx.color("gray", 3)),
                border_radius="14px",
                padding="8px 12px",
                max_width="80%",
                data_testid="chat-message",
            ),
            justify=rx.cond(m["side"] == "mine", "end", "start"),
            width="100%",
        ),
    )


def chat() -> rx.Component:
    return card(
        card_title("messages-square", I18n.t["deal.chat"]),
        rx.vstack(
            rx.foreach(DealState.messages, message_bubble),
            spacing="2",
            width="100%",
            max_height="420px",
            overflow_y="auto",
            data_testid="chat-log",
        ),
        rx.form(
            rx.hstack(
                rx.input(
                    id="chat_text",
                    name="text",
                    placeholder=I18n.t["deal.chat_placeholder"],
                    size="3",
                    width="100%",
                    auto_complete="off",
                    data_testid="chat-input",
                ),
                rx.button(
                    rx.icon("send", size=16), I18n.t["deal.chat_send"], type="submit", size="3", data_testid="chat-send"
                ),
                width="100%",
                margin_top="12px",
            ),
            on_submit=DealState.send,
            reset_on_submit=True,
        ),
        rx.cond(DealState.chat_error != "", field_error(I18n.t[DealState.chat_error])),
    )


@template(route=routes.DEAL_DETAIL, title="Deal", on_load=[DealState.load])
def deal_detail() -> rx.Component:
    return rx.vstack(
        rx.link(
            rx.hstack(rx.icon("chevron-left", size=15), I18n.t["deals.title"], align="center"),
            href=routes.DEALS,
            size="2",
        ),
        rx.cond(
            DealState.missing,
            card(empty_note(I18n.t["deal.missing"])),
            rx.cond(
                DealState.deal.contains("id"),
                rx.vstack(
                    summary(),
                    rx.cond(
                        (DealState.status == "released") | (DealState.status == "resolved"),
                        review_card(),
                    ),
                    chat(),
                    spacing="4",
                    width="100%",
                ),
            ),
        ),
        spacing="4",
        width="100%",
    )
