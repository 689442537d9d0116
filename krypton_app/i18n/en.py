"""English catalog. Every visible string of the UI; `ru.py` has the same keys."""

CATALOG: dict[str, str] = {
    # Shell
    "app.name": "Krypton",
    "app.tagline": "Payments on TON",
    "nav.wallet": "Wallet",
    "nav.pay": "Pay",
    "nav.buy": "Buy",
    "nav.market": "Market",
    "nav.invoices": "Invoices",
    "nav.deals": "Deals",
    "nav.operator": "Operator",
    "nav.profile": "Profile",
    "nav.menu": "Menu",
    "notfound.title": "Page not found",
    "notfound.body": (
        "There is nothing at this address. The link may be mistyped, or what it pointed to no longer exists."
    ),
    "notfound.home": "Home",
    "header.language": "Language",
    "header.theme": "Switch light / dark theme",
    "header.logout": "Log out",
    "header.login": "Sign in",
    "header.account": "Account",
    "footer.note": "Krypton is in early development. Balances shown here are not real money yet.",
    "lang.en": "English",
    "lang.ru": "Русский",
    # Landing
    "landing.badge": "Built on TON",
    "landing.title": "Get paid in crypto. Live in fiat.",
    "landing.subtitle": (
        "Krypton is a wallet and a payment desk in one place: hold TON and USDT, send invoices that "
        "anyone can pay in parts and by any means, and trade with people safely through escrow."
    ),
    "landing.features_title": "What you can do with Krypton",
    "landing.features_subtitle": ("One app for people paid in crypto and for merchants who want to be paid by anyone."),
    "feature.wallet.title": "Wallet",
    "feature.wallet.body": ("Hold TON and USDT on TON. See what is available and what is held for deals at a glance."),
    "feature.invoices.title": "Invoices paid in parts",
    "feature.invoices.body": (
        "Ask for money with a short invoice number. Payers split it into parts and pay each part "
        "their own way: balance, Lightning, cash through a trader, or a voucher."
    ),
    "feature.p2p.title": "P2P with escrow",
    "feature.p2p.body": (
        "Buy and sell crypto for your local currency. The seller's coins are held in escrow until "
        "the payment arrives, with chat and dispute resolution."
    ),
    "feature.receipts.title": "Signed receipts",
    "feature.receipts.body": (
        "Every payment of a public invoice ends with a signed receipt that anyone can verify on the site."
    ),
    "feature.promises.title": "Vouchers",
    "feature.promises.body": (
        "Turn part of your balance into a code. Whoever holds the code can redeem it, pay with it or sell it for cash."
    ),
    "feature.merchant_api.title": "Merchant API",
    "feature.merchant_api.body": (
        "Payment links, Telegram links, embeddable widgets, a REST API and signed webhooks for shops that sell online."
    ),
    # Login
    "login.title": "Sign in",
    "login.subtitle": "Your TON wallet is your account. No password, no email needed.",
    "login.tonconnect": "Connect TON wallet",
    "login.tonconnect_hint": "Tonkeeper, MyTonWallet, Telegram Wallet and other TON Connect wallets.",
    "login.or": "or",
    "login.demo": "Try the demo wallet",
    "login.demo_badge": "Demo",
    "login.demo_hint": (
        "For trying Krypton out: a throwaway key made for this browser tab signs a real TON Connect "
        "proof. It is not a real wallet and cannot hold real money."
    ),
    "login.signed_in_title": "You are signed in",
    "login.signed_in_as": "Signed in as",
    "login.open_wallet": "Open wallet",
    "login.working": "Signing in…",
    # Session messages
    "auth.login_required": "Please sign in to open that page.",
    "auth.logged_out": "You have signed out.",
    "auth.logged_out_everywhere": "You have signed out on every device.",
    "sessions.title": "Signed-in devices",
    "sessions.body": "Lost a device or signed in on someone else's computer? Sign out of Krypton everywhere, "
    "this browser included. Each device will need a wallet sign-in again.",
    "sessions.logout_everywhere": "Log out everywhere",
    "auth.session_expired": "Your session has ended. Please sign in again.",
    "auth.welcome": "Welcome to Krypton",
    # Wallet
    "wallet.title": "Wallet",
    "wallet.subtitle": "Your balances on Krypton.",
    "wallet.available": "Available",
    "wallet.held": "Held",
    "wallet.held_hint": "Held: frozen for deals in progress and pending withdrawals.",
    "wallet.asset.TON": "Toncoin",
    "wallet.asset.USDT": "Tether USD on TON",
    "wallet.loading": "Loading balances…",
    "wallet.tab.balances": "Balances",
    "wallet.tab.history": "History",
    "wallet.tab.payments": "Payments",
    "payments.title": "My payments",
    "payments.subtitle": (
        "Invoices you paid or started paying. An unfinished payment holds the parts you funded "
        "until you finish or cancel it."
    ),
    "payments.empty": "You have not paid any invoice yet.",
    "payments.continue": "Continue paying",
    "payments.receipt": "Receipt",
    "payments.details": "Details",
    "payments.expires": "Cancelled automatically at",
    "payments.keep": "Keep it",
    "payments.cancel_title": "Cancel this payment?",
    "payments.cancel_warning": (
        "The parts you funded go back to your balance and the invoice stays unpaid. This cannot be "
        "undone; to pay the invoice later you start a new payment."
    ),
    "common.copy": "Copy",
    "common.copied": "Copied",
    "live.received": "Deposit received: +{amount} {asset}",
    # Deposit
    "deposit.title": "Deposit",
    "deposit.intro": "Send TON or USDT on TON from any wallet to this address with your memo as the comment.",
    "deposit.address": "Deposit address",
    "deposit.memo": "Your memo (comment)",
    "deposit.memo_warning.TON": (
        "Always put this memo in the transfer's comment. A deposit without it cannot be credited "
        "automatically: it waits for an operator to find out whose it is."
    ),
    "deposit.memo_warning.USDT": (
        "Send USDT on TON (the jetton) and put this memo in the transfer's comment. A deposit without it "
        "cannot be credited automatically: it waits for an operator to find out whose it is."
    ),
    "deposit.open_wallet": "Open in wallet app",
    "deposit.qr_alt": "QR code of the transfer link",
    # Demo faucet
    "faucet.title": "Demo faucet",
    "faucet.badge": "Test money",
    "faucet.body": (
        "This server runs on a simulated TON chain. The faucet sends a deposit with your memo through it; "
        "your balance rises when the chain monitor credits it, like a real deposit."
    ),
    "faucet.sent": "{amount} {asset} sent through the demo chain. It is credited in a moment.",
    # Withdraw
    "withdraw.title": "Withdraw",
    "withdraw.method.ton": "TON address",
    "withdraw.method.bitcoin": "Bitcoin",
    "withdraw.method.lightning": "Lightning",
    "withdraw.intro.ton": "Send TON or USDT from your balance to any TON wallet.",
    "withdraw.intro.bitcoin": (
        "Pay from your balance to a Bitcoin address. It is converted at the current rate and paid by an operator."
    ),
    "withdraw.intro.lightning": (
        "Paste a Lightning invoice (BOLT11) with an amount. It is paid from your balance at the current rate."
    ),
    "withdraw.field.asset.ton": "Asset",
    "withdraw.field.asset.bitcoin": "Pay with",
    "withdraw.field.asset.lightning": "Pay with",
    "withdraw.field.address": "Destination address",
    "withdraw.field.amount.ton": "Amount",
    "withdraw.field.amount.bitcoin": "Amount",
    "withdraw.available": "Available:",
    "withdraw.max": "Max",
    "withdraw.bitcoin_amount_hint": (
        "Enter what you spend, or choose BTC and enter what the recipient gets: the other is shown at the current rate."
    ),
    "withdraw.field.invoice": "Lightning invoice",
    "withdraw.review": "Review",
    "withdraw.review_title": "Check before you confirm",
    "withdraw.to": "To",
    "withdraw.amount": "Amount",
    "withdraw.fee": "Fee",
    "withdraw.network_fee": "Network fee",
    "withdraw.total": "Total from balance",
    "withdraw.rate": "Rate",
    "withdraw.recipient_gets": "Recipient gets",
    "withdraw.invoice_amount": "Invoice amount",
    "withdraw.invoice_description": "Description",
    "withdraw.invoice_expires": "Expires",
    "withdraw.edit": "Change",
    "withdraw.confirm": "Confirm",
    "withdraw.requested.ton": "Withdrawal requested. The amount is held until the transfer is confirmed.",
    "withdraw.requested.bitcoin": "Bitcoin payout requested. The amount is held until an operator pays it.",
    "withdraw.requested.lightning": "Lightning payout requested. The amount is held until an operator pays it.",
    "recent.title": "Recent withdrawals",
    "recent.empty": "No withdrawals yet.",
    "recent.reference": "Transaction",
    "recent.reject_reason": "Rejected because",
    "recent.cancel": "Cancel payout",
    "recent.cancel_title": "Cancel this payout?",
    "recent.cancel_body": (
        "Nothing is sent. The amount and the fee held for it, {amount} + {fee}, return to your available balance."
    ),
    "recent.cancel_keep": "Keep it",
    "recent.cancel_confirm": "Cancel payout",
    "recent.cancelled": "Payout cancelled. The amount and the fee are back on your balance.",
    # Statuses of withdrawals, payouts and review deposits
    "status.requested": "Requested",
    "status.expired": "Retrying",
    "status.sent": "Sent",
    "status.confirmed": "Confirmed",
    "status.refunded": "Refunded",
    "status.queued": "Queued",
    "status.paid": "Paid",
    "status.rejected": "Rejected",
    "status.pending": "Pending",
    "status.credited": "Credited",
    "status.returned": "Returned",
    "status.dismissed": "Dismissed",
    "status.cancelled": "Cancelled",
    # History
    "history.title": "History",
    "history.subtitle": "Every movement of your money, newest first.",
    "history.all_assets": "All assets",
    "history.all_kinds": "All kinds",
    "history.download_csv": "Download CSV",
    "history.col.date": "Date",
    "history.col.asset": "Asset",
    "history.col.available": "Available",
    "history.col.held": "Held",
    "history.col.description": "Description",
    "history.previous": "Previous page",
    "history.next": "Next page",
    "history.empty": "Nothing here yet.",
    "history.loading": "Loading history…",
    "history.kind.deposit": "Deposit",
    "history.kind.deposit_review_credit": "Deposit (credited by operator)",
    "history.kind.withdrawal_hold": "Withdrawal requested",
    "history.kind.withdrawal": "Withdrawal sent",
    "history.kind.withdrawal_refund": "Withdrawal refunded",
    "history.kind.payout_hold": "Payout requested",
    "history.kind.payout": "Payout paid",
    "history.kind.payout_refund": "Payout refunded",
    "history.kind.transfer": "Transfer",
    "history.kind.hold": "Hold",
    "history.kind.release": "Release",
    "history.kind.capture": "Captured from hold",
    "history.kind.ad_reserve": "Ad reserve",
    "history.kind.ad_release": "Ad reserve returned",
    "history.kind.deal_escrow": "Deal escrow",
    "history.kind.deal_release": "Deal: escrow released to the buyer",
    "history.kind.deal_refund": "Deal: escrow returned to the seller",
    "history.kind.deal_resolve": "Deal: operator's decision",
    "history.kind.invoice_hold": "Invoice part held",
    "history.kind.invoice_payment": "Invoice payment",
    "history.kind.invoice_refund": "Invoice part refunded",
    "history.about.deposit": "From the TON blockchain",
    "history.about.withdrawal": "To {address}",
    "history.about.payout.bitcoin": "Bitcoin, to {destination}",
    "history.about.payout.lightning": "Lightning invoice {destination}",
    "history.about.ad.sell": "Sell ad #{id}: {asset} for {fiat}",
    "history.about.ad.buy": "Buy ad #{id}: {asset} for {fiat}",
    "history.about.deal": "Deal #{id} with {name}",
    "history.about.invoice": "Invoice {number} · {title}",
    "history.about.invoice_part": "Invoice {number} · {title} · part {position} of {count}",
    # Operator console
    "operator.title": "Operator console",
    "operator.subtitle": "Manual payouts, deposits the monitor could not credit, and the health of the ledger.",
    "operator.loading": "Loading the console…",
    "operator.refused_title": "Operators only",
    "operator.refused": "This page is for Krypton operators. Your account does not have that role.",
    "operator.tab.payouts": "Payout queue",
    "operator.tab.deposits": "Deposits to review",
    "operator.tab.invariants": "Ledger invariants",
    "operator.no_payouts": "No payouts are waiting.",
    "operator.no_deposits": "No deposits are waiting for review.",
    "operator.destination": "Pay to",
    "operator.charged": "Held from the user",
    "operator.reference_placeholder": "Transaction id or preimage",
    "operator.mark_paid": "Mark paid",
    "operator.reason_placeholder": "Reason for the user",
    "operator.reject": "Reject and refund",
    "operator.sender": "Sender",
    "operator.comment": "Comment",
    "operator.tx": "Transaction",
    "operator.credit": "Credit to user",
    "operator.mark_returned": "Mark returned",
    "operator.count.transactions": "Transactions",
    "operator.count.postings": "Postings",
    "operator.count.accounts": "Accounts",
    "operator.invariants_ok": "Ledger OK",
    "operator.invariants_broken": "Invariants violated",
    "operator.invariants_hint": (
        "Postings sum to zero in every transaction, every balance equals its postings, "
        "and no user balance is below zero."
    ),
    "operator.checked_at": "Checked",
    "operator.refresh": "Check again",
    "operator.payout_paid": "Payout marked as paid.",
    "operator.payout_rejected": "Payout rejected; the user got the money back.",
    "operator.deposit_credited": "Deposit credited to the user.",
    "operator.deposit_returned": "Deposit marked as returned.",
    "operator.reason.unmatched": "The comment is no user's memo.",
    "operator.reason.bounce_unmatched": "Value that came back (a bounce) naming none of our withdrawals.",
    "operator.reason.amount_not_positive": "Nothing arrived to credit: the amount is zero.",
    "operator.reason.amount_too_large": "The amount is larger than a balance can hold:",
    "operator.reason.unknown_op": (
        "A message with an operation Krypton takes no deposits by (not a transfer or a comment)."
    ),
    "operator.reason.apply_failed": "The monitor could not apply it and went on past it. The error:",
    "operator.reason.body_malformed": "The message body is malformed (e.g. shorter than an operation code).",
    "operator.reason.comment_undecodable": "The comment cannot be read as text, so it names no memo.",
    "operator.reason.notification_malformed": (
        "Our USDT wallet's notification cannot be read: the amount is unknown. Look the transaction up."
    ),
    "operator.dismiss": "Dismiss",
    "operator.deposit_dismissed": "Dismissed: nothing was credited or sent back.",
    # Profile
    "profile.title": "Profile",
    "profile.subtitle": "How other people find you and how Krypton talks to you.",
    "profile.wallet_address": "Wallet address",
    "profile.display_name": "Display name",
    "profile.display_name_hint": "Shown to people you trade with.",
    "profile.username": "Username",
    "profile.username_hint": "Letters, digits and underscores. Only yours: people can send you private invoices by it.",
    "profile.phone": "Phone",
    "profile.phone_hint": (
        "Optional, international format (+44 20 7946 0958). Once verified through Telegram, it addresses private "
        "invoices."
    ),
    "profile.email": "Email",
    "profile.email_hint": "Optional. Once verified with a code, it lets people send you private invoices.",
    "profile.language": "Language",
    "profile.save": "Save changes",
    "profile.saved": "Profile saved",
    "profile.has_errors": "Please fix the highlighted fields.",
    "profile.loading": "Loading profile…",
    "pay.title": "Pay an invoice",
    "buy.title": "Buy crypto",
    "market.title": "P2P market",
    "market.body": (
        "Browse offers to buy and sell crypto for local money, filter by country, currency and payment "
        "method, and publish your own ads."
    ),
    "invoices.title": "Invoices",
    "deals.title": "Deals",
    "deals.body": (
        "Follow your trades step by step: escrow, payment, release, with a chat for both sides, timers, "
        "disputes and reviews."
    ),
    "common.cancel": "Cancel",
    # Invoices (merchant)
    "invoices.subtitle": "Ask for money with a short number, a link, a Telegram link or a widget.",
    "invoices.new": "New invoice",
    "invoices.create": "Create invoice",
    "invoices.list_title": "Your invoices",
    "invoices.empty": "No invoices yet. Create one to get paid.",
    "invoices.open_existing": "Open invoice",
    "invoices.existing_order": "You already have an invoice with this order id. Use another one, or open it below.",
    "invoices.loading": "Loading invoices…",
    "invoices.section.amount": "Amount and limits",
    "invoices.section.integration": "Integration",
    "invoice.kind.fixed": "Fixed amount",
    "invoice.kind.floating": "Payer chooses",
    "invoice.kind.private": "Private",
    "invoice.kind_hint.fixed": "Anyone can pay this amount; you may limit how many times it is paid.",
    "invoice.kind_hint.floating": "Payers choose how much to pay, e.g. donations; you may set a minimum and a total.",
    "invoice.kind_hint.private": "A fixed amount for one person only. Nobody else can see or pay it.",
    "invoice.field.kind": "Kind",
    "invoice.field.title": "Title",
    "invoice.field.description": "Description",
    "invoice.field.order_id": "Order id",
    "invoice.field.asset": "Paid in",
    "invoice.field.fiat_currency": "Priced in",
    "invoice.field.amount": "Amount",
    "invoice.field.min_payment": "Minimum per payment",
    "invoice.field.max_payments": "Limit of payments",
    "invoice.field.max_total": "Limit of the total",
    "invoice.field.payer_contact": "Payer",
    "invoice.field.max_parts": "Parts a payer may split into",
    "invoice.field.expires_in_s": "Expires",
    "invoice.field.webhook_url": "Webhook URL",
    "invoice.field.redirect_url": "Redirect after payment",
    "invoice.field.allowed_origins": "Sites allowed to embed the widget",
    "invoice.field.is_test": "Test mode",
    "invoice.hint.order_id": "Optional, unique per merchant: creating it again returns the same invoice.",
    "invoice.hint.amount": "In the asset, or in the fiat currency when the invoice is priced in one.",
    "invoice.hint.max_payments": "Empty: no limit. The invoice closes when it is reached.",
    "invoice.hint.max_total": "Empty: no limit. The invoice closes when it is reached.",
    "invoice.hint.payer_contact": "Their @username, or an email they verified on Krypton.",
    "invoice.hint.max_parts": "1 to 10. Each part can be paid separately.",
    "invoice.hint.webhook_url": 'We POST signed events here; answer {"secrets": [...]} to deliver keys to the payer.',
    "invoice.hint.allowed_origins": "Origins separated by spaces, e.g. https://shop.example. Empty: nobody.",
    "invoice.hint.is_test": "Sandbox: paid with the simulate button and test funds, never real balances.",
    "invoice.placeholder.title": "VPN for one month",
    "invoice.no_fiat": "The asset itself",
    "invoice.expiry.0": "Never",
    "invoice.expiry.3600": "In 1 hour",
    "invoice.expiry.86400": "In 24 hours",
    "invoice.expiry.604800": "In 7 days",
    "invoice.expiry.2592000": "In 30 days",
    "invoice.any_amount": "Any amount",
    "invoice.payments": "Payments",
    "invoice.collected": "Collected",
    "invoice.status.open": "Open",
    "invoice.status.closed": "Closed",
    "invoice.status.expired": "Expired",
    "invoice.close_reason.limit_reached": "Closed by itself: its limit was reached.",
    "invoice.close_reason.merchant": "Closed by you.",
    "invoice.close_reason.expired": "Expired.",
    "payment.status.pending": "Waiting for parts",
    "payment.status.completed": "Paid",
    "payment.status.cancelled": "Cancelled",
    "payment.status.refunded": "Refunded",
    "part.status.pending": "Not funded",
    "part.status.funded": "Funded",
    "part.status.captured": "Paid",
    "part.status.returned": "Returned",
    "delivery.status.pending": "Pending",
    "delivery.status.delivered": "Delivered",
    "delivery.status.failed": "Failed",
    # Invoice detail
    "detail.back": "All invoices",
    "detail.amount": "Amount",
    "detail.expires": "Expires",
    "detail.links": "Links",
    "detail.settings": "Settings",
    "detail.left": "left",
    "detail.direct_link": "Direct link (one screen)",
    "detail.helper_link": "Link with helper (step by step)",
    "detail.telegram_link": "Telegram bot link",
    "detail.telegram_app_link": "Telegram Mini App link",
    "detail.telegram_off": "Telegram links appear when the server has a bot name configured.",
    "detail.qr_alt": "QR code of the direct link",
    "detail.chart": "Payments over time",
    "detail.payments": "Payments",
    "detail.no_payments": "No payments yet.",
    "detail.deliveries": "Webhook deliveries",
    "detail.no_webhook": "This invoice has no webhook URL.",
    "detail.no_deliveries": "No events sent yet.",
    "detail.attempts": "Attempts",
    "detail.redeliver": "Redeliver",
    "detail.send_test": "Send test event",
    "detail.refresh": "Refresh",
    "detail.embed": "Embed the widget",
    "detail.embed_intro": "Put this on your site. The widget tells your page what the payer chose via postMessage.",
    "detail.origins": "Allowed to embed",
    "detail.no_origins": "nobody (the widget cannot be framed)",
    "detail.simulate": "Simulate payment",
    "detail.close": "Close invoice",
    "detail.close_warning": "Nobody can pay it any more. Parts of unfinished payments go back to their payers.",
    "detail.closed": "Invoice closed.",
    "detail.simulated": "Test payment made.",
    "detail.test_event_sent": "Test event queued.",
    "detail.redelivery_queued": "Redelivery queued.",
    # Developers
    "dev.title": "Developers",
    "dev.tab.keys": "API keys",
    "dev.tab.webhooks": "Webhook secrets",
    "dev.keys_intro": "Keys for the REST API under /api/v1. Only a hash is stored: the key is shown once.",
    "dev.key_name": "Key name, e.g. shop backend",
    "dev.test_key": "Test mode",
    "dev.create_key": "Create key",
    "dev.no_keys": "No API keys yet.",
    "dev.revoke": "Revoke",
    "dev.revoked": "Revoked",
    "dev.new_key_title": "Your new API key",
    "dev.new_key_once": "Copy it now: it is not shown again.",
    "dev.secret": "Secret key",
    "dev.done": "I have copied it",
    "dev.webhook_intro": (
        "Every webhook carries Krypton-Signature: an HMAC-SHA-256 of the timestamp and body. Events of live "
        "invoices and events of test invoices are signed with two different secrets."
    ),
    "dev.secret.live": "Live events",
    "dev.secret.test": "Test events",
    "dev.secret_hint.live": "Signs the events of live invoices. Your production server checks this one only.",
    "dev.secret_hint.test": (
        "Signs the events of test invoices (sandbox keys, test mode). A live endpoint never accepts it."
    ),
    "dev.webhook_secret": "Signing secret",
    "dev.reveal": "Reveal",
    "dev.hide": "Hide",
    "dev.rotate": "Rotate secret",
    "dev.rotate_warning.live": (
        "Live events are signed with the new secret from now on; update your server. The test secret stays."
    ),
    "dev.rotate_warning.test": "Test events are signed with the new secret from now on. The live secret stays.",
    "dev.secret_rotated.live": "Live webhook secret rotated.",
    "dev.secret_rotated.test": "Test webhook secret rotated.",
    "dev.docs": "OpenAPI document:",
    "dev.reference": "API reference",
    "apiref.title": "API reference",
    "apiref.subtitle": "Every operation of the merchant API: method, path, scope, parameters and responses.",
    "apiref.auth": (
        "Send an API key from the Developers card as Authorization: Bearer kr_live_…; every POST takes an "
        "Idempotency-Key header. The machine-readable document:"
    ),
    "apiref.scope": "Scope:",
    "apiref.no_key": "none, no key needed",
    "apiref.parameters": "Parameters",
    "apiref.body": "JSON request body",
    "apiref.none": "None",
    "apiref.required": "required",
    "apiref.responses": "Responses",
    # Paying
    "pay.subtitle": "Enter the invoice number you were given.",
    "pay.number": "Invoice number",
    "pay.number_hint": "Letters and digits; case, spaces and dashes do not matter.",
    "pay.number_required": "Enter the invoice number.",
    "pay.number_unknown": "No invoice has this number. Check it with the seller.",
    "pay.open": "Open",
    "pay.loading": "Loading…",
    "pay.sign_in": "Sign in to pay",
    "pay.sign_in_hint": "Sign in with your TON wallet to pay this invoice. You come back to this page after.",
    "pay.sign_in_private": "If this invoice was sent to you personally, sign in to see it.",
    "pay.try_another": "Try another number",
    "pay.cap_left": "Left before its limit",
    "pay.floating": "You choose how much to pay.",
    "pay.your_amount": "Your amount",
    "pay.step.parts": "Parts",
    "pay.step.amounts": "Amounts",
    "pay.step.fund": "Pay",
    "pay.choose_parts": "How many parts?",
    "pay.parts_hint": "Split the payment and fund each part separately.",
    "pay.next": "Next",
    "pay.back": "Back",
    "pay.amounts": "Amount of each part",
    "pay.amounts_hint": "Together:",
    "pay.part": "Part",
    "error.parts_must_sum": "Each part must be above zero and together they must make the whole amount.",
    "pay.start": "Continue to payment",
    "pay.fund_title": "Fund the parts",
    "pay.fund_hint": "Each part is held on your balance; the merchant is paid when all parts are funded.",
    "pay.fund_balance": "Pay from balance",
    "pay.parts_funded": "Parts funded",
    "pay.cancel": "Cancel payment",
    "pay.resumed": "You started this payment earlier; the parts you funded are kept.",
    "pay.cancels_at": "Unless finished, it is cancelled automatically and funded parts go back to your balance at",
    "direct.pay": "Pay from balance",
    "direct.more_options": "Split into parts or see more options",
    # Result
    "result.title": "Payment",
    "result.paid": "Paid",
    "result.secrets": "From the seller",
    "result.waiting": "Waiting for the seller…",
    "result.receipt": "Receipt",
    "result.receipt_token": "Signed receipt",
    "result.verify": "Verify receipt",
    "result.no_receipt": "Private invoices give a receipt on request.",
    "result.ask_receipt": "Get a receipt",
    "result.back_to_shop": "Back to the shop",
    # Verify
    "verify.title": "Verify a receipt",
    "verify.subtitle": "Paste a Krypton receipt to check its signature and read it.",
    "verify.token": "Receipt",
    "verify.invoice": "Invoice number (optional)",
    "verify.invoice_placeholder": "Check that the receipt is for this invoice",
    "verify.empty": "Paste a receipt first: the field is empty.",
    "verify.check": "Verify",
    "verify.valid": "Genuine receipt",
    "verify.offline": "Check receipts offline with our public key:",
    "verify.field.invoice": "Invoice",
    "verify.field.payment": "Payment",
    "verify.field.amount": "Amount",
    "verify.field.parts": "Parts",
    "verify.field.time": "Paid at",
    "verify.field.merchant": "Merchant",
    "verify.field.payer": "Payer",
    "verify.field.mode": "Mode",
    # Widget
    "widget.amount": "Amount",
    "widget.parts": "Parts",
    "widget.currency": "Currency",
    "widget.go": "Go to payment",
    "widget.powered": "Payments by Krypton",
    # Telegram
    "tg.opening": "Opening…",
    "tg.unknown": "This Telegram link does not lead anywhere in Krypton.",
    # Errors: `error.<code>` for every code the services raise.
    "error.unexpected": "Something went wrong. Please try again.",
    "error.error": "Something went wrong. Please try again.",
    "error.demo_disabled": "The demo wallet is turned off on this server.",
    "error.ton_proof_invalid": "The wallet's proof could not be verified. Please try again.",
    "error.domain_not_allowed": "The wallet signed in for a different site. Please connect again here.",
    "error.domain_length_mismatch": "The wallet's proof is damaged (domain length). Please connect again.",
    "error.timestamp_too_old": "The wallet's proof is too old. Please connect again.",
    "error.timestamp_in_future": "The wallet's proof is dated in the future. Check your device clock.",
    "error.wrong_network": "This wallet is on a different TON network. Switch the network and try again.",
    "error.state_init_mismatch": "The wallet's code does not match its address.",
    "error.public_key_mismatch": "The wallet's key does not match the wallet.",
    "error.bad_signature": "The wallet's signature is not valid.",
    "error.malformed_proof": "The wallet sent a proof Krypton cannot read.",
    "error.unsupported_wallet": "This wallet type is not supported yet.",
    "error.payload_invalid": "The sign-in request is not valid. Please reload the page and try again.",
    "error.payload_expired": "The sign-in request has expired. Please try again.",
    "error.payload_used": "This sign-in request was already used. Please try again.",
    "error.login_link_invalid": "This sign-in link has expired or was already used. Please sign in again.",
    "error.profile_invalid": "Please check the profile fields.",
    "error.username_invalid": "Use 3–32 Latin letters, digits or underscores, starting with a letter.",
    "error.username_taken": "This username is already taken.",
    "error.phone_invalid": "Enter the phone number in international format: a plus and 7–15 digits.",
    "error.phone_taken": "This phone number belongs to another account.",
    "error.email_invalid": "Enter a valid email address.",
    "error.email_taken": "This email belongs to another account.",
    "error.language_invalid": "Choose English or Russian.",
    "error.display_name_too_long": "The display name is too long.",
    "error.user_not_found": "This account no longer exists.",
    "error.insufficient_funds": "Not enough funds on the balance.",
    "error.invalid_amount": "The amount is not valid.",
    "error.amount_empty": "Enter an amount.",
    "error.amount_negative": "The amount cannot be negative.",
    "error.amount_zero": "The amount must be more than zero.",
    "error.amount_exponent": "Write the amount in plain digits, without an exponent (1000, not 1e3).",
    "error.amount_separator": (
        "Write the amount without thousands separators: 1500 or 1.5 (a decimal comma works too: 1,5)."
    ),
    "error.amount_not_a_number": "The amount must be a number, such as 10 or 2.5.",
    "error.amount_too_many_decimals": "The amount has too many digits after the decimal point.",
    "error.amount_too_large": "The amount is too large.",
    "error.withdrawal_below_minimum": "The amount must be at least the network fee.",
    "error.idempotency_conflict": "This request was already made with different details.",
    "error.unbalanced_transaction": "The ledger refused an unbalanced transaction.",
    "error.not_found": "Not found. It may have been removed.",
    "error.forbidden": "You are not allowed to do this.",
    "error.invalid_state": "This can no longer be done: its status has changed. Reload to see it.",
    "error.payout_not_cancellable": "An operator has already handled this payout: it can no longer be cancelled.",
    "error.deposit_not_creditable": "This item has no amount to credit. Return it or dismiss it.",
    "error.chain_unavailable": "The TON network cannot be reached right now. Please try again in a minute.",
    "error.rate_unavailable": "No exchange rate is available right now. Please try again later.",
    "error.destination_invalid": "This destination cannot be paid.",
    "error.address_invalid": "This is not a TON address.",
    "error.address_checksum": "This TON address has a typo: its checksum does not match.",
    "error.address_testnet": "This is a testnet address. Use a mainnet address.",
    "error.address_workchain": "Only addresses in the basic workchain (0) are supported.",
    "error.bitcoin_address_invalid": "This is not a Bitcoin address.",
    "error.bitcoin_address_network": "This Bitcoin address belongs to another network.",
    "error.lightning_invoice_invalid": "This is not a valid Lightning invoice.",
    "error.lightning_invoice_expired": "This Lightning invoice has expired. Ask for a new one.",
    "error.lightning_invoice_network": "This Lightning invoice is for another network.",
    "error.lightning_invoice_no_amount": "This Lightning invoice has no amount. Ask for one with an amount.",
    "error.payout_reference_invalid": "Enter the Bitcoin transaction id or the Lightning preimage (64 hex characters).",
    "error.payout_preimage_mismatch": "This preimage does not belong to the invoice.",
    "error.lightning_invoice_already_used": "This Lightning invoice is already being paid.",
    "error.payout_asset_unsupported": "Payouts cannot be paid from this asset.",
    "error.payout_too_small": "This amount is too small to pay out after the fee.",
    "error.reject_reason_invalid": "Write a reason for the user (up to 500 characters).",
    "error.sealed_value_unreadable": "This stored secret cannot be read any more. Contact support.",
    "error.invoice_expired": "This invoice has expired.",
    "error.invoice_closed": "This invoice is closed and takes no more payments.",
    "error.invoice_limit_reached": "This invoice has reached its limit and takes no more payments.",
    "error.payment_amount_invalid": "This amount does not fit the invoice.",
    "error.parts_invalid": "The parts must be between 1 and the invoice's maximum and add up to the amount.",
    "error.invoice_is_test": (
        "This is a test invoice: it cannot be paid with real money. Only its merchant can mark it paid, "
        "with test funds, from the invoice's page."
    ),
    "pay.test_title": "Test invoice",
    "error.receipt_malformed": "This is not a Krypton receipt: check that you copied the whole text.",
    "error.receipt_signature": "The receipt's signature does not match: it was changed or not issued by Krypton.",
    "error.receipt_wrong_invoice": "This receipt is genuine but belongs to another invoice.",
    "error.webhook_url_invalid": "Enter a full http(s) URL for the webhook.",
    "error.webhook_url_private": "Webhooks cannot go to private or local network addresses.",
    "error.api_key_missing": "Send your API key in the Authorization header.",
    "error.api_key_invalid": "This API key is unknown or revoked.",
    "error.api_scope_missing": "This API key lacks the scope this call needs.",
    "error.invoice_invalid": "Please check the invoice fields.",
    "error.invoice_kind_invalid": "Choose a fixed, floating or private invoice.",
    "error.invoice_title_required": "Give the invoice a title.",
    "error.invoice_text_too_long": "This text is too long.",
    "error.invoice_asset_invalid": "Choose an asset Krypton holds (TON or USDT).",
    "error.invoice_amount_required": "Enter either an amount in the asset or an amount in fiat.",
    "error.invoice_fiat_invalid": "Choose a fiat currency from the list for a fiat amount.",
    "error.invoice_parts_invalid": "Parts: a whole number from 1 to 10.",
    "error.invoice_limits_invalid": "These limits do not fit together or do not fit this kind of invoice.",
    "error.invoice_expiry_invalid": "The expiry must be in the future and at most a year away.",
    "error.invoice_payer_required": "Enter the payer's username or email.",
    "error.invoice_payer_unknown": "No Krypton user has this username or verified email.",
    "error.invoice_origin_invalid": "Each allowed origin looks like https://shop.example (no path).",
    "error.invoice_redirect_invalid": "Enter a full http(s) URL to send the payer back to.",
    "error.webhook_url_missing": "This invoice has no webhook URL to send the event to.",
    "error.api_scopes_invalid": "Choose at least one scope: invoices:read, invoices:write, webhooks:write.",
    "error.api_key_name_invalid": "Name the key (up to 64 characters).",
    "error.idempotency_in_progress": "A request with this Idempotency-Key is still running. Retry in a moment.",
    "error.invalid_request": "The request is not valid: check the field named in the error.",
    "error.method_not_allowed": "This path does not take this HTTP method: the Allow header lists the ones it takes.",
    "error.invalid_json": "The request body is not valid JSON (UTF-8, nested at most 32 levels deep).",
    "error.deal_state": "This deal has moved on: refresh the page to see its current state.",
    "error.deal_dispute_too_early": "It is too early to open a dispute: the deal shows when it becomes possible.",
    "error.deal_payment_window_over": "The time to pay is over: the deal expires and the coins go back to the seller.",
    "error.ad_inactive": "This ad is not active.",
    "error.ad_amount_out_of_range": "The amount is outside this ad's limits.",
    "error.ad_volume_exhausted": "This ad has not enough volume left for that amount.",
    "error.ad_requirements_unmet": "You do not meet this trader's requirements yet.",
    "error.ad_own": "You cannot take your own ad.",
    "error.ad_invalid": "This ad cannot be saved: check the fields.",
    "error.ad_side_invalid": "Choose whether you sell or buy crypto (it cannot change after posting).",
    "error.ad_market_invalid": "Choose an asset, a currency and a country that go together.",
    "error.ad_methods_invalid": "Choose 1 to 5 payment methods available in this country.",
    "error.ad_price_invalid": "Enter a positive price, or a margin between -50% and +50% with at most two decimals.",
    "error.ad_limits_invalid": "Limits: 0 < minimum ≤ maximum ≤ total volume, not below what deals already took.",
    "error.ad_window_invalid": "The payment window must be between 5 and 180 minutes.",
    "error.ad_terms_invalid": "Terms may be at most 2000 characters.",
    "error.review_verdict_required": "Choose positive or negative.",
    "error.ad_payment_details_invalid": "Payment details may be at most 200 characters.",
    "error.ad_requirements_invalid": "The required number of completed deals must be between 0 and 10000.",
    "error.dispute_outcome_invalid": "Choose how to settle the dispute: release, refund or split.",
    "error.dispute_share_invalid": "The buyer's share is a percentage from 0 to 100, for example 50.",
    "error.deal_amount_invalid": "Enter an amount for the deal.",
    "error.deal_method_invalid": "Choose one of this ad's payment methods.",
    "error.dispute_statement_invalid": "A statement is 1 to 5000 characters.",
    "error.chat_text_empty": "Write a message or attach an image.",
    "error.chat_text_too_long": "A message may be at most 2000 characters.",
    "error.chat_image_type": "Attach a PNG, JPEG or WebP image.",
    "error.chat_image_too_large": "The image may be at most 2 MB.",
    "error.chat_image_too_many_pixels": "The image may be at most 16 megapixels.",
    "error.notification_kind": "Unknown notification type.",
    "error.review_too_early": "You can review the other side once the deal is completed or its dispute resolved.",
    "error.review_duplicate": "You have already reviewed this deal.",
    "error.review_comment_too_long": "A review comment may be at most 1000 characters.",
    "notify.chat_message": "New message in deal #{deal_id}",
    "notify.deal_opened": "New deal #{deal_id} on your ad: {amount} {asset}",
    "notify.dispute_opened": "Deal #{deal_id} is in dispute: an operator is needed.",
    "deal.sys.opened": "Deal #{deal_id} opened: {amount} {asset} are in escrow. Buyer, pay within the payment window.",
    "deal.sys.fiat_sent": "Deal #{deal_id}: the buyer says the payment is sent. Seller, check it and release.",
    "deal.sys.fiat_sent_undone": (
        "Deal #{deal_id}: the buyer took back “payment sent”; the payment window starts again."
    ),
    "deal.sys.released": "Deal #{deal_id}: the seller released the crypto. The deal is complete.",
    "deal.sys.cancel_requested": (
        "Deal #{deal_id}: one side asks to cancel. If the other side cancels too, the deal ends."
    ),
    "deal.sys.cancelled": "Deal #{deal_id} is cancelled; the escrow is back with the seller.",
    "deal.sys.expired": "Deal #{deal_id} expired unpaid; the escrow is back with the seller.",
    "deal.sys.disputed": "Deal #{deal_id} is in dispute. Both sides, write a statement; an operator will decide.",
    "deal.sys.disputed_by_timer": (
        "Deal #{deal_id}: no release in time after the payment, so an operator will decide. Both sides, "
        "write a statement."
    ),
    "deal.sys.resolved_release": "Deal #{deal_id}: the operator released the escrow to the buyer.",
    "deal.sys.resolved_refund": "Deal #{deal_id}: the operator returned the escrow to the seller.",
    "deal.sys.resolved_split": "Deal #{deal_id}: the operator split the escrow between buyer and seller.",
    "deal.sys.pay_soon": "Deal #{deal_id}: {minutes} min left to pay and press “payment sent”.",
    "deal.sys.release_soon": "Deal #{deal_id}: {minutes} min left to release before the deal goes to an operator.",
    # P2P market UI
    "market.subtitle": "Buy and sell TON and USDT for local money, with the crypto held in escrow.",
    "market.side.buy": "I want to buy",
    "market.side.sell": "I want to sell",
    "market.filter.side": "Side",
    "market.filter.asset": "Crypto",
    "market.filter.fiat": "Currency",
    "market.filter.country": "Country",
    "market.filter.method": "Payment method",
    "market.filter.amount": "Amount",
    "market.any": "Any",
    "market.yours": "Yours",
    "market.published": "Your ad is published.",
    "market.published_view": "View it",
    "market.empty": "No offers match these filters yet.",
    "market.limits": "Limits",
    "market.remaining": "Available",
    "market.methods": "Payment methods",
    "market.deal_amount": "Amount of crypto",
    "market.open_deal": "Open deal",
    "market.new_ad": "New ad",
    "ad.field.side": "I want to",
    "ad.side.sell": "Sell crypto",
    "ad.side.buy": "Buy crypto",
    "ad.field.asset": "Crypto",
    "ad.field.fiat": "Currency",
    "ad.field.country": "Country",
    "ad.field.methods": "Payment methods",
    "ad.methods_hint": "Choose every method you accept; a buyer picks one of them.",
    "ad.field.price_kind": "Price type",
    "ad.price.fixed": "Fixed price",
    "ad.price.floating": "Floating (margin %)",
    "ad.field.price": "Price per unit, or margin %",
    "ad.field.total_volume": "Total volume",
    "ad.field.min_amount": "Minimum per deal",
    "ad.field.max_amount": "Maximum per deal",
    "ad.field.payment_window_min": "Payment window, minutes",
    "ad.field.min_completed_deals": "Taker's minimum completed deals",
    "ad.field.terms": "Terms",
    "ad.field.payment_details": "Payment details",
    "ad.payment_details_hint": (
        "Where the buyer sends the money (card or phone number, name). Only the buyer of a deal sees "
        "them, on the deal page; never the market."
    ),
    "ad.publish": "Publish ad",
    "deals.subtitle": "Your trades: escrow, payment, release and the chat with the other side.",
    "deals.list_title": "My deals",
    "deals.empty": "You have no deals yet. Open one from the market.",
    "deal.title": "Deal",
    "deal.missing": "This deal does not exist or is not yours.",
    "deal.loading": "Loading the deal…",
    "deal.role.buyer": "Buyer",
    "deal.role.seller": "Seller",
    "deal.role.operator": "Operator",
    "deal.role.None": "—",
    "deal.system": "Krypton",
    "deal.status.requested": "Requested",
    "deal.status.escrow_locked": "Awaiting payment",
    "deal.status.fiat_sent": "Payment sent",
    "deal.status.released": "Completed",
    "deal.status.cancelled": "Cancelled",
    "deal.status.expired": "Expired",
    "deal.status.disputed": "In dispute",
    "deal.status.resolved": "Resolved",
    "deal.field.role": "My role",
    "deal.field.amount": "Amount",
    "deal.field.fiat_amount": "To pay",
    "deal.field.price": "Price",
    "deal.field.method": "Payment method",
    "deal.field.time_left": "Time left",
    "deal.dispute_rule_before": "Either side may open a dispute",
    "deal.dispute_rule_after": "after the buyer marks the deal paid.",
    "deal.dispute_in": "A dispute can be opened in",
    "deal.cancel_asked": "The other side asks to cancel this deal. Press “Agree to cancel” to accept.",
    "deal.cancel_waiting": "You asked to cancel; waiting for the other side to agree.",
    "deal.action.mark_paid": "I have paid",
    "deal.action.undo": "Undo “paid”",
    "deal.action.release": "Release crypto",
    "deal.action.cancel": "Cancel deal",
    "deal.action.agree_cancel": "Agree to cancel",
    "deal.action.dispute": "Open dispute",
    "deal.confirm.back": "Go back",
    "deal.confirm.paid_title": "Have you paid?",
    "deal.confirm.paid_before": "Confirm that you sent",
    "deal.confirm.to": "to",
    "deal.confirm.paid_after": (
        ". The seller is then asked to release the crypto. Marking a deal paid without paying is fraud."
    ),
    "deal.confirm.paid_ok": "Yes, I have paid",
    "deal.confirm.release_title": "Release the crypto?",
    "deal.confirm.release_before": "Release",
    "deal.confirm.release_after": "? This cannot be undone.",
    "deal.confirm.release_unpaid": (
        "The buyer has not marked this deal paid yet. Release only if the money is already in your account."
    ),
    "deal.confirm.release_ok": "Release",
    "deal.confirm.cancel_title": "Cancel the deal?",
    "deal.confirm.cancel_now_before": "The deal ends now, and",
    "deal.confirm.cancel_now_after": "goes back to the seller. This cannot be undone.",
    "deal.confirm.cancel_request_before": "Ask",
    "deal.confirm.cancel_request_after": (
        "to cancel the deal? It is cancelled once they agree; until then nothing changes."
    ),
    "deal.confirm.cancel_ok": "Cancel the deal",
    "deal.confirm.dispute_title": "Open a dispute?",
    "deal.confirm.dispute_before": "An operator will read the chat and both statements and decide who gets",
    "deal.confirm.dispute_after": ". Until then neither side can release or cancel the deal.",
    "deal.confirm.dispute_ok": "Open dispute",
    "deal.trade_info": "Trade details",
    "deal.counterparty": "Trading with",
    "deal.completed_deals": "Completed deals",
    "deal.completion_rate": "Completion rate (30 days)",
    "deal.pay_to": "Send the payment to",
    "deal.my_payment_details": "Your payment details (the buyer sees them)",
    "deal.chat": "Chat",
    "deal.chat_placeholder": "Write a message…",
    "deal.chat_send": "Send",
    "operator.tab.disputes": "Disputes",
    "operator.no_disputes": "No disputes are waiting for a decision.",
    "operator.statements": "statements",
    "deal.chat_attach": "Attach an image",
    "deal.chat_image": "Image from the chat",
    "notifications.title": "Notifications",
    "notifications.read_all": "Mark all read",
    "notifications.empty": "Nothing new yet.",
    "dispute.title": "Dispute",
    "dispute.opened_by.buyer": "Opened by the buyer",
    "dispute.opened_by.seller": "Opened by the seller",
    "dispute.opened_by.timer": "Opened by the release timer",
    "dispute.outcome.open": "Waiting for an operator",
    "dispute.outcome.released_to_buyer": "The operator released the escrow to the buyer.",
    "dispute.outcome.refunded_to_seller": "The operator returned the escrow to the seller.",
    "dispute.outcome.split": "The operator split the escrow.",
    "dispute.to_buyer": "Buyer gets",
    "dispute.to_seller": "seller gets",
    "dispute.no_statement": "No statement yet.",
    "dispute.statement_hint": (
        "Tell the operator what happened: when and how you paid or what you received. Only the "
        "operator reads statements; you may rewrite yours until the decision."
    ),
    "dispute.statement_placeholder": "Your statement",
    "dispute.statement_save": "Save statement",
    "dispute.statement_saved": "Saved.",
    "dispute.other_wrote": "The other side has written a statement.",
    "dispute.other_not_yet": "The other side has not written a statement yet.",
    "dispute.seller_statement": "Seller's statement",
    "dispute.buyer_statement": "Buyer's statement",
    "dispute.my_statement": "Your statement",
    "dispute.decide.release": "Release everything to the buyer",
    "dispute.decide.refund": "Return everything to the seller",
    "dispute.decide.split": "Split: the buyer gets a share",
    "dispute.share_hint": "% to the buyer (for a split)",
    "dispute.decide.next": "Review decision",
    "dispute.confirm": "This is final and moves the escrow now.",
    "dispute.decide.confirm": "Confirm decision",
    "dispute.decide.back": "Back",
    "ad.status.active": "Active",
    "ad.status.paused": "Paused",
    "ad.status.closed": "Closed",
    "ad.pause": "Pause",
    "ad.resume": "Resume",
    "ad.close": "Close",
    "ad.mine": "My ads",
    "ad.mine_empty": "You have not posted any ads yet.",
    "market.trader.completion": "completion",
    "deal.review.title": "Review the other side",
    "deal.review.positive": "Positive",
    "deal.review.negative": "Negative",
    "deal.review.comment": "A comment (optional)",
    "deal.review.send": "Leave review",
    "deal.review.done": "Thank you, your review is saved.",
    "time.under_minute": "< 1 min",
    "time.minutes": "{minutes} min",
    "time.hours_minutes": "{hours} h {minutes} min",
    "time.hours": "{hours} h",
    "market.details": "Details",
    "market.trader.release": "release",
    "ad.title": "Ad",
    "ad.back": "Back to the market",
    "ad.offer.sell": "Sells",
    "ad.offer.buy": "Buys",
    "ad.view.price": "Price per unit",
    "ad.view.window": "Payment window",
    "ad.view.requirement": "Taker requirement",
    "ad.requirement.none": "None",
    "ad.requirement.min": "Completed deals, at least",
    "ad.deal_title": "Open a deal",
    "ad.login_hint": "Log in with your wallet to open a deal.",
    "ad.paused_note": "The trader has paused this ad: deals cannot be opened right now.",
    "ad.own_note": "This is your ad.",
    "ad.not_found": "This ad is not found or no longer available.",
    "ad.trader.title": "Trader",
    "ad.trader.completed": "Completed deals",
    "ad.trader.rate": "Completion, 30 days",
    "ad.trader.release": "Average release time",
    "ad.trader.reviews": "Reviews",
    "ad.edit": "Edit",
    "ad.edit_title": "Edit ad",
    "ad.view_page": "Ad page",
    "ad.save": "Save changes",
    "ad.fixed_after_posting": "Side and crypto cannot change after posting; close the ad and post a new one for that.",
    "ad.loading": "Loading the ad…",
    # --- verified contacts (issue 9, item 5) ---
    "profile.user_number": "User number",
    "profile.user_number_hint": "Give it to support if a deposit of yours arrived without your memo.",
    "profile.email_verified": "Verified",
    "profile.email_unverified": "Not verified",
    "profile.verify.title": "Verify your email",
    "profile.verify.intro": (
        "We send a 6-digit code to this address. Until you enter it, nobody can address invoices to it."
    ),
    "profile.verify.send": "Send code",
    "profile.verify.resend": "Send a new code",
    "profile.verify.sent": "Code sent. It is valid for 15 minutes; look in the spam folder too.",
    "profile.verify.code": "Code from the email",
    "profile.verify.submit": "Verify",
    "profile.verify.done": "Email verified",
    "profile.verify.verified_note": "People can send you private invoices by this address.",
    "profile.verify.outbox": (
        "Development: no mail server is set up, so the message was written to the outbox/ folder of the project "
        "instead of being sent."
    ),
    "operator.user_ref_placeholder": "Wallet address or user number",
    "mail.email_code.subject": "Krypton code: {code}",
    "mail.email_code.text": (
        "Your Krypton code is {code}.\n\nEnter it on your profile page to verify this email. It is valid for "
        "{minutes} minutes and works once.\n\nIf you did not ask for it, ignore this message: without the code "
        "nobody can use your address on Krypton."
    ),
    "error.user_ref_not_found": "No user has this wallet address or user number.",
    "error.invoice_payer_phone": (
        "No user has verified this phone through Telegram: use the payer's @username or verified email."
    ),
    "error.email_missing": "Save an email on your profile first.",
    "error.email_unavailable": "This server cannot send email yet, so emails cannot be verified.",
    "error.email_send_failed": "The email could not be sent. Please try again in a few minutes.",
    "error.email_code_wait": "A code was sent less than a minute ago: check your inbox, or try again in a minute.",
    "error.email_code_rate_limited": "Too many codes in the last hour. Please try again later.",
    "error.email_code_missing": "There is no active code for this email: send a new one.",
    "error.email_code_expired": "This code has expired: send a new one.",
    "error.email_code_attempts": "Too many wrong codes: send a new one.",
    "error.email_code_wrong": "Wrong code. Check the email and try again.",
    # --- payer pages: rate quotes (issue 9) ---
    "error.quote_renewed": "The exchange rate was updated. Check the new amount and pay again.",
    "pay.rate": "Rate",
    "pay.rate_hint": "The rate is fixed for {minutes} min once you start paying.",
    "pay.quote_fixed": "fixed for",
    "pay.quote_expired": "expired: paying a part first gets the current rate",
    "pay.rate_updated": "The rate was updated: now {amount}. Check the amount and pay again.",
    # --- withdraw: the Bitcoin amount's unit (issue 11, item 14) ---
    "withdraw.unit": "Unit of the amount",
    # Phone: the bottom tab bar and the account menu beside it (issue 11, item 13).
    "tabbar.label": "Main sections",
    "nav.theme": "Light / dark theme",
}


