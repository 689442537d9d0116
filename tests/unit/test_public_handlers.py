"""The browser can call every public method of a Reflex state by name, with any arguments: each one is
an event handler. This is the list of them, as Reflex registers them, each with why the page needs it.
A method that is only a helper of other handlers must start with "_" (Reflex then does not expose it);
a new handler is added here with its reason, and a background one gets the watcher guard
(tests/unit/test_watchers.py). Who may call each one is checked by tests/unit/test_handler_auth.py.
"""

from __future__ import annotations

from reflex_tabs import state_classes

ON_LOAD = "on_load of its page"
PUBLIC_HANDLERS: dict[str, dict[str, str]] = {
    "AuthState": {
        "choose_language": "the header's language switch",
        "login_with_demo_wallet": "the demo wallet button (off in production)",
        "login_with_wallet": "TON Connect's callback with the wallet's ton_proof",
        "logout": "the header's log out button",
        "logout_everywhere": "the profile's log out everywhere button (ends only the caller's own sessions)",
        "prepare_login": "on_load of the landing page: a fresh ton_proof payload",
        "require_login": "on_load guard of protected pages, also returned by handlers that need a user",
        "restore_session": "on_load of public pages: finds the user from the cookie",
    },
    "LiveState": {
        "start_live": "on_load of the wallet and history pages",
        "watch_ledger": "background watcher started by start_live (guarded: one per tab)",
    },
    "WalletState": {
        # Any int: the service answers NotFound for a payout not the caller's, InvalidState once decided,
        # the cancelled payout again on a repeat; one cancel per tab runs at a time.
        "cancel_payout": "the Cancel button of a queued payout in the recent list, after its confirmation",
        "faucet": "the demo faucet button (off in production)",
        "load": ON_LOAD,
    },
    "PaymentsState": {
        "cancel": "the confirmed Cancel on /payments (only a payment the page lists; the service checks the payer)",
        "load": ON_LOAD,
    },
    "HistoryState": {
        "choose_asset": "asset filter",
        "choose_kind": "kind filter",
        "download_csv": "the CSV export button",
        "go_to": "pager",
        "load": ON_LOAD,
    },
    "BuyState": {
        # Public until "Buy": a visitor browses; every choice is checked against the catalog.
        "choose_asset": "the buy wizard's crypto select (catalog codes only)",
        # FiatMarket (state/fiat_market.py): catalog codes only, a method of the chosen country only.
        "choose_fiat_country": "the country select (catalog codes only): its currency and methods follow",
        "choose_fiat_currency": "the currency select (catalog codes only)",
        "choose_fiat_method": "the payment method select (the country's methods only)",
        "choose_to": "the destination cards (balance, bitcoin, lightning, promise only)",
        "choose_unit": "the amount's unit switch (crypto or fiat only)",
        "find": "Show offers: checks and prices the destination (a read), lists the fitting ads",
        "load": ON_LOAD,
        # Needs a login (else require_login); only an ad the page listed; a key per form and ad.
        "open_deal": "Buy on a listed ad: opens the deal for the destination and goes to its page",
        "type_amount": "the amount input, debounced: the other unit at the reference rate (a read)",
        "type_target": "the Bitcoin address / Lightning invoice input (kept, at most 2000 characters)",
    },
    "WithdrawState": {
        # Reads only the caller's own balance and the fee: any click count, any tab, the same answer.
        "choose_asset": "the TON / Bitcoin form's asset select (which balance is shown by the amount)",
        "choose_method": "method switch (TON / Bitcoin / Lightning)",
        "choose_unit": "the Bitcoin amount's unit select (asset or BTC; anything else is ignored)",
        "confirm": "the confirm button of the review step",
        "edit": "back from the review step",
        "fill_max": "the amount's Max button: the caller's available balance less the service's fee (a read)",
        "review": "the withdrawal form's submit",
        # A read at the current rate, of any text (at most 40 characters): nothing is written.
        "type_amount": "the Bitcoin amount input, debounced: its equivalent in the other unit",
    },
    "NotificationsState": {
        "follow": "a click on one notification",
        "opened": "the bell's menu opens",
        "read_all": "mark all read",
        "start": "on_load of every page (the bell)",
        "watch": "background watcher started by start (guarded: one per tab)",
    },
    "ProfileState": {
        "check_code": "the email verification code form",
        "load": ON_LOAD,
        "save": "the profile form's submit",
        "send_code": "send an email verification code",
        "link_telegram": "the profile's Link Telegram button (reads the Mini App's initData in the page)",
        "link_telegram_with": "its callback: the service links only Telegram's signed, fresh initData",
        "unlink_telegram": "the profile's Unlink button (refused without a wallet)",
        "share_phone": "the profile's Share my phone button (Telegram's requestContact)",
        "share_phone_with": "its callback: the phone is set only from Telegram's signed contact of the user's account",
    },
    "MiniAppState": {
        "start": "on_load of public pages: dress the page inside Telegram; the login itself is POST /auth/telegram",
        "dress": "on_load of pages behind login: Telegram's theme and back button",
        "launched": "the page script's answer: only picks which Telegram message shows",
    },
    "TelegramState": {
        "route": "on_load of /tg",
        "route_from_telegram": "the callback of the script that reads the Mini App's start parameter",
    },
    "VerifyState": {"load": ON_LOAD, "verify": "the receipt form's submit"},
    "MarketState": {
        # The filters are public reads (no login); each change runs one search of PAGE_SIZE ads,
        # the amount input only after a pause in typing (debounced in the browser).
        "apply_filters": "the filter form's submit (Enter in the amount)",
        "choose_asset": "asset filter (applies at once)",
        "choose_country": "country filter (applies at once)",
        "choose_fiat": "currency filter (applies at once)",
        "choose_method": "method filter (applies at once)",
        "choose_side": "side filter (applies at once)",
        "go_page": "pager",
        "load": ON_LOAD,
        # Anyone: the deal fee of an amount on an ad (a read of the public fee terms), debounced.
        "preview_fee": "the Open deal form's amount, debounced: that amount's fee (at most 40 characters)",
        "set_amount_filter": "amount filter, debounced (applies after a pause in typing, at most 40 characters)",
        "take": "an ad card's Open deal form",
    },
    "AdPageState": {"load": ON_LOAD},
    # The ad form's states get the country choice from CountryChoiceMixin (state/ad_form.py).
    "NewAdState": {
        "choose_country": "the ad form's country select",
        "choose_fiat": "the ad form's currency select",
        "choose_method": "CountryChoiceMixin's filter choice; the ad form uses toggle_method instead",
        "close": "My ads: close",
        "create": "the ad form's submit",
        "load": ON_LOAD,
        "pause": "My ads: pause",
        "resume": "My ads: resume",
        "toggle_method": "the ad form's method toggles",
    },
    "EditAdState": {
        "choose_country": "the ad form's country select",
        "choose_fiat": "the ad form's currency select",
        "choose_method": "CountryChoiceMixin's filter choice; the ad form uses toggle_method instead",
        "load": ON_LOAD,
        "save": "the ad form's submit",
        "toggle_method": "the ad form's method toggles",
    },
    "DealsState": {
        "load": ON_LOAD,
        "watch": "background watcher started by load (guarded: one per tab)",
    },
    "DealState": {
        "back_to_decision": "the operator's confirm step: back",
        "cancel": "cancel button",
        # Any text, on each keystroke: only its length is kept (no service, no storage).
        "count_chat": "the chat input's character counter",
        "decide": "the operator's confirm step: decide",
        "dispute": "open a dispute button",
        "load": ON_LOAD,
        "mark_paid": "I have paid button",
        "propose": "the operator's decision form",
        "release": "release button",
        "review": "the review buttons",
        "save_statement": "the dispute statement form",
        "send": "the chat form",
        "send_image": "the chat's image upload",
        "undo_paid": "undo I have paid",
        "watch": "background watcher started by load (guarded: one per tab)",
    },
    "PriceListState": {"load": "on_load of the public price list (/fees): the schedule, no one's data"},
    "FeesState": {
        "load_fees": "on_mount of the console's fees tab (operators only: the service refuses anyone else)",
        "save_rule": "a fee rule's form in the console's fees tab (operators only, checked by set_fee_rule)",
    },
    "OperatorState": {
        "choose_tab": "console tabs",
        "credit": "review queue: credit an unmatched deposit to a user (operators only)",
        "dismiss": "review queue: close an item with nothing to credit (operators only)",
        "load": ON_LOAD,
        "mark_paid": "payout queue: paid",
        "mark_returned": "review queue: record a deposit as sent back (operators only)",
        "refresh": "check again button",
        "reject": "payout queue: reject",
    },
    "SweepsState": {
        # Operators only (the services check the role at every call); the asset is one of SWEEP_ASSETS.
        "choose_asset": "the sweeps tab's asset switch (TON / USDT; anything else shows the first)",
        "load": "on_mount of the console's sweeps tab",
        "save_threshold": "the threshold form (text of at most 40 characters, validated by the service)",
        "sweep_now": "the Sweep now button: the chosen asset's whole fee balance (operators only)",
    },
    "UsersState": {
        "block": "users tab: the card's block form (operators only; reason 1-500 characters)",
        "open_user": "users tab: a search result opens its card (operators only)",
        "revoke_sessions": "users tab: the card's log-out-everywhere button (operators only)",
        "search": "users tab: the search form (operators only; up to 200 characters)",
        "unblock": "users tab: the card's unblock button (operators only)",
    },
    "ReconciliationState": {
        "check": "reconciliation tab: opening the tab and its check-again button (operators only)",
    },
    "AuditState": {
        "load_audit": "audit tab: opening the tab and its refresh button (operators only)",
        "older": "audit tab: the older button, the next page below the oldest line shown (operators only)",
    },
    "InvoicesState": {
        "preview_fee_amount": "the invoice form's amount, on blur: what one payment brings after the fee",
        "preview_fee_asset": "the invoice form's asset select: the fee note follows it",
        "preview_fee_fiat": "the invoice form's fiat select: a fiat price names the fee rule only",
        "choose_kind": "the invoice form's kind",
        "create": "the invoice form's submit",
        "go_page": "pager",
        "load": ON_LOAD,
        "set_test": "the invoice form's test switch",
        "toggle_form": "New invoice button",
        "set_payout": "the invoice form's 'pay me in fiat' switch",
        "choose_payout_country": "the invoice form's payout country (a catalog code, else ignored)",
    },
    "InvoiceDetailState": {
        "close": "close the invoice",
        "load": ON_LOAD,
        "redeliver": "redeliver a webhook event",
        "refresh": "refresh button",
        "next_simulation": "chained by simulate after a success: a fresh form key (renews only its own tab's)",
        "simulate": "simulate payment (test mode)",
        "test_event": "send a test webhook event",
        "watch": "background watcher started by load (guarded: one per tab)",
        "choose_intermediary": "fiat payout: list the BUY ads for a waiting payment the panel shows",
        "close_picker": "fiat payout: close the intermediary picker",
        "open_payout": "fiat payout: open a deal on an ad the picker listed",
        "take_crypto": "fiat payout: complete a waiting payment the panel shows in crypto",
    },
    "DevelopersState": {
        "close_secret": "hide the shown API key secret",
        "create_key": "the API key form's submit",
        "load": "on_load of /invoices (the Developers card)",
        "reveal_secret": "show the webhook signing secret",
        "revoke": "revoke an API key",
        "rotate_secret": "rotate the webhook signing secret",
        "set_key_test": "the API key form's sandbox switch",
        "toggle_scope": "the API key form's scopes",
    },
    # The Developers card's Crypto Pay / Heleket tab: the services check that an app is the caller's.
    "CompatKeysState": {
        "close_issued": "the issued-credentials dialog's Done",
        "create_cryptopay_app": "the Crypto Pay app form's submit",
        "create_heleket_merchant": "the Heleket merchant form's submit",
        "load": "on_load of /invoices (the Developers card)",
        "save_app": "a Crypto Pay app's settings form (webhook URL, transfer on or off)",
        "set_cp_test": "the Crypto Pay form's testnet switch",
        "set_cp_transfers": "the Crypto Pay form's transfer switch",
        "set_hk_test": "the Heleket form's sandbox switch",
    },
    "PayEntryState": {"clear": "on_load of /pay", "open_invoice": "the invoice number form"},
    "PayState": {
        "back": "the amounts step: back",
        "cancel": "cancel the payment",
        # The fiat panel (pages/pay/part_fiat.py): only a part of the payment shown, catalog codes, and ads
        # the panel listed are acted on; part_deals checks the payer again.
        "choose_fiat_country": "the fiat panel's country select (lists the ads that fit the part)",
        "choose_fiat_currency": "the fiat panel's currency select (lists the ads again)",
        "choose_fiat_method": "the fiat panel's payment method select (lists the ads again)",
        # Any values: only a pending part of the tab's payment and a method of pages/pay/methods.py.
        "choose_method": "a part's method picker on the fund step",
        "close_fiat": "the fiat panel's Close",
        "fill_max": "a floating invoice's Max button: the signed-in payer's own available balance (a read)",
        "fund": "fund one part from the balance",
        "load": "on_load of /pay/<number> and /i/<number>",
        "open_fiat": "the fiat panel's 'Find a trader for this part' button",
        "open_fiat_deal": "an ad's 'Open deal' in the fiat panel: a deal for exactly the part, released to it",
        "pay_now": "the direct page's one button",
        # Only a part of this payment as the page shows it; the services check the payer and the part.
        "pay_lightning_demo": "the Lightning panel's demo wallet button (fake node outside production only)",
        # Any values: only a pending part of the tab's payment and a code of at most 400 characters; a
        # wrong code costs a guess (services/promises.check_guess_limit).
        "pay_with_promise": "a part's promise panel: Pay with promise",
        "set_amount": "the payer's amount (floating invoices)",
        "set_part_amount": "the amount of one part",
        "set_parts": "the number of parts",
        "start": "start the payment",
        "start_lightning": "a part's Lightning wallet button: its invoice (the open one again, or a new one)",
        "to_amounts": "the parts step: next",
        # Started by start_lightning, open_fiat_deal and load.
        "watch_arrivals": "background watcher of the parts awaiting money (guarded: one per tab)",
    },
    "PaymentState": {
        "ask_receipt": "a private invoice's payer asks for a receipt",
        "cancel": "cancel an incomplete payment",
        "load": ON_LOAD,
        "wait_for_secrets": "background watcher started by load (guarded: one per tab)",
    },
    # The payment's chat: the payment comes from the URL, never from an argument; every read and write
    # goes through services/payment_chat, which answers NotFound to all but its two sides (and a called
    # operator), and the page then keeps no payment to act on (tests/api/test_payment_chat_state.py).
    "PaymentChatState": {
        "call_operator": "the chat's call an operator button",
        # Any text, on each keystroke: only its length is kept (no service, no storage).
        "count_chat": "the chat input's character counter",
        "load": ON_LOAD,
        "send": "the chat form",
        "send_image": "the chat's image upload",
        "watch": "background watcher started by load (guarded: one per tab)",
    },
    "PromisesState": {
        # Reads only the caller's own balance: any click count gives the same answer.
        "choose_asset": "the New promise form's asset select (anything not in the catalog is ignored)",
        "fill_max": "the amount's Max button: the caller's available balance of the chosen asset (a read)",
        "create": "the New promise form's submit (the form's key: a double click makes one promise)",
        "dismiss_code": "the new promise card's I saved it button (hides this tab's card)",
        # Any int: the service answers promise_not_found unless the caller issued it, and moves money once.
        "cancel": "the confirmed Cancel of an active issued promise",
        "load": ON_LOAD,
    },
    "SellPromiseState": {
        # /promises/sell (pages/promises/sell_state.py): every code typed costs a guess when wrong
        # (services/promises.check_guess_limit); only catalog codes and the ads the page listed are acted on.
        "load": ON_LOAD,
        "check_code": "the code form's Continue: the promise's preview",
        "change_code": "Another promise (clears this tab's code)",
        "choose_way": "the way switch: fiat, Bitcoin, Lightning (anything else is ignored)",
        # FiatMarket (state/fiat_market.py): open only while the promise is usable.
        "choose_fiat_country": "the fiat panel's country select (catalog codes only)",
        "choose_fiat_currency": "the fiat panel's currency select (catalog codes only)",
        "choose_fiat_method": "the fiat panel's method select (the country's methods only)",
        "sell": "an ad's Sell button (only an ad the panel listed; one key per listing: one deal)",
        "show_quote": "the cash out form: the payout's quote (a read)",
        "edit_cash_out": "Back from the quote",
        "confirm_cash_out": "Cash out (the quote's key: a double click queues one payout)",
    },
    "RedeemPromiseState": {
        "load": "on_load of /p/<code>: the promise's preview (a wrong code costs a guess)",
        "redeem": "Redeem to balance (needs a login; a wrong code costs a guess; one redeem wins)",
    },
    "StartState": {
        # Any value: an answer the table (domain/master.py) does not offer after the earlier ones is ignored.
        "choose_what": "the start page's first question",
        "choose_pay_with": "the start page's second question",
        "choose_result": "the start page's third question",
        # Goes only where the table leads; a promise's code must look like one before it becomes a URL.
        "go": "the start page's Continue (with the promise's code where the flow needs it)",
    },
    "AdWidgetState": {
        "load": "on_load of the ad's iframe widget (public: the ad is, as on the market)",
    },
    "WidgetState": {
        "load": "on_load of the iframe widget",
        "set_amount": "the widget's amount",
        "set_currency": "the widget's currency",
        "set_parts": "the widget's parts",
    },
}
# Reflex gives every state `setvar`, which only calls the state's own `set_<var>` handlers above.
REFLEX_BUILT_IN = {"setvar"}


