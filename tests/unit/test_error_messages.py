"""i18n.error_text: a refusal about an amount names its numbers in the user's language, written with the
asset's decimals; without the numbers it says what the code says. The API's envelope adds the same
numbers as fields (api.merchant.errors.numbers_of)."""

from __future__ import annotations

import re
import string

import pytest

from krypton_app.api.merchant.errors import numbers_of
from krypton_app.domain.errors import AdUnavailable, InsufficientFunds, InvalidAmount, InvoiceUnavailable
from krypton_app.i18n import CATALOGS, NUMBER_DETAILS, error_key, error_text, error_texts, key_texts, translate

TON = {"decimals": 9, "asset": "TON"}
USDT = {"decimals": 6, "asset": "USDT"}

CASES = [
    (
        InvoiceUnavailable(code="payment_amount_invalid", minimum=500_000_000, **TON),
        "The minimum is 0.5 TON for this invoice.",
        "Минимум для этого счёта — 0,5 TON.",
    ),
    (
        InvoiceUnavailable(code="payment_amount_invalid", left=3_200_000_000, **TON),
        "Only 3.2 TON is left of this invoice.",
        "По этому счёту осталось оплатить только 3,2 TON.",
    ),
    (
        AdUnavailable(code="ad_amount_out_of_range", minimum=10**9, maximum=5 * 10**9, **TON),
        "This ad takes 1 TON to 5 TON.",
        "Это объявление принимает от 1 TON до 5 TON.",
    ),
    (
        AdUnavailable(code="ad_volume_exhausted", left=1_250_000, **USDT),
        "Only 1.25 USDT is left of this ad's volume.",
        "В этом объявлении осталось только 1,25 USDT.",
    ),
    (
        InsufficientFunds(available=4_100_000_000, required=5 * 10**9, **TON),
        "Not enough on your balance: 4.1 TON available.",
        "Недостаточно средств на балансе: доступно 4,1 TON.",
    ),
    (
        InvalidAmount(code="withdrawal_below_minimum", minimum=50_000_000, amount=1, **TON),
        "The minimum is 0.05 TON: a withdrawal must cover the network fee.",
        "Минимум — 0,05 TON: вывод должен покрывать комиссию сети.",
    ),
    (
        InvalidAmount(code="payout_too_small", minimum_sat=546),
        "After the fee this is below 546 sat, the smallest payout.",
        "После комиссии это меньше 546 сат — наименьшей выплаты.",
    ),
    (
        InvalidAmount(code="amount_too_many_decimals", value="1.0000001", decimals=6),
        "At most 6 digits after the decimal point.",
        "Не больше 6 знаков после запятой.",
    ),
]


@pytest.mark.parametrize(("error", "en", "ru"), CASES, ids=[case[0].code for case in CASES])
def test_each_refusal_names_its_numbers_in_both_languages(error, en, ru):
    assert (error_text("en", error), error_text("ru", error)) == (en, ru)
    assert error_texts(error) == {"en": en, "ru": ru}


def test_without_the_numbers_the_codes_own_message_is_shown():
    # No decimals or asset to write the amount with: the code's message, never a raw "{minimum}".
    for error in (
        InvoiceUnavailable(code="payment_amount_invalid", minimum=5),
        InsufficientFunds(asset="TON", balance=3, required=5),
        AdUnavailable(code="ad_volume_exhausted"),
    ):
        assert error_text("ru", error) == translate("ru", error_key(error.code))
        assert "{" not in error_text("en", error)
    assert error_text("en", InsufficientFunds()) == "Not enough funds on the balance."
    # An unknown code reads as the generic message, as error_key says.
    assert error_text("en", InvalidAmount(code="no_such_code", minimum=1, **TON)) == translate("en", "error.unexpected")


def test_an_unknown_language_falls_back_to_english():
    error = InvoiceUnavailable(code="payment_amount_invalid", minimum=500_000_000, **TON)
    assert error_text("de", error) == "The minimum is 0.5 TON for this invoice."


def test_every_number_message_takes_only_the_details_it_is_picked_by():
    """Each `error.<code>.<detail>` message in both catalogs formats with the numbers of its detail (and,
    for an ad's range, the minimum too), so a refusal can never show a placeholder or fail to render."""
    keys = [k for k in CATALOGS["en"] if re.fullmatch(rf"error\.\w+\.({'|'.join(NUMBER_DETAILS)})", k)]
    assert len(keys) == 8  # promise_too_small.available (issue 12) is the eighth
    for key in keys:
        detail = key.rsplit(".", 1)[1]
        given = {detail, "minimum"} if detail == "maximum" else {detail}
        for lang, messages in CATALOGS.items():
            used = {name for _text, name, _spec, _conv in string.Formatter().parse(messages[key]) if name}
            assert used == given, (lang, key)


def test_a_message_the_page_makes_itself_has_the_same_shape():
    assert key_texts("error.amount_empty") == {"en": "Enter an amount.", "ru": translate("ru", "error.amount_empty")}


def test_the_api_envelope_carries_the_numbers_as_decimal_text():
    minimum = InvoiceUnavailable(code="payment_amount_invalid", minimum=500_000_000, **TON)
    assert numbers_of(minimum.details) == {"minimum": "0.5", "asset": "TON", "decimals": 9}
    ad = AdUnavailable(code="ad_amount_out_of_range", minimum=10**6, maximum=2_500_000, **USDT)
    assert numbers_of(ad.details) == {"minimum": "1", "maximum": "2.5", "asset": "USDT", "decimals": 6}
    short = InsufficientFunds(available=0, required=1, balance=0, **TON)
    assert numbers_of(short.details) == {"available": "0", "asset": "TON", "decimals": 9}
    # The decimals an amount may have are a number the client can act on by themselves.
    assert numbers_of({"value": "1.0000001", "decimals": 6}) == {"decimals": 6}
    # Nothing to write an amount with: no numbers at all.
    assert numbers_of({"minimum": 5, "asset": "TON"}) == {} == numbers_of({})