def _decimals_en(n: int) -> str:
    if n == 0:
        return "This amount must be a whole number."
    return f"At most {n} digit{'s' if n > 1 else ''} after the decimal point."


# amount_too_many_decimals says how many the asset allows: one key per count (i18n.error_key picks it).
CATALOG.update({f"error.amount_too_many_decimals.{n}": _decimals_en(n) for n in range(19)})

# --- errors that name the numbers (issue 11 item 10): i18n.error_text picks error.<code>.<detail> ---
CATALOG.update(
    {
        "error.payment_amount_invalid.minimum": "The minimum is {minimum} for this invoice.",
        "error.payment_amount_invalid.left": "Only {left} is left of this invoice.",
        "error.ad_amount_out_of_range.maximum": "This ad takes {minimum} to {maximum}.",
        "error.ad_volume_exhausted.left": "Only {left} is left of this ad's volume.",
        "error.insufficient_funds.available": "Not enough on your balance: {available} available.",
        "error.withdrawal_below_minimum.minimum": "The minimum is {minimum}: a withdrawal must cover the network fee.",
        "error.payout_too_small.minimum_sat": "After the fee this is below {minimum_sat} sat, the smallest payout.",
    }
)

# Numbers with units and counts (i18n/formatting.py). A plural key has one entry per CLDR category
# of the language (`plural_categories`): English one/other, Russian one/few/many/other.
CATALOG.update(
    {
        "unit.sat": "{n} sat",
        "unit.ms": "{n} ms",
        "count.deals.one": "{n} deal",
        "count.deals.other": "{n} deals",
        "count.movements.one": "{n} movement",
        "count.movements.other": "{n} movements",
        "count.invoices.one": "{n} invoice",
        "count.invoices.other": "{n} invoices",
        "count.offers.one": "{n} offer found",
        "count.offers.other": "{n} offers found",
        "count.parts.one": "{n} part",
        "count.parts.other": "{n} parts",
        "count.payments.one": "{n} payment",
        "count.payments.other": "{n} payments",
    }
)

