"""services/telegram.py: Telegram's initData by the bot-token rule (HMAC-SHA-256) and by the third-party
rule (Ed25519), and the contact a user shares. Vectors built here, real vectors published in two other
implementations' test suites, and both of those implementations as independent cross-checks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote, urlencode

import init_data_py
import pytest
from builders import TELEGRAM_BOT_TOKEN, telegram_contact, telegram_hash, telegram_init_data
from nacl.signing import SigningKey
from telegram_webapp_auth.auth import TelegramAuthenticator, generate_secret_key
from telegram_webapp_auth.errors import InvalidInitDataError

from krypton_app.domain.errors import TelegramAuthError
from krypton_app.services.telegram import (
    BAD_HASH,
    BAD_SIGNATURE,
    EXPIRED,
    FUTURE_SKEW_S,
    MALFORMED,
    bot_id_of,
    verify_contact,
    verify_init_data,
    verify_init_data_signature,
)
from krypton_app.settings import TELEGRAM_PUBLIC_KEYS

NOW = 1_760_000_000
DAY = 24 * 3600
BOT_ID = bot_id_of(TELEGRAM_BOT_TOKEN)
KEY = SigningKey(bytes(range(32)))
KEY_HEX = KEY.verify_key.encode().hex()

# Captured from Telegram, with the tokens that signed them: init-data-py's tests/vectors.py
# (github.com/nimaxin/init-data-py): plain, non-ASCII names, and a photo_url with escaped slashes.
PUBLISHED_HASH_VECTORS = [
    (
        "query_id=AAF03wc0AgAAAHTfBzROOCVW&user=%7B%22id%22%3A5167898484%2C%22first_name%22%3A%22xin%22%2C"
        "%22last_name%22%3A%22%22%2C%22username%22%3A%22pvnimaxin%22%2C%22language_code%22%3A%22en%22%2C"
        "%22allows_write_to_pm%22%3Atrue%7D&auth_date=1722938610"
        "&hash=8654c8c617c143abf656f4f159be2539880a56f58c2d9be622f90c0346aa162b",
        "7244657541:AAEgqk0HDC3WD5cdbnGMdd6L0TJ74FDp97Y",
        1722938610,
        "xin",
    ),
    (
        "query_id=AAF2GVE4AwAAAHYZUTgHczdc&user=%7B%22id%22%3A7387289974%2C%22first_name%22%3A%22%D0%90%D1%80"
        "%D1%82%D1%91%D0%BC%22%2C%22last_name%22%3A%22%D0%9E%D0%BD%D1%83%D1%84%D1%80%D0%B8%D0%B9%22%2C"
        "%22username%22%3A%22typexin%22%2C%22language_code%22%3A%22en%22%2C%22allows_write_to_pm%22%3Atrue%7D"
        "&auth_date=1724048856&hash=53b22bc70a748dae613a5aa91890b387b9cc0356c5dcffca173816b6e40a17e5",
        "7244657541:AAHAJP25XehV6N02kiLLAEi2el-xLsSw29w",
        1724048856,
        "Артём",
    ),
    (
        "query_id=AAF03wc0AgAAAHTfBzTtHPDB&user=%7B%22id%22%3A5167898484%2C%22first_name%22%3A%22xin%22%2C"
        "%22last_name%22%3A%22%22%2C%22username%22%3A%22pvnimaxin%22%2C%22language_code%22%3A%22en%22%2C"
        "%22allows_write_to_pm%22%3Atrue%2C%22photo_url%22%3A%22https%3A%5C%2F%5C%2Ft.me%5C%2Fi%5C%2Fuserpic"
        "%5C%2F320%5C%2FYpcdHFmoxukmQ537mOZhe-Woot_k2xrmbdAIrGK1zFgIVth6Wzacz7P2nGNCcp9j.svg%22%7D"
        "&auth_date=1731441609&hash=f4bac82fe8f20abdc03126af489751752e830227b58241ec2f9dd67913909ee0",
        "7244657541:AAFMjYH4kc3U9zG0GWnxYfW-QKICVzDwvEw",
        1731441609,
        "xin",
    ),
]
# Signed by Telegram's PRODUCTION key for bot 7544535829: telegram-webapp-auth's
# tests/test_validate_third_party.py (github.com/swimmwatch/telegram-webapp-auth).
PUBLISHED_SIGNATURE_VECTOR = (
    "query_id=AAH1t3EVAAAAAPW3cRVyuBgH&user=%7B%22id%22%3A359774197%2C%22first_name%22%3A%22Dmitry%22%2C"
    "%22last_name%22%3A%22Vasiliev%22%2C%22language_code%22%3A%22en%22%2C%22allows_write_to_pm%22%3Atrue%2C"
    "%22photo_url%22%3A%22https%3A%5C%2F%5C%2Ft.me%5C%2Fi%5C%2Fuserpic%5C%2F320%5C%2F"
    "aUkVEo2bVNr6G41sIB2bNwCdbkwnaVS79N41WHr_ApQ.svg%22%7D&auth_date=1736353840"
    "&signature=s72bv8J1hwJanbDqlo9TTMK6Uf4WSwQKuPKK_Q16QBhKD0hfOfoYCOpRl_d8m_8AEI1_oF-9WCJuwW1KQy5-BA"
    "&hash=c0b008672bf1edae403293e790eec42d047ac6613a5799e1939fac5eca41a397"
)


def verify(init_data: str, *, now: int = NOW, token: str = TELEGRAM_BOT_TOKEN, max_age_s: int = DAY) -> dict:
    return verify_init_data(init_data, bot_token=token, now=now, max_age_s=max_age_s)


def verify_signed(init_data: str, *, now: int = NOW, bot_id: int = BOT_ID, key: str = KEY_HEX) -> dict:
    return verify_init_data_signature(init_data, bot_id=bot_id, public_key_hex=key, now=now, max_age_s=DAY)


def code_of(call, *args, **kwargs) -> str:
    with pytest.raises(TelegramAuthError) as caught:
        call(*args, **kwargs)
    return caught.value.code


def resigned(pairs: list[tuple[str, str]], token: str = TELEGRAM_BOT_TOKEN) -> str:
    fields = [(k, v) for k, v in pairs if k != "hash"]
    return urlencode([*fields, ("hash", telegram_hash(fields, token))])


# --- the bot-token rule -------------------------------------------------------------------------------


def test_a_signed_launch_verifies_and_returns_its_fields():
    fields = verify(telegram_init_data(auth_date=NOW, user_id=42, start_param="inv_AB12"))
    assert fields["user"] == {"id": 42, "first_name": "Tess", "username": "tess42"}
    assert fields["auth_date"] == NOW and fields["start_param"] == "inv_AB12" and fields["query_id"] == "AAHtest"


@pytest.mark.parametrize(("init_data", "token", "auth_date", "first_name"), PUBLISHED_HASH_VECTORS)
def test_published_vectors_captured_from_telegram_verify(init_data, token, auth_date, first_name):
    fields = verify(init_data, token=token, now=auth_date)
    assert fields["user"]["first_name"] == first_name
    assert code_of(verify, init_data, token=token.replace(":AA", ":AB"), now=auth_date) == BAD_HASH


def test_the_escaped_slashes_are_hashed_as_sent_and_decoded_after():
    init_data, token, auth_date, _ = PUBLISHED_HASH_VECTORS[2]
    assert verify(init_data, token=token, now=auth_date)["user"]["photo_url"].startswith("https://t.me/i/userpic/")


def test_field_order_does_not_matter():
    pairs = parse_qsl(telegram_init_data(auth_date=NOW, chat_type="private"))
    assert verify(urlencode(list(reversed(pairs))))["chat_type"] == "private"


def test_values_are_url_decoded_before_hashing():
    # "&", "=", "+", "%", spaces and non-ASCII inside a value: hashed in their decoded form.
    tricky = "a&b=c+d %e Ω"
    init_data = telegram_init_data(auth_date=NOW, start_param=tricky)
    assert verify(init_data)["start_param"] == tricky
    # Encoded with %20 instead of "+" (as Telegram clients do): the same decoded data, the same hash.
    assert verify(init_data.replace("+", "%20"))["start_param"] == tricky


@pytest.mark.parametrize("field", ["query_id", "user", "auth_date", "start_param", "hash"])
def test_tampering_with_any_field_breaks_the_hash(field):
    pairs = parse_qsl(telegram_init_data(auth_date=NOW, start_param="ad_7"))
    changed = {
        "query_id": "AAHother",
        "user": json.dumps({"id": 666, "first_name": "Eve"}),
        "auth_date": str(NOW - 1),
        "start_param": "ad_8",
        "hash": "0" * 64,
    }
    tampered = urlencode([(k, changed[field] if k == field else v) for k, v in pairs])
    assert code_of(verify, tampered) == BAD_HASH


def test_an_added_or_removed_field_breaks_the_hash():
    init_data = telegram_init_data(auth_date=NOW)
    assert code_of(verify, init_data + "&start_param=x") == BAD_HASH
    pairs = [(k, v) for k, v in parse_qsl(init_data) if k != "query_id"]
    assert code_of(verify, urlencode(pairs)) == BAD_HASH


def test_another_bots_token_does_not_verify():
    init_data = telegram_init_data(auth_date=NOW)
    assert code_of(verify, init_data, token="7000000002:AAFtestTokenForKryptonTests_0123456789") == BAD_HASH


def test_max_age_is_inclusive_and_older_is_expired():
    init_data = telegram_init_data(auth_date=NOW - DAY)
    assert verify(init_data, now=NOW)["auth_date"] == NOW - DAY
    assert code_of(verify, init_data, now=NOW + 1) == EXPIRED
    assert code_of(verify, init_data, now=NOW, max_age_s=DAY - 1) == EXPIRED


def test_a_future_date_passes_only_within_the_clock_skew():
    assert verify(telegram_init_data(auth_date=NOW + FUTURE_SKEW_S))["auth_date"] == NOW + FUTURE_SKEW_S
    assert code_of(verify, telegram_init_data(auth_date=NOW + FUTURE_SKEW_S + 1)) == EXPIRED


def test_a_forged_old_string_reads_as_forged_not_expired():
    pairs = parse_qsl(telegram_init_data(auth_date=NOW - 10 * DAY))
    forged = urlencode([(k, "f" * 64 if k == "hash" else v) for k, v in pairs])
    assert code_of(verify, forged) == BAD_HASH


@pytest.mark.parametrize(
    "init_data",
    [
        "",
        "garbage",  # no "=": not a query string
        "user=%7B%7D&auth_date=1",  # no hash
        "auth_date=1&hash=XYZ",  # hash not 64 lower-case hex
        "auth_date=1&hash=" + "A" * 64,
        "x=%ff&hash=" + "a" * 64,  # not UTF-8
        "a=1&a=2&hash=" + "a" * 64,  # a duplicate: which copy was signed?
        "a=" + "x" * 9000,
    ],
)
def test_malformed_input(init_data):
    assert code_of(verify, init_data) == MALFORMED


@pytest.mark.parametrize(
    "pairs",
    [
        [("auth_date", "yesterday")],
        [("auth_date", "-5")],
        [("auth_date", "１２３")],  # digits, but not ASCII ones
        [("auth_date", str(NOW)), ("user", "not json")],
        [("auth_date", str(NOW)), ("user", "[1, 2]")],
        [("auth_date", str(NOW)), ("user", json.dumps({"first_name": "no id"}))],
        [("auth_date", str(NOW)), ("user", json.dumps({"id": "42"}))],
        [("auth_date", str(NOW)), ("user", json.dumps({"id": True}))],
    ],
)
def test_signed_but_malformed_fields(pairs):
    # Correctly signed (the signature passes), yet unusable: malformed, not a bad hash.
    assert code_of(verify, resigned(pairs)) == MALFORMED


def test_non_string_input_is_malformed():
    assert code_of(verify, None) == MALFORMED  # type: ignore[arg-type]


# --- the same rule in two other implementations ----------------------------------------------------------


def test_init_data_py_signs_and_we_verify():
    user = json.dumps({"id": 77, "first_name": "Ann", "last_name": "Lee"})
    payload = {"user": user, "query_id": "Q1", "start_param": "a b&c"}
    theirs = init_data_py.sign(payload, TELEGRAM_BOT_TOKEN, auth_date=NOW)
    fields = verify(theirs)
    assert fields["user"]["id"] == 77 and fields["start_param"] == "a b&c"


def test_we_sign_and_both_other_implementations_verify():
    ours = telegram_init_data(auth_date=NOW, start_param="x y&z=1")
    issued = datetime.fromtimestamp(NOW, UTC)
    assert init_data_py.validate_by_hash(ours, TELEGRAM_BOT_TOKEN, now=issued).start_param == "x y&z=1"
    authenticator = TelegramAuthenticator(generate_secret_key(TELEGRAM_BOT_TOKEN))
    assert authenticator.validate(ours).user.id == 5_000_000_001
    # …and all three refuse the same tampering.
    tampered = ours.replace("x+y", "x+Y")
    assert code_of(verify, tampered) == BAD_HASH
    assert not init_data_py.is_valid_by_hash(tampered, TELEGRAM_BOT_TOKEN, now=issued)
    with pytest.raises(InvalidInitDataError):
        authenticator.validate(tampered)


@pytest.mark.parametrize(("init_data", "token", "auth_date", "_name"), PUBLISHED_HASH_VECTORS)
def test_the_published_vectors_agree_with_both_implementations(init_data, token, auth_date, _name):
    ours = verify(init_data, token=token, now=auth_date)
    theirs = init_data_py.validate_by_hash(init_data, token, now=datetime.fromtimestamp(auth_date, UTC))
    assert ours["user"]["id"] == theirs.user.id
    assert TelegramAuthenticator(generate_secret_key(token)).validate(init_data).user.id == ours["user"]["id"]


# --- the third-party rule (Ed25519) -------------------------------------------------------------------


def test_a_signature_by_the_key_verifies():
    init_data = telegram_init_data(auth_date=NOW, signing_key=KEY, bot_id=BOT_ID)
    assert verify_signed(init_data)["user"]["id"] == 5_000_000_001
    # The same string also carries the bot-token hash (Telegram sends both): both rules accept it.
    assert verify(init_data)["signature"]


def test_the_published_vector_verifies_with_telegrams_production_key():
    fields = verify_init_data_signature(
        PUBLISHED_SIGNATURE_VECTOR,
        bot_id=7544535829,
        public_key_hex=TELEGRAM_PUBLIC_KEYS["production"],
        now=1736353840,
        max_age_s=DAY,
    )
    assert fields["user"]["first_name"] == "Dmitry"
    assert fields["user"]["photo_url"].endswith(".svg")
    wrong = {"bot_id": 7544535828, "public_key_hex": TELEGRAM_PUBLIC_KEYS["production"]}
    other_key = {"bot_id": 7544535829, "public_key_hex": TELEGRAM_PUBLIC_KEYS["test"]}
    for args in (wrong, other_key):
        code = code_of(verify_init_data_signature, PUBLISHED_SIGNATURE_VECTOR, now=1736353840, max_age_s=DAY, **args)
        assert code == BAD_SIGNATURE
    # telegram-webapp-auth agrees (it carries the same production key).
    assert TelegramAuthenticator().validate_third_party(PUBLISHED_SIGNATURE_VECTOR, 7544535829).user.id == 359774197


def test_init_data_py_agrees_on_our_signatures():
    init_data = telegram_init_data(auth_date=NOW, signing_key=KEY, bot_id=BOT_ID, start_param="ad_1")
    theirs = init_data_py.validate_by_signature(
        init_data, BOT_ID, public_key=KEY_HEX, now=datetime.fromtimestamp(NOW, UTC)
    )
    assert theirs.start_param == "ad_1" == verify_signed(init_data)["start_param"]


@pytest.mark.parametrize("field", ["query_id", "user", "auth_date", "start_param"])
def test_tampering_with_any_signed_field_breaks_the_signature(field):
    pairs = parse_qsl(telegram_init_data(auth_date=NOW, signing_key=KEY, bot_id=BOT_ID, start_param="s"))
    changed = {"query_id": "Q", "user": '{"id":1}', "auth_date": str(NOW - 5), "start_param": "t"}
    tampered = urlencode([(k, changed[field] if k == field else v) for k, v in pairs])
    assert code_of(verify_signed, tampered) == BAD_SIGNATURE


def test_the_hash_is_not_part_of_the_signed_message():
    pairs = parse_qsl(telegram_init_data(auth_date=NOW, signing_key=KEY, bot_id=BOT_ID))
    other_hash = urlencode([(k, "0" * 64 if k == "hash" else v) for k, v in pairs])
    assert verify_signed(other_hash)["user"]["id"] == 5_000_000_001


def test_another_bot_id_or_key_breaks_the_signature():
    init_data = telegram_init_data(auth_date=NOW, signing_key=KEY, bot_id=BOT_ID)
    assert code_of(verify_signed, init_data, bot_id=BOT_ID + 1) == BAD_SIGNATURE
    assert code_of(verify_signed, init_data, key=SigningKey(b"\1" * 32).verify_key.encode().hex()) == BAD_SIGNATURE


def test_a_padded_signature_is_read_too():
    pairs = parse_qsl(telegram_init_data(auth_date=NOW, signing_key=KEY, bot_id=BOT_ID))
    padded = urlencode([(k, v + "==" if k == "signature" else v) for k, v in pairs])
    assert verify_signed(padded)["auth_date"] == NOW


@pytest.mark.parametrize("signature", [None, "", "!!!not base64!!!", "AAAA"])
def test_a_missing_or_unreadable_signature_is_malformed(signature):
    pairs = parse_qsl(telegram_init_data(auth_date=NOW))
    if signature is not None:
        pairs.append(("signature", signature))
    assert code_of(verify_signed, urlencode(pairs)) == MALFORMED


def test_a_signed_launch_expires_and_may_not_come_from_the_future():
    old = telegram_init_data(auth_date=NOW - DAY - 1, signing_key=KEY, bot_id=BOT_ID)
    future = telegram_init_data(auth_date=NOW + FUTURE_SKEW_S + 1, signing_key=KEY, bot_id=BOT_ID)
    assert code_of(verify_signed, old) == EXPIRED
    assert code_of(verify_signed, future) == EXPIRED


# --- the shared contact (requestContact) ---------------------------------------------------------------


def test_a_shared_contact_verifies_by_the_bot_token():
    fields = verify_contact(telegram_contact(user_id=9, phone="79990001122", auth_date=NOW), **_contact_args())
    assert fields["contact"] == {"user_id": 9, "phone_number": "79990001122", "first_name": "Tess"}


def test_a_shared_contact_cannot_be_edited_or_replayed_late():
    response = telegram_contact(phone="79990001122", auth_date=NOW)
    edited = response.replace(quote("79990001122"), quote("79990009999"))
    assert code_of(verify_contact, edited, **_contact_args()) == BAD_HASH
    assert code_of(verify_contact, response, **_contact_args(now=NOW + DAY + 1)) == EXPIRED


def test_signed_data_without_a_contact_is_not_a_contact():
    assert code_of(verify_contact, telegram_init_data(auth_date=NOW), **_contact_args()) == MALFORMED
    no_phone = resigned([("contact", json.dumps({"user_id": 9})), ("auth_date", str(NOW))])
    assert code_of(verify_contact, no_phone, **_contact_args()) == MALFORMED


def _contact_args(now: int = NOW) -> dict:
    return {"bot_token": TELEGRAM_BOT_TOKEN, "now": now, "max_age_s": DAY}


def test_bot_id_is_the_tokens_prefix():
    assert bot_id_of("123456:ABC-DEF") == 123456
    for bad in ("", "abc:def", "123456", "123456:"):
        with pytest.raises(ValueError):
            bot_id_of(bad)


def test_an_hour_old_launch_still_passes_a_day_limit():
    hour_ago = int((datetime.fromtimestamp(NOW, UTC) - timedelta(hours=1)).timestamp())
    assert verify(telegram_init_data(auth_date=hour_ago))["auth_date"] == hour_ago
