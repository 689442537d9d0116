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
    "landing.features_subtitle": (
        "One app for people paid in crypto and for merchants who want to be paid by anyone."
    ),
    "feature.wallet.title": "Wallet",
    "feature.wallet.body": (
        "Hold TON and USDT on TON. See what is available and what is held for deals at a glance."
    ),
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
        "Turn part of your balance into a code. Whoever holds the code can redeem it, pay with it "
        "or sell it for cash."
    ),
    "feature.merchant_api.title": "Merchant API",
    "feature.merchant_api.body": (
        "Payment links, Telegram links, embeddable widgets, a REST API and signed webhooks "
        "for shops that sell online."
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
    "wallet.coming_soon_title": "Deposits and withdrawals",
    "wallet.coming_soon": (
        "Deposits and withdrawals arrive with a later release. Until then your balance stays at zero."
    ),
    "wallet.deposit": "Deposit",
    "wallet.withdraw": "Withdraw",
    "wallet.loading": "Loading balances…",
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
}
