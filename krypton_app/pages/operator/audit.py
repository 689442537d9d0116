"""The console's audit tab: what operators did, newest first, a page at a time ("older" loads the next).
services/audit.list_actions serves operators only; each line shows when, who, what (operator.audit.<action>),
to what, and the values the action recorded."""

from __future__ import annotations

import json
from dataclasses import dataclass

import reflex as rx

from krypton_app.bootstrap import app_deps
from krypton_app.components.rows import ROW_RULE
from krypton_app.components.ui import empty_note, field_error
from krypton_app.domain.errors import KryptonError
from krypton_app.i18n import error_key
from krypton_app.services.audit import AuditLine, list_actions
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop
from krypton_app.state.views import when

PAGE = 50


@dataclass(frozen=True)
class AuditRow:
    id: int
    when: str
    operator: str
    action_key: str
    subject: str
    details: str


def _row(line: AuditLine, lang: str) -> AuditRow:
    operator = f"#{line.operator_id}" + (f" {line.operator_name}" if line.operator_name else "")
    # `reason: stolen wallet · deals: [4, 7]`: text as it is, other values as JSON.
    details = " · ".join(
        f"{name}: {value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)}"
        for name, value in sorted(line.details.items())
    )
    return AuditRow(
        line.id, when(line.created_at, lang), operator, f"operator.audit.{line.action}", line.subject, details
    )


class AuditState(AuthState):
    lines: list[AuditRow] = []
    more: bool = False  # a full page came: there may be older lines
    error: str = ""
    # The oldest line shown: "older" continues below it. Server-side, so a page is always the next one.
    _oldest: int | None = None

    async def _page(self, before_id: int | None) -> list[AuditRow] | None:
        operator_id = await self._user_id()
        if operator_id is None:
            return None
        try:
            found = await off_loop(list_actions, app_deps().uow, operator_id, before_id=before_id, limit=PAGE)
        except KryptonError as error:
            self.error = error_key(error.code, error.details)
            return None
        self.error = ""
        self.more = len(found) == PAGE
        if found:
            self._oldest = found[-1].id
        lang = (await self.get_state(I18n)).lang
        return [_row(line, lang) for line in found]

    @rx.event
    async def load_audit(self):
        """The tab's trigger: the newest page."""
        self._oldest = None
        rows = await self._page(None)
        self.lines = rows if rows is not None else []

    @rx.event
    async def older(self):
        """The "older" button: the next page below the oldest line shown."""
        if self._oldest is None:
            return
        rows = await self._page(self._oldest)
        if rows is not None:
            self.lines = [*self.lines, *rows]


def audit_line(row: rx.Var[AuditRow]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.badge(I18n.t[row.action_key], variant="soft", data_testid="audit-action"),
            rx.code(row.subject, variant="ghost", data_testid="audit-subject"),
            rx.spacer(),
            rx.text(row.when, size="1", color_scheme="gray"),
            spacing="2",
            align="center",
            wrap="wrap",
            width="100%",
        ),
        rx.text(row.operator, size="1", color_scheme="gray"),
        rx.cond(
            row.details != "",
            rx.text(row.details, size="1", style={"word_break": "break-word"}, data_testid="audit-details"),
            rx.fragment(),
        ),
        spacing="1",
        width="100%",
        padding_y="10px",
        border_top=ROW_RULE,
        data_testid="audit-line",
    )


def audit_panel() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.spacer(),
            rx.button(
                rx.icon("refresh-cw", size=15),
                I18n.t["operator.refresh"],
                on_click=AuditState.load_audit,
                variant="soft",
                data_testid="audit-refresh",
            ),
            width="100%",
        ),
        rx.cond(AuditState.error != "", field_error(I18n.t[AuditState.error]), rx.fragment()),
        rx.cond(
            AuditState.lines.length() > 0,
            rx.vstack(rx.foreach(AuditState.lines, audit_line), spacing="0", width="100%"),
            empty_note(I18n.t["operator.audit.empty"], "scroll-text"),
        ),
        rx.cond(
            AuditState.more,
            rx.button(
                I18n.t["operator.audit.older"], on_click=AuditState.older, variant="soft", data_testid="audit-older"
            ),
            rx.fragment(),
        ),
        spacing="3",
        width="100%",
        padding_top="16px",
    )
