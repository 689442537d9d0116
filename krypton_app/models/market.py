from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from krypton_app.models.common import money_column, timestamp_column, utcnow


class Ad(SQLModel, table=True):
    """A P2P offer (SPEC F8). A sell ad's unreserved volume is held from the owner's balance."""

    __tablename__ = "ads"
    __table_args__ = (
        # The marketplace filter: side, asset, fiat, country among active ads, cheapest first.
        Index("ix_ads_market", "status", "side", "asset", "fiat", "country", "price"),
        Index("ix_ads_owner", "owner_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="users.id")
    side: str = Field(max_length=4)  # sell | buy (crypto, from the owner's point of view)
    asset: str = Field(foreign_key="assets.code", max_length=8)
    fiat: str = Field(foreign_key="fiat_currencies.code", max_length=3)
    country: str = Field(foreign_key="countries.code", max_length=2)
    methods: str = Field(max_length=500)  # space-separated payment method codes
    price_kind: str = Field(max_length=8)  # fixed | floating
    # Fiat minor units per one whole unit of the asset; for floating ads the last computed price.
    price: int = Field(sa_column=money_column())
    margin_bp: int | None = Field(default=None)  # floating: basis points over the reference rate
    min_amount: int = Field(sa_column=money_column())  # asset minor units per deal
    max_amount: int = Field(sa_column=money_column())
    total_volume: int = Field(sa_column=money_column())
    remaining: int = Field(sa_column=money_column())  # not yet taken by deals
    payment_window_min: int = Field(default=15)
    terms: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    # Where the buyer sends the fiat (card, phone for SBP): private, shown only to a deal's two sides.
    payment_details: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    min_completed_deals: int = Field(default=0)  # taker requirement
    status: str = Field(default="active", max_length=8)  # active | paused | closed
    # "<owner_id>:<client key>": a retried create returns this ad (NULL only for ads made before 0007
    # without a sell reserve to recover it from).
    idempotency_key: str | None = Field(default=None, unique=True, index=True, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


# A deal still holding the trader's crypto (domain.deals: requested and ESCROWED); alembic 0021_fiat.
_LIVE = text("status IN ('requested', 'escrow_locked', 'fiat_sent', 'disputed')")


class Deal(SQLModel, table=True):
    """One trade against an ad (SPEC F9). `status` moves only along the allowed transitions."""

    __tablename__ = "deals"
    __table_args__ = (
        Index("ix_deals_status_deadline", "status", "deadline_at"),
        Index("ix_deals_seller", "seller_id", "status"),
        Index("ix_deals_buyer", "buyer_id", "status"),
        Index("ix_deals_part", "part_id"),
        # One live deal per invoice part (SPEC F10): a second "open deal" on the part cannot commit.
        Index("ux_deals_live_part", "part_id", unique=True, sqlite_where=_LIVE, postgresql_where=_LIVE),
        # One live deal per promise: the promise's own status (in_deal) guards it first; this is the net.
        Index("ux_deals_live_promise", "promise_id", unique=True, sqlite_where=_LIVE, postgresql_where=_LIVE),
        Index("ix_deals_payment", "payment_id"),
        # One live fiat payout per invoice payment (services/fiat_payouts.py; alembic 0027_fiat_payout).
        Index("ux_deals_live_payment", "payment_id", unique=True, sqlite_where=_LIVE, postgresql_where=_LIVE),
    )

    id: int | None = Field(default=None, primary_key=True)
    ad_id: int = Field(foreign_key="ads.id", index=True)
    seller_id: int = Field(foreign_key="users.id")  # gives crypto, receives fiat
    buyer_id: int = Field(foreign_key="users.id")  # pays fiat, receives crypto
    taker_id: int = Field(foreign_key="users.id")
    asset: str = Field(foreign_key="assets.code", max_length=8)
    amount: int = Field(sa_column=money_column())  # asset minor units the buyer pays fiat for
    # The platform's fee (SPEC F12), fixed at opening by the rule then in force, and who pays it: the ad's
    # owner (maker) or the taker (services/deal_fees.py says where it is held and where it goes).
    fee: int = Field(default=0, sa_column=money_column(server_default="0"))
    fee_payer: str = Field(default="maker", max_length=10, sa_column_kwargs={"server_default": "maker"})
    fiat: str = Field(max_length=3)
    fiat_amount: int = Field(sa_column=money_column())
    price: int = Field(sa_column=money_column())
    method: str = Field(max_length=32)
    # requested | escrow_locked | fiat_sent | released | cancelled | expired | disputed | resolved
    status: str = Field(default="requested", max_length=16)
    # Where released crypto goes: "buyer" (the buyer's balance) or "part:<id>", an invoice part the buyer
    # pays (SPEC F10); part_id is that part, for the foreign key and the one-live-deal index.
    release_to: str = Field(default="buyer", max_length=32)
    # What the deal is for (domain.deals.PURPOSES); services/deal_purposes.py moves its escrow accordingly.
    purpose: str = Field(default="plain", max_length=16, sa_column_kwargs={"server_default": "plain"})
    part_id: int | None = Field(default=None, foreign_key="payment_parts.id")
    # The promise a promise-sale deal holds as its escrow (services/promise_sales.py).
    promise_id: int | None = Field(default=None, foreign_key="promises.id")
    # A fiat payout (purpose fiat_payout): the invoice payment whose merchant the buyer pays in fiat.
    payment_id: int | None = Field(default=None, foreign_key="invoice_payments.id")
    release_ref: str | None = Field(default=None, max_length=64)
    idempotency_key: str = Field(unique=True, max_length=200)
    deadline_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))  # current timer
    # The payment deadline set at opening: undoing "I have paid" returns to it, never later. open_deal
    # sets it; a row written without it has no payment time left.
    payment_deadline_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    cancel_requested_by: int | None = Field(default=None, foreign_key="users.id")
    fiat_sent_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    # When a side may first open a dispute: "I have paid" plus the setting deal_dispute_after_s of then.
    dispute_opens_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    released_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class DealEvent(SQLModel, table=True):
    """Every transition of a deal: who, when, from, to."""

    __tablename__ = "deal_events"

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deals.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="users.id")  # None: a timer
    from_status: str = Field(max_length=16)
    to_status: str = Field(max_length=16)
    note: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class ChatMessage(SQLModel, table=True):
    """A message of a deal's chat or of a payment's "contact the seller" chat (issue 12).

    One table for both rather than a payment_messages twin: the two chats have the same limits, the same
    cleaning of text and images, the same attachment route and files; only who may read differs, and
    services/chat.py decides that per room. Exactly one of deal_id / payment_id names the room.
    """

    __tablename__ = "chat_messages"
    __table_args__ = (
        Index("ix_chat_messages_deal", "deal_id", "id"),
        Index("ix_chat_messages_payment", "payment_id", "id"),
        CheckConstraint("(deal_id IS NULL) <> (payment_id IS NULL)", name="ck_chat_messages_one_room"),
    )

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int | None = Field(default=None, foreign_key="deals.id")
    payment_id: int | None = Field(default=None, foreign_key="invoice_payments.id")
    author_id: int | None = Field(default=None, foreign_key="users.id")  # None: a system message
    kind: str = Field(default="text", max_length=8)  # text | system | image
    body: str = Field(sa_column=Column(Text, nullable=False))  # plain text, escaped when shown
    attachment_path: str | None = Field(default=None, max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class PaymentChat(SQLModel, table=True):
    """What a payment's chat remembers besides its messages: how far each side has read (the merchant's
    "Messages (2)" on the invoice page) and whether a side called an operator, who may read and write
    in it from then on. Created with the chat's first message or call."""

    __tablename__ = "payment_chats"

    payment_id: int = Field(foreign_key="invoice_payments.id", primary_key=True)
    payer_read_id: int = Field(default=0)  # the last message id the payer has seen
    merchant_read_id: int = Field(default=0)
    operator_called_by: int | None = Field(default=None, foreign_key="users.id")
    operator_called_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))


class Dispute(SQLModel, table=True):
    __tablename__ = "disputes"

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deals.id", unique=True)
    opened_by: int | None = Field(default=None, foreign_key="users.id")  # None: the release timer
    # Why it was opened when no side did: `user_blocked` (an operator blocked a side; opened_by is them).
    reason: str | None = Field(default=None, max_length=20)
    seller_statement: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    buyer_statement: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # open | released_to_buyer | refunded_to_seller | split
    outcome: str = Field(default="open", max_length=20)
    buyer_share: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))  # split
    resolved_by: int | None = Field(default=None, foreign_key="users.id")
    resolved_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class Review(SQLModel, table=True):
    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("deal_id", "author_id", name="uq_reviews_deal_author"),)

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deals.id")
    author_id: int = Field(foreign_key="users.id")
    subject_id: int = Field(foreign_key="users.id", index=True)
    positive: bool
    comment: str = Field(default="", max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class Notification(SQLModel, table=True):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id")
    kind: str = Field(max_length=32)  # deal_requested | deal_status | chat_message | timer_soon | dispute_opened
    deal_id: int | None = Field(default=None, foreign_key="deals.id")
    text_key: str = Field(max_length=64)  # i18n catalog key; params below
    params: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))
    read_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