# A payment part paid in fiat through a P2P trader (SPEC F10): the pay wizard's panel, the part's deal
# on the payment pages, the deal page's note, and their refusals.
CATALOG.update(
    {
        "paywiz.method.fiat_deal": "Fiat via a trader",
        "payfiat.open": "Find a trader for this part",
        "payfiat.title": "Pay this part in fiat through a trader",
        "payfiat.explain": "You pay the trader in your currency; the trader's crypto goes straight to this "
        "part. If the payment is cancelled after that, the crypto comes to your balance, since you paid the fiat.",
        "payfiat.country": "Country",
        "payfiat.currency": "Currency",
        "payfiat.method": "Payment method",
        "payfiat.choose": "Choose",
        "payfiat.empty": "No trader sells this amount for this currency and method right now.",
        "payfiat.price": "Price",
        "payfiat.total": "You pay",
        "payfiat.limits": "Limits",
        "payfiat.trades": "Trades",
        "payfiat.completion": "Completed",
        "payfiat.open_deal": "Open deal",
        "payfiat.close": "Close",
        "payfiat.in_progress": "Pay the trader and chat in the deal.",
        "payfiat.open_chat": "Open the deal and its chat",
        "payfiat.part.requested": "Deal in progress",
        "payfiat.part.escrow_locked": "Deal in progress",
        "payfiat.part.fiat_sent": "Deal in progress: fiat marked as sent",
        "payfiat.part.disputed": "Deal in dispute: an operator decides",
        "payfiat.part.released": "The deal's crypto is on your balance (this part could not take it any more) — "
        "pay this part another way",
        "payfiat.part.resolved": "An operator decided the deal: a share for you is on your balance — pay this "
        "part another way",
        "payfiat.part.expired": "Deal expired — pick another ad",
        "payfiat.part.cancelled": "Deal cancelled — pick another ad",
        "payfiat.deal.title": "This deal pays an invoice",
        "payfiat.deal.part": "Part",
        "payfiat.deal.invoice": "of invoice",
        "payfiat.deal.to_invoice_buyer": "The crypto goes to the invoice, not to your balance.",
        "payfiat.deal.to_invoice_seller": "Your release pays the buyer's invoice part, not the buyer's balance.",
        "payfiat.deal.to_invoice_operator": "A release pays the buyer's invoice part, not the buyer's balance.",
        "payfiat.deal.outcomes": "If the payment was cancelled or the part paid another way meanwhile, the released "
        "crypto goes to the buyer's balance, since the buyer paid the fiat. If an operator splits a dispute, the "
        "buyer's share is less than the part asks: it goes to the buyer's balance and the part waits to be paid "
        "another way. An expired or cancelled deal leaves the part unpaid.",
        "payfiat.deal.open_payment": "Open the payment",
        "deal.sys.part_funded": "Deal #{deal_id}: the crypto paid part {position} of invoice {number}.",
        "deal.sys.part_to_balance": "Deal #{deal_id}: part {position} of invoice {number} could no longer take the "
        "crypto (payment cancelled, part paid another way or invoice closed): it is on the buyer's balance.",
        "deal.sys.part_split": "Deal #{deal_id}: the buyer's share is on the buyer's balance; part {position} of "
        "invoice {number} waits to be paid another way.",
        "error.part_deal_live": "This part already has a deal in progress.",
        "error.part_not_pending": "This part is already paid.",
        "error.ad_not_for_part": "This ad cannot pay this part: choose an ad that sells the invoice's currency.",
    }
)

