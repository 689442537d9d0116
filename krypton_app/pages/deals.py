"""/deals: my deals with status chips; /deals/[deal_id]: the deal, the actions my role allows, and the chat.

Both pages poll every POLL_S in a per-tab background task (guarded in itself, see state/watchers.py)
so the other side's messages and actions appear without a reload. Chat text is rendered as text, never as HTML;
system messages carry a catalog key and are shown in the reader's language. Images are served by
/files/chat/<message id>, which checks the session like the chat does.

The operator's dispute page is this page too: an operator may open a deal once it is disputed,
reads both statements and the chat, writes in it, and decides (release, refund or split).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import reflex as rx

from krypton_app import routes
from krypton_app.components.layout import template
from krypton_app.components.ui import card, card_title, empty_note, field_error, page_heading, status_chip
from krypton_app.db import default_uow
from krypton_app.domain import deals as machine
from krypton_app.domain.catalog_data import method_names
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.money import format_amount
from krypton_app.i18n import error_key, translate
from krypton_app.services import deals as deal_service
from krypton_app.services.chat import IMAGE_MAX_BYTES, list_messages, post_message
from krypton_app.services.disputes import DisputeView, get_dispute, open_dispute, resolve_dispute, submit_statement
from krypton_app.services.reviews import leave_review, my_review
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.views import amount_text
from krypton_app.state.watchers import TabWatcher, tab_connected

POLL_S = 1.5
CHAT_UPLOAD = "chat_image"
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
        "asset": v.asset,
        "decimals": str(v.decimals),
        "amount_minor": str(v.amount),
        "role_key": f"deal.role.{v.my_role}",
        "status_key": f"deal.status.{v.status}",
        "status_color": STATUS_COLORS.get(v.status, "gray"),
        "amount": amount_text(v.amount, v.decimals, v.asset),
        "fiat_amount": f"{format_amount(v.fiat_amount, 2, trim=False)} {v.fiat}",
        "price": f"{format_amount(v.price, 2, trim=False)} {v.fiat}",
        "method": method_names((v.method,), lang),
        "created": v.created_at.strftime("%Y-%m-%d %H:%M"),
    }


class DealsState(TabWatcher, AuthState):
    rows: list[dict[str, str]] = []
    loaded: bool = False

    @rx.event
    async def load(self):
        user_id = self._verified_user_id()
        if user_id is None:
            return None
        lang = (await self.get_state(I18n)).lang
        self.rows = _deal_rows(user_id, lang)
        self.loaded = True
        return DealsState.watch

    def _watch_target(self) -> int | None:
        path = self.router.url.path.rstrip("/")
        if path != routes.DEALS or not tab_connected(self.router.session.client_token):
            return None
        return self._verified_user_id()

    @rx.event(background=True)
    async def watch(self):
        """New deals on my ads and the other sides' moves show up in the list without a reload."""
        async with self:
            token = self._claim_watch()
        if token is None:
            return
        try:
            while True:
                async with self:
                    user_id = self._watch_target() if self._keep_watch(token) else None
                    if user_id is None:
                        return
                    lang = (await self.get_state(I18n)).lang
                # Read outside the lock, so the tab's own events are not held up by the database.
                rows = await asyncio.to_thread(_deal_rows, user_id, lang)
                async with self:
                    if rows != self.rows and self._verified_user_id() == user_id:
                        self.rows = rows
                await asyncio.sleep(POLL_S * 2)
        finally:
            async with self:
                self._end_watch(token)


def _deal_rows(user_id: int, lang: str) -> list[dict[str, str]]:
    return [deal_row(v, lang) for v in deal_service.list_my_deals(default_uow(), user_id)]


def _read(user_id: int, deal_id: int, after_id: int):
    uow = default_uow()
    view = deal_service.get_deal(uow, user_id, deal_id)
    dispute = get_dispute(uow, user_id, deal_id) if view.status in ("disputed", "resolved") else None
    return view, list_messages(uow, user_id, deal_id, after_id=after_id), dispute


