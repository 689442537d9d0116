"""SQLModel tables, one module per aggregate. Importing this package registers every table."""

from krypton_app.models.auth import LoginToken, UsedProofPayload, UserSession
from krypton_app.models.catalog import Country, CountryPaymentMethod, FiatCurrency, PaymentMethod
from krypton_app.models.chain import AppliedChainTransaction, ChainCursor, DepositMemo, UnmatchedDeposit
from krypton_app.models.cryptopay import CryptoPayCheck, CryptoPayInvoice, CryptoPayTransfer
from krypton_app.models.deal_destinations import DealDestination
from krypton_app.models.fee_sweeps import FeeSweep, SweepSetting
from krypton_app.models.fees import FeeRuleRow
from krypton_app.models.heleket import HeleketPayment, HeleketPayout
from krypton_app.models.invoices import Invoice, InvoicePayment, PaymentPart
from krypton_app.models.ledger import Account, Asset, LedgerTransaction, Posting
from krypton_app.models.lightning import LightningInvoice
from krypton_app.models.market import Ad, ChatMessage, Deal, DealEvent, Dispute, Notification, PaymentChat, Review
from krypton_app.models.merchant import ApiIdempotencyRecord, ApiKey, WebhookDelivery, WebhookEvent, WebhookSecret
from krypton_app.models.operator_audit import OperatorAction
from krypton_app.models.promises import Promise, PromiseGuess
from krypton_app.models.users import EmailCode, User
from krypton_app.models.withdrawals import Payout, Withdrawal

__all__ = [
    "Ad",
    "ChatMessage",
    "CryptoPayCheck",
    "CryptoPayInvoice",
    "CryptoPayTransfer",
    "Deal",
    "DealDestination",
    "DealEvent",
    "FeeSweep",
    "SweepSetting",
    "Dispute",
    "Notification",
    "OperatorAction",
    "PaymentChat",
    "Review",
    "ApiIdempotencyRecord",
    "ApiKey",
    "Invoice",
    "InvoicePayment",
    "PaymentPart",
    "LightningInvoice",
    "Promise",
    "PromiseGuess",
    "WebhookDelivery",
    "WebhookEvent",
    "WebhookSecret",
    "Account",
    "FeeRuleRow",
    "HeleketPayment",
    "HeleketPayout",
    "AppliedChainTransaction",
    "ChainCursor",
    "DepositMemo",
    "Payout",
    "UnmatchedDeposit",
    "Withdrawal",
    "Asset",
    "Country",
    "CountryPaymentMethod",
    "FiatCurrency",
    "LedgerTransaction",
    "LoginToken",
    "PaymentMethod",
    "Posting",
    "UsedProofPayload",
    "User",
    "EmailCode",
    "UserSession",
]
