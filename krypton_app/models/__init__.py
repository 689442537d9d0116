"""SQLModel tables, one module per aggregate. Importing this package registers every table."""

from krypton_app.models.auth import UsedProofPayload
from krypton_app.models.catalog import Country, CountryPaymentMethod, FiatCurrency, PaymentMethod
from krypton_app.models.ledger import Account, Asset, LedgerTransaction, Posting
from krypton_app.models.users import User

__all__ = [
    "Account",
    "Asset",
    "Country",
    "CountryPaymentMethod",
    "FiatCurrency",
    "LedgerTransaction",
    "PaymentMethod",
    "Posting",
    "UsedProofPayload",
    "User",
]
