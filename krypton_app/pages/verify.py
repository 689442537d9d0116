"""/verify: anyone checks a receipt token (its Ed25519 signature, and optionally its invoice) and reads it."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.components.layout import template
from krypton_app.components.ui import card, card_title, form_error, page_heading
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.money import to_minor
from krypton_app.i18n import error_key
from krypton_app.services.receipts import ReceiptView, receipt_public_key, verify_receipt
from krypton_app.services.users import public_name_of_address
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop
from krypton_app.state.views import amount_text, when


@dataclass(frozen=True)
class ReceiptLine:
    label_key: str
    value: str


@dataclass(frozen=True)
class ReceiptPartLine:
    position: int
    method_key: str  # part_method.<method>
    amount: str


def receipt_lines(r: ReceiptView, lang: str, merchant_name: str | None = None) -> list[ReceiptLine]:
    """The decoded content of a verified receipt, as label key / value lines: every digit of the amount
    (a receipt is checked against a statement), the merchant by name with the signed address beside it.
    The receipt names the payer only by address, so the payer stays an address: a receipt is passed
    on (to an accountant, a shop) and must not reveal more than it signs."""
    amount = to_minor(r.amount, _decimals_of(r.amount))
    merchant = f"{merchant_name} ({r.merchant})" if merchant_name else r.merchant
    lines = [
        ReceiptLine("verify.field.invoice", r.invoice),
        ReceiptLine("verify.field.payment", str(r.payment)),
        ReceiptLine("verify.field.amount", amount_text(amount, _decimals_of(r.amount), r.asset, lang, full=True)),
    ]
    # v3 signs the merchant's fee and what they got (SPEC F12); older receipts signed neither.
    for key, value in (("verify.field.fee", r.fee), ("verify.field.net", r.net)):
        if value is not None:
            lines.append(
                ReceiptLine(
                    key,
                    amount_text(to_minor(value, _decimals_of(value)), _decimals_of(value), r.asset, lang, full=True),
                )
            )
    lines += [
        ReceiptLine("verify.field.parts", str(r.parts)),
        ReceiptLine("verify.field.time", when(r.time, lang)),
        ReceiptLine("verify.field.merchant", merchant or "—"),
        ReceiptLine("verify.field.payer", r.payer or "—"),
    ]
    if r.test:
        lines.append(ReceiptLine("verify.field.mode", "TEST"))
    return lines


def receipt_part_lines(r: ReceiptView, lang: str) -> list[ReceiptPartLine]:
    """Each part's method and amount, every digit; none for a v1 receipt (it signed only their number)."""
    return [
        ReceiptPartLine(
            position=position,
            method_key=f"part_method.{part.method}",
            amount=amount_text(
                to_minor(part.amount, _decimals_of(part.amount)), _decimals_of(part.amount), r.asset, lang, full=True
            ),
        )
        for position, part in enumerate(r.part_details, start=1)
    ]


def _decimals_of(amount: str) -> int:
    """Places the receipt's decimal text carries (it is written trimmed, so this is exact)."""
    return len(amount.partition(".")[2])


def _check(token: str, invoice_number: str, lang: str) -> tuple[list[ReceiptLine], list[ReceiptPartLine]]:
    """The receipt's lines and parts once its signature (and invoice, if given) checks out; raises otherwise."""
    deps = app_deps()
    view = verify_receipt(token, public_key=receipt_public_key(deps.settings), invoice_number=invoice_number or None)
    return receipt_lines(view, lang, public_name_of_address(deps.uow, view.merchant)), receipt_part_lines(view, lang)


