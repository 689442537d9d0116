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
    "withdraw.field.amount": "Amount",
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
    # History
    "history.title": "History",
    "history.subtitle": "Every movement of your money, newest first.",
    "history.all_assets": "All assets",
    "history.all_kinds": "All kinds",
    "history.download_csv": "Download CSV",
    "history.col.date": "Date",
    "history.col.kind": "Kind",
    "history.col.asset": "Asset",
    "history.col.available": "Available",
    "history.col.held": "Held",
    "history.col.memo": "Memo",
    "history.total": "Movements",
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
    # Operator console
    "operator.title": "Operator console",
    "operator.subtitle": "Manual payouts, deposits that matched no user, and the health of the ledger.",
    "operator.loading": "Loading the console…",
    "operator.refused_title": "Operators only",
    "operator.refused": "This page is for Krypton operators. Your account does not have that role.",
    "operator.tab.payouts": "Payout queue",
    "operator.tab.deposits": "Unmatched deposits",
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
    "operator.contact_placeholder": "@username, phone, email or wallet address",
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
    # Profile
    "profile.title": "Profile",
    "profile.subtitle": "How other people find you and how Krypton talks to you.",
    "profile.wallet_address": "Wallet address",
    "profile.display_name": "Display name",
    "profile.display_name_hint": "Shown to people you trade with.",
    "profile.username": "Username",
    "profile.username_hint": "Letters, digits and underscores. People can send you private invoices by it.",
    "profile.phone": "Phone",
    "profile.phone_hint": "Optional. International format, for example +44 20 7946 0958.",
    "profile.email": "Email",
    "profile.email_hint": "Optional. Used to address private invoices to you.",
    "profile.language": "Language",
    "profile.save": "Save changes",
    "profile.saved": "Profile saved",
    "profile.has_errors": "Please fix the highlighted fields.",
    "profile.loading": "Loading profile…",
    # Features that are not built yet
    "soon.badge": "Not built yet",
    "soon.intro": "This part of Krypton is not built yet. Here is what it will do:",
    "soon.back": "Back to wallet",
    "pay.title": "Pay an invoice",
    "pay.body": (
        "Enter an invoice number, split the payment into parts and pay each part from your balance, "
        "from a Lightning wallet, with cash through a trader, or with a voucher."
    ),
    "buy.title": "Buy crypto",
    "buy.body": (
        "Choose your country, currency and payment method, pick the best offer from a trader, and get "
        "TON or USDT on your balance, as a voucher or sent to Bitcoin."
    ),
    "market.title": "P2P market",
    "market.body": (
        "Browse offers to buy and sell crypto for local money, filter by country, currency and payment "
        "method, and publish your own ads."
    ),
    "invoices.title": "Invoices",
    "invoices.body": (
        "Create public or private invoices with a fixed or payer-chosen amount, share them as links, "
        "Telegram links or widgets, and follow payments and receipts."
    ),
    "deals.title": "Deals",
    "deals.body": (
        "Follow your trades step by step: escrow, payment, release, with a chat for both sides, timers, "
        "disputes and reviews."
    ),
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
    "error.idempotency_conflict": "This request was already made with different details.",
    "error.unbalanced_transaction": "The ledger refused an unbalanced transaction.",
    "error.not_found": "Not found. It may have been removed.",
    "error.forbidden": "You are not allowed to do this.",
    "error.invalid_state": "This can no longer be done: its status has changed. Reload to see it.",
    "error.chain_unavailable": "The TON network cannot be reached right now. Please try again in a minute.",
    "error.rate_unavailable": "No exchange rate is available right now. Please try again later.",
    "error.destination_invalid": "This destination cannot be paid.",
    "error.address_invalid": "This is not a TON address.",
    "error.address_checksum": "This TON address has a typo: its checksum does not match.",
    "error.address_testnet": "This is a testnet address. Use a mainnet address.",
    "error.address_workchain": "Only addresses in the basic workchain (0) are supported.",
    "error.bitcoin_address_invalid": "This is not a Bitcoin address.",
    "error.bitcoin_address_network": "This Bitcoin address belongs to another network.",
    "error.invoice_invalid": "This is not a valid Lightning invoice.",
    "error.invoice_expired": "This Lightning invoice has expired. Ask for a new one.",
    "error.invoice_network": "This Lightning invoice is for another network.",
    "error.invoice_no_amount": "This Lightning invoice has no amount. Ask for one with an amount.",
    "error.payout_reference_invalid": "Enter the Bitcoin transaction id or the Lightning preimage (64 hex characters).",
    "error.payout_preimage_mismatch": "This preimage does not belong to the invoice.",
    "error.contact_not_found": "No user has this username, phone, email or wallet address.",
    "error.invoice_already_used": "This Lightning invoice is already being paid.",
    "error.payout_asset_unsupported": "Payouts cannot be paid from this asset.",
    "error.payout_too_small": "This amount is too small to pay out after the fee.",
    "error.reject_reason_invalid": "Write a reason for the user (up to 500 characters).",
}
