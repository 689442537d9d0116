"""/start: "What do you want to do?" (SPEC F7, the master functions). Three questions — what, paid with
what, and where the result goes — each offering only the answers that lead somewhere after the earlier
ones (domain/master.py holds the table), then Continue opens the chosen flow with the answers pre-filled.
The answers that are not offered are listed under their question with the reason."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from krypton_app import routes
from krypton_app.components.layout import template
from krypton_app.components.ui import card, field_error, page_heading
from krypton_app.domain import master
from krypton_app.domain.promises import normalise_code
from krypton_app.state.i18n import I18n

# (answer, lucide icon) in each question's order; labels are `start.<question>.<answer>` (+ `.hint`).
WHAT_ICONS = {master.BUY: "shopping-cart", master.PAY: "receipt", master.SELL: "hand-coins", master.REDEEM: "wallet"}
PAY_WITH_ICONS = {master.FIAT: "banknote", master.BALANCE: "wallet", master.LIGHTNING: "zap", master.PROMISE: "ticket"}
RESULT_ICONS = {
    master.BALANCE: "wallet",
    master.BITCOIN: "bitcoin",
    master.LIGHTNING: "zap",
    master.PROMISE: "ticket",
    master.FIAT: "banknote",
}


@dataclass(frozen=True)
class NotOffered:
    label: str  # catalog key of the answer
    reason: str  # catalog key of why


class StartState(rx.State):
    what: str = ""
    pay_with: str = ""
    result: str = ""
    code_error: str = ""

    @rx.event
    def choose_what(self, value: str):
        if value not in master.WHATS:
            return
        self.what, self.code_error = value, ""
        options = master.pay_with_options(value)
        # One possible answer is chosen for the user; a change of an earlier answer resets the later ones.
        self.pay_with = options[0] if len(options) == 1 else ""
        self._pick_result()

    @rx.event
    def choose_pay_with(self, value: str):
        if value in master.pay_with_options(self.what):
            self.pay_with = value
            self._pick_result()

    @rx.event
    def choose_result(self, value: str):
        if value in master.result_options(self.what, self.pay_with):
            self.result = value

    def _pick_result(self) -> None:
        options = master.result_options(self.what, self.pay_with) if self.pay_with else ()
        self.result = options[0] if len(options) == 1 else ""

    @rx.var
    def pay_with_options(self) -> list[str]:
        return list(master.pay_with_options(self.what)) if self.what else []

    @rx.var
    def pay_with_refused(self) -> list[NotOffered]:
        if not self.what:
            return []
        return [NotOffered(f"start.pay_with.{p}", why) for p, why in master.not_offered_pay_with(self.what)]

    @rx.var
    def result_options(self) -> list[str]:
        return list(master.result_options(self.what, self.pay_with)) if self.pay_with else []

    @rx.var
    def result_refused(self) -> list[NotOffered]:
        if not self.pay_with:
            return []
        refused = master.not_offered_results(self.what, self.pay_with)
        return [NotOffered(f"start.result.{r}", why) for r, why in refused]

    @rx.var
    def target(self) -> str:
        """The flow the answers open; "" until they lead somewhere."""
        return master.target_of(self.what, self.pay_with, self.result)

    @rx.var
    def needs_code(self) -> bool:
        return master.CODE in self.target

    @rx.event
    def go(self, form_data: dict):
        target = master.target_of(self.what, self.pay_with, self.result)
        if not target or not isinstance(form_data, dict):
            return None
        if master.CODE in target:
            # The bare code or its link; anything else is refused here, before it becomes a URL.
            code = normalise_code(str(form_data.get("code") or ""))
            if code is None:
                self.code_error = "start.code_invalid"
                return None
            target = target.replace(master.CODE, code)
        self.code_error = ""
        return rx.redirect(target)


def _option(question: str, answer: str, icon: str) -> rx.Component:
    return rx.radio_cards.item(
        rx.hstack(
            rx.center(
                rx.icon(icon, size=18),
                width="36px",
                height="36px",
                flex_shrink="0",
                border_radius="10px",
                background=rx.color("accent", 3),
                color=rx.color("accent", 11),
            ),
            rx.vstack(
                rx.text(I18n.t[f"start.{question}.{answer}"], size="2", weight="bold"),
                rx.text(I18n.t[f"start.{question}.{answer}.hint"], size="1", color_scheme="gray"),
                spacing="0",
                align="start",
                min_width="0",
            ),
            spacing="3",
            align="center",
            width="100%",
        ),
        value=answer,
        justify_content="start",
        data_testid=f"start-{question}-{answer}",
    )


def _question(number: str, question: str, *content: rx.Component, **props) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.center(
                rx.text(number, size="1", weight="bold"),
                width="24px",
                height="24px",
                border_radius="999px",
                background=rx.color("accent", 9),
                color="white",
                flex_shrink="0",
            ),
            rx.heading(I18n.t[f"start.q.{question}"], size="4", weight="bold"),
            spacing="2",
            align="center",
        ),
        *content,
        spacing="3",
        width="100%",
        data_testid=f"start-question-{question}",
        **props,
    )


def _choices(question: str, icons: dict[str, str], offered: rx.Var | None, value: rx.Var, on_change) -> rx.Component:
    """The answers as cards; with `offered`, only those it holds (the earlier answers decide)."""
    options = [_option(question, answer, icon) for answer, icon in icons.items()]
    if offered is not None:
        options = [rx.cond(offered.contains(answer), option) for answer, option in zip(icons, options, strict=True)]
    return rx.radio_cards.root(
        *options,
        value=value,
        on_value_change=on_change,
        columns=rx.breakpoints(initial="1", sm="2"),
        gap="2",
        width="100%",
        data_testid=f"start-{question}",
    )


def _refused(rows: rx.Var) -> rx.Component:
    """The answers this question does not offer after the earlier ones, each with why."""
    return rx.cond(
        rows.length() > 0,
        rx.vstack(
            rx.text(I18n.t["start.not_offered"], size="1", weight="medium", color_scheme="gray"),
            rx.foreach(
                rows,
                lambda row: rx.hstack(
                    rx.icon("circle-slash", size=13, flex_shrink="0", margin_top="3px"),
                    rx.text(
                        rx.text.strong(I18n.t[row.label]),
                        " — ",
                        I18n.t[row.reason],
                        size="1",
                    ),
                    spacing="2",
                    align="start",
                    color=rx.color("gray", 11),
                    data_testid="start-refused",
                ),
            ),
            spacing="1",
            width="100%",
        ),
    )


def _continue() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.cond(
                StartState.needs_code,
                rx.vstack(
                    rx.el.label(rx.text(I18n.t["start.code"], size="2", weight="medium"), html_for="start_code"),
                    rx.input(
                        id="start_code",
                        name="code",
                        placeholder=I18n.t["start.code_placeholder"],
                        auto_complete="off",
                        spell_check=False,
                        size="3",
                        width="100%",
                        data_testid="start-code",
                    ),
                    rx.cond(StartState.code_error != "", field_error(I18n.t[StartState.code_error])),
                    spacing="1",
                    width="100%",
                ),
            ),
            rx.button(
                I18n.t["start.go"],
                rx.icon("arrow-right", size=16),
                type="submit",
                size="3",
                width=rx.breakpoints(initial="100%", sm="auto"),
                disabled=StartState.target == "",
                data_testid="start-go",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=StartState.go,
        reset_on_submit=False,
        width="100%",
    )


@template(route=routes.START, title="What do you want to do?", protected=False)
def start() -> rx.Component:
    return rx.vstack(
        page_heading(I18n.t["start.title"], I18n.t["start.subtitle"]),
        card(
            rx.vstack(
                _question(
                    "1",
                    "what",
                    _choices("what", WHAT_ICONS, None, StartState.what, StartState.choose_what),
                ),
                rx.cond(
                    StartState.what != "",
                    _question(
                        "2",
                        "pay_with",
                        _choices(
                            "pay_with",
                            PAY_WITH_ICONS,
                            StartState.pay_with_options,
                            StartState.pay_with,
                            StartState.choose_pay_with,
                        ),
                        _refused(StartState.pay_with_refused),
                    ),
                ),
                rx.cond(
                    StartState.pay_with != "",
                    _question(
                        "3",
                        "result",
                        rx.cond(
                            StartState.what == master.PAY,
                            rx.callout(
                                I18n.t["start.result.merchant_note"],
                                icon="store",
                                size="1",
                                width="100%",
                                data_testid="start-merchant-note",
                            ),
                            rx.fragment(
                                _choices(
                                    "result",
                                    RESULT_ICONS,
                                    StartState.result_options,
                                    StartState.result,
                                    StartState.choose_result,
                                ),
                                _refused(StartState.result_refused),
                            ),
                        ),
                    ),
                ),
                rx.divider(),
                _continue(),
                spacing="5",
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
        max_width="760px",
        margin_x="auto",
    )
