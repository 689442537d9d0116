"""Every test builder in one place: users, sessions, the operator role, deposits, ads, deals, disputes,
invoices, payments, payouts, images and races. Importable from every test folder (pytest puts tests/ on
the path for its conftest); a test module never imports another test module (tests/unit/test_test_layout.py).

Builders go through the services wherever one makes the thing, so they stay valid when a service
changes. Two write rows directly, and say why: a user (the only service that makes one is a signed
TON Connect login) and `make_deal` (a deal with no escrow, chat or notification behind it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import threading
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from urllib.parse import urlencode

import bolt11
from bolt11 import Bolt11, MilliSatoshi, Tags
from nacl.signing import SigningKey
from PIL import Image

from krypton_app.domain.ledger import EXTERNAL, FEES, Leg
from krypton_app.models import Ad, Deal, User
from krypton_app.services import deals, deposits, disputes, ledger, ledger_reads, part_deals, payments
from krypton_app.services.ads import AdDraft, create_ad
from krypton_app.services.auth import exchange_login_token, issue_login_token
from krypton_app.services.compat_keys import HeleketCredentials, create_heleket_merchant
from krypton_app.services.invoices import InvoiceDraft, InvoiceView, create_invoice
from krypton_app.services.ledger import LedgerTransactionView
from krypton_app.services.payouts import PayoutView, request_bitcoin_payout
from krypton_app.services.rates import StaticRateProvider
from krypton_app.settings import Settings, get_settings

TON = 10**9
USDT = 10**6
# The deal tests' clock and settings; deals opened by `open_deal` are due 15 minutes after NOW.
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
# The first moment a side may dispute a deal marked paid at NOW (the default wait after "paid").
DISPUTABLE = NOW + timedelta(seconds=Settings.model_fields["deal_dispute_after_s"].default)
SETTINGS = Settings()
RATES = StaticRateProvider(SETTINGS.rates)
SELL = AdDraft(
    side="sell",
    asset="TON",
    fiat="RUB",
    country="RU",
    methods=("sbp", "card"),
    price_kind="fixed",
    price="400",
    margin_percent=None,
    min_amount="1",
    max_amount="5",
    total_volume="10",
    payment_window_min=15,
)
BUY = AdDraft(**{**SELL.__dict__, "side": "buy"})
INVOICE_SETTINGS = Settings(KRYPTON_APP_URL="https://krypton.example")


# --- Telegram: launch data signed as Telegram signs it ----------------------------------------------

# A made-up bot token of the right shape: the tests' bot (its id is the prefix).
TELEGRAM_BOT_TOKEN = "7000000001:AAFtestTokenForKryptonTests_0123456789"


def telegram_hash(pairs: Sequence[tuple[str, str]], bot_token: str) -> str:
    """Telegram's bot-token hash of decoded `key=value` pairs (written from core.telegram.org/bots/webapps)."""
    check = "\n".join(f"{key}={value}" for key, value in sorted(pairs))
    secret = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    return hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()


def telegram_init_data(
    bot_token: str = TELEGRAM_BOT_TOKEN,
    *,
    user_id: int = 5_000_000_001,
    auth_date: int | None = None,
    user: dict | None = None,
    signing_key: SigningKey | None = None,
    bot_id: int | None = None,
    **fields: str,
) -> str:
    """A Mini App's `initData` as a Telegram client hands it over: URL-encoded fields, `hash` last. With
    `signing_key`, also the third-party `signature` (base64url, unpadded) that key makes for `bot_id`."""
    user = user if user is not None else {"id": user_id, "first_name": "Tess", "username": f"tess{user_id % 1000}"}
    when = auth_date if auth_date is not None else int(datetime.now(UTC).timestamp())
    pairs = [("query_id", "AAHtest"), ("user", json.dumps(user, separators=(",", ":"))), ("auth_date", str(when))]
    pairs += list(fields.items())
    if signing_key is not None:
        message = f"{bot_id}:WebAppData\n" + "\n".join(f"{k}={v}" for k, v in sorted(pairs))
        signature = base64.urlsafe_b64encode(signing_key.sign(message.encode()).signature).decode().rstrip("=")
        pairs.append(("signature", signature))
    return urlencode([*pairs, ("hash", telegram_hash(pairs, bot_token))])


def telegram_contact(
    bot_token: str = TELEGRAM_BOT_TOKEN, *, user_id: int = 5_000_000_001, phone: str = "79991234567", auth_date=None
) -> str:
    """The `response` string of `WebApp.requestContact`: the shared contact, signed like initData."""
    contact = {"user_id": user_id, "phone_number": phone, "first_name": "Tess"}
    when = auth_date if auth_date is not None else int(datetime.now(UTC).timestamp())
    pairs = [("contact", json.dumps(contact, separators=(",", ":"))), ("auth_date", str(when))]
    return urlencode([*pairs, ("hash", telegram_hash(pairs, bot_token))])


