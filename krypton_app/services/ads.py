"""P2P ads (SPEC F8): create, edit, pause, resume, close; and the volume a deal takes from an ad.

Money flow (ledger kinds): a sell ad holds its unreserved volume, `remaining`, from the owner's balance
while it is active: create and resume = owner available -> owner held (ad_reserve); pause and close =
owner held -> owner available (ad_release); an edit of the volume moves the difference either way. A
deal takes its amount out of `remaining` (the money stays held, now owed to the deal) and may give it
back while the ad is active; otherwise the deal's side releases it to the owner's balance. A buy ad
holds nothing.

`total_volume - remaining` is the volume handed to deals so far; an edit keeps it and moves `remaining`
by the change in `total_volume`. What pages read of an ad (AdView, one ad, the owner's list) is
services/ad_views.py.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Row, Table, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain import ads as rules
from krypton_app.domain.ads import ACTIVE, BUY, CLOSED, FIXED, FLOATING, PAUSED, SELL, AdInvalid
from krypton_app.domain.errors import (
    AdUnavailable,
    Forbidden,
    IdempotencyConflict,
    InvalidAmount,
    InvalidState,
    NotFound,
)
from krypton_app.domain.ledger import AVAILABLE, HELD, Leg
from krypton_app.domain.money import to_minor
from krypton_app.models import Asset
from krypton_app.models.catalog import Country, CountryPaymentMethod, FiatCurrency
from krypton_app.models.common import utcnow
from krypton_app.models.market import Ad
from krypton_app.services.ad_views import AdView, read_ad
from krypton_app.services.ledger import post, user_account
from krypton_app.services.rates import RateProvider
from krypton_app.services.users import blocked_among

AD_RESERVE = "ad_reserve"
AD_RELEASE = "ad_release"

_ads: Table = Ad.__table__
_assets: Table = Asset.__table__
_fiats: Table = FiatCurrency.__table__

AdRow = Row  # a row of `ads`, as take_ad_volume returns it


@dataclass(frozen=True)
class AdDraft:
    side: str
    asset: str
    fiat: str
    country: str
    methods: tuple[str, ...]
    price_kind: str
    price: str | None  # fixed: fiat per 1 whole asset unit, decimal text
    margin_percent: str | None  # floating: percent over the reference rate, e.g. "-1.5"
    min_amount: str
    max_amount: str
    total_volume: str
    payment_window_min: int = 15
    terms: str = ""
    min_completed_deals: int = 0
    # Private: never in AdView (market and ad pages); see payment_details_of and services/deal_room.py.
    payment_details: str = ""


# --- use cases -----------------------------------------------------------------------------------


def create_ad(uow: UnitOfWork, owner_id: int, draft: AdDraft, *, rates: RateProvider, idempotency_key: str) -> AdView:
    """Post an ad; a sell ad holds its total volume. A floating ad is priced at `rates`' reference rate.

    Idempotent per owner, for both sides: the same key and the same draft return the first ad; the same
    key with another draft raises IdempotencyConflict."""
    with uow.read() as s:
        values = _validate(s, draft, rates)
    key = f"{owner_id}:{idempotency_key}"  # the column is unique across owners; the key is per owner
    try:
        return _create(uow, owner_id, values, key, rates)
    except IntegrityError:
        # A twin request with the same key committed its ad first (ours rolled back): its ad is the answer.
        with uow.read() as s:
            existing = _ad_of_key(s, key)
            if existing is None:
                raise
            return _replay(s, existing, values, rates)


def _create(uow: UnitOfWork, owner_id: int, values: dict, key: str, rates: RateProvider) -> AdView:
    with uow.transaction() as s:
        existing = _ad_of_key(s, key)
        if existing is not None:
            return _replay(s, existing, values, rates)
        now = utcnow()
        ad_id = s.execute(
            _ads.insert()
            .values(owner_id=owner_id, **values, remaining=values["total_volume"], status=ACTIVE, created_at=now)
            .values(idempotency_key=key, updated_at=now)
            .returning(_ads.c.id)
        ).scalar_one()
        if values["side"] == SELL:
            _move(s, owner_id, values["asset"], values["total_volume"], AD_RESERVE, f"{AD_RESERVE}:{key}", ad_id)
        return read_ad(s, ad_id, rates)


def update_ad(uow: UnitOfWork, owner_id: int, ad_id: int, draft: AdDraft, *, rates: RateProvider) -> AdView:
    """Edit an open ad. Side and asset are fixed at creation; a volume change moves the reserve."""
    with uow.read() as s:
        values = _validate(s, draft, rates)
    with uow.transaction() as s:
        ad = _lock_own(s, owner_id, ad_id)
        if "edit" not in rules.OWNER_ACTIONS[ad.status]:
            raise InvalidState(f"ad {ad_id} is closed", status=ad.status)
        if draft.side != ad.side:
            raise AdInvalid("ad_side_invalid", "side")
        if draft.asset != ad.asset:
            raise AdInvalid("ad_market_invalid", "asset")
        remaining = ad.remaining + values["total_volume"] - ad.total_volume
        if remaining < 0:
            # Less than deals already took: the volume cannot shrink below it.
            raise AdInvalid("ad_limits_invalid", "total_volume")
        s.execute(update(_ads).where(_ads.c.id == ad_id).values(**values, remaining=remaining, updated_at=utcnow()))
        delta = remaining - ad.remaining
        if ad.side == SELL and ad.status == ACTIVE and delta:
            kind = AD_RESERVE if delta > 0 else AD_RELEASE
            _move(s, owner_id, ad.asset, abs(delta), kind, _once(kind, ad_id), ad_id)
        return read_ad(s, ad_id, rates)


def pause_ad(uow: UnitOfWork, owner_id: int, ad_id: int) -> AdView:
    """Hide the ad from the market; a sell ad's remaining volume returns to the balance."""
    return _set_status(uow, owner_id, ad_id, PAUSED, from_statuses=rules.statuses_allowing("pause"))


