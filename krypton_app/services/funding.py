"""Funding sources of a payment part (SPEC F5): each way to pay a part is one more source here.

A source funds a part when the payer pays it (the money is then set aside, not yet the merchant's),
captures it to the merchant when the whole payment completes (less the part's share of the payment's
fee, which goes to the fee account in the same posting: SPEC F12), or refunds it to where it came from
when the payment is cancelled or the invoice cannot take it. Capture and refund of one part share one
ledger key, so even past the status checks the ledger refuses to do both.

Later sources (Lightning, fiat through a deal, promise) implement the same four methods; those whose
money arrives later are ArrivingSources.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import Table, select, update
from sqlmodel import Session

from krypton_app.domain.errors import InvalidState
from krypton_app.domain.fees import FeeRule, FeeSplit, take_out
from krypton_app.domain.invoices import CAPTURED, FUNDED, RETURNED
from krypton_app.domain.ledger import AVAILABLE, FEES, HELD, LIGHTNING, AccountRef, Leg
from krypton_app.domain.promises import CHANGE, REFUND, PromiseRefused
from krypton_app.models.invoices import InvoicePayment, PaymentPart
from krypton_app.models.ledger import Account
from krypton_app.services import promise_rows
from krypton_app.services.fiat_deposits import release_deposits
from krypton_app.services.ledger import post, system_account, user_account
from krypton_app.services.promise_codes import keep_code
from krypton_app.settings import Settings, get_settings

INVOICE_HOLD = "invoice_hold"
INVOICE_PAYMENT = "invoice_payment"
INVOICE_REFUND = "invoice_refund"
# A P2P deal's escrow released to its buyer (services/deals.py posts it too; here for DealSource).
DEAL_RELEASE = "deal_release"


@dataclass(frozen=True)
class PartFunding:
    """What a source needs to know about a part."""

    part_id: int
    payment_id: int
    asset: str
    amount: int
    funded_by: int | None


class FundingSource(Protocol):
    method: str

    def accounts(self, session: Session, part: PartFunding, merchant_id: int | None) -> list[AccountRef]:
        """The ledger accounts fund/capture (merchant_id given) or refund (None) touch, so the caller
        can lock them all up front."""
        ...

    def fund(self, session: Session, part: PartFunding, payer_id: int | None) -> str:
        """Set the part's money aside; returns a reference to what was done (e.g. the ledger key)."""
        ...

    def capture(self, session: Session, part: PartFunding, merchant_id: int, fee: int) -> None:
        """The part's money to the merchant, `fee` of it (0..amount) to the fee account, in one posting."""
        ...

    def refund(self, session: Session, part: PartFunding) -> None: ...


class ArrivingSource(FundingSource, Protocol):
    """A source whose money arrives after the payer chose it (a settled Lightning invoice, a P2P deal
    released to the part), funded through payment_completion.fund_on_arrival. The instance carries
    its origin."""

    reference: str  # unique per arrival, returned by fund(): tells whether this arrival funded the part

    def to_balance(self, session: Session, payer_id: int, amount: int) -> None:
        """Post the arrived amount from its origin to the payer's available balance: the part could not
        take it."""
        ...


class BalanceSource:
    """The payer's own balance: held on fund, held -> merchant available on capture, held ->
    available on refund."""

    method = "balance"

    def accounts(self, session: Session, part: PartFunding, merchant_id: int | None) -> list[AccountRef]:
        payer = _payer(part)
        accounts = [user_account(session, payer, part.asset, AVAILABLE), user_account(session, payer, part.asset, HELD)]
        if merchant_id is not None:
            accounts += _capture_accounts(session, merchant_id, part.asset)
        return accounts

    def fund(self, session: Session, part: PartFunding, payer_id: int | None) -> str:
        if payer_id is None:
            raise ValueError("a balance part needs a payer")
        key = f"invoice_part:{part.part_id}:hold"
        leg = Leg(
            user_account(session, payer_id, part.asset, AVAILABLE),
            user_account(session, payer_id, part.asset, HELD),
            part.amount,
        )
        post(session, idempotency_key=key, kind=INVOICE_HOLD, legs=[leg], memo=_memo(part))
        return key

    def capture(self, session: Session, part: PartFunding, merchant_id: int, fee: int) -> None:
        if not 0 <= fee <= part.amount:
            raise ValueError(f"fee {fee} out of part {part.part_id}'s {part.amount}")
        held = user_account(session, _payer(part), part.asset, HELD)
        legs = [
            Leg(held, target, amount)
            for target, amount in (
                (user_account(session, merchant_id, part.asset, AVAILABLE), part.amount - fee),
                (system_account(session, FEES, part.asset), fee),
            )
            if amount
        ]
        post(session, idempotency_key=_settle_key(part), kind=INVOICE_PAYMENT, legs=legs, memo=_memo(part))

    def refund(self, session: Session, part: PartFunding) -> None:
        payer = _payer(part)
        leg = Leg(
            user_account(session, payer, part.asset, HELD),
            user_account(session, payer, part.asset, AVAILABLE),
            part.amount,
        )
        post(session, idempotency_key=_settle_key(part), kind=INVOICE_REFUND, legs=[leg], memo=_memo(part))


