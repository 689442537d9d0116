from sqlmodel import Field, SQLModel


class FiatCurrency(SQLModel, table=True):
    __tablename__ = "fiat_currencies"

    code: str = Field(primary_key=True, max_length=3)
    name_en: str
    name_ru: str
    decimals: int = 2


class Country(SQLModel, table=True):
    __tablename__ = "countries"

    code: str = Field(primary_key=True, max_length=2)
    name_en: str
    name_ru: str
    fiat_code: str = Field(foreign_key="fiat_currencies.code", max_length=3)


class PaymentMethod(SQLModel, table=True):
    __tablename__ = "payment_methods"

    code: str = Field(primary_key=True, max_length=32)
    name_en: str
    name_ru: str


class CountryPaymentMethod(SQLModel, table=True):
    __tablename__ = "country_payment_methods"

    country_code: str = Field(foreign_key="countries.code", primary_key=True, max_length=2)
    method_code: str = Field(foreign_key="payment_methods.code", primary_key=True, max_length=32)