# Issue 12: each part's method on receipts and results; the payment's "contact the seller" chat.
CATALOG.update(
    {
        "part_method.balance": "From balance",
        "part_method.promise": "Promise",
        "part_method.lightning": "Lightning",
        "part_method.fiat_deal": "Fiat via a trader",
        "part_method.test": "Test funds",
        "verify.parts_title": "Parts",
        "error.chat_rate_limited": "Too many messages in a minute. Please wait a moment.",
        "error.chat_operator_already_here": "An operator is already in this chat.",
        "paychat.title": "Messages about this payment",
        "paychat.contact_seller": "Contact the seller",
        "paychat.contact_seller_hint": "Questions about this payment go straight to the seller.",
        "paychat.open": "Messages",
        "paychat.about": "Payment #{payment_id} · invoice {invoice}",
        "paychat.with": "With",
        "paychat.role.payer": "Payer",
        "paychat.role.merchant": "Seller",
        "paychat.role.operator": "Operator",
        "paychat.role.None": "—",
        "paychat.empty": "No messages yet. Write the first one.",
        "paychat.call_operator": "Call an operator",
        "paychat.call_operator_hint": "An operator will read this chat and can write in it.",
        "paychat.operator_here": "An operator was called and can read this chat.",
        "paychat.operator_called.payer": "The payer called an operator.",
        "paychat.operator_called.merchant": "The seller called an operator.",
        "paychat.notify": "New message about payment #{payment_id}",
        "paychat.notify_operator": "An operator is called to the chat of payment #{payment_id}",
        "paychat.back": "Back to the payment",
        "paychat.missing": "This chat does not exist or is not yours.",
        "paychat.invoice": "Invoice",
        "operator.tab.chats": "Payment chats",
        "operator.no_chats": "No payment chat has called an operator.",
    }
)

