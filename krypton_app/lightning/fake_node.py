"""A fake Lightning node for local runs and tests: real BOLT11 invoices, signed with its own node key,
that only this node can settle (a demo wallet "pays" them).

`FakeLightningNode` is the node (it implements LightningProvider directly, which is what `make run`
uses); `lnd_rest_app(node, macaroon)` is the same node behind LND's REST protocol, so the real
LndRestProvider is tested against it. Invoices live in memory, per process: a restart forgets them
(the settle worker then sees them as unknown and lets them expire), which is fine for a demo.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import bolt11
from bolt11.models.tags import Tag, Tags
from bolt11.types import MilliSatoshi, TagChar
from coincurve import PrivateKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from krypton_app.lightning.base import (
    CANCELLED,
    FAILED,
    IN_FLIGHT,
    OPEN,
    SETTLED,
    SUCCEEDED,
    InvoiceStateName,
    LightningError,
    LightningInvoiceNotFound,
    LightningPaymentFailed,
    LightningPaymentNotFound,
    LightningPaymentPending,
    LnInvoice,
    LnInvoiceState,
    LnPayment,
    LnPaymentState,
)

# BOLT11 currency prefixes per Bitcoin network (lnbc..., lntb..., lnbcrt...).
CURRENCY = {"mainnet": "bc", "testnet": "tb", "regtest": "bcrt"}
_LND_STATE = {OPEN: "OPEN", SETTLED: "SETTLED", CANCELLED: "CANCELED"}
_LND_PAYMENT = {IN_FLIGHT: "IN_FLIGHT", SUCCEEDED: "SUCCEEDED", FAILED: "FAILED"}


@dataclass
class _Invoice:
    bolt11: str
    payment_hash: str
    preimage: str
    amount_msat: int
    memo: str
    created: int
    expiry: int
    add_index: int
    settled_at: int | None = None

    def state(self, now: float) -> InvoiceStateName:
        if self.settled_at is not None:
            return SETTLED
        # LND cancels an open invoice once it expired; so does the fake.
        return CANCELLED if now >= self.created + self.expiry else OPEN


class FakeLightningNode:
    def __init__(
        self, *, network: str = "regtest", node_key: bytes | None = None, clock: Callable[[], float] = time.time
    ):
        self.currency = CURRENCY[network]
        self._key = node_key or os.urandom(32)
        self._clock = clock
        self._lock = threading.Lock()
        self._invoices: dict[str, _Invoice] = {}
        self._payments: dict[str, LnPaymentState] = {}
        # Tests: payments stay in flight (no final answer) until `finish_stalled` settles them.
        self.stall_payments = False

    @property
    def pubkey(self) -> str:
        return PrivateKey(self._key).public_key.format().hex()

    def create_invoice(self, amount_msat: int, memo: str, expiry_s: int) -> LnInvoice:
        if amount_msat <= 0 or expiry_s <= 0:
            raise LightningError("amount and expiry must be positive")
        preimage = os.urandom(32)
        payment_hash = hashlib.sha256(preimage).hexdigest()
        created = int(self._clock())
        tags = Tags(
            [
                Tag(TagChar.payment_hash, payment_hash),
                Tag(TagChar.payment_secret, os.urandom(32).hex()),
                Tag(TagChar.description, memo),
                Tag(TagChar.expire_time, expiry_s),
            ]
        )
        invoice = bolt11.Bolt11(currency=self.currency, date=created, tags=tags, amount_msat=MilliSatoshi(amount_msat))
        request = bolt11.encode(invoice, self._key.hex())
        with self._lock:
            self._invoices[payment_hash] = _Invoice(
                request, payment_hash, preimage.hex(), amount_msat, memo, created, expiry_s, len(self._invoices) + 1
            )
        return LnInvoice(request, payment_hash, datetime.fromtimestamp(created + expiry_s, UTC))

    def lookup_invoice(self, payment_hash: str) -> LnInvoiceState:
        invoice = self._find(payment_hash)
        state = invoice.state(self._clock())
        paid = invoice.amount_msat if state == SETTLED else 0
        settled = datetime.fromtimestamp(invoice.settled_at, UTC) if invoice.settled_at is not None else None
        return LnInvoiceState(state, paid, settled)

    def pay_invoice(self, bolt11: str, *, fee_limit_msat: int) -> LnPayment:
        """Pays only its own invoices (a circular payment, fee 0): there is no network to route to.
        Like LND, it remembers every payment it tried (`lookup_payment`) and never pays a hash twice."""
        payment_hash = _hash_of(bolt11, LightningPaymentFailed)
        with self._lock:
            known = self._payments.get(payment_hash)
            if known is not None and known.status != FAILED:
                raise LightningPaymentFailed(f"payment is {known.status} already")
            if self.stall_payments:
                self._payments[payment_hash] = LnPaymentState(IN_FLIGHT)
                raise LightningPaymentPending("payment in flight")
        try:
            invoice = self._settle(bolt11, LightningPaymentFailed)
        except LightningPaymentFailed:
            with self._lock:
                self._payments[payment_hash] = LnPaymentState(FAILED, failure="FAILURE_REASON_NO_ROUTE")
            raise
        with self._lock:
            self._payments[payment_hash] = LnPaymentState(SUCCEEDED, preimage=invoice.preimage, fee_msat=0)
        return LnPayment(preimage=invoice.preimage, fee_msat=0)

    def lookup_payment(self, payment_hash: str) -> LnPaymentState:
        with self._lock:
            known = self._payments.get(payment_hash.lower())
        if known is None:
            raise LightningPaymentNotFound(f"payment {payment_hash} isn't initiated")
        return known

    def finish_stalled(self) -> None:
        """Tests: the payments left in flight reach their invoices (or fail if they cannot)."""
        self.stall_payments = False
        with self._lock:
            stalled = [h for h, p in self._payments.items() if p.status == IN_FLIGHT]
        for payment_hash in stalled:
            with self._lock:
                invoice = self._invoices.get(payment_hash)
                if invoice is None or invoice.state(self._clock()) != OPEN:
                    self._payments[payment_hash] = LnPaymentState(FAILED, failure="FAILURE_REASON_NO_ROUTE")
                    continue
                invoice.settled_at = int(self._clock())
                self._payments[payment_hash] = LnPaymentState(SUCCEEDED, preimage=invoice.preimage, fee_msat=0)

    def demo_pay(self, bolt11: str) -> None:
        """A wallet outside the platform pays one of this node's open invoices."""
        self._settle(bolt11, LightningError)

    def raw(self, payment_hash: str) -> _Invoice:
        return self._find(payment_hash)

    def _find(self, payment_hash: str) -> _Invoice:
        with self._lock:
            invoice = self._invoices.get(payment_hash.lower())
        if invoice is None:
            raise LightningInvoiceNotFound(f"unable to locate invoice {payment_hash}")
        return invoice

    def _settle(self, request: str, error: type[LightningError]) -> _Invoice:
        payment_hash = _hash_of(request, error)
        with self._lock:
            invoice = self._invoices.get(payment_hash)
            if invoice is None:
                raise error("no route to the invoice's node")
            state = invoice.state(self._clock())
            if state != OPEN:
                raise error(f"invoice is {state}")
            invoice.settled_at = int(self._clock())
        return invoice


