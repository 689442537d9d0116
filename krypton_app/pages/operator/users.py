"""The console's users tab: find a user (wallet address, user number, username, verified email or phone),
read their card (balances, recent deals and invoices, open sessions) and act on them: block with a reason,
unblock, revoke their sessions. services/user_admin.py and services/user_blocks.py decide who may do what
(operators only, Forbidden to anyone else); the card's buttons are the view's `allowed_actions`."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.domain.errors import KryptonError
from krypton_app.i18n import error_key, translate
from krypton_app.i18n.formatting import amount_with_asset
from krypton_app.pages.operator.state import OperatorState
from krypton_app.services.user_admin import BLOCK, REVOKE_SESSIONS, UNBLOCK, UserCard, search_users, user_card
from krypton_app.services.user_blocks import BLOCK_REASON_MAX, block_user, revoke_user_sessions, unblock_user
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop
from krypton_app.state.views import when

QUERY_MAX = 200


@dataclass(frozen=True)
class FoundUser:
    id: int
    name: str  # display name, @username, or "—"
    address: str
    blocked: bool


@dataclass(frozen=True)
class BalanceLine:
    asset: str
    available: str
    held: str


@dataclass(frozen=True)
class DealLine:
    id: int
    href: str
    role_key: str
    status_key: str
    amount: str
    when: str


@dataclass(frozen=True)
class InvoiceLine:
    number: str
    href: str
    title: str
    status_key: str
    amount: str
    when: str


@dataclass(frozen=True)
class SessionLine:
    id: int
    opened: str
    last_seen: str


@dataclass(frozen=True)
class CardHead:
    id: int = 0
    address: str = ""
    name: str = ""
    contacts: str = ""  # @username · email · phone, what the user has
    joined: str = ""
    operator: bool = False
    blocked: bool = False
    blocked_reason: str = ""
    blocked_when: str = ""
    can_block: bool = False
    can_unblock: bool = False
    can_revoke: bool = False


def _user_id(value: object) -> int | None:
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _name(display_name: str, username: str | None) -> str:
    return display_name or (f"@{username}" if username else "—")


class UsersState(AuthState):
    query: str = ""
    searched: bool = False
    found: list[FoundUser] = []
    head: CardHead = CardHead()
    balances: list[BalanceLine] = []
    deals: list[DealLine] = []
    invoices: list[InvoiceLine] = []
    sessions: list[SessionLine] = []
    error: str = ""  # catalog key of the last refusal

    async def _lang(self) -> str:
        return (await self.get_state(I18n)).lang

    def _show_card(self, card: UserCard | None, lang: str) -> None:
        if card is None:
            self.head, self.balances, self.deals, self.invoices, self.sessions = CardHead(), [], [], [], []
            return
        contacts = [f"@{card.username}" if card.username else "", card.email or "", card.phone or ""]
        self.head = CardHead(
            id=card.id,
            address=card.friendly_address,
            name=_name(card.display_name, card.username),
            contacts=" · ".join(c for c in contacts if c),
            joined=when(card.created_at, lang),
            operator=card.is_operator,
            blocked=card.blocked_at is not None,
            blocked_reason=card.blocked_reason or "",
            blocked_when=when(card.blocked_at, lang) if card.blocked_at else "",
            can_block=BLOCK in card.allowed_actions,
            can_unblock=UNBLOCK in card.allowed_actions,
            can_revoke=REVOKE_SESSIONS in card.allowed_actions,
        )

        def money(minor: int | None, decimals: int, asset: str) -> str:
            return "—" if minor is None else amount_with_asset(minor, decimals, asset, lang, display=False)

        self.balances = [
            BalanceLine(b.asset, money(b.available, b.decimals, b.asset), money(b.held, b.decimals, b.asset))
            for b in card.balances
        ]
        self.deals = [
            DealLine(
                d.id,
                routes.deal_detail(d.id),
                f"deal.role.{d.role}",
                f"deal.status.{d.status}",
                money(d.amount, d.decimals, d.asset),
                when(d.created_at, lang),
            )
            for d in card.deals
        ]
        self.invoices = [
            InvoiceLine(
                i.number,
                routes.invoice_detail(i.number),
                i.title,
                f"invoice.status.{i.status}",
                money(i.amount, i.decimals, i.asset),
                when(i.created_at, lang),
            )
            for i in card.invoices
        ]
        self.sessions = [SessionLine(x.id, when(x.created_at, lang), when(x.last_seen_at, lang)) for x in card.sessions]

    async def _open(self, operator_id: int, user_id: int) -> None:
        try:
            card = await off_loop(user_card, app_deps().uow, operator_id, user_id)
        except KryptonError as error:
            self.error = error_key(error.code, error.details)
            card = None
        self._show_card(card, await self._lang())

    @rx.event
    async def search(self, form_data: dict):
        """The search form: any text up to 200 characters; one match opens its card at once."""
        operator_id = await self._user_id()
        if operator_id is None:
            return
        self.query = str(form_data.get("query") or "").strip()[:QUERY_MAX]
        self.error = ""
        try:
            found = await off_loop(search_users, app_deps().uow, operator_id, self.query)
        except KryptonError as error:
            self.error, found = error_key(error.code, error.details), []
        self.searched = True
        self.found = [FoundUser(u.id, _name(u.display_name, u.username), u.friendly_address, u.blocked) for u in found]
        if len(found) == 1:
            await self._open(operator_id, found[0].id)
        else:
            self._show_card(None, "")

    @rx.event
    async def open_user(self, user_id: int | str):
        """A search result's row: its card."""
        operator_id, wanted = await self._user_id(), _user_id(user_id)
        if operator_id is None or wanted is None:
            return
        self.error = ""
        await self._open(operator_id, wanted)

    async def _act(self, user_id: int | None, done_key: str, action, **kwargs):
        operator_id = await self._user_id()
        if operator_id is None or user_id is None:
            return None
        try:
            await off_loop(action, app_deps().uow, operator_id, user_id, **kwargs)
        except KryptonError as error:
            self.error = error_key(error.code, error.details)
            return None
        self.error = ""
        await self._open(operator_id, user_id)
        # The queues change with a block (its deals join the disputes): the console reads them again.
        return [rx.toast.success(translate(await self._lang(), done_key)), OperatorState.refresh]

    @rx.event
    async def block(self, form_data: dict):
        """The card's block form: the user's id (hidden) and the reason (1-500 characters, the service checks)."""
        reason = str(form_data.get("reason") or "")[: BLOCK_REASON_MAX + 1]
        return await self._act(_user_id(form_data.get("user_id")), "operator.users.blocked", block_user, reason=reason)

    @rx.event
    async def unblock(self, user_id: int | str):
        return await self._act(_user_id(user_id), "operator.users.unblocked", unblock_user)

    @rx.event
    async def revoke_sessions(self, user_id: int | str):
        return await self._act(_user_id(user_id), "operator.users.revoked", revoke_user_sessions)
