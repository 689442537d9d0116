"""Hot wallet v4R2: address, signed transfers (TON and jetton), normalised message hash."""

import hashlib
from types import SimpleNamespace

import pytest
from nacl.signing import VerifyKey
from pytoniq.contract.wallets.wallet import WalletV4R2
from pytoniq_core import Address, Builder, Cell
from pytoniq_core.tlb.account import StateInit
from pytoniq_core.tlb.transaction import ExternalMsgInfo, MessageAny

from krypton_app.chain.hot_wallet import HotWallet, comment_cell, hot_wallet_from_settings
from krypton_app.chain.parse import external_message_hash, normalized_message_hash

SEED = bytes(range(32))
DEST = "0:" + "ab" * 32
JETTON_WALLET = "0:" + "cd" * 32


def _message(boc: bytes) -> MessageAny:
    return MessageAny.deserialize(Cell.one_from_boc(boc).begin_parse())


def test_address_is_the_v4r2_state_init_hash():
    wallet = HotWallet(SEED)
    data = WalletV4R2.create_data_cell(wallet.public_key, 698983191, 0)
    assert wallet.address == f"0:{StateInit(code=wallet.state_init.code, data=data).serialize().hash.hex()}"
    assert Address(wallet.friendly).to_str(is_user_friendly=False) == wallet.address
    assert wallet.friendly.startswith("EQ")
    assert SEED.hex() not in repr(wallet)


def test_transfer_body_is_what_pytoniq_signs():
    wallet = HotWallet(SEED)
    signed = wallet.transfer(seqno=7, valid_until=1_700_000_060, destination=DEST, amount=1_500_000_000, comment="hi")
    message = _message(signed.boc)
    assert message.init is None  # deployed wallet: no state init
    # pytoniq's own v4 signer, given the same key and message, produces the same body bit for bit.
    internal = WalletV4R2.create_wallet_internal_message(
        destination=Address(DEST), value=1_500_000_000, body=comment_cell("hi"), bounce=True
    )
    expected = WalletV4R2.raw_create_transfer_msg(
        private_key=SEED + wallet.public_key,
        seqno=7,
        wallet_id=698983191,
        messages=[internal],
        valid_until=1_700_000_060,
    )
    assert message.body.hash == expected.hash


def test_signature_checks_with_the_public_key():
    wallet = HotWallet(SEED)
    body = _message(wallet.transfer(seqno=3, valid_until=100, destination=DEST, amount=1).boc).body.begin_parse()
    signature = body.load_bytes(64)
    signed_part = body.to_cell()
    VerifyKey(wallet.public_key).verify(signed_part.hash, signature)
    fields = signed_part.begin_parse()
    assert [fields.load_uint(32), fields.load_uint(32), fields.load_uint(32), fields.load_uint(8)] == [
        698983191,
        100,
        3,
        0,
    ]
    assert fields.load_uint(8) == 3  # send mode: pay fees separately, ignore errors


def test_first_message_deploys_the_wallet():
    wallet = HotWallet(SEED)
    message = _message(wallet.transfer(seqno=0, valid_until=100, destination=DEST, amount=1).boc)
    assert message.init is not None
    assert message.init.serialize().hash == wallet.state_init.serialize().hash


def test_bounce_flag_and_comment_of_the_inner_message():
    wallet = HotWallet(SEED)
    body = _message(
        wallet.transfer(seqno=1, valid_until=100, destination=DEST, amount=5, comment="x" * 300, bounce=False).boc
    ).body.begin_parse()
    body.skip_bits(512 + 32 * 3 + 8 + 8)
    inner = MessageAny.deserialize(body.load_ref().begin_parse())
    assert inner.info.bounce is False
    assert inner.info.dest.to_str(is_user_friendly=False) == DEST
    assert inner.info.value.grams == 5
    text = inner.body.begin_parse()
    assert text.load_uint(32) == 0
    assert text.load_snake_string() == "x" * 300  # longer than one cell: continues in a reference


