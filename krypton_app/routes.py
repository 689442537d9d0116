"""Route constants: pages link to each other through these names, never through string literals."""

LANDING = "/"
START = "/start"  # "What do you want to do?": three questions lead into the right flow (domain/master.py)
WALLET = "/wallet"
HISTORY = "/history"
PAY = "/pay"
BUY = "/buy"
MARKET = "/market"
INVOICES = "/invoices"
DEALS = "/deals"
PROFILE = "/profile"
OPERATOR = "/operator"
PAY_INVOICE = "/pay/[number]"  # the step-by-step wizard (the invoice's helper link)
DIRECT = "/i/[number]"  # the compact one-screen page (the invoice's direct link)
PAYMENT = "/payment/[payment_id]"  # a payment's result: receipt, secrets, redirect
PAYMENT_CHAT = "/payment/[payment_id]/chat"  # the payer and the merchant write about one payment
PAYMENTS = "/payments"  # the payer's own payments: pending ones to go on with or cancel, receipts
INVOICE_DETAIL = "/invoices/[number]"
MARKET_NEW = "/market/new"
MARKET_AD = "/market/ads/[ad_id]"  # an ad with its trader's card; public, opening a deal needs login
MARKET_AD_EDIT = "/market/ads/[ad_id]/edit"  # the owner's edit form
MARKET_ADS_PREFIX = "/market/ads/"
DEAL_DETAIL = "/deals/[deal_id]"
VERIFY = "/verify"
PRICE_LIST = "/fees"  # the public fee schedule (pages/price_list.py)
WIDGET_INVOICE = "/widget/invoice/[number]"  # iframe card: no login, no app shell
TELEGRAM = "/tg"
WIDGET_PREFIX = "/widget/invoice/"
WIDGET_AD = "/widget/ad/[ad_id]"  # an ad's iframe card: no login, no app shell
WIDGET_AD_PREFIX = "/widget/ad/"
RECEIPT_KEY = "/.well-known/krypton-receipt-key"
# The merchant API's OpenAPI document (api/merchant/table.py serves it under the API's prefix).
OPENAPI = "/api/v1/openapi.json"
# The same document as a page for people (pages/api_reference.py), linked from the Developers card.
API_REFERENCE = "/developers/api"
# The session cookie's routes (api/auth.py): a verified login's one-time token becomes an HttpOnly cookie.
SESSION_START = "/auth/session"
SESSION_END = "/auth/logout"
TELEGRAM_LOGIN = "/auth/telegram"  # POST: the Mini App's initData becomes a session (api/telegram.py)
TELEGRAM_SDK = "/telegram-web-app.js"  # Telegram's Mini App script, vendored in assets/
# The landing page says "this sign-in link has expired" when the exchange sends the browser back with it.
LOGIN_LINK_INVALID_QUERY = "login=invalid"


def pay_invoice(number: str) -> str:
    return f"/pay/{number}"


def is_pay_wizard(path: str) -> bool:
    """`/pay/K7QX2M` (the wizard), not `/pay` (the number form) nor `/i/K7QX2M` (the direct page)."""
    return path.rstrip("/").startswith(f"{PAY}/")


def invoice_detail(number: str) -> str:
    return f"/invoices/{number}"


def deal_detail(deal_id: int | str) -> str:
    return f"/deals/{deal_id}"


def chat_file(message_id: int | str) -> str:
    """A chat image, served by api/files.py to those who may read the deal's chat."""
    return f"/files/chat/{message_id}"


def market_ad(ad_id: int | str) -> str:
    return f"{MARKET_ADS_PREFIX}{ad_id}"


def ad_helper(ad_id: int | str, side: str) -> str:
    """An ad's link with helper (SPEC F11): a sell ad opens the buy wizard on it, a buy ad the promise's
    sell page on it (the wizards are where someone without crypto, or with a promise, starts)."""
    return f"{BUY}?ad={ad_id}" if side == "sell" else f"{PROMISE_SELL}?ad={ad_id}"


def widget_ad(ad_id: int | str) -> str:
    return f"{WIDGET_AD_PREFIX}{ad_id}"


def market_ad_edit(ad_id: int | str) -> str:
    return f"{MARKET_ADS_PREFIX}{ad_id}/edit"


def ad_id_in(path: str) -> int:
    """`/market/ads/12` and `/market/ads/12/edit` -> 12; 0 for anything else."""
    rest = path.removeprefix(MARKET_ADS_PREFIX).strip("/").split("/")[0]
    return int(rest) if path.startswith(MARKET_ADS_PREFIX) and rest.isdigit() else 0


def payment(payment_id: int | str) -> str:
    return f"/payment/{payment_id}"


def payment_chat(payment_id: int | str) -> str:
    return f"/payment/{payment_id}/chat"


def payment_id_in_chat(path: str) -> int:
    """`/payment/12/chat` -> 12; 0 for anything else."""
    parts = path.strip("/").split("/")
    ok = len(parts) == 3 and parts[0] == "payment" and parts[2] == "chat" and parts[1].isdigit()
    return int(parts[1]) if ok else 0


def last_segment(path: str) -> str:
    """`/pay/K7QX2M` -> `K7QX2M`: the dynamic part of a page route, read from the URL path."""
    return path.rstrip("/").rsplit("/", 1)[-1]


def session_start(login_token: str) -> str:
    """Where a verified login sends the browser (a full navigation: only a response can set the cookie)."""
    return f"{SESSION_START}?token={login_token}"


PROMISES = "/promises"  # "My promises": make one, the issued and received lists
PROMISE_REDEEM = "/p/[code]"  # a promise's link: its redeem page
# Sell a promise for fiat or cash it out (?to=fiat|bitcoin|lightning, ?ad=<id> of a BUY ad to sell to)
PROMISE_SELL = "/promises/sell"


def promise_link(code: str) -> str:
    return f"/p/{code}"
