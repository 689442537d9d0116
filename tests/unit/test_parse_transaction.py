"""parse_transaction on real cells: mainnet transactions and hand-built ones for each rule."""

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytoniq_core import Address, Builder, Cell
from pytoniq_core.tlb.transaction import ExternalMsgInfo, ExternalOutMsgInfo, MessageAny

from krypton_app.chain.fake_cells import internal_message, ordinary_description, transaction_cell
from krypton_app.chain.hot_wallet import HotWallet, comment_cell
from krypton_app.chain.parse import (
    BODY_MALFORMED,
    COMMENT_UNDECODABLE,
    NOTIFICATION_MALFORMED,
    bounce_prefix,
    external_message_hash,
    parse_transaction,
)

# Mainnet transactions as liteservers serve them; hashes as the explorer shows them.
# Wallet EQCD39VS…xqB2N, lt 22901965000001: an external message that sends 10 000 TON.
WALLET_TX = (
    "te6cckECCgEAAlMAA7V4Pf1VLmNym0cvy8yMRevMZpFwJVi2jsdSfhukA6DzGoAAAU1Ed9DUFmPJqTvOirSq2SKzYQ5GyQgvd9+38bqLQeGJ8YYr"
    "kwEwAAFNRGeacBYYzLegADRpVFhoAQIDAgHgBAUAgnKs+GZiNansGUYB+rKGLa25KuWgzm0WaeC5p+NLonoeFBg7+If0w+KZtCRH5Mx+9HCC8Pih"
    "k1IvrTPyRowEaTRLAg8MQMYZbXqEQAgJAd+IAQe/qqXMblNo5fl5kYi9eYzSLgSrFtHY6k/DdIB0HmNQB3H/g30bYqz72JAcnKJjRhgkmca92JLg"
    "IBGap3csfDt4Jk4S1186lCTQKuGZLHb97aw106oJRO8jslWF11AnUCFNTRi7DGZdIAAAAIAcBgEB3wcAdEIACasmTDZcDR+1HcxuZZBHXmDDvLMc"
    "X2Eijok8WCLyCyEwSMJzlQAAAAAAAAAAAAAAAAAAAAAAAAAAvUgBB7+qpcxuU2jl+XmRiL15jNIuBKsW0djqT8N0gHQeY1EABNWTJhsuBo/ajuY3"
    "MsgjrzBh3lmOL7CRR0SeLBF5BZCYJGE5yoAABhRYYAAAKaiO+hqEwxmW9AAAAABAAJ1BdkMTiAAAAAAAAAAAEIAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAG/Jh6EgTBRYQAAAAAAAAgAAAAAAA4SB9Dp1g8lBEAkVf+gygVyC7"
    "sUl7wdSG9SEX3iBd2MqQFAXjC98i7E="
)
# Masterchain special account Ef80UXx7…z2kW, lt 23019612000003: a tick-tock transaction, no messages.
TICK_TOCK_TX = (
    "te6cckECBgEAATIAA69zRRfHvfUYfFWvT4th/cMhWIx6t2je4ksAbfKRBkWNfPAAAU76vLzwNWZ7xZALK0LgKzOhLytPsuTA0xeefgUOOoutURmf"
    "nnowAAFO+ry88BYZJ8ZwABQIAQIDAAEgAIJylqTCiKw1AYPxh8CsC3VDbY7yFlU0TmTCts3A0+5em+JY4alwBNV+0DtCbXo8QiEQ9DmV3wfpinUd"
    "6ThveMbXjwIFMDA0BAUAnkJmTmJaAAAAAAAAAAAAMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAaWAAAACWAAAABAAGAAAAAAAFGa6E8XuPiyICapdf9V8asZ/eSnaHRNIXjfpju1M+EHpAkCa8Fcsu4Q=="
)

ME = "0:" + "aa" * 32
PAYER = "0:" + "bb" * 32
JETTON_WALLET = "0:" + "cc" * 32
PREV_HASH = bytes.fromhex("dd" * 32)
NOW = 1_700_000_000


def _tx(
    in_msg: MessageAny | None,
    *,
    out: tuple[MessageAny, ...] = (),
    account: str = ME,
    description: Cell | None = None,
    jetton_wallet: str | None = None,
):
    if description is None:
        description = ordinary_description(
            credit_first=False, credit=0, compute="vm", action=(len(out), 0), aborted=False, bounce=False
        )
    cell = transaction_cell(
        account=account,
        lt=5000,
        prev_hash=PREV_HASH,
        prev_lt=4000,
        now=NOW,
        orig_status="active",
        end_status="active",
        in_msg=in_msg,
        out_msgs=list(out),
        description=description,
    )
    return parse_transaction(cell.to_boc(), jetton_wallet=jetton_wallet), cell