def dispute_row(d: DisputeView) -> dict[str, str]:
    to_buyer = d.buyer_share or 0
    return {
        "opened_by_key": f"dispute.opened_by.{d.opener}",
        "outcome": d.outcome,
        "outcome_key": f"dispute.outcome.{d.outcome}",
        "to_buyer": amount_text(to_buyer, d.deal.decimals, d.deal.asset),
        "to_seller": amount_text(d.deal.amount - to_buyer, d.deal.decimals, d.deal.asset),
        # A side gets only its own statement from the service; an operator gets both.
        "mine": (d.seller_statement if d.deal.my_role == "seller" else d.buyer_statement) or "",
        "other_wrote": "1" if (d.buyer_wrote if d.deal.my_role == "seller" else d.seller_wrote) else "",
        "seller_statement": d.seller_statement or "",
        "buyer_statement": d.buyer_statement or "",
    }


class DealState(TabWatcher, AuthState):
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
    dispute_info: dict[str, str] = {}
    statement_error: str = ""
    statement_saved: bool = False
    # The operator's decision, asked once more before it is final: "" | release | refund | split
    decision: str = ""
    decision_share: str = ""
    decision_to_buyer: str = ""
    decision_to_seller: str = ""
    decision_error: str = ""
    image_error: str = ""

    _deal_id: int = 0
    _last_id: int = 0

    def _url_deal_id(self) -> int:
        segment = routes.last_segment(self.router.url.path)
        return int(segment) if segment.isdigit() else 0

    async def _lang(self) -> str:
        return (await self.get_state(I18n)).lang

    def _show(self, view: deal_service.DealView, msgs, dispute, user_id: int, lang: str) -> None:
        self.deal = deal_row(view, lang)
        self.dispute_info = dispute_row(dispute) if dispute is not None else {}
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
                    "image": routes.chat_file(m.id) if m.attachment else "",
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
        self.statement_error, self.statement_saved, self.image_error = "", False, ""
        self.decision, self.decision_error = "", ""
        try:
            view, msgs, dispute = _read(user_id, self._deal_id, 0)
        except KryptonError:
            self.missing = True
            self.deal = {}
            return None
        self._show(view, msgs, dispute, user_id, await self._lang())
        return DealState.watch

    def _watch_target(self) -> int | None:
        if not self.router.url.path.startswith("/deals/") or not tab_connected(self.router.session.client_token):
            return None
        if self._url_deal_id() != self._deal_id or self.missing:
            return None
        return self._verified_user_id()

    @rx.event(background=True)
    async def watch(self):
        async with self:
            token = self._claim_watch()
        if token is None:
            return
        try:
            while True:
                async with self:
                    user_id = self._watch_target() if self._keep_watch(token) else None
                    if user_id is None:
                        return
                    deal_id, after = self._deal_id, self._last_id
                try:
                    view, msgs, dispute = await asyncio.to_thread(_read, user_id, deal_id, after)
                except KryptonError:
                    view = None
                async with self:
                    if view is not None and self._deal_id == deal_id and self._last_id == after:
                        self._show(view, msgs, dispute, user_id, await self._lang())
                    else:
                        self._tick()
                await asyncio.sleep(POLL_S)
        finally:
            async with self:
                self._end_watch(token)

    async def _refresh(self, user_id: int) -> None:
        view, msgs, dispute = _read(user_id, self._deal_id, self._last_id)
        self._show(view, msgs, dispute, user_id, await self._lang())

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
    async def save_statement(self, form_data: dict):
        user_id = self._verified_user_id()
        if user_id is None:
            return
        try:
            submit_statement(default_uow(), user_id, self._deal_id, str(form_data.get("statement") or ""))
        except KryptonError as error:
            self.statement_error, self.statement_saved = error_key(error.code), False
            return
        self.statement_error, self.statement_saved = "", True
        await self._refresh(user_id)

    @rx.event
    def propose(self, form_data: dict):
        """First step of the operator's decision: show exactly what each side will get."""
        outcome = str(form_data.get("outcome") or "")
        self.decision_error = ""
        try:
            share = machine.share_from_percent(str(form_data.get("share") or "")) if outcome == "split" else None
            to_buyer, to_seller = machine.split_amounts(int(self.deal.get("amount_minor", "0")), outcome, share)
        except KryptonError as error:
            self.decision, self.decision_error = "", error_key(error.code)
            return
        self.decision, self.decision_share = outcome, share or ""
        decimals, asset = int(self.deal["decimals"]), self.deal["asset"]
        self.decision_to_buyer = amount_text(to_buyer, decimals, asset)
        self.decision_to_seller = amount_text(to_seller, decimals, asset)

    @rx.event
    def back_to_decision(self):
        self.decision = ""

    @rx.event
    async def decide(self):
        user_id = self._verified_user_id()
        if user_id is None or not self.decision:
            return
        try:
            resolve_dispute(
                default_uow(),
                user_id,
                self._deal_id,
                outcome=self.decision,
                buyer_share=self.decision_share or None,
                now=_now(),
            )
        except KryptonError as error:
            self.decision_error = error_key(error.code)
            return
        self.decision, self.decision_error = "", ""
        await self._refresh(user_id)

    @rx.event
    async def send_image(self, files: list[rx.UploadFile]):
        user_id = self._verified_user_id()
        if user_id is None or not files:
            return
        upload = files[0]
        # One byte over the limit is enough for the service to refuse; never read a huge file whole.
        data = await upload.read(IMAGE_MAX_BYTES + 1)
        try:
            post_message(
                default_uow(),
                user_id,
                self._deal_id,
                text="",
                image=data,
                image_type=getattr(upload, "content_type", None) or None,
                now=_now(),
            )
        except KryptonError as error:
            self.image_error = error_key(error.code)
            return
        self.image_error = ""
        await self._refresh(user_id)

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