# Promises (SPEC F6): the history's labels, the refusals, the "My promises" and redeem pages.
CATALOG.update(
    {
        "nav.promises": "My promises",
        "wallet.promises_hint": "a code anyone can redeem, made from your balance",
        "promises.title": "My promises",
        "promises.subtitle": (
            "Turn part of your balance into a code. Whoever has the code can redeem it to their balance."
        ),
        "promises.new": "New promise",
        "promises.loading": "Loading your promises…",
        "promises.issued": "Issued",
        "promises.received": "Received",
        "promises.empty_issued": "You have not made any promises yet.",
        "promises.empty_received": "You have not redeemed any promises yet.",
        "promise.field.asset": "Asset",
        "promise.field.amount": "Amount",
        "promise.field.pin": "Only for (optional)",
        "promise.hint.pin": "@username or a verified email. Empty: whoever has the code.",
        "promise.field.note": "Note (optional)",
        "promise.field.expiry": "Expires",
        "promise.expiry.0": "Never",
        "promise.expiry.3600": "In 1 hour",
        "promise.expiry.86400": "In 1 day",
        "promise.expiry.604800": "In 7 days",
        "promise.expiry.2592000": "In 30 days",
        "promise.create": "Create promise",
        "promise.created.title": "Your promise is ready",
        "promise.created.once": (
            "Save the code now: it is shown only this once. Whoever has the code or the link can take the money."
        ),
        "promise.created.code": "Code",
        "promise.created.link": "Link",
        "promise.created.qr_alt": "QR code of the promise's link",
        "promise.created.done": "I saved it",
        "promise.status.active": "Active",
        "promise.status.redeemed": "Redeemed",
        "promise.status.cancelled": "Cancelled",
        "promise.status.expired": "Expired",
        "promise.origin.change": "Change",
        "promise.origin.refund": "Refund",
        "promise.expires": "Expires",
        "promise.for": "For",
        "promise.cancel": "Cancel",
        "promise.cancel.title": "Cancel this promise?",
        "promise.cancel.body": "Its code stops working and the money goes back to your balance.",
        "promise.cancel.keep": "Keep it",
        "promise.cancel.confirm": "Cancel promise",
        "promise.redeem.title": "Promise",
        "promise.redeem.from": "From",
        "promise.redeem.button": "Redeem to balance",
        "promise.redeem.login": "Log in to redeem",
        "promise.redeem.done": "Redeemed: the money is on your balance.",
        "promise.redeem.to_wallet": "Open wallet",
        "promise.redeem.for_you": "This promise is meant for you.",
        "promise.redeem.loading": "Opening the promise…",
        "history.kind.promise_create": "Promise created",
        "history.kind.promise_redeem": "Promise redeemed",
        "history.kind.promise_cancel": "Promise cancelled",
        "history.kind.promise_expire": "Promise expired",
        "history.about.promise": "Promise {hint}…",
        "history.about.promise_note": "Promise {hint}… · {note}",
        "error.promise_not_found": "No promise has this code. Check that it was copied whole.",
        "error.promise_redeemed": "This promise has already been redeemed.",
        "error.promise_cancelled": "This promise was cancelled by the person who made it.",
        "error.promise_expired": "This promise has expired; its money went back to the person who made it.",
        "error.promise_pinned": "This promise is meant for another user: only they can redeem it.",
        "error.promise_guess_limit": "Too many wrong codes. Try again in an hour.",
        "error.promise_pin_unknown": "Nobody has this username or verified email.",
        "error.promise_note_too_long": "The note is too long: at most 500 characters.",
        "error.promise_expiry_past": "The expiry must be in the future.",
        "error.promise_asset_unknown": "Choose an asset.",
        "error.promise_sandbox": "A sandbox API key cannot create promises: they hold real money.",
        # Replaces the message above in this catalog: the scopes now include the promises'.
        "error.api_scopes_invalid": (
            "Choose at least one scope: invoices:read, invoices:write, webhooks:write, promises:read, promises:write."
        ),
    }
)

