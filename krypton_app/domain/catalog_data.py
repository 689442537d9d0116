"""Reference catalog: assets, fiat currencies, countries and the payment methods used in each."""

ASSETS = [
    # code, name, decimals
    ("TON", "Toncoin", 9),
    ("USDT", "Tether USD (TON)", 6),
]

FIAT_CURRENCIES = [
    # code, English, Russian
    ("RUB", "Russian ruble", "Российский рубль"),
    ("USD", "US dollar", "Доллар США"),
    ("EUR", "Euro", "Евро"),
    ("KZT", "Kazakhstani tenge", "Казахстанский тенге"),
    ("UAH", "Ukrainian hryvnia", "Украинская гривна"),
    ("BYN", "Belarusian ruble", "Белорусский рубль"),
    ("UZS", "Uzbekistani sum", "Узбекский сум"),
    ("GEL", "Georgian lari", "Грузинский лари"),
    ("AMD", "Armenian dram", "Армянский драм"),
    ("TRY", "Turkish lira", "Турецкая лира"),
    ("AED", "UAE dirham", "Дирхам ОАЭ"),
    ("GBP", "Pound sterling", "Фунт стерлингов"),
    ("INR", "Indian rupee", "Индийская рупия"),
]

PAYMENT_METHODS = [
    ("bank_transfer", "Bank transfer", "Банковский перевод"),
    ("card", "Bank card", "Банковская карта"),
    ("cash", "Cash in person", "Наличные при встрече"),
    ("sbp", "SBP (Faster Payments)", "СБП"),
    ("sberbank", "Sberbank", "Сбербанк"),
    ("tinkoff", "T-Bank", "Т-Банк"),
    ("kaspi", "Kaspi Bank", "Kaspi Bank"),
    ("halyk", "Halyk Bank", "Halyk Bank"),
    ("monobank", "Monobank", "Монобанк"),
    ("privatbank", "PrivatBank", "ПриватБанк"),
    ("sepa", "SEPA transfer", "Перевод SEPA"),
    ("revolut", "Revolut", "Revolut"),
    ("wise", "Wise", "Wise"),
    ("zelle", "Zelle", "Zelle"),
    ("paypal", "PayPal", "PayPal"),
    ("faster_payments", "Faster Payments (UK)", "Faster Payments (Великобритания)"),
    ("upi", "UPI", "UPI"),
    ("papara", "Papara", "Papara"),
    ("tbc", "TBC Bank", "TBC Bank"),
    ("uzcard", "Uzcard", "Uzcard"),
    ("humo", "Humo", "Humo"),
]

COUNTRIES = [
    # code, English, Russian, fiat, methods
    ("RU", "Russia", "Россия", "RUB", ["sbp", "sberbank", "tinkoff", "card", "cash", "bank_transfer"]),
    ("KZ", "Kazakhstan", "Казахстан", "KZT", ["kaspi", "halyk", "card", "cash", "bank_transfer"]),
    ("UA", "Ukraine", "Украина", "UAH", ["monobank", "privatbank", "card", "cash", "bank_transfer"]),
    ("BY", "Belarus", "Беларусь", "BYN", ["card", "cash", "bank_transfer"]),
    ("UZ", "Uzbekistan", "Узбекистан", "UZS", ["uzcard", "humo", "card", "cash"]),
    ("GE", "Georgia", "Грузия", "GEL", ["tbc", "card", "cash", "bank_transfer"]),
    ("AM", "Armenia", "Армения", "AMD", ["card", "cash", "bank_transfer"]),
    ("TR", "Turkey", "Турция", "TRY", ["papara", "card", "cash", "bank_transfer"]),
    ("AE", "United Arab Emirates", "ОАЭ", "AED", ["bank_transfer", "cash", "card"]),
    ("US", "United States", "США", "USD", ["zelle", "paypal", "wise", "revolut", "bank_transfer", "cash"]),
    (
        "GB",
        "United Kingdom",
        "Великобритания",
        "GBP",
        ["faster_payments", "revolut", "wise", "paypal", "cash"],
    ),
    ("DE", "Germany", "Германия", "EUR", ["sepa", "revolut", "wise", "paypal", "cash"]),
    ("FR", "France", "Франция", "EUR", ["sepa", "revolut", "wise", "paypal", "cash"]),
    ("ES", "Spain", "Испания", "EUR", ["sepa", "revolut", "wise", "paypal", "cash"]),
    ("IN", "India", "Индия", "INR", ["upi", "bank_transfer", "cash"]),
]

ASSET_CODES = [code for code, _name, _decimals in ASSETS]
FIAT_CODES = [code for code, _en, _ru in FIAT_CURRENCIES]
COUNTRY_CODES = [row[0] for row in COUNTRIES]
METHOD_CODES = [code for code, _en, _ru in PAYMENT_METHODS]
# code -> {language: name}: the catalog's own names, not codes, on every label the user reads
METHOD_NAMES = {code: {"en": en, "ru": ru} for code, en, ru in PAYMENT_METHODS}
COUNTRY_NAMES = {row[0]: {"en": row[1], "ru": row[2]} for row in COUNTRIES}
_BY_COUNTRY = {row[0]: row for row in COUNTRIES}


def method_name(code: str, lang: str) -> str:
    return METHOD_NAMES.get(code, {}).get(lang) or code


def method_names(codes, lang: str) -> str:
    return ", ".join(method_name(code, lang) for code in codes)


def country_methods(country: str | None) -> list[str]:
    """The payment methods used in `country`, in the catalog's order for it; every method for none
    (the market's "any country") or an unknown code."""
    row = _BY_COUNTRY.get(country or "")
    return list(row[4]) if row else list(METHOD_CODES)


def country_fiat(country: str | None) -> str | None:
    """The country's currency, or None for no or an unknown country."""
    row = _BY_COUNTRY.get(country or "")
    return row[3] if row else None
