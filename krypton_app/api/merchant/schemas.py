"""The merchant API's request and response models: requests are parsed with them (strict, no extra
fields), responses are rendered through them, and the OpenAPI schemas are generated from them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from krypton_app.domain import catalog_data
from krypton_app.domain.invoices import MAX_EXPIRY_S, MAX_PARTS_LIMIT

MAX_ROW_ID = 2**31 - 1  # ids are INTEGER columns: a larger one would be a database error, not a 404
AMOUNT_PATTERN = r"^[0-9]{1,30}(\.[0-9]{1,18})?$"  # decimal text: money never travels as a float


def _no_nul(text: str) -> str:
    # PostgreSQL text cannot hold NUL: refuse it here as a bad request, not as a server error.
    if "\x00" in text:
        raise ValueError("must not contain NUL characters")
    return text


Text = Annotated[str, AfterValidator(_no_nul)]
# The catalog's codes as enums in the document, so a client (and the fuzzer) sees the valid choices.
AssetCode = Literal.__getitem__(tuple(code for code, *_ in catalog_data.ASSETS))
FiatCode = Literal.__getitem__(tuple(code for code, *_ in catalog_data.FIAT_CURRENCIES))
CountryCode = Literal.__getitem__(tuple(catalog_data.COUNTRY_CODES))
MethodCode = Literal.__getitem__(tuple(catalog_data.METHOD_CODES))
Amount = Annotated[str, Field(pattern=AMOUNT_PATTERN, examples=["1.5"])]


# --- requests -----------------------------------------------------------------------------------


class InvoiceCreate(BaseModel):
    """A new invoice. Amounts are decimal text in units of the asset (or of the fiat currency)."""

    model_config = ConfigDict(extra="forbid", strict=True, title="InvoiceCreate")

    kind: Literal["fixed", "floating", "private"] = Field(
        description="fixed: one amount; floating: the payer chooses; private: fixed, for one user only"
    )
    title: Text = Field(min_length=1, max_length=120)
    asset: AssetCode
    description: Text = Field("", max_length=2000)
    amount: Amount | None = Field(None, description="fixed and private invoices")
    fiat_currency: FiatCode | None = Field(None, description="denominate the invoice in this fiat currency")
    fiat_amount: Amount | None = Field(None, description="with fiat_currency: converted at payment time")
    min_payment: Amount | None = Field(None, description="floating: smallest payment")
    max_payments: int | None = Field(None, ge=1, le=1_000_000, description="closes after this many payments")
    max_total: Amount | None = Field(None, description="floating: closes when this much is collected")
    max_parts: int = Field(1, ge=1, le=MAX_PARTS_LIMIT, description="parts a payer may split a payment into")
    payer_contact: Text | None = Field(None, max_length=254, description="private: @username or verified email")
    order_id: Text | None = Field(None, max_length=100, description="your id; repeating it returns that invoice")
    webhook_url: Text | None = Field(None, max_length=2000)
    redirect_url: Text | None = Field(None, max_length=2000)
    allowed_origins: list[Text] = Field(default_factory=list, max_length=20, description="origins that may frame it")
    expires_in_s: int | None = Field(None, ge=1, le=MAX_EXPIRY_S)
    test: bool = Field(False, description="sandbox invoice (always with a kr_test_ key)")
    # "Pay me in fiat" (SPEC F10): all three or none; needs one payment's deposit on the balance.
    payout_country: CountryCode | None = Field(None, description="pay me in fiat: the country")
    payout_fiat: FiatCode | None = Field(None, description="pay me in fiat: the country's currency")
    payout_method: MethodCode | None = Field(None, description="pay me in fiat: one of the country's methods")


class InvoiceListQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    status: Literal["open", "closed", "expired"] | None = None
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(20, ge=1, le=100)


class TestEventCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, title="TestEventCreate")

    invoice: Text = Field(min_length=1, max_length=32, description="number of an invoice with a webhook_url")


# --- responses ----------------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    """The numbers fields are present only when the refusal is about them (the message names them too)."""

    code: str = Field(description="stable, e.g. invalid_request, api_key_invalid, invoice_closed")
    message: str
    field: str | None = None
    minimum: str | None = Field(default=None, description='the smallest amount taken, in `asset`, e.g. "0.5"')
    maximum: str | None = Field(default=None, description="the largest amount taken, in `asset`")
    left: str | None = Field(default=None, description="what is left to take (of an invoice's cap), in `asset`")
    available: str | None = Field(default=None, description="the available balance, in `asset`")
    asset: str | None = Field(default=None, description="the asset of the amounts above, e.g. TON")
    decimals: int | None = Field(default=None, description="digits the asset allows after the decimal point")


class Error(BaseModel):
    error: ErrorDetail


class InvoiceLinks(BaseModel):
    direct_url: str = Field(description="compact pay page")
    helper_url: str = Field(description="step-by-step payment wizard")
    telegram_start_url: str | None
    telegram_app_url: str | None


class InvoiceCounters(BaseModel):
    payments_count: int
    collected: str = Field(description="what payers paid (gross), in `asset`")
    collected_minor: int
    fees: str = Field(description="the invoice-payment fees taken out of the completed payments")
    fees_minor: int
    net: str = Field(description="what you received: collected - fees")
    net_minor: int


class Invoice(BaseModel):
    number: str
    status: Literal["open", "closed", "expired"]
    close_reason: str | None
    kind: Literal["fixed", "floating", "private"]
    title: str
    description: str
    asset: str
    decimals: int
    amount: str | None
    amount_minor: int | None
    fiat_currency: str | None
    fiat_amount: str | None
    min_payment: str | None
    max_payments: int | None
    max_total: str | None
    max_parts: int
    order_id: str | None
    webhook_url: str | None
    redirect_url: str | None
    allowed_origins: list[str]
    test: bool
    expires_at: datetime | None
    created_at: datetime
    closed_at: datetime | None
    payout_country: str | None = Field(description="pay me in fiat (SPEC F10); null: paid out in crypto")
    payout_fiat: str | None
    payout_method: str | None
    counters: InvoiceCounters
    links: InvoiceLinks


class InvoiceList(BaseModel):
    items: list[Invoice]
    page: int
    page_size: int
    total: int
    pages: int


class PaymentPart(BaseModel):
    position: int
    amount: str
    amount_minor: int
    method: str | None
    status: str
    funded_at: datetime | None


class Payment(BaseModel):
    id: int
    invoice: str
    invoice_title: str
    payer: str | None = Field(description="the payer's wallet address (raw form); null for a test simulation")
    payer_name: str | None = Field(
        description="the payer's public name: display name, else @username, else the short address"
    )
    status: str
    test: bool
    asset: str
    amount: str = Field(description="what the payer paid (gross), in `asset`")
    amount_minor: int
    fee: str = Field(description="the invoice-payment fee you paid, taken out of `amount` (0 until completed)")
    fee_minor: int
    net: str = Field(description="what you received: amount - fee")
    net_minor: int
    fiat_currency: str | None
    fiat_rate: str | None
    parts: list[PaymentPart]
    receipt: str | None = Field(description="signed kr1 token; verify offline with the receipt key")
    secrets_delivered: bool = Field(description="your webhook answered with secrets for the payer")
    created_at: datetime
    completed_at: datetime | None


class PaymentList(BaseModel):
    items: list[Payment]


class QueuedEvent(BaseModel):
    event_id: str


class DeliveryAttempt(BaseModel):
    attempt: int
    status_code: int | None = Field(description="your endpoint's answer; null when no answer came")
    response_ms: int | None
    response_excerpt: str | None = Field(description="the start of your answer")
    error: str | None = Field(description="network error, refused address or refused secrets")
    created_at: datetime


class WebhookDelivery(BaseModel):
    id: int
    event_id: str
    type: str
    url: str
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    test: bool
    created_at: datetime
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    log: list[DeliveryAttempt]


class WebhookDeliveryList(BaseModel):
    items: list[WebhookDelivery]


class ReceiptKey(BaseModel):
    alg: str
    public_key_hex: str
    public_key_b64: str
    format: str
