"""One module per page; `ALL` is what krypton_app.py adds to the app, in menu order."""

from krypton_app.components.layout import Page
from krypton_app.pages import buy, deals, history, invoices, landing, market, operator, pay, profile, wallet

ALL: tuple[Page, ...] = (
    landing.landing,
    wallet.wallet,
    history.history,
    pay.pay,
    buy.buy,
    market.market,
    invoices.invoices,
    deals.deals,
    profile.profile,
    operator.operator,
)