def resume_ad(uow: UnitOfWork, owner_id: int, ad_id: int) -> AdView:
    """Show it again; a sell ad holds its remaining volume again (InsufficientFunds if spent meanwhile)."""
    return _set_status(uow, owner_id, ad_id, ACTIVE, from_statuses=rules.statuses_allowing("resume"))


def close_ad(uow: UnitOfWork, owner_id: int, ad_id: int) -> AdView:
    """End the ad for good; what deals did not take returns to the balance. Open deals run on."""
    return _set_status(uow, owner_id, ad_id, CLOSED, from_statuses=rules.statuses_allowing("close"))


# --- inside a deal's transaction (services/deals.py) ---------------------------------------------


def take_ad_volume(
    session: Session, ad_id: int, amount: int, taker_id: int, *, rates: RateProvider | None = None, fee: int = 0
) -> AdRow:
    """Take `amount` out of the ad's remaining volume for a new deal, or raise AdUnavailable. `fee` is the
    deal's fee when the sell ad's owner pays it: taken from the volume too (services/deal_purposes.py).

    The decrement is one conditional UPDATE, so two takers racing for the last volume cannot both win.
    With `rates`, a floating ad's price is recomputed at the current reference rate in the same UPDATE,
    so the returned row's `price` is the one the deal must use (with domain.ads.fiat_for).
    """
    from krypton_app.services.reputation import completed_deals  # reputation reads deals; no cycle at load

    ad = session.execute(select(_ads).where(_ads.c.id == ad_id)).one_or_none()
    if ad is None:
        raise NotFound(f"ad {ad_id} not found")
    if ad.status != ACTIVE:
        raise AdUnavailable(code="ad_inactive")
    if ad.owner_id == taker_id:
        raise AdUnavailable(code="ad_own")
    if blocked_among(session, [ad.owner_id]):
        # A blocked owner's sell ad holds its volume outside `available`, where the ledger looks: refuse here.
        raise AdUnavailable(code="ad_inactive")
    if not ad.min_amount <= amount <= ad.max_amount:
        decimals = session.execute(select(Asset.decimals).where(Asset.code == ad.asset)).scalar_one()
        numbers = {"minimum": ad.min_amount, "maximum": ad.max_amount, "decimals": decimals, "asset": ad.asset}
        raise AdUnavailable(code="ad_amount_out_of_range", **numbers)
    if ad.min_completed_deals and completed_deals(session, taker_id) < ad.min_completed_deals:
        raise AdUnavailable(code="ad_requirements_unmet", min_completed_deals=ad.min_completed_deals)
    price = ad.price
    if rates is not None and ad.price_kind == FLOATING:
        fiat_decimals = session.execute(select(_fiats.c.decimals).where(_fiats.c.code == ad.fiat)).scalar_one()
        price = rules.floating_price(rates.rate(ad.asset, ad.fiat), ad.margin_bp, fiat_decimals)
    taken = session.execute(
        update(_ads)
        .where(_ads.c.id == ad_id, _ads.c.status == ACTIVE, _ads.c.remaining >= amount + fee)
        .values(remaining=_ads.c.remaining - amount - fee, price=price, updated_at=utcnow())
        .returning(*_ads.c)
    ).one_or_none()
    if taken is None:
        # Someone else acted first: paused or closed it, or took the volume.
        now_ad = session.execute(select(_ads.c.status, _ads.c.remaining).where(_ads.c.id == ad_id)).one()
        if now_ad.status != ACTIVE:
            raise AdUnavailable(code="ad_inactive")
        decimals = session.execute(select(Asset.decimals).where(Asset.code == ad.asset)).scalar_one()
        raise AdUnavailable(code="ad_volume_exhausted", left=now_ad.remaining, decimals=decimals, asset=ad.asset)
    return taken