class SandboxSource:
    """Sandbox funds for test-mode invoices: nothing moves in the ledger, ever."""

    method = "test"

    def accounts(self, session: Session, part: PartFunding, merchant_id: int | None) -> list[AccountRef]:
        return []

    def fund(self, session: Session, part: PartFunding, payer_id: int | None) -> str:
        return f"test:{part.part_id}"

    def capture(self, session: Session, part: PartFunding, merchant_id: int, fee: int) -> None:
        return None

    def refund(self, session: Session, part: PartFunding) -> None:
        return None


class DealSource(BalanceSource):
    """Crypto a P2P trader released for the part (SPEC F10): the payer paid the trader fiat, so once
    funded the part's money is the payer's, held like a balance part (capture and refund are
    BalanceSource's: a cancelled payment gives it to the payer's balance, not back to the trader).

    `deal_id`, `seller_id`, `asset` say where the money arrives from, `key` is the release's (or the
    operator's decision's) ledger key; the instance in SOURCES has none and only captures and refunds.
    Either way the trader's escrow goes to the buyer: ledger kind DEAL_RELEASE."""

    method = "fiat_deal"

    def __init__(
        self,
        deal_id: int | None = None,
        seller_id: int | None = None,
        asset: str = "",
        *,
        key: str = "",
    ):
        self.deal_id, self.seller_id, self.asset, self.key = deal_id, seller_id, asset, key

    @property
    def reference(self) -> str:
        return f"deal:{self.deal_id}"

    def accounts(self, session: Session, part: PartFunding, merchant_id: int | None) -> list[AccountRef]:
        accounts = super().accounts(session, part, merchant_id)
        if self.seller_id is not None:
            accounts.append(user_account(session, self.seller_id, part.asset, HELD))
        return accounts

    def fund(self, session: Session, part: PartFunding, payer_id: int | None) -> str:
        """The trader's escrow (seller HELD) -> the payer's HELD, in the release's ledger transaction."""
        if payer_id is None:
            raise ValueError("a deal part needs a payer")
        self._post(session, user_account(session, payer_id, self.asset, HELD), part.amount)
        return self.reference

    def to_balance(self, session: Session, payer_id: int, amount: int) -> None:
        """The part could not take the money: it goes to the payer, who paid the fiat for it."""
        self._post(session, user_account(session, payer_id, self.asset, AVAILABLE), amount)

    def _post(self, session: Session, target: AccountRef, amount: int) -> None:
        if self.seller_id is None or not self.key:
            raise ValueError("a deal source without its deal only captures and refunds")
        leg = Leg(user_account(session, self.seller_id, self.asset, HELD), target, amount)
        post(session, idempotency_key=self.key, kind=DEAL_RELEASE, legs=[leg], memo=f"deal {self.deal_id}")