def _statement(label_key: str, text: rx.Var, test_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t[label_key], size="1", color_scheme="gray"),
        rx.text(
            rx.cond(text != "", text, I18n.t["dispute.no_statement"]),
            size="2",
            white_space="pre-wrap",
            word_break="break-word",
            data_testid=test_id,
        ),
        spacing="1",
        width="100%",
        padding="10px 12px",
        border_radius="12px",
        background=rx.color("gray", 3),
    )


def _callout(icon: str, color: str, *texts, test_id: str) -> rx.Component:
    """A callout whose text is made of several parts (rx.callout takes a single string)."""
    return rx.callout.root(
        rx.callout.icon(rx.icon(icon, size=16)),
        rx.callout.text(*texts),
        color_scheme=color,
        size="1",
        data_testid=test_id,
    )


def outcome_line() -> rx.Component:
    d = DealState.dispute_info
    return _callout(
        "gavel",
        "green",
        I18n.t[d["outcome_key"]],
        rx.cond(
            d["outcome"] == "split",
            rx.text.span(
                " ",
                I18n.t["dispute.to_buyer"],
                " ",
                d["to_buyer"],
                " · ",
                I18n.t["dispute.to_seller"],
                " ",
                d["to_seller"],
            ),
        ),
        test_id="dispute-outcome",
    )


def statement_form() -> rx.Component:
    d = DealState.dispute_info
    return rx.form(
        rx.vstack(
            rx.text(I18n.t["dispute.statement_hint"], size="2", color_scheme="gray"),
            rx.text_area(
                name="statement",
                default_value=d["mine"],
                placeholder=I18n.t["dispute.statement_placeholder"],
                rows="4",
                width="100%",
                max_length=5000,
                data_testid="dispute-statement",
            ),
            rx.hstack(
                rx.button(I18n.t["dispute.statement_save"], type="submit", data_testid="dispute-statement-save"),
                rx.cond(
                    DealState.statement_saved,
                    rx.text(I18n.t["dispute.statement_saved"], size="2", color=rx.color("green", 11)),
                ),
                align="center",
                spacing="3",
            ),
            rx.text(
                rx.cond(d["other_wrote"] != "", I18n.t["dispute.other_wrote"], I18n.t["dispute.other_not_yet"]),
                size="1",
                color_scheme="gray",
                data_testid="dispute-other",
            ),
            rx.cond(DealState.statement_error != "", field_error(I18n.t[DealState.statement_error])),
            spacing="3",
            width="100%",
        ),
        on_submit=DealState.save_statement,
        reset_on_submit=False,
    )