def return_ad_volume(session: Session, ad_id: int, amount: int) -> bool:
    """Give a cancelled deal's amount back to an active ad. False: the ad is paused or closed, and the
    caller must release the amount to the owner's available balance itself."""
    result = session.execute(
        update(_ads)
        .where(_ads.c.id == ad_id, _ads.c.status == ACTIVE)
        .values(remaining=_ads.c.remaining + amount, updated_at=utcnow())
    )
    return result.rowcount == 1


# --- helpers -------------------------------------------------------------------------------------


def _validate(s: Session, draft: AdDraft, rates: RateProvider) -> dict:
    if draft.side not in (SELL, BUY):
        raise AdInvalid("ad_side_invalid", "side")
    decimals = s.execute(select(_assets.c.decimals).where(_assets.c.code == draft.asset)).scalar_one_or_none()
    fiat_decimals = s.execute(select(_fiats.c.decimals).where(_fiats.c.code == draft.fiat)).scalar_one_or_none()
    country = s.get(Country, draft.country)
    if decimals is None:
        raise AdInvalid("ad_market_invalid", "asset")
    if fiat_decimals is None or country is None or country.fiat_code != draft.fiat:
        raise AdInvalid("ad_market_invalid", "country" if fiat_decimals is not None else "fiat")
    allowed = set(
        s.execute(
            select(CountryPaymentMethod.method_code).where(CountryPaymentMethod.country_code == draft.country)
        ).scalars()
    )
    methods = rules.check_methods(tuple(draft.methods), allowed)
    if draft.price_kind == FIXED:
        price, margin = rules.fixed_price(draft.price, fiat_decimals), None
    elif draft.price_kind == FLOATING:
        margin = rules.margin_bp(draft.margin_percent)
        price = rules.floating_price(rates.rate(draft.asset, draft.fiat), margin, fiat_decimals)
    else:
        raise AdInvalid("ad_price_invalid", "price_kind")
    amounts = {}
    for field in ("min_amount", "max_amount", "total_volume"):
        try:
            amounts[field] = to_minor(getattr(draft, field), decimals)
        except InvalidAmount as error:
            # Say what is wrong with the typed amount (amount_separator, too many decimals, ...).
            code = "ad_limits_invalid" if error.code == InvalidAmount.code else error.code
            refusal = AdInvalid(code, field)
            if code == "amount_too_many_decimals":
                refusal.details["decimals"] = decimals
            raise refusal from None
    rules.check_limits(amounts["min_amount"], amounts["max_amount"], amounts["total_volume"])
    return dict(
        side=draft.side,
        asset=draft.asset,
        fiat=draft.fiat,
        country=draft.country,
        methods=" ".join(methods),
        price_kind=draft.price_kind,
        price=price,
        margin_bp=margin,
        **amounts,
        payment_window_min=rules.check_window(draft.payment_window_min),
        terms=rules.check_terms(draft.terms),
        payment_details=rules.check_payment_details(draft.payment_details),
        min_completed_deals=rules.check_requirements(draft.min_completed_deals),
    )