def _incoming(body: Cell, *, value: int = 10**9, bounce: bool = True, bounced: bool = False, src: str = PAYER):
    return internal_message(
        src=src, dest=ME, value=value, bounce=bounce, bounced=bounced, body=body, created_lt=4999, now=NOW
    )


def _notification(amount: int, sender: str, forward: Cell | None, *, inline: bool = False) -> Cell:
    b = Builder().store_uint(0x7362D09C, 32).store_uint(77, 64).store_coins(amount).store_address(Address(sender))
    if forward is None:
        b.store_bit(0)
    elif inline:
        b.store_bit(0).store_cell(forward)
    else:
        b.store_bit(1).store_ref(forward)
    return b.end_cell()


def test_real_mainnet_wallet_transaction():
    tx = parse_transaction(base64.b64decode(WALLET_TX))
    assert tx.hash == "e9fb666fd65e2d70479c5a2c2ec412ad08d68fcdf57676b3baa34aada3c95db8"
    assert (tx.lt, tx.prev_lt) == (22901965000001, 22901948000001)
    assert tx.account == tx.destination == Address("EQCD39VS5jcptHL8vMjEXrzGaRcCVYto7HUn4bpAOg8xqB2N").to_str(False)
    assert tx.source is None and tx.amount == 0 and tx.in_msg_hash is not None
    assert [(m.amount, m.bounce) for m in tx.out_messages] == [(10_000 * 10**9, False)]
    assert not (tx.aborted or tx.bounced_back or tx.is_bounce)


def test_real_mainnet_tick_tock_transaction():
    tx = parse_transaction(base64.b64decode(TICK_TOCK_TX))
    assert tx.hash == "36c7dbbb0cc6bf250e1265064c6c85751f8c838bea7caa58a9e62db03ea5d004"
    assert tx.lt == 23019612000003
    assert tx.account == Address("Ef80UXx731GHxVr0-LYf3DIViMerdo3uJLAG3ykQZFjXz2kW").to_str(False)
    assert (tx.source, tx.destination, tx.comment, tx.out_messages) == (None, None, None, ())


def test_deposit_with_comment():
    tx, cell = _tx(_incoming(comment_cell("memo-42")))
    assert tx.hash == cell.hash.hex()
    assert (tx.lt, tx.prev_lt, tx.prev_hash, tx.utime) == (5000, 4000, PREV_HASH.hex(), NOW)
    assert (tx.account, tx.source, tx.destination, tx.amount) == (ME, PAYER, ME, 10**9)
    assert tx.comment == "memo-42"
    assert not (tx.is_bounce or tx.bounced_back or tx.aborted)
    assert tx.in_msg_hash is None and tx.jetton_amount is None
    assert (tx.op, tx.query_id, tx.bounced_body) == (0, None, None)
    assert tx.boc == cell.to_boc()


def test_snake_comment_across_cells_with_multibyte_characters():
    text = "Оплата заказа №" + "ж" * 200  # 2-byte characters split at a cell boundary
    tx, _ = _tx(_incoming(comment_cell(text)))
    assert tx.comment == text


@pytest.mark.parametrize(
    ("body", "op", "error"),
    [
        (Cell.empty(), None, None),  # a plain transfer
        (Builder().store_uint(0x1234, 16).end_cell(), None, BODY_MALFORMED),  # shorter than an op code
        (Builder().store_uint(0x12345678, 32).store_uint(1, 64).end_cell(), 0x12345678, None),  # another operation
        (Builder().store_uint(0, 32).store_uint(1, 5).end_cell(), 0, COMMENT_UNDECODABLE),  # not whole bytes
        (
            Builder().store_uint(0, 32).store_ref(Cell.empty()).store_ref(Cell.empty()).end_cell(),
            0,
            COMMENT_UNDECODABLE,  # not a snake
        ),
    ],
)
def test_no_comment(body, op, error):
    tx, _ = _tx(_incoming(body))
    assert tx.comment is None
    assert tx.op == op and tx.query_id is None
    assert tx.amount == 10**9
    assert tx.body_error == error