# --- the pay wizard's per-part method picker and promise parts (issue 12, items 2 and 5) ---
CATALOG.update(
    {
        "paywiz.fund_hint": (
            "Pick how to pay each part. Paid parts are set aside; the merchant is paid when all parts are."
        ),
        "paywiz.method.balance": "Balance",
        "paywiz.method.promise": "Promise",
        "paywiz.you_pay": "You pay",
        "paywiz.available": "On your balance",
        "paywiz.balance_enough": "Your balance covers this part.",
        "paywiz.balance_short": "Not enough on your balance for this part: top it up or pick another method.",
        "paywiz.cancel_rules": "If you cancel the payment, paid parts come back:",
        "paywiz.cancel_rule.balance": "Balance: back to your balance.",
        "paywiz.cancel_rule.promise": "Promise: as a new promise for you.",
        "paywiz.cancel_rule.lightning": "Lightning: to your balance (sats cannot be sent back to a wallet).",
        "paywiz.cancel_rule.fiat": "Fiat via a trader: the crypto goes to your balance (you paid the fiat).",
        "paywiz.promise_hint": (
            "Paste the promise's code or its link. If it holds more than this part, the rest comes back to "
            "you at once as a new promise."
        ),
        "paywiz.promise_placeholder": "Code or https://…/p/…",
        "paywiz.pay_with_promise": "Pay with promise",
        "paywiz.promise_codes": "Your new promise",
        "paywiz.promise_codes_once": (
            "Shown only this once: copy the code or the link now. If you lose it, cancel the promise in My "
            "promises to get the money to your balance."
        ),
        "paywiz.promise_code": "Code",
        "paywiz.promise_link": "Link",
        "paywiz.promise_origin.change": "Change",
        "paywiz.promise_origin.refund": "Refund",
        "error.promise_too_small": "This promise holds less than the part. Lower the part or pay it another way.",
        "error.promise_too_small.available": (
            "This promise holds only {available}: less than the part. Lower the part or pay it another way."
        ),
        "error.promise_other_asset": "This promise is in another asset than the invoice.",
    }
)

# --- Lightning: a part paid from a Lightning wallet, the node's errors, the operator's liquidity ---
CATALOG.update(
    {
        "paywiz.method.lightning": "Lightning",
        "payln.create": "Pay with a Lightning wallet",
        "payln.new": "New Lightning invoice",
        "payln.invoice": "Lightning invoice (BOLT11)",
        "payln.copied": "Invoice copied",
        "payln.qr_alt": "QR code of the Lightning invoice",
        "payln.you_pay": "You pay",
        "payln.part_gets": "This part gets",
        "payln.rate": "Rate",
        "payln.expires_in": "expires in",
        "payln.expired": "The invoice expired: create a new one.",
        "payln.waiting": "Waiting for the payment: this part turns paid by itself.",
        "payln.demo_pay": "Pay from demo Lightning wallet (demo)",
        "payln.cancel_note": (
            "If the payment is cancelled after you paid, this part's value comes back to your Krypton "
            "balance: sats cannot be pushed back to a Lightning wallet."
        ),
        "operator.lightning_liquidity": "Lightning liquidity",
        "operator.lightning_liquidity_none": "No Lightning payments yet.",
        "operator.lightning_liquidity_hint": (
            "What the platform gave out for sats its Lightning node received, less what users paid for sats "
            "it sent as payouts (negative: sats on the node stand behind it)."
        ),
        "error.lightning_unavailable": "The Lightning node is not answering. Try again in a minute.",
        "error.lightning_invoice_unknown": "The Lightning node does not know this invoice.",
        "error.lightning_payment_failed": "The Lightning payment failed: no money left.",
        "error.lightning_payment_pending": "The Lightning payment is still in flight.",
        "error.lightning_disabled": "Lightning payments are not available here.",
        "error.lightning_demo_off": "The demo Lightning wallet is not available here.",
        # lnpayout: Lightning payouts paid through the platform's node
        "status.sending": "Sending",
        "status.failed": "Failed",
        "recent.preimage": "Preimage",
        "recent.note.sending": "Our Lightning node is paying this invoice; the amount stays held until it knows.",
        "recent.note.failed": "The Lightning network could not pay it: the amount and fee are back in your balance.",
        "withdraw.requested.lightning_node": (
            "Lightning payout requested. Our Lightning node is paying it now; the amount is held until it is paid."
        ),
        "error.lightning_payment_unknown": "The Lightning node has no record of this payment.",
        "operator.node_payouts": "Lightning payouts the node is paying now (nothing to do unless one stays here):",
        # --- issue 13: deal purposes ---
        "deal.purpose.plain": "Trade",
        "deal.purpose.part": "Invoice part",
        "deal.purpose.buy": "Buying for a destination",
        "deal.purpose.promise_sale": "Promise sale",
        "deal.purpose.fiat_payout": "Merchant's fiat payout",
        "deal.purpose.open": "Open the payment",
        "deal.owed.plain": "Release: {amount} {asset} to the buyer's balance. Refund: back to the seller.",
        "deal.owed.part": (
            "Release: {amount} {asset} pay part {position} of invoice {number}, for its merchant, not the buyer. "
            "Refund: back to the seller; the part stays to pay."
        ),
        "notify.deal_opened_for": "New deal #{deal_id} on your ad: {amount} {asset} · {purpose}",
        # --- issue 13: psale ---
        "promise.status.in_deal": "In a deal",
        "error.promise_in_deal": "This promise is being sold in a deal: it cannot be used until the deal ends.",
        "error.promise_ad_mismatch": "This ad does not buy the promise's asset.",
        "error.promise_too_small": "The promise does not cover this payout and its fee.",
        "deal.owed.promise_sale": (
            "Release: promise {hint}… gives {amount} {asset} to the buyer's balance. "
            "Refund: the promise is active again for the seller, with the same code."
        ),
        "deal.sys.promise_back": "Deal #{deal_id}: the promise is active again, with the same code, for the seller.",
        "deal.sys.promise_split": (
            "Deal #{deal_id}: the operator split the promise: {buyer_share} {asset} to the buyer, "
            "{seller_share} {asset} to the seller's balance. The promise is used up."
        ),
        "psale.link": "Sell or cash out a promise",
        "psale.title": "Sell or cash out a promise",
        "psale.subtitle": (
            "Sell a promise to a trader for fiat, send it to Bitcoin or Lightning, or put it on your balance."
        ),
        "psale.loading": "Opening…",
        "psale.code": "Promise code or link",
        "psale.code_hint": "Paste the code or the /p/ link you received. It stays on this page only.",
        "psale.check": "Continue",
        "psale.change": "Another promise",
        "psale.unusable": "This promise cannot be sold or cashed out now.",
        "psale.to": "What to do with it",
        "psale.to.fiat": "Sell for fiat",
        "psale.to.bitcoin": "To Bitcoin",
        "psale.to.lightning": "To Lightning",
        "psale.to.balance": "Put on my balance",
        "psale.fiat.explain": (
            "A trader pays you fiat for the whole promise. The promise is locked in the deal until you confirm "
            "the money arrived; a cancel or expiry gives it back unchanged, with the same code."
        ),
        "psale.empty": "No trader buys this amount in this currency by this method right now.",
        "psale.linked": "From your link",
        "psale.you_get": "You get",
        "psale.sell": "Sell",
        "psale.address": "Bitcoin address",
        "psale.address_hint": "The whole promise goes out, less the payout fee.",
        "psale.invoice": "Lightning invoice",
        "psale.invoice_hint": (
            "An invoice with an amount; the promise pays it and the fee, the rest stays on your balance."
        ),
        "psale.quote": "Show the rate",
        "psale.send": "Sent from the promise",
        "psale.fee": "Fee",
        "psale.arrives": "Arrives",
        "psale.rate": "Rate",
        "psale.rest": "Stays on your balance",
        "psale.back": "Back",
        "psale.confirm": "Cash out",
        "psale.done": "Payout queued: the promise is used up and the payout is on its way. Your wallet shows it.",
        "psale.deal.title": "This deal sells a promise",
        "psale.deal.buyer": "On release you get the promise's value on your balance.",
        "psale.deal.seller": (
            "Your promise is the escrow: it is locked until the deal ends. A cancel or expiry gives it back "
            "unchanged, with the same code; on release its value goes to the buyer."
        ),
        "psale.deal.operator": (
            "Release: the promise's value to the buyer. Refund: the promise is active again for the seller. "
            "Split: the buyer's share to the buyer, the rest to the seller's balance; the promise is used up."
        ),
    }
)

# --- issue 13: start ---
CATALOG.update(
    {
        "nav.start": "Start",
        "landing.start": "What do you want to do?",
        "start.title": "What do you want to do?",
        "start.subtitle": "Three questions, and Krypton opens the right flow with your answers filled in.",
        "start.q.what": "What do you want to do?",
        "start.q.pay_with": "What do you pay with?",
        "start.q.result": "Where should the result go?",
        "start.what.buy": "Buy crypto",
        "start.what.buy.hint": "TON or USDT from a trader, or out of your balance",
        "start.what.pay": "Pay an invoice",
        "start.what.pay.hint": "A shop's or a person's invoice number",
        "start.what.sell": "Sell or cash out a promise",
        "start.what.sell.hint": "Fiat from a trader, or a payout to Bitcoin or Lightning",
        "start.what.redeem": "Put a promise on my balance",
        "start.what.redeem.hint": "Its value becomes yours to spend",
        "start.pay_with.fiat": "Fiat",
        "start.pay_with.fiat.hint": "Bank transfer, card or SBP to a trader",
        "start.pay_with.balance": "Crypto from my balance",
        "start.pay_with.balance.hint": "What you hold in Krypton",
        "start.pay_with.lightning": "Lightning",
        "start.pay_with.lightning.hint": "Sats from any Lightning wallet",
        "start.pay_with.promise": "A promise",
        "start.pay_with.promise.hint": "Its code or link",
        "start.result.balance": "My balance",
        "start.result.balance.hint": "Credited to your Krypton wallet",
        "start.result.bitcoin": "Bitcoin address",
        "start.result.bitcoin.hint": "A payout to an on-chain address",
        "start.result.lightning": "Lightning invoice",
        "start.result.lightning.hint": "A payout to your Lightning wallet",
        "start.result.promise": "A promise",
        "start.result.promise.hint": "A code to pass on or keep",
        "start.result.fiat": "Fiat",
        "start.result.fiat.hint": "A trader sends you money",
        "start.result.merchant_note": (
            "The invoice's merchant receives the payment: there is nothing to choose here. Continue and enter "
            "the invoice's number."
        ),
        "start.not_offered": "Not offered here:",
        "start.go": "Continue",
        "start.code": "The promise's code or link",
        "start.code_placeholder": "kOq1raEkSaq1… or https://…/p/…",
        "start.code_invalid": "This is not a promise's code: paste the code or its link.",
        "start.no.buy_to_fiat": "Buying crypto gives crypto; to get fiat, sell a promise.",
        "start.no.already_on_balance": "The crypto is already on your balance.",
        "start.no.lightning_pays_invoices": "Lightning pays invoices here; it does not buy crypto.",
        "start.no.promise_is_crypto": "A promise already holds crypto: cash it out or put it on your balance.",
        "start.no.needs_promise": "This starts from a promise: you pay with its code.",
        "start.no.promise_to_promise": "A promise stays a promise: pass its code on as it is.",
        "start.no.redeem_to_balance": (
            "This puts the promise on your balance; for Bitcoin, Lightning or fiat choose “Sell or cash out”."
        ),
        "ad.links.title": "Share this ad",
        "ad.links.intro": "Send these links, or put the ad on your site: the widget opens the deal in a new tab.",
        "ad.links.helper": "Link with helper (the guided wizard)",
        "ad.links.direct": "Link without helper (this page)",
        "ad.links.telegram": "Telegram link",
        "ad.links.telegram_app": "Telegram Mini App link",
        "ad.links.embed": "Widget for your site",
        "ad.links.origins": "Sites allowed to embed it (the sites you allowed on your invoices)",
        "ad.links.no_origins": "none yet: add your site to an invoice's allowed sites",
        "adwidget.buy": "Buy",
        "adwidget.sell": "Sell",
    }
)