# --- users, sessions, the operator role ------------------------------------------------------------


def new_wallet() -> str:
    """A raw TON address nobody else has."""
    return f"0:{uuid.uuid4().hex}{uuid.uuid4().hex}"


def make_user(uow, *, operator: bool = False, balance: int = 0, **columns) -> int:
    """A user as a first login leaves one: a fresh wallet (the row `login_with_ton_proof` writes).
    `columns` are stored as given: `email=` is a verified email here, where update_profile would leave it
    pending. `balance` TON arrive as a deposit; `operator` grants the role as production does."""
    columns.setdefault("wallet_address", new_wallet())  # wallet_address=None: a Telegram-only user
    with uow.transaction() as s:
        user = User(**columns)
        s.add(user)
        s.flush()
        user_id, wallet = user.id, user.wallet_address
    if operator:
        grant_operator(wallet)
    if balance:
        deposit(uow, user_id, balance)
    return user_id


def make_users(uow, count: int, *, operator: bool = False) -> list[int]:
    return [make_user(uow, operator=operator) for _ in range(count)]


def make_depositor(uow) -> tuple[int, str]:
    """(user id, deposit memo): a user the chain monitor can credit by the memo in a transfer's comment."""
    user_id = make_user(uow)
    return user_id, deposits.ensure_memo(uow, user_id)


def make_session(uow, user_id: int) -> str:
    """A live session cookie value for the user, made the way a login makes it (token, then exchange)."""
    ticket = issue_login_token(uow, user_id, next_path="/wallet")
    return exchange_login_token(uow, ticket.token, ticket.binding).token


def grant_operator(wallet_address: str) -> None:
    """Make a wallet an operator the way production does: by the KRYPTON_OPERATORS list, here the app's
    settings object (services/roles.py reads it at every check; tests/conftest.py restores it after
    each test)."""
    settings = get_settings()
    settings.operator_addresses = [*settings.operator_addresses, wallet_address]


def revoke_operator(wallet_address: str) -> None:
    settings = get_settings()
    settings.operator_addresses = [a for a in settings.operator_addresses if a != wallet_address]


# --- money ------------------------------------------------------------------------------------------


def deposit(
    uow, user_id: int, amount: int, asset: str = "TON", *, key: str | None = None, memo: str = ""
) -> LedgerTransactionView:
    """Money arriving from outside, posted as the chain monitor posts it (external -> available, kind
    `deposit`). A fresh idempotency key unless `key` is given: the same key again replays the first."""
    with uow.transaction() as s:
        leg = Leg(ledger.system_account(s, EXTERNAL, asset), ledger.user_account(s, user_id, asset), amount)
        key = key or f"test-deposit:{uuid.uuid4()}"
        return ledger.post(s, idempotency_key=key, kind="deposit", legs=[leg], memo=memo)


def collect_fees(uow, amount: int, asset: str = "TON") -> LedgerTransactionView:
    """Fees in the platform's fee account, as if paid by someone outside (external -> fees): what a fee
    sweep takes. The fees of real operations come with them (withdrawals, payouts)."""
    with uow.transaction() as s:
        leg = Leg(ledger.system_account(s, EXTERNAL, asset), ledger.system_account(s, FEES, asset), amount)
        return ledger.post(s, idempotency_key=f"test-fee:{uuid.uuid4()}", kind="test_fee", legs=[leg])


def balances(uow, user_id: int, asset: str = "TON") -> tuple[int, int]:
    """(available, held) of one asset."""
    view = next(b for b in ledger_reads.list_balances(uow, user_id) if b.asset == asset)
    return view.available, view.held


def assert_invariants(uow) -> None:
    report = ledger_reads.check_invariants(uow)
    assert report.ok, report.violations


# --- ads, deals, disputes ---------------------------------------------------------------------------


def sell_ad(uow, volume: int = 10 * TON) -> tuple[int, int, int]:
    """(owner, taker, ad_id) with the owner's 10 TON held by a SELL ad."""
    owner, taker = make_users(uow, 2)
    deposit(uow, owner, volume)
    ad = create_ad(uow, owner, SELL, rates=RATES, idempotency_key=uuid.uuid4().hex)
    return owner, taker, ad.id