def _hash_of(request: str, error: type[LightningError]) -> str:
    try:
        return bolt11.decode(request.strip().lower().removeprefix("lightning:")).payment_hash
    except Exception as bad:
        raise error(f"not a BOLT11 invoice: {bad}") from bad


def lnd_rest_app(node: FakeLightningNode, macaroon_hex: str) -> Starlette:
    """The node behind LND's REST protocol: the same paths, field names and encodings (int64 as
    strings, bytes as base64), a macaroon checked on every request."""

    def authorized(request: Request) -> bool:
        given = request.headers.get("Grpc-Metadata-macaroon", "")
        return hmac.compare_digest(given.encode(), macaroon_hex.encode())

    def refuse(status: int, code: int, message: str) -> JSONResponse:
        return JSONResponse({"code": code, "message": message, "details": []}, status_code=status)

    async def add_invoice(request: Request) -> Response:
        if not authorized(request):
            return refuse(500, 2, "verification failed: signature mismatch after caveat verification")
        body = await request.json()
        amount_msat = int(body.get("value_msat") or 0) or int(body.get("value") or 0) * 1000
        try:
            invoice = node.create_invoice(amount_msat, body.get("memo", ""), int(body.get("expiry") or 86400))
        except LightningError as error:
            return refuse(500, 2, str(error))
        raw = node.raw(invoice.payment_hash)
        return JSONResponse(
            {
                "r_hash": base64.b64encode(bytes.fromhex(invoice.payment_hash)).decode(),
                "payment_request": invoice.bolt11,
                "add_index": str(raw.add_index),
            }
        )

    async def lookup_invoice(request: Request) -> Response:
        if not authorized(request):
            return refuse(500, 2, "verification failed: signature mismatch after caveat verification")
        try:
            invoice = node.raw(request.path_params["r_hash_str"])
        except LightningInvoiceNotFound:
            return refuse(404, 5, "unable to locate invoice")
        state = invoice.state(node._clock())
        settled = state == SETTLED
        return JSONResponse(
            {
                "memo": invoice.memo,
                "r_preimage": base64.b64encode(bytes.fromhex(invoice.preimage)).decode(),
                "r_hash": base64.b64encode(bytes.fromhex(invoice.payment_hash)).decode(),
                "value": str(invoice.amount_msat // 1000),
                "value_msat": str(invoice.amount_msat),
                "settled": settled,
                "creation_date": str(invoice.created),
                "settle_date": str(invoice.settled_at or 0),
                "payment_request": invoice.bolt11,
                "expiry": str(invoice.expiry),
                "add_index": str(invoice.add_index),
                "amt_paid_sat": str(invoice.amount_msat // 1000 if settled else 0),
                "amt_paid_msat": str(invoice.amount_msat if settled else 0),
                "state": _LND_STATE[state],
            }
        )

    async def send_payment(request: Request) -> Response:
        if not authorized(request):
            return refuse(500, 2, "verification failed: signature mismatch after caveat verification")
        body = await request.json()
        request_text = body.get("payment_request", "")

        def lines():
            if not body.get("no_inflight_updates"):
                yield json.dumps({"result": {"status": "IN_FLIGHT", "payment_request": request_text}}) + "\n"
            try:
                paid = node.pay_invoice(request_text, fee_limit_msat=int(body.get("fee_limit_msat") or 0))
            except LightningPaymentPending:
                return  # the stream ends before a final state, as when LND's timeout_seconds runs out
            except LightningError as error:
                result = {"status": "FAILED", "failure_reason": "FAILURE_REASON_NO_ROUTE", "payment_error": str(error)}
            else:
                result = {"status": "SUCCEEDED", "payment_preimage": paid.preimage, "fee_msat": str(paid.fee_msat)}
            yield json.dumps({"result": {"payment_request": request_text, **result}}) + "\n"

        return StreamingResponse(lines(), media_type="application/json")

    async def track_payment(request: Request) -> Response:
        """TrackPaymentV2: the hash as base64url in the path; the payment's current state first."""
        if not authorized(request):
            return refuse(500, 2, "verification failed: signature mismatch after caveat verification")
        try:
            payment_hash = base64.urlsafe_b64decode(request.path_params["payment_hash"]).hex()
            state = node.lookup_payment(payment_hash)
        except LightningPaymentNotFound:
            return refuse(404, 5, "payment isn't initiated")
        except ValueError:
            return refuse(400, 3, "invalid payment hash")
        result = {"payment_hash": payment_hash, "status": _LND_PAYMENT[state.status], "fee_msat": str(state.fee_msat)}
        if state.preimage:
            result["payment_preimage"] = state.preimage
        if state.failure:
            result["failure_reason"] = state.failure
        return StreamingResponse(iter([json.dumps({"result": result}) + "\n"]), media_type="application/json")

    return Starlette(
        routes=[
            Route("/v1/invoices", add_invoice, methods=["POST"]),
            Route("/v1/invoice/{r_hash_str}", lookup_invoice, methods=["GET"]),
            Route("/v2/router/send", send_payment, methods=["POST"]),
            Route("/v2/router/track/{payment_hash}", track_payment, methods=["GET"]),
        ]
    )