# --- issue 13: buy ---
CATALOG.update(
    {
        "deal.owed.buy": "Release: {amount} {asset} to where the buyer asked. Refund: back to the seller.",
        "deal.owed.buy.balance": "Release: {amount} {asset} to the buyer's balance. Refund: back to the seller.",
        "deal.owed.buy.bitcoin": (
            "Release: {amount} {asset} to the buyer, paid out as {payout} {asset} to the Bitcoin address "
            "{target}. Refund: back to the seller."
        ),
        "deal.owed.buy.lightning": (
            "Release: {amount} {asset} to the buyer, paying the Lightning invoice {target}. Refund: back to the seller."
        ),
        "deal.owed.buy.promise": (
            "Release: {amount} {asset} to the buyer as a promise (its code is shown to the buyer once). "
            "Refund: back to the seller."
        ),
        "deal.sys.buy_delivered.balance": "{amount} {asset} are on the buyer's balance.",
        "deal.sys.buy_delivered.bitcoin": "{amount} {asset} credited; the Bitcoin payout is in the payout queue.",
        "deal.sys.buy_delivered.lightning": "{amount} {asset} credited; the Lightning payout is in the payout queue.",
        "deal.sys.buy_delivered.promise": "{amount} {asset} became a promise; the buyer sees its code on this page.",
        "deal.sys.buy_to_balance.split": "The operator split the deal: the buyer's share is on their balance.",
        "deal.sys.buy_to_balance.lightning_invoice_expired": (
            "The Lightning invoice expired before the release: {amount} {asset} stay on the buyer's balance."
        ),
        "deal.sys.buy_to_balance.lightning_invoice_already_used": (
            "The Lightning invoice is paid already: {amount} {asset} stay on the buyer's balance."
        ),
        "deal.sys.buy_to_balance.buy_amount_short": (
            "The rate moved: {amount} {asset} no longer cover the payout, so they stay on the buyer's balance."
        ),
        "deal.sys.buy_to_balance.payout_too_small": (
            "At the current rate the Bitcoin payout would be too small: {amount} {asset} stay on the buyer's balance."
        ),
        "deal.sys.buy_to_balance.unserved": (
            "The destination cannot be served now: {amount} {asset} stay on the buyer's balance."
        ),
        "promise.origin.bought": "Bought",
        "error.ad_not_for_buy": "This ad does not sell crypto.",
        "error.buy_destination_invalid": "Choose where the crypto goes.",
        "error.buy_amount_short": "The bought amount no longer covers the payout at the current rate.",
        "buy.intro": (
            "Pay a trader in your money, get crypto where you want it: on your balance, sent to Bitcoin or "
            "Lightning, or as a promise."
        ),
        "buy.step.market": "What and how you pay",
        "buy.step.amount": "How much",
        "buy.step.destination": "Where the crypto goes",
        "buy.step.offers": "Traders",
        "buy.asset": "Crypto",
        "buy.country": "Country",
        "buy.currency": "Currency",
        "buy.method": "Payment method",
        "buy.choose": "Choose…",
        "buy.amount_in": "Amount in",
        "buy.amount": "Amount",
        "buy.converted_reference": "≈ {value} at the reference rate {rate}",
        "buy.no_rate": "No reference rate for this pair: enter the amount in crypto.",
        "buy.to.balance": "My balance",
        "buy.to.bitcoin": "Bitcoin address",
        "buy.to.lightning": "Lightning invoice",
        "buy.to.promise": "A promise",
        "buy.to_hint.balance": "The crypto lands on your Krypton balance.",
        "buy.to_hint.bitcoin": "Sent on to your Bitcoin address, less the payout fee.",
        "buy.to_hint.lightning": "Pays your Lightning invoice: the amount follows from the invoice.",
        "buy.to_hint.promise": "A code anyone can redeem, shown to you once after the release.",
        "buy.address": "Bitcoin address",
        "buy.invoice": "Lightning invoice (BOLT11)",
        "buy.find": "Show offers",
        "buy.summary.buy": "You buy {amount} {asset}",
        "buy.summary.bitcoin": "Sent to Bitcoin: {payout} {asset} ≈ {btc} BTC (payout fee {fee} {asset})",
        "buy.summary.lightning": "The invoice asks {sat} sat: {payout} {asset} + payout fee {fee} {asset}",
        "buy.summary.promise": "You get a promise of {amount} {asset}; its code is shown once on the deal page.",
        "buy.summary.balance": "{amount} {asset} land on your balance.",
        "buy.empty": "No trader sells this amount here now. Try another method or amount.",
        "buy.price": "Price",
        "buy.limits": "Limits",
        "buy.you_pay": "You pay",
        "buy.trades": "Deals",
        "buy.completion": "Completed",
        "buy.open_deal": "Buy",
        "buy.login_hint": "Log in with your wallet to open the deal.",
        "buy.from_ad": "The ad you came from",
        "buy.deal.title": "Where the crypto goes",
        "buy.deal.kind.balance": "To the buyer's balance",
        "buy.deal.kind.bitcoin": "Paid out to a Bitcoin address",
        "buy.deal.kind.lightning": "Paid out to a Lightning invoice",
        "buy.deal.kind.promise": "As a promise",
        "buy.deal.payout_amount": "Payout",
        "buy.deal.payout_status": "Payout status",
        "buy.deal.promise_status": "Promise",
        "buy.deal.waiting": "Happens by itself when the seller releases the crypto.",
        "buy.deal.delivered": "Done.",
        "buy.deal.to_balance": "It could not be delivered, so the crypto is on the buyer's balance.",
        "buy.deal.code": "Your promise's code",
        "buy.deal.code_once": (
            "Shown this once: copy it now. Lost? Cancel the promise in My promises to get the money back."
        ),
        "buy.deal.open_payouts": "My payouts",
        "buy.deal.open_promises": "My promises",
        # --- issue 13: fiat payout ---
        "error.ad_not_for_payout": "This ad cannot pay this invoice out: pick a buy ad of its currency and method.",
        "error.fiat_deposit_short": (
            "The merchant's deposit cannot cover another payment right now. Nothing was taken from you; "
            "try again later."
        ),
        "error.fiat_payout_crypto_only": "The merchant takes fiat for this invoice: pay it in crypto.",
        "error.fiat_payout_live": "This payment already has a fiat payout in progress.",
        "error.invoice_deposit_short": (
            "To be paid in fiat, keep at least one payment's amount in this asset on your balance as a deposit."
        ),
        "error.invoice_payout_fiat_priced": "An invoice priced in fiat cannot be paid out in fiat: price it in crypto.",
        "error.invoice_payout_invalid": "Pick a country, its currency and one of its payment methods.",
        "history.kind.fiat_deposit_hold": "Fiat payout deposit held",
        "history.kind.fiat_deposit_release": "Fiat payout deposit released",
        "payment.status.awaiting_fiat": "Paid, fiat pending",
        "deal.owed.fiat_payout": (
            "Release: {amount} {asset} of the merchant's deposit to the buyer, who paid the merchant fiat for "
            "invoice {number}; the invoice's payment completes and the payer's crypto goes to the merchant. "
            "Refund: nothing moves; the payment waits for another intermediary."
        ),
        "deal.sys.fiat_payout_done": (
            "Deal #{deal_id}: the intermediary is paid and invoice {number}'s payment is complete."
        ),
        "deal.sys.fiat_payout_waits": (
            "Deal #{deal_id} ended without a payout: invoice {number}'s payment waits for another intermediary."
        ),
        "notify.fiat_payout_waiting": (
            "A payment of {amount} {asset} to invoice {number} is paid: choose an intermediary to be paid in fiat."
        ),
        "payout.title": "Pay me in fiat",
        "payout.hint": (
            "Payers pay in crypto; an intermediary sends you fiat and gets their crypto. Keep a deposit of one "
            "payment in this asset on your balance: each payment holds it until you are paid."
        ),
        "payout.enable": "Pay me in fiat",
        "payout.country": "Country",
        "payout.method": "Payment method",
        "payout.settings": "{fiat} by {method} ({country})",
        "payout.deposit": "Deposit",
        "payout.held": "Held",
        "payout.needed": "One payment needs",
        "payout.available": "Available",
        "payout.waiting": "Payments waiting for your fiat",
        "payout.none_waiting": "No payment waits for a fiat payout.",
        "payout.choose": "Choose an intermediary",
        "payout.take_crypto": "Take it in crypto",
        "payout.take_crypto_confirm": (
            "Take this payment in crypto: it completes now, the payer's crypto goes to your balance and your "
            "deposit is released. No fiat will be sent to you for it."
        ),
        "payout.deal": "Deal #{deal_id}",
        "payout.picker_title": "Intermediaries for {amount} {asset}",
        "payout.picker_hint": "Buy ads in {fiat} by {method}: the trader sends you {fiat} and gets the payer's crypto.",
        "payout.no_ads": "No buy ad fits this payment now. Try later, or take it in crypto.",
        "payout.you_get": "You get {fiat}",
        "payout.open": "Open deal",
        "payout.lapsed": "{count} unconfirmed fiat payouts",
        "pay.awaiting_fiat": "Paid. The merchant is being paid in fiat; your receipt appears here when they confirm.",
        # --- issue 14: fee schedule (lead) ---
        "error.fee_operation_invalid": "There is no such fee.",
        "error.fee_percent_invalid": "The percent must be a number from 0 to 50 with at most 4 decimal places.",
        "error.fee_flat_invalid": "The flat fee must be an amount of the asset, 0 or more.",
        "error.fee_minimum_invalid": "The minimum fee must be an amount of the asset, 0 or more.",
        "error.fee_payer_invalid": "Choose who pays the deal fee: the ad's owner or the taker.",
        # --- issue 14: invoice-payment fee and the fee schedule tab ---
        "operator.tab.fees": "Fees",
        "fee_schedule.operation.invoice_payment": "Invoice payment",
        "fee_schedule.operation.deal": "P2P deal",
        "fee_schedule.operation.withdrawal": "Withdrawal",
        "fee_schedule.operation.payout": "Bitcoin / Lightning payout",
        "fee_schedule.payer": "Who pays",
        "fee_schedule.payer.maker": "ad owner",
        "fee_schedule.payer.taker": "taker",
        "fee_schedule.at_least": "at least",
        "fee_schedule.percent": "Percent",
        "fee_schedule.flat": "Flat",
        "fee_schedule.minimum": "Minimum",
        "fee_schedule.save": "Save",
        "fee_schedule.saved": "Fee saved",
        "fee_schedule.set_by_operator": "Set by an operator",
        "fee_schedule.starting_value": "Starting value",
        "fee_schedule.schedule_note": "What each operation costs, per asset. An invoice payment's fee is taken "
        "out of what the merchant receives; a deal's is a share of its crypto; withdrawals and payouts cost "
        "a flat amount on top. A change applies to the next operation and is logged below.",
        "fee_schedule.history": "Changes",
        "fee_schedule.no_changes": "No operator has changed a fee yet.",
        "history.about.invoice_fee": "Invoice {number} · {title} · {gross} paid, fee {fee}",
        "history.about.invoice_part_fee": "Invoice {number} · {title} · part {position} of {count} · "
        "payment {gross}, fee {fee}",
        "verify.field.fee": "Merchant's fee",
        "verify.field.net": "Merchant received",
        "detail.fees": "Fees",
        "detail.net": "You received",
        "detail.payment_fee": "Fee",
        "detail.payment_net": "you received",
        "invoices.fee_none": "No fee: you receive each payment in full.",
        "invoices.fee_rule": "Krypton's fee is {rule} of each payment, taken out of it; you receive the rest.",
        "invoices.fee_receive": "You receive {net} of each payment after the {rule} fee ({fee}).",
        "pay.fee_merchant_pays": "You pay exactly this amount: the merchant pays Krypton's fee.",
        "price_list.title": "Fees",
        "price_list.subtitle": "What each operation costs, as the fee schedule says now. "
        "Shown again before you confirm.",
        "price_list.card": "Price list",
        "price_list.note.invoice_payment": "Paid by the merchant, taken out of each payment",
        "price_list.note.deal": "A share of the deal's crypto, paid by the side named",
        "price_list.note.withdrawal": "On top of the amount sent to a TON address",
        "price_list.note.payout": "On top of the amount paid to Bitcoin or Lightning",
    }
)