def registered() -> dict[str, set[str]]:
    return {cls.__name__: set(cls.event_handlers) - REFLEX_BUILT_IN for cls in state_classes()}


def test_every_public_handler_is_listed_with_its_reason():
    unlisted = {
        f"{cls}.{name}" for cls, names in registered().items() for name in names - set(PUBLIC_HANDLERS.get(cls, {}))
    }
    assert unlisted == set(), "public methods the browser can call: make helpers `_private`, list real handlers"


def test_the_list_names_only_handlers_that_exist():
    handlers = registered()
    stale = {
        f"{cls}.{name}" for cls, names in PUBLIC_HANDLERS.items() for name in set(names) - handlers.get(cls, set())
    }
    assert stale == set()


def test_helpers_are_not_handlers():
    """Underscore methods (the helpers every state has) never reach Reflex's handler list."""
    seen = set()
    for cls in state_classes():
        helpers = {name for name in vars(cls) if name.startswith("_") and callable(vars(cls)[name])}
        assert helpers & set(cls.event_handlers) == set(), cls.__name__
        seen |= {f"{cls.__name__}.{name}" for name in helpers}
    # The scan sees the helpers, or this test would pass on nothing.
    assert {"LiveState._watch_key", "PayState._price_moved", "AuthState._user_id"} <= seen
