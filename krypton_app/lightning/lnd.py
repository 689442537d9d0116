"""LND through its REST API (the gRPC gateway), authenticated with a macaroon.

Endpoints used, and why:
- POST /v1/invoices (AddInvoice): a new invoice for `value_msat`, with `memo` and `expiry`; answers the
  BOLT11 `payment_request` and the `r_hash` (base64).
- GET /v1/invoice/{r_hash_str} (LookupInvoice, hash in hex): `state` OPEN / ACCEPTED / SETTLED /
  CANCELED, `amt_paid_msat`, `settle_date`. Polled by the settle worker: no stream to keep open, and a
  restart loses nothing.
- POST /v2/router/send (SendPaymentV2): the non-deprecated way to pay; it answers a stream of JSON lines
  (`{"result": Payment}` or `{"error": ...}`); with `no_inflight_updates` only the final state comes.
- GET /v2/router/track/{payment_hash} (TrackPaymentV2, hash as base64url): the stream's first message
  is the payment's current state (IN_FLIGHT / SUCCEEDED with the preimage / FAILED); only that one is
  read. A hash LND never paid is gRPC NOT_FOUND ("payment isn't initiated"). This is how a payout whose
  send ended without a final answer is looked up again later, instead of guessing.

64-bit integers arrive as JSON strings (the gateway's proto3 mapping), bytes as base64.
"""

from __future__ import annotations

import base64
import json
import ssl
from datetime import UTC, datetime
from pathlib import Path

import bolt11
import httpx

