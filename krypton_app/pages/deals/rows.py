"""The deal pages' typed rows: a deal (list item and summary), a dispute (a chat message is
state/chat_rows.py, shared with the payment's chat). Texts are
formatted on the server (minor units can exceed what a JavaScript number holds exactly); labels are
catalog keys, so they follow a language switch."""

from __future__ import annotations

from dataclasses import dataclass

from krypton_app import routes
from krypton_app.domain import deals as machine
from krypton_app.domain.catalog_data import method_names
from krypton_app.i18n.formatting import format_datetime, format_fiat
from krypton_app.services.deal_rows import DealView
from krypton_app.services.disputes import DisputeView
from krypton_app.state.views import amount_text, owed_text

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


@dataclass(frozen=True)
class DealRow:
    id: int = 0  # 0: no deal shown
    href: str = ""
    role_key: str = ""
    status_key: str = ""
    status_color: str = "gray"
    amount: str = ""
    amount_full: str = ""  # every digit, for the tooltip and the deal page
    fiat_amount: str = ""
    price: str = ""
    method: str = ""
    created: str = ""
    # What the deal is for (a badge unless plain) and who its release and refund pay.
    purpose: str = machine.PLAIN
    purpose_key: str = "deal.purpose.plain"
    owed: str = ""
    purpose_href: str = ""  # the payment a part deal pays, for its payer
    # The platform's fee fixed at opening ("" none) and who pays it, "you" when the viewer does.
    fee: str = ""
    fee_payer_key: str = ""


@dataclass(frozen=True)
class DisputeRow:
    outcome: str = ""  # "": no dispute; open | released_to_buyer | refunded_to_seller | split
    decided: bool = False
    opened_by_key: str = ""
    outcome_key: str = ""
    to_buyer: str = ""
    to_seller: str = ""
    # A side gets only its own statement from the service; an operator gets both.
    mine: str = ""
    other_wrote: bool = False
    seller_statement: str = ""
    buyer_statement: str = ""


def deal_row(v: DealView, lang: str) -> DealRow:
    return DealRow(
        id=v.id,
        href=routes.deal_detail(v.id),
        role_key=f"deal.role.{v.my_role}",
        status_key=f"deal.status.{v.status}",
        status_color=STATUS_COLORS.get(v.status, "gray"),
        amount=amount_text(v.amount, v.decimals, v.asset, lang),
        amount_full=amount_text(v.amount, v.decimals, v.asset, lang, full=True),
        fiat_amount=format_fiat(v.fiat_amount, v.fiat, lang),
        price=format_fiat(v.price, v.fiat, lang),
        method=method_names((v.method,), lang),
        created=format_datetime(v.created_at, lang),
        purpose=v.purpose.kind,
        purpose_key=v.purpose.label_key,
        owed=owed_text(v.purpose, lang),
        purpose_href=v.purpose.href,
        fee=amount_text(v.fee, v.decimals, v.asset, lang, full=True) if v.fee else "",
        fee_payer_key="deal.fee_by.you" if v.my_role == v.fee_side else f"deal.fee_by.{v.fee_side}",
    )


def dispute_row(d: DisputeView, lang: str) -> DisputeRow:
    """What each side gets is money decided on: every digit."""
    to_buyer = d.buyer_share or 0
    seller = d.deal.my_role == machine.SELLER
    return DisputeRow(
        outcome=d.outcome,
        decided=d.decided,
        opened_by_key=f"dispute.opened_by.{d.opener}",
        outcome_key=f"dispute.outcome.{d.outcome}",
        to_buyer=amount_text(to_buyer, d.deal.decimals, d.deal.asset, lang, full=True),
        to_seller=amount_text(d.deal.amount - to_buyer, d.deal.decimals, d.deal.asset, lang, full=True),
        mine=(d.seller_statement if seller else d.buyer_statement) or "",
        other_wrote=d.buyer_wrote if seller else d.seller_wrote,
        seller_statement=d.seller_statement or "",
        buyer_statement=d.buyer_statement or "",
    )