def test_invalid_utf8_does_not_break_parsing_and_says_the_comment_is_no_text():
    tx, _ = _tx(_incoming(Builder().store_uint(0, 32).store_bytes(b"ok\xff").end_cell()))
    assert tx.comment == "ok\ufffd"  # what the operator sees
    assert tx.body_error == COMMENT_UNDECODABLE


def test_a_readable_comment_has_no_body_error():
    tx, _ = _tx(_incoming(comment_cell("memo-42")))
    assert (tx.comment, tx.body_error) == ("memo-42", None)


def test_incoming_bounce():
    body = Builder().store_uint(0xFFFFFFFF, 32).store_uint(0, 32).store_bytes(b"memo").end_cell()
    tx, _ = _tx(_incoming(body, bounce=False, bounced=True))
    assert tx.is_bounce
    assert tx.comment is None  # the text after the bounce prefix is not a comment to us
    assert not tx.bounced_back
    assert tx.op == 0xFFFFFFFF
    assert tx.bounced_body == bytes(4) + b"memo" and tx.query_id is None


def test_bounce_carries_the_first_256_bits_of_the_body_that_bounced():
    original = comment_cell("Withdrawal #7 from Krypton, and more text than a bounce carries back")
    assert bounce_prefix(original) == bytes(4) + b"Withdrawal #7 from Krypton, "
    body = Builder().store_uint(0xFFFFFFFF, 32).store_bytes(bounce_prefix(original)).end_cell()
    tx, _ = _tx(_incoming(body, bounce=False, bounced=True))
    assert tx.bounced_body == bounce_prefix(original)
    assert bounce_prefix(Builder().store_uint(0, 32).store_uint(1, 5).end_cell()) == bytes(4)  # whole bytes only


def test_bounced_jetton_transfer_gives_back_its_query_id():
    transfer = (
        Builder()
        .store_uint(0x0F8A7EA5, 32)
        .store_uint(42, 64)  # query_id: our withdrawal id
        .store_coins(2_500_000)
        .store_address(Address(PAYER))
        .store_address(Address(ME))
        .end_cell()
    )
    body = Builder().store_uint(0xFFFFFFFF, 32).store_bytes(bounce_prefix(transfer)).end_cell()
    tx, _ = _tx(_incoming(body, bounce=False, bounced=True, src=JETTON_WALLET), jetton_wallet=JETTON_WALLET)
    assert tx.is_bounce and tx.query_id == 42
    assert tx.bounced_body == bounce_prefix(transfer) and len(tx.bounced_body) == 32


def test_jetton_excesses_give_their_query_id():
    body = Builder().store_uint(0xD53276DB, 32).store_uint(42, 64).end_cell()
    tx, _ = _tx(_incoming(body, value=30_000_000, bounce=False, src=JETTON_WALLET), jetton_wallet=JETTON_WALLET)
    assert (tx.op, tx.query_id, tx.comment, tx.jetton_amount) == (0xD53276DB, 42, None, None)
    assert tx.amount == 30_000_000


def test_bounced_back():
    incoming = _incoming(comment_cell("memo"))
    bounce = internal_message(
        src=ME,
        dest=PAYER,
        value=10**9 - 1000,
        bounce=False,
        bounced=True,
        body=Builder().store_uint(0xFFFFFFFF, 32).end_cell(),
        created_lt=5001,
        now=NOW,
    )
    description = ordinary_description(
        credit_first=False, credit=10**9, compute="failed", action=None, aborted=True, bounce=True
    )
    tx, _ = _tx(incoming, out=(bounce,), description=description)
    assert tx.aborted and tx.bounced_back and not tx.is_bounce
    assert tx.comment == "memo" and tx.amount == 10**9
    assert [(m.destination, m.amount, m.bounce) for m in tx.out_messages] == [(PAYER, 10**9 - 1000, True)]


def test_aborted_non_bounceable_keeps_the_value():
    description = ordinary_description(
        credit_first=True, credit=10**9, compute="failed", action=None, aborted=True, bounce=False
    )
    tx, _ = _tx(_incoming(comment_cell("memo"), bounce=False), description=description)
    assert tx.aborted
    assert not tx.bounced_back  # nothing went back: the account keeps the value
    assert tx.amount == 10**9


