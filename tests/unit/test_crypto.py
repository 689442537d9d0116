import pytest

from krypton_app.domain.errors import KryptonError
from krypton_app.services.crypto import receipt_signing_key, seal, unseal
from krypton_app.settings import Settings


def test_sealed_values_round_trip_and_differ_each_time():
    settings = Settings()
    first, second = seal(settings, ["licence-KEY-1"]), seal(settings, ["licence-KEY-1"])
    assert first != second  # random nonce
    assert "licence" not in first
    assert unseal(settings, first) == ["licence-KEY-1"]


def test_a_tampered_or_foreign_sealed_value_is_refused():
    settings = Settings()
    token = seal(settings, {"k": "v"})
    tampered = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    with pytest.raises(KryptonError) as error:
        unseal(settings, tampered)
    assert error.value.code == "sealed_value_unreadable"
    with pytest.raises(KryptonError):
        unseal(Settings(KRYPTON_SECRET_KEY="another"), token)


def test_receipt_key_comes_from_the_seed_when_set():
    seed = "11" * 32
    assert bytes(receipt_signing_key(Settings(KRYPTON_RECEIPT_SEED=seed))) == bytes.fromhex(seed)
    assert bytes(receipt_signing_key(Settings())) != bytes.fromhex(seed)