def buy_ad(uow) -> tuple[int, int, int]:
    """(owner, taker, ad_id): the owner buys crypto; the taker, the seller, has 10 TON."""
    owner, taker = make_users(uow, 2)
    deposit(uow, taker, 10 * TON)
    ad = create_ad(uow, owner, BUY, rates=RATES, idempotency_key=uuid.uuid4().hex)
    return owner, taker, ad.id


def open_deal(uow, taker: int, ad_id: int, amount: str = "2", key: str | None = None, now: datetime = NOW):
    return deals.open_deal(
        uow,
        taker,
        ad_id,
        amount=amount,
        method="sbp",
        idempotency_key=key or uuid.uuid4().hex,
        rates=RATES,
        now=now,
    )


def remaining(uow, ad_id: int) -> int:
    with uow.read() as s:
        return s.get(Ad, ad_id).remaining


class Disputed(NamedTuple):
    owner: int  # the sell ad's owner, the seller
    taker: int  # the buyer
    operator: int | None
    ad_id: int
    dispute: disputes.DisputeView


def disputed_deal(uow, opener: str = "buyer", *, amount: str = "4", operator: bool = True) -> Disputed:
    """A deal on a sell ad, fiat marked sent, then disputed by `opener` ("buyer" or "seller"); with an
    operator (listed before the dispute opens, so called to it) unless `operator` is False."""
    owner, taker, ad_id = sell_ad(uow)
    operator_id = make_user(uow, operator=True) if operator else None
    deal = open_deal(uow, taker, ad_id, amount=amount)
    deals.mark_fiat_sent(uow, taker, deal.id, now=NOW)
    dispute = disputes.open_dispute(uow, taker if opener == "buyer" else owner, deal.id, now=DISPUTABLE)
    return Disputed(owner, taker, operator_id, ad_id, dispute)


def make_deal(uow, seller_id: int, buyer_id: int, *, status: str = "escrow_locked") -> int:
    """A deal row in `status` on a row-written ad, for tests of what reads a deal (chat, notifications,
    reviews, the chat file route) that must not see the escrow, system messages and notifications the
    deal services write."""
    with uow.transaction() as s:
        ad = Ad(owner_id=seller_id, side="sell", asset="TON", fiat="RUB", country="RU", methods="sbp",
                price_kind="fixed", price=50_000, min_amount=1, max_amount=10**9, total_volume=10**9,
                remaining=10**9)  # fmt: skip
        s.add(ad)
        s.flush()
        deal = Deal(ad_id=ad.id, seller_id=seller_id, buyer_id=buyer_id, taker_id=buyer_id, asset="TON",
                    amount=10**9, fiat="RUB", fiat_amount=50_000, price=50_000, method="sbp",
                    status=status, idempotency_key=str(uuid.uuid4()))  # fmt: skip
        s.add(deal)
        s.flush()
        return deal.id


# --- invoices and payments --------------------------------------------------------------------------


def make_invoice(
    uow, merchant: int | None = None, *, settings: Settings = INVOICE_SETTINGS, now: datetime = NOW, **fields
) -> InvoiceView:
    """A fixed 1 TON invoice unless `fields` say otherwise, of a new merchant unless one is given."""
    merchant = merchant if merchant is not None else make_user(uow)
    draft = InvoiceDraft(**{"kind": "fixed", "title": "VPN key", "asset": "TON", "amount": "1", **fields})
    return create_invoice(uow, merchant, draft, settings=settings, now=now)[0]


def pay_invoice(
    uow,
    payer: int,
    number: str,
    parts: Sequence[str] = ("1",),
    *,
    settings: Settings = INVOICE_SETTINGS,
    now: datetime = NOW,
    key: str | None = None,
) -> payments.PaymentView:
    """Start a payment in `parts` and fund every part from the payer's balance."""
    rates = StaticRateProvider(settings.rates)
    payment = payments.start_payment(
        uow,
        payer,
        number,
        parts=list(parts),
        idempotency_key=key or uuid.uuid4().hex,
        settings=settings,
        rates=rates,
        now=now,
    )
    for part in payment.parts:
        payment = payments.fund_part_from_balance(
            uow, payer, payment.id, part.id, settings=settings, rates=rates, now=now
        )
    return payment


def heleket_merchant(uow, user_id: int | None = None, *, is_test: bool = False) -> tuple[int, HeleketCredentials]:
    """(merchant user id, Heleket credentials: merchant UUID, payment key, payout key) of a new merchant
    unless one is given; sealed with the app's settings, which the API and its webhooks unseal with."""
    user_id = user_id if user_id is not None else make_user(uow)
    _view, credentials = create_heleket_merchant(uow, user_id, name="Shop", settings=get_settings(), is_test=is_test)
    return user_id, credentials