def test_bounce_phase_without_funds_sends_nothing_back():
    # Built by hand: tr_phase_bounce_nofunds$01 msg_size:StorageUsedShort req_fwd_fees:Grams
    description = (
        Builder()
        .store_uint(0, 4)
        .store_bool(False)
        .store_bit(0)  # no storage phase
        .store_bit(1)
        .store_bit(0)
        .store_coins(10)
        .store_bit(0)  # credit phase: 10 nanotons
        .store_bit(1)
        .store_bool(False)
        .store_bool(False)
        .store_bool(False)
        .store_coins(0)
        .store_ref(
            Builder()
            .store_var_uint(0, 3)
            .store_var_uint(0, 3)
            .store_bit(0)
            .store_int(0, 8)
            .store_int(9, 32)
            .store_bit(0)
            .store_uint(0, 32)
            .store_bytes(bytes(64))
            .end_cell()
        )
        .store_bit(0)  # no action phase
        .store_bool(True)  # aborted
        .store_bit(1)
        .store_uint(0b01, 2)
        .store_var_uint(1, 3)
        .store_var_uint(100, 3)
        .store_coins(5000)
        .store_bool(False)
        .end_cell()
    )
    tx, _ = _tx(_incoming(Cell.empty(), value=10), description=description)
    assert tx.aborted and not tx.bounced_back


def test_jetton_notification_from_our_jetton_wallet():
    body = _notification(2_500_000, PAYER, comment_cell("memo-7"))
    tx, _ = _tx(_incoming(body, value=1, bounce=False, src=JETTON_WALLET), jetton_wallet=JETTON_WALLET)
    assert (tx.jetton_amount, tx.jetton_sender, tx.comment) == (2_500_000, PAYER, "memo-7")
    assert (tx.source, tx.amount) == (JETTON_WALLET, 1)
    assert (tx.op, tx.query_id) == (0x7362D09C, 77)


def test_jetton_notification_with_inline_payload_and_friendly_wallet_address():
    body = _notification(5, PAYER, comment_cell("inline"), inline=True)
    friendly = Address(JETTON_WALLET).to_str()
    tx, _ = _tx(_incoming(body, value=1, src=JETTON_WALLET), jetton_wallet=friendly)
    assert (tx.jetton_amount, tx.comment) == (5, "inline")


def test_jetton_notification_without_payload():
    tx, _ = _tx(_incoming(_notification(5, PAYER, None), src=JETTON_WALLET), jetton_wallet=JETTON_WALLET)
    assert (tx.jetton_amount, tx.jetton_sender, tx.comment) == (5, PAYER, None)


def test_jetton_notification_from_another_wallet_is_not_a_jetton_deposit():
    body = _notification(10**12, PAYER, comment_cell("memo-7"))
    tx, _ = _tx(_incoming(body, value=1, src=PAYER), jetton_wallet=JETTON_WALLET)
    assert tx.jetton_amount is None and tx.jetton_sender is None
    assert tx.comment is None  # nor is its payload a comment of this message
    assert tx.op == 0x7362D09C  # what the monitor needs to ignore it rather than queue it
    unknown, _ = _tx(_incoming(body, value=1, src=JETTON_WALLET))  # our jetton wallet not given
    assert unknown.jetton_amount is None


@pytest.mark.parametrize(
    "body",
    [
        Builder().store_uint(0x7362D09C, 32).store_uint(1, 16).end_cell(),  # cut inside the query_id
        Builder().store_uint(0x7362D09C, 32).store_uint(1, 64).store_uint(15, 4).store_uint(1, 8).end_cell(),  # amount
        Builder().store_uint(0x7362D09C, 32).store_uint(1, 64).store_coins(5).store_uint(0b11, 2).end_cell(),  # sender
    ],
    ids=["query_id", "amount", "sender"],
)
def test_a_notification_of_ours_without_amount_or_sender_says_so(body):
    tx, _ = _tx(_incoming(body, src=JETTON_WALLET), jetton_wallet=JETTON_WALLET)
    assert tx.jetton_amount is None and tx.comment is None
    assert tx.body_error == NOTIFICATION_MALFORMED
    stranger, _ = _tx(_incoming(body, src=PAYER), jetton_wallet=JETTON_WALLET)
    assert stranger.body_error is None  # not ours: not read, so nothing to say


