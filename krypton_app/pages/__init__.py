"""One module per page; `ALL` is what krypton_app.py adds to the app, menu pages first."""

from krypton_app.components.layout import Page
from krypton_app.pages import (
    ad_detail,
    ad_edit,
    buy,
    deals,
    invoice_detail,
    invoices,
    landing,
    market,
    not_found,
    operator,
    pay,
    payment,
    profile,
    telegram,
    verify,
    wallet,
    widget,
)

ALL: tuple[Page, ...] = (
    landing.landing,
    wallet.wallet,
    wallet.history,
    wallet.payments,
    pay.pay,
    buy.buy,
    market.market,
    invoices.invoices,
    deals.deals,
    profile.profile,
    operator.operator,
    # Reached by links, not by the menu.
    pay.pay_invoice,
    pay.direct,
    payment.payment,
    invoice_detail.invoice_detail,
    market.market_new,
    ad_detail.ad_detail,
    ad_edit.ad_edit,
    deals.deal_detail,
    verify.verify,
    telegram.telegram,
    widget.widget,
    not_found.not_found,
)
