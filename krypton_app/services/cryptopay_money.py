"""The Crypto Pay compatibility API's money out of the merchant's balance: checks and transfers.

- A check is a Krypton promise (services/promises.py) funded from the merchant's available balance; its
  link is the promise's redeem page, and its code is kept sealed beside it so getChecks can give the link
  again. `pin_to_user_id` pins it to the Krypton user with that Telegram id (the promise's own pin, which
  its redeem enforces). deleteCheck cancels the promise: the money goes back.
- A transfer moves money from the merchant to the Krypton user whose Telegram id is `user_id`, once per
  (app, spend_id): the row and the ledger posting are one transaction, and the unique constraint makes a
  racing twin wait and then find the first. Off unless the app has the TRANSFERS scope.

A test app is refused both (403 METHOD_DISABLED): a sandbox has no balance to spend.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Row, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from krypton_app import routes
from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import InsufficientFunds, InvalidAmount, KryptonError
from krypton_app.domain.ledger import Leg
from krypton_app.domain.money import format_amount, to_minor
from krypton_app.domain.promises import ACTIVE, REDEEMED
from krypton_app.models.cryptopay import CryptoPayCheck, CryptoPayTransfer
from krypton_app.models.ledger import Asset
from krypton_app.models.users import User
from krypton_app.services import ledger, promises
from krypton_app.services.compat_keys import TRANSFERS, CompatPrincipal
from krypton_app.services.crypto import seal, unseal
from krypton_app.services.cryptopay import ASSETS, CryptoPayRefused, iso
from krypton_app.services.promise_rows import promise_query, promises_table
from krypton_app.settings import Settings

CRYPTOPAY_TRANSFER = "cryptopay_transfer"
ACTIVATED = "activated"
SPEND_ID_MAX, COMMENT_MAX = 64, 1024
_checks = CryptoPayCheck.__table__
_transfers = CryptoPayTransfer.__table__
_p = promises_table


def _money_app(app: CompatPrincipal) -> None:
    if app.is_test:
        raise CryptoPayRefused("METHOD_DISABLED", 403)


def _minor(s: Session, asset: str | None, amount: str | None) -> tuple[str, int]:
    if asset not in ASSETS:
        raise CryptoPayRefused("ASSET_INVALID")
    decimals = s.execute(select(Asset.decimals).where(Asset.code == asset)).scalar_one()
    try:
        minor = to_minor(amount or "", decimals)
    except InvalidAmount:
        raise CryptoPayRefused("AMOUNT_INVALID") from None
    if minor <= 0:
        raise CryptoPayRefused("AMOUNT_INVALID")
    return str(asset), minor


def _telegram_user(s: Session, telegram_id: int) -> int:
    user_id = s.execute(select(User.id).where(User.telegram_id == telegram_id)).scalar_one_or_none()
    if user_id is None:
        raise CryptoPayRefused("USER_NOT_FOUND")
    return user_id


# --- checks -----------------------------------------------------------------------------------------


def create_check(
    uow: UnitOfWork,
    app: CompatPrincipal,
    *,
    asset: str | None,
    amount: str | None,
    settings: Settings,
    now: datetime,
    pin_to_user_id: int | None = None,
    pin_to_username: str | None = None,
) -> dict:
    _money_app(app)
    with uow.read() as s:
        asset, minor = _minor(s, asset, amount)
        pinned = _telegram_user(s, pin_to_user_id) if pin_to_user_id is not None else None
    pin = "@" + pin_to_username.strip().lstrip("@") if pin_to_username and pin_to_username.strip() else None

    def attach(session: Session, promise_id: int, code: str) -> None:
        session.add(CryptoPayCheck(promise_id=promise_id, key_id=app.key_id, code_sealed=seal(settings, code)))
        session.flush()

    try:
        made = promises.create_promise(
            uow,
            app.user_id,
            asset=asset,
            amount=minor,
            idempotency_key=f"cryptopay-check:{uuid.uuid4().hex}",  # Crypto Pay's createCheck has no key
            settings=settings,
            now=now,
            pin=pin,
            pinned_user_id=pinned,
            attach=attach,
        )
    except InsufficientFunds:
        raise CryptoPayRefused("NOT_ENOUGH_COINS") from None
    except KryptonError as error:
        raise CryptoPayRefused("USER_NOT_FOUND" if error.code == "promise_pin_unknown" else "PARAMS_INVALID") from None
    return get_checks(uow, app, settings=settings, check_ids=[made.promise.id])[0]


def get_checks(
    uow: UnitOfWork,
    app: CompatPrincipal,
    *,
    settings: Settings,
    asset: str | None = None,
    check_ids: list[int] | None = None,
    status: str | None = None,
    offset: int = 0,
    count: int = 100,
) -> list[dict]:
    """The app's checks, newest first: active or activated (a deleted one is gone)."""
    statuses = {"active": (ACTIVE,), ACTIVATED: (REDEEMED,), None: (ACTIVE, REDEEMED)}
    if status not in statuses:
        raise CryptoPayRefused("STATUS_INVALID")
    _page(offset, count)
    query = (
        promise_query()
        .join(_checks, _checks.c.promise_id == _p.c.id)
        .add_columns(_checks.c.code_sealed)
        .where(_checks.c.key_id == app.key_id, _p.c.issuer_id == app.user_id, _p.c.status.in_(statuses[status]))
    )
    if asset is not None:
        query = query.where(_p.c.asset == asset)
    if check_ids is not None:
        query = query.where(_p.c.id.in_(check_ids))
    with uow.read() as s:
        rows = s.execute(query.order_by(_p.c.id.desc()).offset(offset).limit(count)).all()
    return [_check_object(row, settings) for row in rows]