def test_a_notification_whose_payload_cannot_be_read_keeps_its_amount():
    """The jetton wallet writes the amount and the sender; the forward payload is the sender's."""
    missing_ref = (
        Builder()
        .store_uint(0x7362D09C, 32)
        .store_uint(77, 64)
        .store_coins(5)
        .store_address(Address(PAYER))
        .store_bit(1)  # the payload is in a reference that is not there
        .end_cell()
    )
    tx, _ = _tx(_incoming(missing_ref, src=JETTON_WALLET), jetton_wallet=JETTON_WALLET)
    assert (tx.jetton_amount, tx.jetton_sender, tx.comment, tx.body_error) == (5, PAYER, None, COMMENT_UNDECODABLE)
    half_bytes = Builder().store_uint(0, 32).store_bytes(b"MEM").store_uint(1, 4).end_cell()
    tx, _ = _tx(_incoming(_notification(5, PAYER, half_bytes), src=JETTON_WALLET), jetton_wallet=JETTON_WALLET)
    assert (tx.jetton_amount, tx.comment, tx.body_error) == (5, "MEM", COMMENT_UNDECODABLE)


def test_a_notification_without_even_the_payload_bit_is_still_a_deposit():
    bare = Builder().store_uint(0x7362D09C, 32).store_uint(77, 64).store_coins(5).store_address(Address(PAYER))
    tx, _ = _tx(_incoming(bare.end_cell(), src=JETTON_WALLET), jetton_wallet=JETTON_WALLET)
    assert (tx.jetton_amount, tx.jetton_sender, tx.comment, tx.body_error) == (5, PAYER, None, None)


@settings(max_examples=300, deadline=None)
@given(
    prefix=st.sampled_from([None, 0, 0x7362D09C, 0xD53276DB, 0xFFFFFFFF, 0x0F8A7EA5]),
    data=st.binary(max_size=120),
    bits=st.integers(0, 7),  # a body need not hold whole bytes
    refs=st.lists(st.binary(max_size=40), max_size=3),
    bounced=st.booleans(),
    ours=st.booleans(),
)
def test_any_body_parses_and_says_what_it_could_read(prefix, data, bits, refs, bounced, ours):
    """Anyone can send any body: parsing never raises on one; an op-0 comment without a body error is text."""
    body = Builder()
    if prefix is not None:
        body.store_uint(prefix, 32)
    body.store_bytes(data)
    if bits:
        body.store_uint(0, bits)
    for ref in refs:
        body.store_ref(Builder().store_bytes(ref).end_cell())
    src = JETTON_WALLET if ours else PAYER
    tx, _ = _tx(_incoming(body.end_cell(), bounced=bounced, bounce=False, src=src), jetton_wallet=JETTON_WALLET)
    assert tx.body_error in (None, BODY_MALFORMED, COMMENT_UNDECODABLE, NOTIFICATION_MALFORMED)
    if tx.op == 0 and not bounced and tx.body_error is None:
        assert isinstance(tx.comment, str)
    if tx.jetton_amount is not None:
        assert ours and tx.op == 0x7362D09C and tx.jetton_amount >= 0


def test_external_in_message_hash_is_normalised():
    wallet = HotWallet(bytes(range(32)))
    signed = wallet.transfer(seqno=0, valid_until=NOW + 60, destination=PAYER, amount=7)
    received = MessageAny.deserialize(Cell.one_from_boc(signed.boc).begin_parse())
    # The chain may record the message with an import fee and the init it carried.
    recorded = MessageAny(info=ExternalMsgInfo(None, received.info.dest, 1234), init=received.init, body=received.body)
    tx, _ = _tx(recorded, account=wallet.address)
    assert tx.in_msg_hash == signed.message_hash == external_message_hash(signed.boc)
    assert (tx.source, tx.destination, tx.amount, tx.comment) == (None, wallet.address, 0, None)


def test_out_messages_include_logs():
    log = MessageAny(info=ExternalOutMsgInfo(Address(ME), None, 5001, NOW), init=None, body=Cell.empty())
    payment = internal_message(src=ME, dest=PAYER, value=3, bounce=True, body=Cell.empty(), created_lt=5002, now=NOW)
    tx, _ = _tx(_incoming(Cell.empty()), out=(log, payment))
    assert [(m.destination, m.amount, m.bounce) for m in tx.out_messages] == [(None, 0, False), (PAYER, 3, False)]
    assert not tx.bounced_back


def test_workchain_comes_from_the_messages():
    master = "-1:" + "aa" * 32
    message = internal_message(src=PAYER, dest=master, value=1, bounce=True, body=Cell.empty(), created_lt=1, now=NOW)
    tx, _ = _tx(message, account=master)
    assert tx.account == master
