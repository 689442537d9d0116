"""The master functions (SPEC F7): "what do you want to do?" as three questions and the table of every
answer. Pure data: the start page (pages/start.py) draws its options from it, docs/master-functions.md
prints it (a test keeps the two equal), and a test walks every row.

A row is either offered, with the flow it opens (a route with its query, the answers pre-filled), or not
offered, with the catalog key of the one-line reason. A later question shows only the answers that lead
somewhere, so a combination that makes no sense is never picked (no error after the fact).
"""

from __future__ import annotations

from dataclasses import dataclass

# What to do.
BUY = "buy"  # buy crypto
PAY = "pay"  # pay an invoice
SELL = "sell"  # sell a promise for fiat, or cash it out to Bitcoin / Lightning
REDEEM = "redeem"  # put a promise on my balance
WHATS = (BUY, PAY, SELL, REDEEM)

# What to pay with: fiat through a P2P deal, crypto from the balance or over Lightning, a promise's code.
FIAT = "fiat"
BALANCE = "balance"
LIGHTNING = "lightning"
PROMISE = "promise"
PAY_WITHS = (FIAT, BALANCE, LIGHTNING, PROMISE)

# Where the result goes. An invoice's payment goes to its merchant: that question is not asked for PAY.
BITCOIN = "bitcoin"
MERCHANT = "merchant"
RESULTS = (BALANCE, BITCOIN, LIGHTNING, PROMISE, FIAT)


@dataclass(frozen=True)
class Route:
    """Where an answer leads: `target` is a path with its query; `{code}` in it is the promise's code,
    which the start page asks for (a promise's own page is its link, /p/<code>)."""

    target: str = ""
    reason: str = ""  # catalog key: why this answer is not offered

    @property
    def offered(self) -> bool:
        return bool(self.target)


CODE = "{code}"
REDEEM_TARGET = f"/p/{CODE}"


def _go(target: str) -> Route:
    return Route(target=target)


def _no(reason: str) -> Route:
    return Route(reason=f"start.no.{reason}")


def _buy(pay_with: str, result: str) -> Route:
    if result == FIAT:
        return _no("buy_to_fiat")
    if pay_with == FIAT:
        return _go(f"/buy?to={result}")
    if pay_with == BALANCE:
        # Crypto already on the balance: "buying" it elsewhere is a payout or a promise made from it.
        return {
            BALANCE: _no("already_on_balance"),
            BITCOIN: _go("/wallet?withdraw=bitcoin"),
            LIGHTNING: _go("/wallet?withdraw=lightning"),
            PROMISE: _go("/promises"),
        }[result]
    if pay_with == LIGHTNING:
        return _no("lightning_pays_invoices")
    return _no("promise_is_crypto")


def _sell(pay_with: str, result: str) -> Route:
    if pay_with != PROMISE:
        return _no("needs_promise")
    if result == PROMISE:
        return _no("promise_to_promise")
    if result == BALANCE:
        return _go(REDEEM_TARGET)
    return _go(f"/promises/sell?to={result}")


def _redeem(pay_with: str, result: str) -> Route:
    if pay_with != PROMISE:
        return _no("needs_promise")
    if result == PROMISE:
        return _no("promise_to_promise")
    if result != BALANCE:
        return _no("redeem_to_balance")
    return _go(REDEEM_TARGET)


def _table() -> dict[tuple[str, str, str], Route]:
    table: dict[tuple[str, str, str], Route] = {}
    for what in WHATS:
        for pay_with in PAY_WITHS:
            if what == PAY:
                # The pay wizard's part picker starts on this method for part 1.
                table[(what, pay_with, MERCHANT)] = _go(f"/pay?method={pay_with}")
                continue
            for result in RESULTS:
                table[(what, pay_with, result)] = {BUY: _buy, SELL: _sell, REDEEM: _redeem}[what](pay_with, result)
    return table


# (what, pay with, result) -> where it leads; every combination of the three questions is a row.
TABLE: dict[tuple[str, str, str], Route] = _table()


def results_of(what: str) -> tuple[str, ...]:
    """The result question's answers for `what` (PAY: only the merchant, and the page does not ask)."""
    return (MERCHANT,) if what == PAY else RESULTS


def _offered(what: str, pay_with: str, result: str) -> bool:
    """Unknown answers (a browser may send anything) are no row: not offered."""
    route = TABLE.get((what, pay_with, result))
    return route is not None and route.offered


def pay_with_options(what: str) -> tuple[str, ...]:
    """The payment answers that lead somewhere for `what`, in the question's order."""
    return tuple(p for p in PAY_WITHS if any(_offered(what, p, r) for r in results_of(what)))


def result_options(what: str, pay_with: str) -> tuple[str, ...]:
    return tuple(r for r in results_of(what) if _offered(what, pay_with, r))


def not_offered_pay_with(what: str) -> tuple[tuple[str, str], ...]:
    """(answer, reason key) for each payment answer `what` does not offer: its first result's reason."""
    return tuple(
        (p, TABLE[(what, p, results_of(what)[0])].reason) for p in PAY_WITHS if p not in pay_with_options(what)
    )


def not_offered_results(what: str, pay_with: str) -> tuple[tuple[str, str], ...]:
    rows = ((r, TABLE.get((what, pay_with, r))) for r in results_of(what))
    return tuple((r, route.reason) for r, route in rows if route is not None and not route.offered)


def target_of(what: str, pay_with: str, result: str) -> str:
    """The flow an offered answer opens; "" for anything else (unknown values included)."""
    route = TABLE.get((what, pay_with, result))
    return route.target if route is not None else ""