def delete_check(uow: UnitOfWork, app: CompatPrincipal, check_id: int, *, settings: Settings, now: datetime) -> bool:
    found = get_checks(uow, app, settings=settings, check_ids=[check_id])
    if not found:
        raise CryptoPayRefused("CHECK_NOT_FOUND")
    if found[0]["status"] != "active":
        raise CryptoPayRefused("CHECK_NOT_ACTIVE")
    try:
        promises.cancel_promise(uow, app.user_id, check_id, now=now)
    except KryptonError:  # redeemed in between
        raise CryptoPayRefused("CHECK_NOT_ACTIVE") from None
    return True


def _check_object(row: Row, settings: Settings) -> dict:
    m = row._mapping
    code = str(unseal(settings, m["code_sealed"]))
    check = {
        "check_id": m["id"],
        "hash": m["code_hint"],
        "asset": m["asset"],
        "amount": format_amount(m["amount"], m["decimals"]),
        "bot_check_url": settings.app_url.rstrip("/") + routes.promise_link(code),
        "status": ACTIVATED if m["status"] == REDEEMED else "active",
        "created_at": iso(m["created_at"]),
    }
    return check | ({"activated_at": iso(m["redeemed_at"])} if m["redeemed_at"] else {})


# --- transfers --------------------------------------------------------------------------------------


def transfer(
    uow: UnitOfWork,
    app: CompatPrincipal,
    *,
    user_id: int,
    asset: str | None,
    amount: str | None,
    spend_id: str | None,
    now: datetime,
    comment: str | None = None,
) -> dict:
    """Move `amount` from the merchant to the Krypton user with Telegram id `user_id`; the same spend_id
    again returns the first transfer and moves nothing."""
    if TRANSFERS not in app.scopes:
        raise CryptoPayRefused("METHOD_DISABLED", 403)
    _money_app(app)
    if not spend_id or len(spend_id) > SPEND_ID_MAX:
        raise CryptoPayRefused("SPEND_ID_INVALID")
    if comment is not None and len(comment) > COMMENT_MAX:
        raise CryptoPayRefused("COMMENT_TOO_LONG")
    with uow.transaction() as s:
        first = _transfer_row(s, app.key_id, spend_id)
        if first is not None:
            return _transfer_object(first)
        asset, minor = _minor(s, asset, amount)
        recipient = _telegram_user(s, user_id)
        if recipient == app.user_id:
            raise CryptoPayRefused("USER_ID_INVALID")
        dialect = postgresql if uow.is_postgres else sqlite
        values = dict(key_id=app.key_id, spend_id=spend_id, recipient_id=recipient, telegram_id=user_id)
        values |= dict(asset=asset, amount=minor, comment=comment, completed_at=now)
        transfer_id = s.execute(
            dialect.insert(_transfers).values(**values).on_conflict_do_nothing().returning(_transfers.c.id)
        ).scalar_one_or_none()
        if transfer_id is None:  # a twin with this spend_id committed first: its transfer is the answer
            return _transfer_object(_transfer_row(s, app.key_id, spend_id))
        leg = Leg(ledger.user_account(s, app.user_id, asset), ledger.user_account(s, recipient, asset), minor)
        try:
            ledger.post(
                s,
                idempotency_key=f"cryptopay-transfer:{app.key_id}:{spend_id}",
                kind=CRYPTOPAY_TRANSFER,
                legs=[leg],
                memo=f"cryptopay transfer {transfer_id}",
            )
        except InsufficientFunds:
            raise CryptoPayRefused("NOT_ENOUGH_COINS") from None
        return _transfer_object(_transfer_row(s, app.key_id, spend_id))


def get_transfers(
    uow: UnitOfWork,
    app: CompatPrincipal,
    *,
    asset: str | None = None,
    transfer_ids: list[int] | None = None,
    spend_id: str | None = None,
    offset: int = 0,
    count: int = 100,
) -> list[dict]:
    _page(offset, count)
    query = select(_transfers).where(_transfers.c.key_id == app.key_id)
    if asset is not None:
        query = query.where(_transfers.c.asset == asset)
    if transfer_ids is not None:
        query = query.where(_transfers.c.id.in_(transfer_ids))
    if spend_id is not None:
        query = query.where(_transfers.c.spend_id == spend_id)
    with uow.read() as s:
        rows = s.execute(query.order_by(_transfers.c.id.desc()).offset(offset).limit(count)).all()
        decimals = dict(s.execute(select(Asset.code, Asset.decimals)).all())
    return [_transfer_object(row, decimals[row.asset]) for row in rows]


def _transfer_row(s: Session, key_id: int, spend_id: str) -> Row | None:
    return s.execute(
        select(_transfers, Asset.decimals)
        .join(Asset, Asset.code == _transfers.c.asset)
        .where(_transfers.c.key_id == key_id, _transfers.c.spend_id == spend_id)
    ).one_or_none()


def _transfer_object(row: Row, decimals: int | None = None) -> dict:
    transfer = {
        "transfer_id": row.id,
        "spend_id": row.spend_id,
        "user_id": row.telegram_id,
        "asset": row.asset,
        "amount": format_amount(row.amount, row.decimals if decimals is None else decimals),
        "status": "completed",
        "completed_at": iso(row.completed_at),
    }
    return transfer | ({"comment": row.comment} if row.comment else {})


def _page(offset: int, count: int) -> None:
    if not 1 <= count <= 1000:
        raise CryptoPayRefused("COUNT_INVALID")
    if offset < 0:
        raise CryptoPayRefused("OFFSET_INVALID")