def test_message_hash_is_normalised():
    wallet = HotWallet(SEED)
    signed = wallet.transfer(seqno=0, valid_until=100, destination=DEST, amount=1)
    assert signed.message_hash == external_message_hash(signed.boc)
    message = _message(signed.boc)
    # A relay may set src, import_fee, drop init or move the body inline: the normalised hash stays.
    rewritten = MessageAny(
        info=ExternalMsgInfo(None, message.info.dest, 12345), init=None, body=message.body
    ).serialize()
    assert rewritten.hash.hex() != signed.message_hash
    assert normalized_message_hash(MessageAny.deserialize(rewritten.begin_parse())) == signed.message_hash
    # The normal form itself: addr_none src, zero fee, no init, body as a reference.
    normal = (
        Builder()
        .store_uint(0b10, 2)
        .store_uint(0, 2)
        .store_address(Address(wallet.address))
        .store_coins(0)
        .store_bit(0)
        .store_bit(1)
        .store_ref(message.body)
        .end_cell()
    )
    assert normal.hash.hex() == signed.message_hash


def test_normalised_hash_only_for_external_messages():
    internal = WalletV4R2.create_wallet_internal_message(destination=Address(DEST), value=1).message
    with pytest.raises(ValueError):
        normalized_message_hash(internal)


def test_jetton_transfer_body():
    wallet = HotWallet(SEED)
    signed = wallet.jetton_transfer(
        seqno=4,
        valid_until=200,
        jetton_wallet=JETTON_WALLET,
        destination=DEST,
        jetton_amount=2_500_000,
        query_id=42,
        comment="id-1",
    )
    body = _message(signed.boc).body.begin_parse()
    body.skip_bits(512 + 32 * 3 + 8 + 8)
    inner = MessageAny.deserialize(body.load_ref().begin_parse())
    assert inner.info.dest.to_str(is_user_friendly=False) == JETTON_WALLET
    assert inner.info.value.grams == 50_000_000
    assert inner.info.bounce is True
    transfer = inner.body.begin_parse()
    assert transfer.load_uint(32) == 0x0F8A7EA5
    assert transfer.load_uint(64) == 42  # the query_id our jetton wallet's answers carry back
    assert transfer.load_coins() == 2_500_000
    assert transfer.load_address().to_str(is_user_friendly=False) == DEST
    assert transfer.load_address().to_str(is_user_friendly=False) == wallet.address
    assert transfer.load_bit() == 0
    assert transfer.load_coins() == 1
    assert transfer.load_bit() == 1
    payload = transfer.load_ref().begin_parse()
    assert payload.load_uint(32) == 0
    assert payload.load_snake_string() == "id-1"


def test_jetton_transfer_without_comment_has_an_empty_inline_payload():
    wallet = HotWallet(SEED)
    signed = wallet.jetton_transfer(
        seqno=4, valid_until=200, jetton_wallet=JETTON_WALLET, destination=DEST, jetton_amount=1, query_id=7
    )
    body = _message(signed.boc).body.begin_parse()
    body.skip_bits(512 + 32 * 3 + 8 + 8)
    transfer = MessageAny.deserialize(body.load_ref().begin_parse()).body.begin_parse()
    transfer.skip_bits(32 + 64)
    assert transfer.load_coins() == 1
    transfer.load_address()  # destination
    transfer.load_address()  # response destination
    assert (transfer.load_bit(), transfer.load_coins()) == (0, 1)  # no custom payload, forward 1 nanoton
    assert transfer.load_bit() == 0
    assert transfer.remaining_bits == 0 and transfer.remaining_refs == 0


def test_from_settings():
    configured = SimpleNamespace(hot_wallet_seed=SEED.hex(), is_production=True, secret_key="s")
    assert hot_wallet_from_settings(configured).public_key == HotWallet(SEED).public_key
    dev = SimpleNamespace(hot_wallet_seed=None, is_production=False, secret_key="dev-secret")
    derived = hashlib.sha256(b"krypton-hot-wallet:dev-secret").digest()
    assert hot_wallet_from_settings(dev).address == HotWallet(derived).address
    other = SimpleNamespace(hot_wallet_seed=None, is_production=False, secret_key="another")
    assert hot_wallet_from_settings(other).address != HotWallet(derived).address
    with pytest.raises(RuntimeError):
        hot_wallet_from_settings(SimpleNamespace(hot_wallet_seed=None, is_production=True, secret_key="s"))


def test_seed_length():
    with pytest.raises(ValueError):
        HotWallet(b"short")