class PromiseSource(BalanceSource):
    """A promise the payer hands in (SPEC F5, F6). Funding spends it: the part's amount leaves the
    promise backing into the payer's held account (a balance part from there on), and whatever the
    promise held beyond the part stays in the backing as a new promise of the payer's, the change, whose
    code the payer's page shows once (services/promise_codes.py). A refund never reaches a balance: the
    part's money goes back into the backing as a new promise of the payer's (origin "refund"), never to
    the first promise's issuer. The instance in SOURCES carries no code: it captures and refunds only."""

    method = "promise"

    def __init__(self, code: str | None = None, *, now: datetime | None = None, settings: Settings | None = None):
        self.code = code
        self.now = now
        self.settings = settings

    def accounts(self, session: Session, part: PartFunding, merchant_id: int | None) -> list[AccountRef]:
        accounts = [promise_rows.backing(session, part.asset), user_account(session, _payer(part), part.asset, HELD)]
        if merchant_id is not None:
            accounts += _capture_accounts(session, merchant_id, part.asset)
        return accounts

    def fund(self, session: Session, part: PartFunding, payer_id: int | None) -> str:
        if self.code is None or self.now is None or payer_id is None:
            raise ValueError("a promise part needs its payer and the promise's code")
        settings = self.settings or get_settings()
        spent = promise_rows.spend_promise(session, payer_id, self.code, now=self.now, settings=settings)
        check_promise_covers(spent.asset, spent.amount, part.asset, part.amount)
        leg = Leg(
            promise_rows.backing(session, part.asset), user_account(session, payer_id, part.asset, HELD), part.amount
        )
        post(
            session, idempotency_key=promise_rows.settle_key(spent.id), kind=INVOICE_HOLD, legs=[leg], memo=_memo(part)
        )
        if spent.amount > part.amount:
            self._issue_to_payer(session, part, payer_id, CHANGE, spent.amount - part.amount, self.now, settings)
        return f"promise:{spent.id}"

    def refund(self, session: Session, part: PartFunding) -> None:
        payer = _payer(part)
        leg = Leg(
            user_account(session, payer, part.asset, HELD), promise_rows.backing(session, part.asset), part.amount
        )
        post(session, idempotency_key=_settle_key(part), kind=INVOICE_REFUND, legs=[leg], memo=_memo(part))
        # Refunds run from every path that returns parts (cancel, expiry, a lost last slot), none of which
        # hands the sources a clock or settings.
        self._issue_to_payer(session, part, payer, REFUND, part.amount, datetime.now(UTC), get_settings())

    @staticmethod
    def _issue_to_payer(
        session: Session, part: PartFunding, payer_id: int, origin: str, amount: int, now: datetime, settings: Settings
    ) -> None:
        """A new promise of the payer's worth `amount`, its money in the backing already."""
        issued = promise_rows.issue_promise(
            session,
            payer_id,
            asset=part.asset,
            amount=amount,
            origin=origin,
            source_account=None,
            idempotency_key=f"invoice_part:{part.part_id}:{origin}",
            now=now,
            settings=settings,
        )
        keep_code(
            session, part.part_id, settings=settings, origin=origin, asset=part.asset, amount=amount, code=issued.code
        )


def check_promise_covers(
    promise_asset: str, promise_amount: int, asset: str, amount: int, decimals: int | None = None
) -> None:
    """A promise pays a part of its own asset that asks at most what it holds."""
    if promise_asset != asset:
        raise PromiseRefused(code="promise_other_asset", promise_asset=promise_asset, asset=asset)
    if promise_amount < amount:
        details = {"available": promise_amount, "asset": asset}
        if decimals is not None:
            details["decimals"] = decimals
        raise PromiseRefused(code="promise_too_small", **details)


class LightningSource(BalanceSource):
    """A settled Lightning invoice: the sats reached the platform's node, so the part's asset comes from
    the platform's Lightning liquidity into the payer's held account; from there it is a balance part.
    A refund goes to the payer's available balance: sats cannot be pushed back to a Lightning wallet."""

    method = "lightning"

    def __init__(self, invoice_id: int | None = None, payment_id: int = 0, part_id: int = 0, asset: str = ""):
        self.reference = f"lightning:{invoice_id}"
        self._payment_id, self._part_id, self._asset = payment_id, part_id, asset

    def accounts(self, session: Session, part: PartFunding, merchant_id: int | None) -> list[AccountRef]:
        return [*super().accounts(session, part, merchant_id), system_account(session, LIGHTNING, part.asset)]

    def fund(self, session: Session, part: PartFunding, payer_id: int | None) -> str:
        if payer_id is None:
            raise ValueError("a lightning part needs a payer")
        leg = Leg(
            system_account(session, LIGHTNING, part.asset),
            user_account(session, payer_id, part.asset, HELD),
            part.amount,
        )
        post(session, idempotency_key=self.reference, kind=INVOICE_HOLD, legs=[leg], memo=_memo(part))
        return self.reference

    def to_balance(self, session: Session, payer_id: int, amount: int) -> None:
        leg = Leg(
            system_account(session, LIGHTNING, self._asset),
            user_account(session, payer_id, self._asset, AVAILABLE),
            amount,
        )
        memo = f"invoice payment {self._payment_id} part {self._part_id}"
        post(session, idempotency_key=f"{self.reference}:balance", kind=INVOICE_REFUND, legs=[leg], memo=memo)