def _set_status(uow: UnitOfWork, owner_id: int, ad_id: int, status: str, *, from_statuses: tuple[str, ...]) -> AdView:
    with uow.transaction() as s:
        ad = _lock_own(s, owner_id, ad_id)
        if ad.status == status:
            return read_ad(s, ad_id)  # a repeated click: already done
        moved = s.execute(
            update(_ads)
            .where(_ads.c.id == ad_id, _ads.c.status.in_(from_statuses))
            .values(status=status, remaining=0 if status == CLOSED else _ads.c.remaining, updated_at=utcnow())
        ).rowcount
        if not moved:
            raise InvalidState(f"ad {ad_id} is {ad.status}", status=ad.status)
        if ad.side == SELL and ad.remaining:
            if ad.status == ACTIVE:  # leaving the market: the reserve goes back
                _move(s, owner_id, ad.asset, ad.remaining, AD_RELEASE, _once(AD_RELEASE, ad_id), ad_id)
            elif status == ACTIVE:  # back on the market: hold it again
                _move(s, owner_id, ad.asset, ad.remaining, AD_RESERVE, _once(AD_RESERVE, ad_id), ad_id)
        return read_ad(s, ad_id)


def _lock_own(s: Session, owner_id: int, ad_id: int) -> Row:
    # The row lock orders an edit against take_ad_volume's conditional UPDATE on PostgreSQL
    # (SQLite serialises writers with BEGIN IMMEDIATE).
    ad = s.execute(select(_ads).where(_ads.c.id == ad_id).with_for_update()).one_or_none()
    if ad is None:
        raise NotFound(f"ad {ad_id} not found")
    if ad.owner_id != owner_id:
        raise Forbidden(f"ad {ad_id} is not yours")
    return ad


def _move(s: Session, owner_id: int, asset: str, amount: int, kind: str, key: str, ad_id: int) -> None:
    available, held = user_account(s, owner_id, asset, AVAILABLE), user_account(s, owner_id, asset, HELD)
    leg = Leg(available, held, amount) if kind == AD_RESERVE else Leg(held, available, amount)
    post(s, idempotency_key=key, kind=kind, legs=[leg], memo=f"ad:{ad_id}")


def _once(kind: str, ad_id: int) -> str:
    # Each status change or edit is guarded by the ad's row lock and status, so the movement is unique
    # by itself; the key only needs to be new.
    return f"{kind}:ad{ad_id}:{uuid.uuid4().hex}"


def _ad_of_key(s: Session, key: str) -> Row | None:
    return s.execute(select(_ads).where(_ads.c.idempotency_key == key)).one_or_none()


def _replay(s: Session, ad: Row, values: dict, rates: RateProvider) -> AdView:
    # The same key with another draft is a different request, not a retry. The draft is compared as
    # validated (so "420.5" and "420.50" agree); a floating ad's price follows the rate, its margin must
    # agree. An ad edited since its creation no longer matches the draft it was created from.
    compared = [name for name in values if not (name == "price" and values["price_kind"] == FLOATING)]
    if any(getattr(ad, name) != values[name] for name in compared):
        raise IdempotencyConflict("idempotency key already used for another ad")
    return read_ad(s, ad.id, rates)