class VerifyState(AuthState):
    token: str = ""
    invoice_number: str = ""
    lines: list[ReceiptLine] = []
    parts: list[ReceiptPartLine] = []
    error: str = ""

    async def _show(self, *, asked: bool) -> None:
        """Check the token; an empty one is only an error when the visitor pressed Verify."""
        self.lines, self.parts = [], []
        self.error = ""
        if not self.token.strip():
            self.error = "verify.empty" if asked else ""
            return
        try:
            lang = (await self.get_state(I18n)).lang
            self.lines, self.parts = await off_loop(_check, self.token.strip(), self.invoice_number.strip(), lang)
        except KryptonError as error:
            self.error = error_key(error.code, error.details)

    @rx.event
    async def load(self):
        """`/verify?token=…&invoice=…`: the result page links here with the token filled in."""
        params = self.router.url.query_parameters
        self.token = params.get("token", "")
        self.invoice_number = params.get("invoice", "")
        await self._show(asked=False)

    @rx.event
    async def verify(self, form_data: dict):
        self.token = str(form_data.get("token") or "")
        self.invoice_number = str(form_data.get("invoice") or "")
        await self._show(asked=True)


def result_line(line: rx.Var[ReceiptLine]) -> rx.Component:
    return rx.hstack(
        rx.text(I18n.t[line.label_key], size="2", color_scheme="gray", white_space="nowrap"),
        rx.text(line.value, size="2", weight="medium", text_align="right", style={"word_break": "break-all"}),
        justify="between",
        spacing="4",
        width="100%",
        padding_y="6px",
        border_top=f"1px solid {rx.color('gray', 4)}",
    )


def part_line(part: rx.Var[ReceiptPartLine]) -> rx.Component:
    return rx.hstack(
        rx.text(I18n.t["pay.part"], " ", part.position, " · ", I18n.t[part.method_key], size="2", color_scheme="gray"),
        rx.text(part.amount, size="2", weight="medium", text_align="right"),
        justify="between",
        spacing="4",
        width="100%",
        padding_y="6px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="verify-part",
    )


@template(route=routes.VERIFY, title="Verify a receipt", protected=False, on_load=[VerifyState.load])
def verify() -> rx.Component:
    return rx.vstack(
        page_heading(I18n.t["verify.title"], I18n.t["verify.subtitle"]),
        card(
            rx.form(
                rx.vstack(
                    rx.text(I18n.t["verify.token"], size="2", weight="medium"),
                    rx.text_area(
                        name="token",
                        id="receipt_token",
                        default_value=VerifyState.token,
                        placeholder="kr1.…",
                        rows="4",
                        width="100%",
                        style={"font_family": "var(--code-font-family)", "word_break": "break-all"},
                    ),
                    rx.text(I18n.t["verify.invoice"], size="2", weight="medium"),
                    rx.input(
                        name="invoice",
                        id="receipt_invoice",
                        default_value=VerifyState.invoice_number,
                        placeholder=I18n.t["verify.invoice_placeholder"],
                        size="3",
                        width="100%",
                    ),
                    rx.button(
                        rx.icon("shield-check", size=16),
                        I18n.t["verify.check"],
                        type="submit",
                        size="3",
                        data_testid="verify-submit",
                    ),
                    spacing="2",
                    width="100%",
                ),
                on_submit=VerifyState.verify,
                reset_on_submit=False,
                width="100%",
            ),
            max_width="760px",
        ),
        rx.cond(
            VerifyState.error != "",
            form_error(I18n.t[VerifyState.error], data_testid="verify-error", max_width="760px"),
        ),
        rx.cond(
            VerifyState.lines.length() > 0,
            card(
                card_title("badge-check", I18n.t["verify.valid"], color="green"),
                rx.vstack(rx.foreach(VerifyState.lines, result_line), spacing="0", width="100%"),
                rx.cond(
                    VerifyState.parts.length() > 0,
                    rx.vstack(
                        rx.text(I18n.t["verify.parts_title"], size="2", weight="bold", margin_top="12px"),
                        rx.foreach(VerifyState.parts, part_line),
                        spacing="0",
                        width="100%",
                    ),
                ),
                max_width="760px",
                data_testid="verify-result",
            ),
        ),
        rx.text(
            I18n.t["verify.offline"],
            " ",
            rx.link(routes.RECEIPT_KEY, href=routes.RECEIPT_KEY, is_external=True, data_testid="receipt-key-link"),
            size="2",
            color_scheme="gray",
        ),
        spacing="4",
        width="100%",
    )