from krypton_app.lightning.base import (
    CANCELLED,
    FAILED,
    IN_FLIGHT,
    OPEN,
    SETTLED,
    SUCCEEDED,
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

_STATES = {"OPEN": OPEN, "ACCEPTED": OPEN, "SETTLED": SETTLED, "CANCELED": CANCELLED}
_PAYMENT_STATES = {"INITIATED": IN_FLIGHT, "IN_FLIGHT": IN_FLIGHT, "SUCCEEDED": SUCCEEDED, "FAILED": FAILED}
_GRPC_NOT_FOUND = 5
# How long LND may look for a route before it gives the payment up (SendPaymentV2 requires one).
PAY_TIMEOUT_S = 60


class LndRestProvider:
    """`client` is for tests (an httpx client over the fake node's ASGI app); otherwise one is built
    for `url`, trusting `cert` (LND's self-signed tls.cert) when given."""

    def __init__(
        self,
        url: str,
        macaroon_hex: str,
        *,
        cert: Path | None = None,
        client: httpx.Client | None = None,
        timeout_s: float = 15.0,
    ):
        verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=str(cert)) if cert else True
        self._client = client or httpx.Client(base_url=url, verify=verify, timeout=timeout_s)
        self._headers = {"Grpc-Metadata-macaroon": macaroon_hex}

    def create_invoice(self, amount_msat: int, memo: str, expiry_s: int) -> LnInvoice:
        body = {"value_msat": str(amount_msat), "memo": memo, "expiry": str(expiry_s)}
        answer = self._json("POST", "/v1/invoices", json=body)
        try:
            request = answer["payment_request"]
            payment_hash = base64.b64decode(answer["r_hash"]).hex()
            decoded = bolt11.decode(request)
        except Exception as error:
            raise LightningError(f"LND answered an unreadable invoice: {error}") from error
        # A node that issued something else than asked (another amount or hash) must not be trusted.
        if decoded.payment_hash != payment_hash or decoded.amount_msat != amount_msat:
            raise LightningError("LND's invoice does not match the request")
        return LnInvoice(
            bolt11=request,
            payment_hash=payment_hash,
            expires_at=datetime.fromtimestamp(decoded.date + decoded.expiry, UTC),
        )

    def lookup_invoice(self, payment_hash: str) -> LnInvoiceState:
        answer = self._json("GET", f"/v1/invoice/{payment_hash}")
        state = _STATES.get(answer.get("state", ""))
        if state is None:
            raise LightningError(f"LND answered an unknown invoice state {answer.get('state')!r}")
        settle_date = int(answer.get("settle_date") or 0)
        return LnInvoiceState(
            state=state,
            amount_paid_msat=int(answer.get("amt_paid_msat") or 0),
            settled_at=datetime.fromtimestamp(settle_date, UTC) if state == SETTLED and settle_date else None,
        )

    def pay_invoice(self, bolt11: str, *, fee_limit_msat: int) -> LnPayment:
        body = {
            "payment_request": bolt11,
            "fee_limit_msat": str(fee_limit_msat),
            "timeout_seconds": PAY_TIMEOUT_S,
            "no_inflight_updates": True,
        }
        last: dict = {}
        try:
            with self._client.stream(
                "POST", "/v2/router/send", json=body, headers=self._headers, timeout=PAY_TIMEOUT_S + 15
            ) as response:
                if response.status_code != 200:
                    response.read()
                    raise _refusal(response)
                for line in response.iter_lines():
                    if not line.strip():
                        continue
                    message = json.loads(line)
                    if "error" in message:
                        raise LightningPaymentFailed(str(message["error"].get("message", message["error"])))
                    last = message.get("result", {})
        except httpx.HTTPError as error:
            raise LightningError(f"LND unreachable: {error}") from error
        except ValueError as error:
            raise LightningError(f"LND answered unreadable JSON: {error}") from error
        status = last.get("status")
        if status == "SUCCEEDED":
            return LnPayment(preimage=last["payment_preimage"], fee_msat=int(last.get("fee_msat") or 0))
        if status == "FAILED":
            raise LightningPaymentFailed(f"payment failed: {last.get('failure_reason')}")
        # The stream ended before a final state: the payment may still complete; never assume it failed.
        raise LightningPaymentPending(f"payment not final ({status!r})")

    def lookup_payment(self, payment_hash: str) -> LnPaymentState:
        path = "/v2/router/track/" + base64.urlsafe_b64encode(bytes.fromhex(payment_hash)).decode()
        try:
            with self._client.stream("GET", path, headers=self._headers) as response:
                if response.status_code != 200:
                    response.read()
                    raise _payment_refusal(response)
                first = next((line for line in response.iter_lines() if line.strip()), None)
        except httpx.HTTPError as error:
            raise LightningError(f"LND unreachable: {error}") from error
        if first is None:
            raise LightningError("LND ended the payment stream without a state")
        try:
            message = json.loads(first)
        except ValueError as error:
            raise LightningError(f"LND answered unreadable JSON: {error}") from error
        if "error" in message:
            error = message["error"]
            if error.get("grpc_code", error.get("code")) == _GRPC_NOT_FOUND:
                raise LightningPaymentNotFound(f"LND: {error.get('message')}")
            raise LightningError(f"LND refused: {error.get('message', error)}")
        result = message.get("result", {})
        status = _PAYMENT_STATES.get(result.get("status", ""))
        if status is None:
            raise LightningError(f"LND answered an unknown payment status {result.get('status')!r}")
        return LnPaymentState(
            status=status,
            preimage=result.get("payment_preimage") if status == SUCCEEDED else None,
            fee_msat=int(result.get("fee_msat") or 0),
            failure=result.get("failure_reason") if status == FAILED else None,
        )

    def _json(self, method: str, path: str, **kwargs) -> dict:
        try:
            response = self._client.request(method, path, headers=self._headers, **kwargs)
        except httpx.HTTPError as error:
            raise LightningError(f"LND unreachable: {error}") from error
        if response.status_code != 200:
            raise _refusal(response)
        try:
            return response.json()
        except ValueError as error:
            raise LightningError(f"LND answered unreadable JSON: {error}") from error


def _payment_refusal(response: httpx.Response) -> LightningError:
    """A refused TrackPaymentV2: NOT_FOUND (gRPC code 5, HTTP 404) means the node never paid the hash."""
    try:
        code = response.json().get("code")
    except ValueError:
        code = None
    if response.status_code == 404 or code == _GRPC_NOT_FOUND:
        return LightningPaymentNotFound(f"LND: {response.text}")
    return _refusal(response)


def _refusal(response: httpx.Response) -> LightningError:
    try:
        message = response.json().get("message", response.text)
    except ValueError:
        message = response.text
    if response.status_code == 404:
        return LightningInvoiceNotFound(f"LND: {message}")
    return LightningError(f"LND refused ({response.status_code}): {message}")
