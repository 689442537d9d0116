"""Paying a part with a promise (SPEC F5, F6): the payer hands in a promise's code; the part takes what
it asks, and what the promise held beyond that comes back to the payer at once as a new promise (the
change), all in one transaction. A promise worth less than the part, or of another asset, is refused
and nothing changes. The codes of the promises a part gave the payer are shown once
(take_promise_codes); the money itself moves in services/funding.PromiseSource.

Lock order: the promise row, then the invoice's (payment_completion.fund_part: invoice, payment,
ledger accounts in ascending id). Redeeming a promise locks it before its accounts too, so a promise
spent in a part and redeemed at the same moment is taken by one of them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Row, select, update
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain.invoices import PENDING
from krypton_app.domain.promises import PromiseRefused, normalise_code
from krypton_app.services.crypto import unseal
from krypton_app.services.funding import PromiseSource, check_promise_covers
from krypton_app.services.invoice_rows import invoice_by_id, to_utc
from krypton_app.services.payment_completion import fund_part
from krypton_app.services.payment_rows import PaymentView, parts_table, payment_of, payment_view
from krypton_app.services.promise_codes import PromiseCode
from krypton_app.services.promise_rows import code_hash, promises_table
from krypton_app.services.promises import check_guess_limit, guess_actors, record_wrong_code
from krypton_app.services.rates import RateProvider
from krypton_app.settings import Settings

_parts, _promises = parts_table, promises_table


def fund_part_from_promise(
    uow: UnitOfWork,
    payer_id: int,
    payment_id: int,
    part_id: int,
    code: str,
    *,
    settings: Settings,
    rates: RateProvider,
    now: datetime,
    expected_amount: int | None = None,
) -> PaymentView:
    """Fund the payer's part with the promise of `code` (the bare code or its /p/<code> link), at the
    amount the payer confirmed (`expected_amount`, as services/payments.fund_part_from_balance): the
    promise is spent, the part funded, the change issued to the payer; the last part completes the
    payment. A part funded already is left as it is and the promise stays unspent (a double click)."""
    now = to_utc(now)
    # Guessing codes through a payment costs what guessing them on the redeem page costs.
    actors = guess_actors(payer_id, None)
    check_guess_limit(uow, actors, now=now)
    try:
        return _fund(uow, payer_id, payment_id, part_id, code, settings, rates, now, expected_amount)
    except PromiseRefused as error:
        if error.code == "promise_not_found":
            record_wrong_code(uow, actors, now=now)
        raise


def _fund(
    uow: UnitOfWork,
    payer_id: int,
    payment_id: int,
    part_id: int,
    code: str,
    settings: Settings,
    rates: RateProvider,
    now: datetime,
    expected_amount: int | None,
) -> PaymentView:
    with uow.transaction() as s:
        promise = _lock_promise(s, code, settings)
        payment = payment_of(s, payer_id, payment_id)
        part = s.execute(
            select(_parts.c.amount, _parts.c.status).where(_parts.c.id == part_id, _parts.c.payment_id == payment_id)
        ).one_or_none()
        if part is not None and part.status == PENDING:
            # Refused here with the numbers in the message; PromiseSource checks again at the amount it funds.
            decimals = invoice_by_id(s, payment.invoice_id).decimals
            asks = part.amount if expected_amount is None else expected_amount
            check_promise_covers(promise.asset, promise.amount, payment.asset, asks, decimals)
        source = PromiseSource(code, now=now, settings=settings)
        lost = fund_part(
            s,
            payer_id,
            payment_id,
            part_id,
            source,
            settings=settings,
            rates=rates,
            now=now,
            expected_amount=expected_amount,
        )
        view = payment_view(s, payment_id, settings)
    # As fund_part_from_balance: a new quote (nothing spent) or a refund must outlive the transaction.
    if lost is not None:
        raise lost
    return view


def take_promise_codes(uow: UnitOfWork, payer_id: int, payment_id: int, *, settings: Settings) -> list[PromiseCode]:
    """The codes of the promises this payment's parts gave the payer and no page has shown yet; taking
    them forgets them (NotFound: not the caller's payment)."""
    taken: list[PromiseCode] = []
    with uow.transaction() as s:
        payment_of(s, payer_id, payment_id)
        rows = s.execute(
            select(_parts.c.id, _parts.c.position, _parts.c.promise_codes_sealed)
            .where(_parts.c.payment_id == payment_id, _parts.c.promise_codes_sealed.is_not(None))
            .order_by(_parts.c.position)
        ).all()
        for row in rows:
            # Taken by the UPDATE that clears exactly what was read: of two tabs, one shows the codes.
            cleared = s.execute(
                update(_parts)
                .where(_parts.c.id == row.id, _parts.c.promise_codes_sealed == row.promise_codes_sealed)
                .values(promise_codes_sealed=None)
            ).rowcount
            if cleared == 1:
                taken += [
                    PromiseCode(row.position, item["origin"], item["asset"], int(item["amount"]), item["code"])
                    for item in unseal(settings, row.promise_codes_sealed)
                ]
    return taken


def _lock_promise(s: Session, code: str, settings: Settings) -> Row:
    """The promise of `code`, locked first (the lock order above); PromiseRefused when there is none."""
    normal = normalise_code(code)
    row = None
    if normal is not None:
        row = s.execute(
            select(_promises.c.id, _promises.c.asset, _promises.c.amount)
            .where(_promises.c.code_hash == code_hash(settings, normal))
            .with_for_update()
        ).one_or_none()
    if row is None:
        raise PromiseRefused(code="promise_not_found")
    return row