# --- issue 14: fee sweeps ---
CATALOG.update(
    {
        "operator.tab.sweeps": "Fees and sweeps",
        "history.kind.fee_sweep_hold": "Fee sweep made",
        "history.kind.fee_sweep": "Fee sweep sent",
        "history.kind.fee_sweep_return": "Fee sweep returned",
        "error.sweep_off": "Sweeps are off: no owner wallet is set (KRYPTON_FEE_OWNER_WALLET).",
        "error.sweep_nothing": "There are no fees to sweep in this asset.",
        "error.sweep_asset": "Fees are not swept in this asset.",
        "error.sweep_threshold_zero": "The threshold must be above zero.",
        "sweeps.owner": "Owner's wallet",
        "sweeps.off": (
            "Sweeps are off: no owner wallet is set. Set KRYPTON_FEE_OWNER_WALLET to the owner's TON address; "
            "fees keep accumulating meanwhile."
        ),
        "sweeps.tile.balance": "Fee balance",
        "sweeps.tile.threshold": "Threshold",
        "sweeps.tile.collected": "Collected in total",
        "sweeps.tile.swept": "Swept in total",
        "sweeps.tile.in_flight": "On its way",
        "sweeps.hint": (
            "When the fee balance reaches the threshold, all of it goes to the owner's wallet in one transfer "
            "from the hot wallet."
        ),
        "sweeps.threshold": "Threshold",
        "sweeps.save_threshold": "Save threshold",
        "sweeps.threshold_saved": "Threshold saved",
        "sweeps.sweep_now": "Sweep now",
        "sweeps.forced": "Sweep made: it is sent in a moment",
        "sweeps.last": "Last sweep",
        "sweeps.none_yet": "No sweeps yet.",
        "sweeps.tx_hash": "Transaction hash",
        "sweeps.chart": "Fees collected and swept, last 14 days",
        "sweeps.chart_collected": "Collected",
        "sweeps.chart_swept": "Swept",
        "sweeps.recent": "Recent sweeps",
        "sweeps.forced_badge": "by operator",
        "sweeps.status.pending": "Waiting to send",
        "sweeps.status.sent": "Sent",
        "sweeps.status.confirmed": "Confirmed",
        "sweeps.status.returned": "Returned to fees",
    }
)

# --- issue 14: operator console (users, reconciliation, audit; blocked users) ---
CATALOG.update(
    {
        "operator.tab.users": "Users",
        "operator.tab.reconciliation": "Reconciliation",
        "operator.tab.audit": "Audit log",
        "error.user_blocked": "This account is blocked by an operator. Contact support.",
        "error.block_reason_invalid": "Give a reason for the block (up to 500 characters).",
        "deal.sys.disputed_on_block": (
            "Deal #{deal_id}: an operator blocked one of the sides, so an operator will decide where the escrow "
            "goes. Write a statement if you can."
        ),
        "dispute.opened_by.operator": "Opened by an operator",
        "operator.users.search": "Find",
        "operator.users.search_placeholder": "Wallet address, #number, @username, email or phone",
        "operator.users.search_hint": (
            "A username finds every username that starts with it; emails and phones match whole."
        ),
        "operator.users.not_found": "Nobody matches this.",
        "operator.users.blocked_badge": "Blocked",
        "operator.users.active_badge": "Active",
        "operator.users.operator_badge": "Operator",
        "operator.users.joined": "Joined",
        "operator.users.blocked_since": "Blocked since",
        "operator.users.reason_placeholder": "Reason for the block",
        "operator.users.block": "Block",
        "operator.users.unblock": "Unblock",
        "operator.users.revoke": "Log out everywhere",
        "operator.users.blocked": "User blocked: logged out, money frozen, live deals sent to disputes.",
        "operator.users.unblocked": "User unblocked: they can log in and move money again.",
        "operator.users.revoked": "Every session of the user is closed.",
        "operator.users.balances": "Balances",
        "operator.users.available": "available",
        "operator.users.held": "held",
        "operator.users.deals": "Recent deals",
        "operator.users.invoices": "Recent invoices",
        "operator.users.sessions": "Open sessions",
        "operator.users.none": "None yet.",
        "operator.users.no_sessions": "No open session.",
        "operator.users.session_opened": "Opened",
        "operator.users.session_seen": "last seen",
        "operator.recon.chain": "On chain (hot wallet)",
        "operator.recon.liabilities": "The ledger owes",
        "operator.recon.explained": "Explained differences",
        "operator.recon.remainder": "Unexplained",
        "operator.recon.status.equal": "Reconciled",
        "operator.recon.status.short": "Chain short",
        "operator.recon.status.over": "Chain over",
        "operator.recon.owed.available": "Users' available balances",
        "operator.recon.owed.held": "Users' held balances",
        "operator.recon.owed.promise_backing": "Promise backing",
        "operator.recon.owed.fees": "Fees not yet swept",
        "operator.recon.owed.hot_wallet": "Hot wallet account",
        "operator.recon.item.withdrawals_in_flight": "Withdrawals sent, not yet confirmed",
        "operator.recon.item.deposits_in_review": "Deposits waiting for review",
        "operator.recon.item.arrived_unapplied": "Arrived, not yet credited (unconfirmed deposits)",
        "operator.recon.item.lightning": "Lightning liquidity (held on the node)",
        "operator.recon.item.paid_outside": "Payouts paid outside the chain",
        "operator.recon.item.sweeps_in_flight": "Fee sweeps sent, not yet confirmed",
        "operator.recon.chain_error": "The TON node did not answer. Try again in a moment.",
        "operator.recon.hint": (
            "Unexplained = on chain − owed − explained. Network fees paid by the hot wallet and the TON that "
            "comes with jetton notifications also show here."
        ),
        "operator.audit.payout_paid": "Payout paid",
        "operator.audit.payout_rejected": "Payout rejected",
        "operator.audit.deposit_credited": "Deposit credited",
        "operator.audit.deposit_returned": "Deposit returned",
        "operator.audit.deposit_dismissed": "Deposit dismissed",
        "operator.audit.dispute_resolved": "Dispute decided",
        "operator.audit.fee_changed": "Fee changed",
        "operator.audit.sweep_threshold_changed": "Sweep threshold changed",
        "operator.audit.sweep_forced": "Sweep forced",
        "operator.audit.user_blocked": "User blocked",
        "operator.audit.user_unblocked": "User unblocked",
        "operator.audit.sessions_revoked": "Sessions revoked",
        "operator.audit.empty": "No operator action yet.",
        "operator.audit.older": "Older",
    }
)

# --- issue 14: Telegram Mini App login ---
CATALOG.update(
    {
        "error.telegram_link_refused": "Telegram could not be linked.",
        "error.telegram_bad_hash": (
            "Telegram's launch data did not verify. Close the app and open it again from Telegram."
        ),
        "error.telegram_bad_signature": "Telegram's signature did not verify. Open the app again from Telegram.",
        "error.telegram_expired": "This Telegram launch is too old. Close the app and open it again from Telegram.",
        "error.telegram_malformed": "Telegram's launch data could not be read. Open the app again from Telegram.",
        "error.telegram_login_off": "Login with Telegram is off on this server: its operator has not set up the bot.",
        "error.telegram_no_user": "Telegram did not say who you are here. Open Krypton from the bot's chat.",
        "error.telegram_linked_elsewhere": (
            "This Telegram account already belongs to another Krypton user with a wallet or history. "
            "Log in with it through Telegram, or unlink it there first."
        ),
        "error.telegram_already_linked": "Another Telegram account is linked to you. Unlink it first.",
        "error.telegram_not_linked": "No Telegram account is linked to you.",
        "error.telegram_unlink_needs_wallet": (
            "Telegram is your only way to log in: connect a wallet before you unlink it."
        ),
        "error.telegram_contact_not_yours": "Share the phone of your own Telegram account, the one linked here.",
        "tg.login_busy": "Signing in with Telegram…",
        "tg.login_off": (
            "Login with Telegram is off on this server (no bot token is set). Log in with a TON wallet instead."
        ),
        "tg.login_failed": "Could not sign in with Telegram",
        "profile.telegram.title": "Telegram",
        "profile.telegram.linked": "Linked",
        "profile.telegram.linked_hint": "You can log in with your wallet or by opening Krypton in Telegram.",
        "profile.telegram.not_linked": "Not linked",
        "profile.telegram.link_hint": (
            "Open Krypton from our Telegram bot, log in with your wallet and link your account here: "
            "then you log in either way."
        ),
        "profile.telegram.link": "Link Telegram",
        "profile.telegram.unlink": "Unlink",
        "profile.telegram.linked_done": "Telegram linked. You can now log in either way.",
        "profile.telegram.unlinked_done": "Telegram unlinked.",
        "profile.telegram.off": "Telegram login is off on this server.",
        "profile.telegram.share_phone": "Share my phone from Telegram",
        "profile.telegram.phone_done": "Phone verified through Telegram.",
        "profile.telegram.phone_cancelled": "You did not share your phone.",
        "profile.phone_verified": "Verified through Telegram",
        "profile.no_wallet": "No wallet: you log in through Telegram.",
        # --- issue 14: deal, withdrawal and payout fees ---
        "error.fee_changed": "The fee changed since your quote. Review the new fee, then confirm again.",
        "deal.owed.fee.seller": "Fee: {fee} {asset}, paid by the seller on release (none on a refund).",
        "deal.owed.fee.buyer": "Fee: {fee} {asset}, paid by the buyer out of the {amount} {asset} (none on a refund).",
        "deal.field.fee": "Platform fee",
        "deal.fee_by.you": "paid by you",
        "deal.fee_by.seller": "paid by the seller",
        "deal.fee_by.buyer": "paid by the buyer, out of the release",
        "fee.deal.none": "No platform fee on this deal.",
        "fee.deal.minimum": ", at least {minimum}",
        "fee.deal.by_trader": "Platform fee: {percent} % of the amount{minimum}, paid by the trader.",
        "fee.deal.by_you_buying": (
            "Platform fee: {percent} % of the amount{minimum}, taken from the {asset} you receive."
        ),
        "fee.deal.by_you_selling": (
            "Platform fee: {percent} % of the amount{minimum}, added to the {asset} you put in escrow."
        ),
        "fee.deal.preview.trader": "Fee on this amount: {fee}, paid by the trader.",
        "fee.deal.preview.you_receive": "Fee on this amount: {fee}; you receive {net}.",
        "fee.deal.preview.you_escrow": "Fee on this amount: {fee}; you put {total} in escrow.",
        "buy.summary.deal_fee": (
            "The trader pays the platform fee on this deal ({fee} {asset}): you get the whole amount."
        ),
        "fee.psale.by_you": "Platform fee on this sale: {fee}, held from your balance when the deal opens "
        "(returned if the deal is cancelled).",
        "fee.psale.by_trader": "Platform fee on this sale: {fee}, paid by the trader out of what they receive.",
        "fee.payout.by_you": (
            "Platform fee on this payout deal: {fee}, held from your balance when the deal opens "
            "(returned if no one is paid)."
        ),
        "fee.payout.by_trader": (
            "Platform fee on this payout deal: {fee}, paid by the intermediary out of what they receive."
        ),
        "dispute.fee": "Platform fee",
        # Heleket compatibility API (issue 15)
        "error.heleket_invalid": "Some fields of the request are invalid.",
        "error.heleket_refused": "The request cannot be done.",
    }
)

# Issue 15: the compatibility APIs' credentials (components/compat_keys.py)
CATALOG.update(
    {
        "dev.tab.compat": "Crypto Pay / Heleket",
        "compat.intro": (
            "Already integrated with Telegram's Crypto Pay or with Heleket? Keep your code and its SDK:"
            " change the base URL to Krypton's and use the credentials issued here. Invoices, webhooks "
            "and their signatures keep their shape."
        ),
        "compat.base_url": "Base URL",
        "compat.app_name": "Name, e.g. shop bot",
        "compat.testnet": "Testnet app (sandbox invoices)",
        "compat.sandbox": "Sandbox (test invoices)",
        "compat.save": "Save",
        "compat.saved": "Saved.",
        "compat.issued_title": "Your new credentials",
        "compat.cp.title": "Crypto Pay API",
        "compat.cp.hint": (
            "For aiocryptopay, aiosend and other Crypto Pay SDKs: the token goes in Crypto-Pay-API-"
            "Token; paid invoices reach the app's webhook URL signed as Crypto Pay signs them."
        ),
        "compat.cp.webhook": "Webhook URL for paid invoices (https://…)",
        "compat.cp.transfers": "Allow transfer (send from your balance to Telegram users)",
        "compat.cp.create": "Create Crypto Pay app",
        "compat.cp.token": "API token",
        "compat.hk.title": "Heleket API",
        "compat.hk.hint": (
            "For heleket-sdk and other Heleket clients: the merchant UUID goes in the merchant header; "
            "requests are signed with the payment key, payouts with the payout key."
        ),
        "compat.hk.create": "Create Heleket merchant",
        "compat.hk.merchant": "Merchant UUID",
        "compat.hk.payment_key": "Payment API key",
        "compat.hk.payout_key": "Payout API key",
    }
)

# The Crypto Pay compatibility API (api/cryptopay.py answers with Crypto Pay's own error names).
CATALOG.update(
    {
        "history.kind.cryptopay_transfer": "Crypto Pay transfer",
        "error.cryptopay_refused": "The Crypto Pay API refused this request.",
    }
)
