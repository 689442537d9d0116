"""What the pages read of P2P ads (SPEC F8): the ad's view, one ad, the owner's list, and the query
the market (services/market.py) builds its search on. The use cases that change ads are services/ads.py.

An AdView is public (market and ad pages show it to everybody), so it never carries the ad's payment
details: payment_details_of gives them to the owner's edit form only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, Table, select
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain import ads as rules
from krypton_app.domain.ads import ACTIVE, CLOSED, FLOATING
from krypton_app.domain.errors import Forbidden, NotFound
from krypton_app.models import Asset, User
from krypton_app.models.catalog import FiatCurrency
from krypton_app.models.invoices import Invoice
from krypton_app.models.market import Ad
from krypton_app.services.rates import RateProvider
from krypton_app.services.users import public_name

_ads: Table = Ad.__table__
_users: Table = User.__table__
_assets: Table = Asset.__table__
_fiats: Table = FiatCurrency.__table__
_invoices: Table = Invoice.__table__


@dataclass(frozen=True)
class AdView:
    id: int
    owner_id: int
    owner_name: str
    side: str
    asset: str
    decimals: int
    fiat: str
    fiat_decimals: int
    country: str
    methods: tuple[str, ...]
    price_kind: str
    price: int  # fiat minor per whole asset unit, current
    margin_bp: int | None
    min_amount: int
    max_amount: int
    total_volume: int
    remaining: int
    payment_window_min: int
    terms: str
    min_completed_deals: int
    status: str
    created_at: datetime
    # What its owner may do now (domain.ads.OWNER_ACTIONS): the owner's pages draw their buttons from it.
    owner_actions: frozenset[str] = frozenset()

    @property
    def open_for_deals(self) -> bool:
        """On the market: a taker may open a deal on it (take_ad_volume checks again)."""
        return self.status == ACTIVE


def get_ad(uow: UnitOfWork, ad_id: int, *, rates: RateProvider | None = None) -> AdView:
    with uow.read() as s:
        return read_ad(s, ad_id, rates)


def payment_details_of(uow: UnitOfWork, owner_id: int, ad_id: int) -> str:
    """An ad's payment details, for its owner's edit form only (Forbidden to anyone else): AdView, which
    the market and ad pages show to everybody, never carries them."""
    with uow.read() as s:
        row = s.execute(select(_ads.c.owner_id, _ads.c.payment_details).where(_ads.c.id == ad_id)).one_or_none()
    if row is None:
        raise NotFound(f"ad {ad_id} not found")
    if row.owner_id != owner_id:
        raise Forbidden(f"ad {ad_id} is not yours")
    return row.payment_details


def list_my_ads(uow: UnitOfWork, owner_id: int, *, rates: RateProvider | None = None) -> list[AdView]:
    """The owner's ads, open ones first, newest first."""
    with uow.read() as s:
        rows = s.execute(
            select_ads().where(_ads.c.owner_id == owner_id).order_by((_ads.c.status == CLOSED), _ads.c.id.desc())
        ).all()
        return [ad_view(row, rates) for row in rows]


def ad_frame_origins(uow: UnitOfWork, ad_id: int) -> tuple[str, ...]:
    """The sites that may frame an ad's widget (SPEC F11): those its owner allowed to frame their invoices'
    widgets, the one list of sites a user gives Krypton. None for an unknown or closed ad."""
    with uow.read() as s:
        ad = s.execute(select(_ads.c.owner_id, _ads.c.status).where(_ads.c.id == ad_id)).one_or_none()
        if ad is None or ad.status == CLOSED:
            return ()
        lists = s.execute(
            select(_invoices.c.allowed_origins).where(
                _invoices.c.merchant_id == ad.owner_id, _invoices.c.allowed_origins != ""
            )
        ).scalars()
        return tuple(sorted({origin for text in lists for origin in text.split()}))


def read_ad(s: Session, ad_id: int, rates: RateProvider | None = None) -> AdView:
    """One ad as a view, inside the caller's session (NotFound if there is none)."""
    row = s.execute(select_ads().where(_ads.c.id == ad_id)).one_or_none()
    if row is None:
        raise NotFound(f"ad {ad_id} not found")
    return ad_view(row, rates)


def ad_view(row: Row, rates: RateProvider | None = None) -> AdView:
    """A row of `select_ads()` as a view; with `rates`, a floating ad shows its price at the current rate."""
    price = row.price
    if rates is not None and row.price_kind == FLOATING:
        price = rules.floating_price(rates.rate(row.asset, row.fiat), row.margin_bp, row.fiat_decimals)
    return AdView(
        id=row.id,
        owner_id=row.owner_id,
        owner_name=public_name(row.owner_name, row.owner_username, row.owner_wallet),
        side=row.side,
        asset=row.asset,
        decimals=row.decimals,
        fiat=row.fiat,
        fiat_decimals=row.fiat_decimals,
        country=row.country,
        methods=tuple(row.methods.split()),
        price_kind=row.price_kind,
        price=price,
        margin_bp=row.margin_bp,
        min_amount=row.min_amount,
        max_amount=row.max_amount,
        total_volume=row.total_volume,
        remaining=row.remaining,
        payment_window_min=row.payment_window_min,
        terms=row.terms,
        min_completed_deals=row.min_completed_deals,
        status=row.status,
        created_at=row.created_at,
        owner_actions=rules.OWNER_ACTIONS[row.status],
    )


def select_ads():
    """Ads with what a view needs: owner's name and the decimals of asset and fiat."""
    return (
        select(
            _ads,
            _users.c.display_name.label("owner_name"),
            _users.c.username.label("owner_username"),
            _users.c.wallet_address.label("owner_wallet"),
            _assets.c.decimals.label("decimals"),
            _fiats.c.decimals.label("fiat_decimals"),
        )
        .join(_users, _users.c.id == _ads.c.owner_id)
        .join(_assets, _assets.c.code == _ads.c.asset)
        .join(_fiats, _fiats.c.code == _ads.c.fiat)
    )