# --- payouts ----------------------------------------------------------------------------------------

TAPROOT = "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"
PAYOUT_RATES = StaticRateProvider({"TON/BTC": "0.0000520", "USDT/BTC": "0.0000105"})


def payout_settings(network: str = "mainnet") -> Settings:
    """A Bitcoin network and the payout fees: 0.1 TON, 1 USDT."""
    return Settings(KRYPTON_BTC_NETWORK=network, KRYPTON_PAYOUT_FEES={"TON": TON // 10, "USDT": USDT})


def bitcoin_payout(
    uow, user_id: int, amount: str = "1", key: str | None = None, address: str = TAPROOT, settings=None
) -> PayoutView:
    """A queued payout of `amount` TON to a Bitcoin address (mainnet unless `settings` say otherwise)."""
    return request_bitcoin_payout(
        uow,
        user_id,
        asset="TON",
        address=address,
        amount=amount,
        idempotency_key=key or str(uuid.uuid4()),
        rates=PAYOUT_RATES,
        settings=settings or payout_settings(),
    )


LIGHTNING_PREIMAGE = bytes(range(32))
# Any node key signs a valid invoice (this is the BOLT11 spec's); the payout queue checks amount, expiry,
# network and the preimage.
NODE_KEY = "e126f68f7eafcc8b74f54d269fe206be715000f94dac067d1c04a8ca3b2db734"


def lightning_invoice(
    *,
    msat: int | None = 1_500_500,
    preimage: bytes = LIGHTNING_PREIMAGE,
    date: int = 1_700_000_000,
    expiry: int = 600,
    currency: str = "bcrt",
    description: str = "coffee",
) -> str:
    """A BOLT11 invoice signed with NODE_KEY (regtest unless `currency` says otherwise)."""
    tags = {
        "payment_hash": hashlib.sha256(preimage).hexdigest(),
        "payment_secret": "11" * 32,
        "description": description,
        "expire_time": expiry,
    }
    amount = MilliSatoshi(msat) if msat else None
    invoice = Bolt11(currency=currency, date=date, amount_msat=amount, tags=Tags.from_dict(tags))
    return bolt11.encode(invoice, private_key=NODE_KEY)


# --- images and races -------------------------------------------------------------------------------

PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}


def image_bytes(kind="png", *, size=(48, 32), color=(0, 152, 234), **save_options) -> bytes:
    """A real image that decodes (png | jpeg | webp); save_options go to Pillow (e.g. exif=...)."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=PIL_FORMATS[kind], **save_options)
    return out.getvalue()


def race(*calls) -> list:
    """Run the calls at the same moment, each in its own thread (and so on its own connection); the
    results or the raised errors, in call order. Races mean something on PostgreSQL only: SQLite
    serialises every writer."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except Exception as error:  # the loser's refusal is the point
            results[i] = error

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


# --- invoice parts paid through a P2P deal (SPEC F10) -------------------------------------------------


class PartDealCase(NamedTuple):
    merchant: int
    payer: int
    trader: int  # owns the SELL ad: 10 TON at 400 RUB, 1..5 TON a deal, sbp or card
    ad_id: int
    invoice: InvoiceView
    payment: payments.PaymentView


def part_deal_case(uow, parts: Sequence[str] = ("1", "2"), **invoice_fields) -> PartDealCase:
    """A payer's pending payment of a TON invoice in `parts` (nothing funded) and a trader's SELL ad."""
    trader, payer, ad_id = sell_ad(uow)
    total = str(sum(int(p) for p in parts))
    invoice = make_invoice(uow, amount=total, max_parts=len(parts), **invoice_fields)
    payment = payments.start_payment(
        uow,
        payer,
        invoice.number,
        parts=list(parts),
        idempotency_key=uuid.uuid4().hex,
        settings=INVOICE_SETTINGS,
        rates=RATES,
        now=NOW,
    )
    return PartDealCase(invoice.merchant_id, payer, trader, ad_id, invoice, payment)


def open_part_deal(uow, case: PartDealCase, position: int = 2, *, payer: int | None = None, ad_id=None, key=None):
    """The payer's deal on the trader's ad for part `position`, released to that part."""
    return part_deals.open_part_deal(
        uow,
        case.payer if payer is None else payer,
        case.payment.id,
        case.payment.parts[position - 1].id,
        case.ad_id if ad_id is None else ad_id,
        method="sbp",
        idempotency_key=key or uuid.uuid4().hex,
        settings=INVOICE_SETTINGS,
        rates=RATES,
        now=NOW,
    )


# --- payment chats (issue 12 item 6) -----------------------------------------------------------------


def paid_payment(uow, *, amount: str = "1") -> tuple[int, int, int]:
    """(merchant, payer, payment id): a completed payment of a new merchant's invoice by a new payer."""
    merchant, payer = make_user(uow), make_user(uow, balance=5 * TON)
    number = make_invoice(uow, merchant, amount=amount).number
    return merchant, payer, pay_invoice(uow, payer, number, (amount,)).id


# --- promises ---------------------------------------------------------------------------------------


def make_promise(uow, issuer_id: int, amount: int = TON, *, asset: str = "TON", now: datetime = NOW, **options):
    """A promise made from the issuer's balance through the service (fund them first); returns
    CreatedPromise (its `.code` is shown this once)."""
    from krypton_app.services.promises import create_promise

    return create_promise(
        uow,
        issuer_id,
        asset=asset,
        amount=amount,
        idempotency_key=options.pop("key", uuid.uuid4().hex),
        settings=SETTINGS,
        now=now,
        **options,
    )


def promise_backing(uow, asset: str = "TON") -> int:
    """The balance of the platform's promise backing account in `asset` (0 before the first promise)."""
    from sqlmodel import select

    from krypton_app.domain.ledger import PROMISE_BACKING, system_account_key
    from krypton_app.models import Account

    with uow.read() as s:
        balance = s.exec(
            select(Account.balance).where(Account.key == system_account_key(PROMISE_BACKING, asset))
        ).first()
    return balance or 0


# --- Lightning parts (issue 12) --------------------------------------------------------------------


class NodeClock:
    """The fake Lightning node's clock, set by the test (starts at NOW)."""

    def __init__(self, at: datetime = NOW):
        self.at = at

    def __call__(self) -> float:
        return self.at.timestamp()


def lightning_node(clock: NodeClock | None = None):
    from krypton_app.lightning.fake_node import FakeLightningNode

    return FakeLightningNode(network="regtest", clock=clock or NodeClock())


def lightning_liquidity(uow, asset: str = "TON") -> int:
    """The platform's Lightning liquidity in `asset` (0 before its account exists)."""
    from sqlalchemy import select

    from krypton_app.domain.ledger import LIGHTNING, system_account_key
    from krypton_app.models import Account

    with uow.read() as s:
        balance = s.execute(
            select(Account.balance).where(Account.key == system_account_key(LIGHTNING, asset))
        ).scalar_one_or_none()
    return balance or 0


# --- lnpayout: the fake Lightning node behind LND's REST protocol ---------------------------------


class CountingNode:
    """A Lightning provider that counts the payments asked of it, per invoice (races: paid once)."""

    def __init__(self, inner):
        self.inner = inner
        self.sent: list[str] = []
        self._lock = threading.Lock()

    def pay_invoice(self, bolt11_text: str, *, fee_limit_msat: int):
        with self._lock:
            self.sent.append(bolt11_text)
        return self.inner.pay_invoice(bolt11_text, fee_limit_msat=fee_limit_msat)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def lnd_over_rest(node):
    """The real LndRestProvider talking LND's REST protocol to the fake `node` (through its ASGI app)."""
    import warnings

    from krypton_app.lightning.fake_node import lnd_rest_app
    from krypton_app.lightning.lnd import LndRestProvider

    macaroon = "0201036c6e6402f801"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette's TestClient prefers another httpx; this one is ours
        from starlette.testclient import TestClient

        client = TestClient(lnd_rest_app(node, macaroon), base_url="https://lnd.test")
    return LndRestProvider("https://lnd.test", macaroon, client=client)


# --- fees (SPEC F12) ----------------------------------------------------------------------------------


def set_fee(uow, operation: str, *, asset: str = "TON", operator: int | None = None, **rule) -> int:
    """An operator (a new one unless given) sets one rule of the fee schedule as the console does: texts
    in the asset's units (percent="1", minimum="0.05", payer="taker"). Returns the operator."""
    from krypton_app.services.fees import set_fee_rule

    operator = operator or make_user(uow, operator=True)
    set_fee_rule(uow, operator, operation, asset, **rule)
    return operator


def fees_collected(uow, asset: str = "TON") -> int:
    """The platform's fee account's balance in `asset` (0 before the first fee)."""
    from sqlmodel import select

    from krypton_app.domain.ledger import FEES, system_account_key
    from krypton_app.models import Account

    with uow.read() as s:
        key = system_account_key(FEES, asset)
        return s.execute(select(Account.balance).where(Account.key == key)).scalar_one_or_none() or 0