def decision_form() -> rx.Component:
    """The operator's two steps: pick an outcome (and a split), then confirm what each side gets."""
    return rx.cond(
        DealState.decision == "",
        rx.form(
            rx.vstack(
                rx.radio_group.root(
                    rx.radio_group.item(I18n.t["dispute.decide.release"], value="release"),
                    rx.radio_group.item(I18n.t["dispute.decide.refund"], value="refund"),
                    rx.radio_group.item(I18n.t["dispute.decide.split"], value="split"),
                    name="outcome",
                    default_value="release",
                    direction="column",
                    spacing="2",
                    data_testid="dispute-outcome-choice",
                ),
                rx.hstack(
                    rx.input(
                        name="share",
                        placeholder="50",
                        input_mode="decimal",
                        size="2",
                        width="96px",
                        data_testid="dispute-share",
                    ),
                    rx.text(I18n.t["dispute.share_hint"], size="1", color_scheme="gray"),
                    align="center",
                    spacing="2",
                ),
                rx.button(I18n.t["dispute.decide.next"], type="submit", data_testid="dispute-propose"),
                spacing="3",
                width="100%",
            ),
            on_submit=DealState.propose,
            reset_on_submit=False,
        ),
        rx.vstack(
            _callout(
                "triangle-alert",
                "amber",
                I18n.t["dispute.confirm"],
                rx.text.span(
                    " ",
                    I18n.t["dispute.to_buyer"],
                    " ",
                    DealState.decision_to_buyer,
                    " · ",
                    I18n.t["dispute.to_seller"],
                    " ",
                    DealState.decision_to_seller,
                ),
                test_id="dispute-confirm-text",
            ),
            rx.hstack(
                rx.button(
                    I18n.t["dispute.decide.confirm"],
                    on_click=DealState.decide,
                    color_scheme="red",
                    data_testid="dispute-decide",
                ),
                rx.button(
                    I18n.t["dispute.decide.back"],
                    on_click=DealState.back_to_decision,
                    variant="soft",
                    color_scheme="gray",
                ),
                spacing="2",
            ),
            spacing="3",
            width="100%",
        ),
    )


def dispute_card() -> rx.Component:
    d = DealState.dispute_info
    operator = DealState.role == "operator"
    return card(
        card_title("scale", I18n.t["dispute.title"], rx.badge(I18n.t[d["opened_by_key"]], variant="soft", size="1")),
        rx.vstack(
            rx.cond(d["outcome"] != "open", outcome_line()),
            rx.cond(
                operator,
                rx.grid(
                    _statement("dispute.seller_statement", d["seller_statement"], "dispute-seller-statement"),
                    _statement("dispute.buyer_statement", d["buyer_statement"], "dispute-buyer-statement"),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                rx.cond(
                    d["outcome"] == "open",
                    statement_form(),
                    _statement("dispute.my_statement", d["mine"], "dispute-my-statement"),
                ),
            ),
            rx.cond(operator & (d["outcome"] == "open"), decision_form()),
            rx.cond(DealState.decision_error != "", field_error(I18n.t[DealState.decision_error])),
            spacing="3",
            width="100%",
            margin_top="8px",
        ),
        data_testid="dispute-card",
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
                rx.cond(
                    m["image"] != "",
                    rx.link(
                        rx.image(
                            src=m["image"],
                            max_width="240px",
                            max_height="240px",
                            border_radius="10px",
                            alt=I18n.t["deal.chat_image"],
                            data_testid="chat-image",
                        ),
                        href=m["image"],
                        is_external=True,
                    ),
                ),
                # Plain text child: React escapes it, so a message can never inject HTML.
                rx.cond(
                    m["text"] != "",
                    rx.text(m["text"], size="2", white_space="pre-wrap", word_break="break-word"),
                ),
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
        rx.upload.root(
            rx.button(
                rx.icon("image-plus", size=16),
                I18n.t["deal.chat_attach"],
                variant="ghost",
                size="2",
                type="button",
                data_testid="chat-attach",
            ),
            id=CHAT_UPLOAD,
            multiple=False,
            max_files=1,
            # The browser's filter is a convenience; the service decides by the file's bytes.
            accept={"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"], "image/webp": [".webp"]},
            on_drop=DealState.send_image(rx.upload_files(upload_id=CHAT_UPLOAD)),
            border="none",
            padding="0",
            margin_top="6px",
            width="fit-content",
        ),
        rx.cond(DealState.chat_error != "", field_error(I18n.t[DealState.chat_error])),
        rx.cond(DealState.image_error != "", field_error(I18n.t[DealState.image_error])),
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
                    rx.cond(DealState.dispute_info.contains("outcome"), dispute_card()),
                    rx.cond(
                        ((DealState.status == "released") | (DealState.status == "resolved"))
                        & (DealState.role != "operator"),
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