BALANCE = BalanceSource()
TEST = SandboxSource()
PROMISE = PromiseSource()
SOURCES: dict[str, FundingSource] = {
    source.method: source for source in (BALANCE, TEST, PROMISE, DealSource(), LightningSource())
}


def source_for(method: str | None) -> FundingSource:
    if method not in SOURCES:
        raise LookupError(f"no funding source {method!r}")
    return SOURCES[method]


_payments: Table = InvoicePayment.__table__
_parts: Table = PaymentPart.__table__


def funded_parts(session: Session, payment_ids: list[int]) -> list[tuple[FundingSource, PartFunding]]:
    """The funded (not yet captured or returned) parts of these payments, with their sources."""
    if not payment_ids:
        return []
    rows = session.execute(
        select(
            _parts.c.id, _parts.c.payment_id, _payments.c.asset, _parts.c.amount, _parts.c.funded_by, _parts.c.method
        )
        .join(_payments, _payments.c.id == _parts.c.payment_id)
        .where(_parts.c.payment_id.in_(payment_ids), _parts.c.status == FUNDED)
        .order_by(_parts.c.id)
    ).all()
    return [(source_for(row.method), PartFunding(*row[:5])) for row in rows]


def accounts_of(
    session: Session, parts: list[tuple[FundingSource, PartFunding]], merchant_id: int | None
) -> list[AccountRef]:
    return [account for source, part in parts for account in source.accounts(session, part, merchant_id)]


def capture_funded_parts(session: Session, payment_id: int, merchant_id: int, rule: FeeRule) -> FeeSplit:
    """Every funded part of the payment goes to the merchant, less the payment's fee under `rule` (taken
    out of the parts' total, so charged once per payment, not once per part), which goes to the fee
    account in the same postings. The fee is spread over the parts in order, each paying at most its
    own amount. Returns the payment's gross, fee and net."""
    parts = funded_parts(session, [payment_id])
    split = take_out(rule, sum(part.amount for _, part in parts))
    lock_accounts(session, accounts_of(session, parts, merchant_id))
    left = split.fee
    for source, part in parts:
        share = min(left, part.amount)
        if not _move(session, part.part_id, CAPTURED):
            # Under the payment's lock every part read as funded just now is still funded.
            raise InvalidState(f"part {part.part_id} left funded while its payment completed")
        source.capture(session, part, merchant_id, share)
        left -= share
    return split


def return_funded_parts(session: Session, payment_ids: list[int]) -> int:
    """Every funded part of these payments goes back to where it came from, once; returns how many.
    Every caller has just ended these payments unpaid, so a fiat-payout invoice's deposit held for one
    goes back to its merchant here too (services/fiat_deposits.py)."""
    parts = funded_parts(session, payment_ids)
    lock_accounts(session, accounts_of(session, parts, None))
    for source, part in parts:
        if _move(session, part.part_id, RETURNED):
            source.refund(session, part)
    release_deposits(session, payment_ids)
    return len(parts)


def lock_accounts(session: Session, accounts: list[AccountRef]) -> None:
    """Lock accounts in ascending id, the ledger's order: a completion that posts several times
    (hold, then captures to the merchant) cannot deadlock with another posting the other way round."""
    ids = sorted({account.id for account in accounts})
    if ids:
        session.execute(select(Account.id).where(Account.id.in_(ids)).order_by(Account.id).with_for_update()).all()


def _move(session: Session, part_id: int, status: str) -> bool:
    """funded -> `status`, checked in the UPDATE: a part is captured or returned, once."""
    moved = session.execute(
        update(_parts).where(_parts.c.id == part_id, _parts.c.status == FUNDED).values(status=status)
    ).rowcount
    return moved == 1


def _capture_accounts(session: Session, merchant_id: int, asset: str) -> list[AccountRef]:
    """Where a captured part goes: the merchant's balance and the fee account."""
    return [user_account(session, merchant_id, asset, AVAILABLE), system_account(session, FEES, asset)]


def _payer(part: PartFunding) -> int:
    if part.funded_by is None:
        raise ValueError(f"part {part.part_id} has no payer")
    return part.funded_by


def _settle_key(part: PartFunding) -> str:
    return f"invoice_part:{part.part_id}:settle"


def _memo(part: PartFunding) -> str:
    return f"invoice payment {part.payment_id} part {part.part_id}"
