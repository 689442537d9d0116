"""LND through its REST API (the gRPC gateway), authenticated with a macaroon.

Endpoints used, and why:
- POST /v1/invoices (AddInvoice): a new invoice for `value_msat`, with `memo` and `expiry`; answers the
  BOLT11 `payment_request` and the `r_hash` (base64).
- GET /v1/invoice/{r_hash_str} (LookupInvoice, hash in hex): `state` OPEN / ACCEPTED / SETTLED /
  CANCELED, `amt_paid_msat`, `settle_date`. Polled by the settle worker: no stream to keep open, and a
  restart loses nothing.
- POST /v2/router/send (SendPaymentV2): the non-deprecated way to pay; it answers a stream of JSON lines
  (`{"result": Payment}` or `{"error": ...}`); with `no_inflight_updates` only the final state comes.

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
    OPEN,
    SETTLED,
    LightningError,
    LightningInvoiceNotFound,
    LightningPaymentFailed,
    LnInvoice,
    LnInvoiceState,
    LnPayment,
)

_STATES = {"OPEN": OPEN, "ACCEPTED": OPEN, "SETTLED": SETTLED, "CANCELED": CANCELLED}
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
        raise LightningError(f"payment not final ({status!r})", code="lightning_payment_pending")

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


def _refusal(response: httpx.Response) -> LightningError:
    try:
        message = response.json().get("message", response.text)
    except ValueError:
        message = response.text
    if response.status_code == 404:
        return LightningInvoiceNotFound(f"LND: {message}")
    return LightningError(f"LND refused ({response.status_code}): {message}")
