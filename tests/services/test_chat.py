"""Deal chat: system messages written in the caller's transaction; participants (and the operator in a
dispute) read and post; everyone else gets NotFound."""

import io
import json

import pytest
from builders import image_bytes, make_deal, make_user
from PIL import Image
from sqlalchemy import select

from krypton_app.domain.errors import KryptonError, NotFound
from krypton_app.models import ChatMessage, Deal, Dispute
from krypton_app.services import chat
from krypton_app.services.chat import (
    IMAGE,
    IMAGE_MAX_BYTES,
    SYSTEM,
    TEXT,
    TEXT_MAX,
    attachment_file,
    list_messages,
    post_message,
    post_system_message,
)
from krypton_app.services.notifications import list_notifications


@pytest.fixture
def pair(uow):
    seller, buyer = make_user(uow), make_user(uow)
    return seller, buyer, make_deal(uow, seller, buyer)


def test_system_message_stores_key_and_params(uow, pair):
    _, _, deal_id = pair
    with uow.transaction() as s:
        post_system_message(s, deal_id, "deal.system.escrow_locked", {"amount": "1 TON"})
    with uow.read() as s:
        (row,) = s.execute(select(ChatMessage)).scalars().all()
    assert (row.kind, row.author_id) == (SYSTEM, None)
    assert json.loads(row.body) == {"key": "deal.system.escrow_locked", "params": {"amount": "1 TON"}}


def test_system_message_rolls_back_with_the_caller(uow, pair):
    _, _, deal_id = pair
    with pytest.raises(RuntimeError), uow.transaction() as s:
        post_system_message(s, deal_id, "deal.system.released", {})
        raise RuntimeError("the transition failed")
    with uow.read() as s:
        assert s.execute(select(ChatMessage)).first() is None


PNG, JPEG, WEBP = image_bytes("png"), image_bytes("jpeg"), image_bytes("webp")


def dispute(uow, deal_id, *, status="disputed", outcome="open"):
    with uow.transaction() as s:
        s.get(Deal, deal_id).status = status
        s.add(Dispute(deal_id=deal_id, outcome=outcome))


def notified(uow, user_id):
    return [(n.kind, n.deal_id) for n in list_notifications(uow, user_id)]


def test_participants_post_and_read_and_the_other_side_is_notified(uow, pair, tmp_path):
    seller, buyer, deal_id = pair
    sent = post_message(uow, buyer, deal_id, text="  paid by SBP\r\n<b>ok</b>  ", upload_dir=tmp_path)
    assert (sent.kind, sent.text, sent.author_role, sent.mine) == (TEXT, "paid by SBP\n<b>ok</b>", "buyer", True)
    post_message(uow, seller, deal_id, text="got it", upload_dir=tmp_path)
    with uow.transaction() as s:
        post_system_message(s, deal_id, "deal.system.released", {"amount": "1 TON"})
    seen = list_messages(uow, seller, deal_id)
    # Stored as plain text: markup is kept verbatim and escaped by the UI, never interpreted here.
    assert [(m.kind, m.text, m.author_role, m.mine) for m in seen] == [
        (TEXT, "paid by SBP\n<b>ok</b>", "buyer", False),
        (TEXT, "got it", "seller", True),
        (SYSTEM, "", None, False),
    ]
    assert (seen[2].text_key, seen[2].params) == ("deal.system.released", {"amount": "1 TON"})
    assert [m.text for m in list_messages(uow, buyer, deal_id, after_id=seen[0].id)] == ["got it", ""]
    assert notified(uow, seller) == [("chat_message", deal_id)]
    assert notified(uow, buyer) == [("chat_message", deal_id)]


def test_strangers_and_operators_outside_a_dispute_get_not_found(uow, pair, tmp_path):
    seller, buyer, deal_id = pair
    stranger, operator = make_user(uow), make_user(uow, operator=True)
    image = post_message(uow, buyer, deal_id, text="", image=PNG, upload_dir=tmp_path)
    for outsider in (stranger, operator):
        with pytest.raises(NotFound):
            post_message(uow, outsider, deal_id, text="hi", upload_dir=tmp_path)
        with pytest.raises(NotFound):
            list_messages(uow, outsider, deal_id)
        with pytest.raises(NotFound):
            attachment_file(uow, outsider, image.id, upload_dir=tmp_path)
    # An unknown deal looks exactly like someone else's deal.
    for user in (seller, stranger, operator):
        with pytest.raises(NotFound):
            list_messages(uow, user, deal_id + 999)
        with pytest.raises(NotFound):
            post_message(uow, user, deal_id + 999, text="hi", upload_dir=tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [image.attachment]
    assert notified(uow, stranger) == notified(uow, operator) == []


@pytest.mark.parametrize("state", ["open_dispute", "disputed_status", "resolved"])
def test_operator_reads_and_posts_once_disputed(uow, pair, tmp_path, state):
    seller, buyer, deal_id = pair
    operator, stranger = make_user(uow, operator=True), make_user(uow)
    if state == "open_dispute":
        with uow.transaction() as s:
            s.add(Dispute(deal_id=deal_id))
    elif state == "disputed_status":
        with uow.transaction() as s:
            s.get(Deal, deal_id).status = "disputed"
    else:
        dispute(uow, deal_id, status="resolved", outcome="split")
    post_message(uow, seller, deal_id, text="I was not paid", upload_dir=tmp_path)
    note = post_message(uow, operator, deal_id, text="Please send the receipt", upload_dir=tmp_path)
    assert note.author_role == "operator"
    assert [m.author_role for m in list_messages(uow, operator, deal_id)] == ["seller", "operator"]
    assert [m.author_role for m in list_messages(uow, buyer, deal_id)] == ["seller", "operator"]
    # The operator's message notifies both sides; the stranger still sees nothing.
    assert notified(uow, buyer) == [("chat_message", deal_id)] * 2
    assert notified(uow, seller) == [("chat_message", deal_id)]
    with pytest.raises(NotFound):
        list_messages(uow, stranger, deal_id)


def test_text_rules(uow, pair, tmp_path):
    _, buyer, deal_id = pair
    msg = post_message(uow, buyer, deal_id, text="a\x00b\x1b[31mc\u202ed\te\u200df", upload_dir=tmp_path)
    assert msg.text == "ab[31mcd\te\u200df"
    assert len(post_message(uow, buyer, deal_id, text="x" * TEXT_MAX, upload_dir=tmp_path).text) == TEXT_MAX
    for bad, code in (
        ("x" * (TEXT_MAX + 1), "chat_text_too_long"),
        (" \x00\n ", "chat_text_empty"),
        ("", "chat_text_empty"),
    ):
        with pytest.raises(KryptonError) as err:
            post_message(uow, buyer, deal_id, text=bad, upload_dir=tmp_path)
        assert err.value.code == code
    assert len(list_messages(uow, buyer, deal_id)) == 2


@pytest.mark.parametrize(
    ("data", "declared", "suffix"), [(PNG, "image/png", "png"), (JPEG, None, "jpeg"), (WEBP, "image/webp", "webp")]
)
def test_images_are_stored_under_a_random_name(uow, pair, tmp_path, data, declared, suffix):
    seller, buyer, deal_id = pair
    one = post_message(uow, buyer, deal_id, text="receipt", image=data, image_type=declared, upload_dir=tmp_path)
    two = post_message(uow, buyer, deal_id, text="", image=data, image_type=declared, upload_dir=tmp_path)
    assert (one.kind, one.text, two.kind, two.text) == (IMAGE, "receipt", IMAGE, "")
    assert one.attachment != two.attachment and one.attachment.endswith("." + suffix)
    path, content_type = attachment_file(uow, seller, one.id, upload_dir=tmp_path)
    assert (content_type, path.parent) == (f"image/{suffix}", tmp_path)
    with Image.open(path) as stored:  # re-encoded, the same kind and picture
        assert (stored.format.lower(), stored.size) == (suffix, (48, 32))


@pytest.mark.parametrize(
    ("data", "declared", "code"),
    [
        (b"GIF89a" + b"\x00" * 32, None, "chat_image_type"),
        (b"<svg onload=alert(1)>", "image/png", "chat_image_type"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "image/webp", "chat_image_type"),
        (PNG, "image/jpeg", "chat_image_type"),  # the bytes and the claimed type disagree
        (PNG[:40], "image/png", "chat_image_type"),  # the right magic bytes, but no image behind them
        (image_bytes("png", size=(5000, 4000)), "image/png", "chat_image_too_many_pixels"),  # 14 kB, 20 MP
        (PNG + b"\x00" * IMAGE_MAX_BYTES, "image/png", "chat_image_too_large"),
    ],
)
def test_bad_images_are_refused_and_nothing_is_stored(uow, pair, tmp_path, data, declared, code):
    _, buyer, deal_id = pair
    with pytest.raises(KryptonError) as err:
        post_message(uow, buyer, deal_id, text="see", image=data, image_type=declared, upload_dir=tmp_path)
    assert err.value.code == code
    assert list(tmp_path.iterdir()) == []
    assert list_messages(uow, buyer, deal_id) == []


def test_image_at_the_size_limit_is_accepted(uow, pair, tmp_path):
    _, buyer, deal_id = pair
    data = PNG + b"\x00" * (IMAGE_MAX_BYTES - len(PNG))  # a decoder stops at the PNG's end
    assert post_message(uow, buyer, deal_id, text="", image=data, upload_dir=tmp_path).kind == IMAGE


GPS = {1: "N", 2: (55.0, 45.0, 21.0), 3: "E", 4: (37.0, 37.0, 4.0)}  # latitude / longitude of a flat


def test_a_photo_loses_its_gps_position_and_camera_before_it_is_stored(uow, pair, tmp_path):
    seller, buyer, deal_id = pair
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "PhoneMaker", "Phone 15"  # Make, Model
    exif[0x8825] = GPS  # the GPS IFD
    photo = image_bytes("jpeg", size=(64, 48), exif=exif, comment=b"home")
    with Image.open(io.BytesIO(photo)) as original:  # the fixture carries what a phone writes
        assert original.getexif().get_ifd(0x8825) and original.info["comment"] == b"home"

    message = post_message(uow, buyer, deal_id, text="", image=photo, image_type="image/jpeg", upload_dir=tmp_path)
    path, _ = attachment_file(uow, seller, message.id, upload_dir=tmp_path)
    stored = path.read_bytes()
    assert b"Exif" not in stored and b"PhoneMaker" not in stored and b"home" not in stored
    with Image.open(path) as image:
        image.load()  # still decodes
        assert (image.format, image.size) == ("JPEG", (64, 48))
        assert len(image.getexif()) == 0 and "exif" not in image.info and "comment" not in image.info


def test_attachment_of_a_text_message_is_not_found(uow, pair, tmp_path):
    _, buyer, deal_id = pair
    msg = post_message(uow, buyer, deal_id, text="hi", upload_dir=tmp_path)
    for message_id in (msg.id, msg.id + 999):
        with pytest.raises(NotFound):
            attachment_file(uow, buyer, message_id, upload_dir=tmp_path)


def test_failed_transaction_leaves_no_file(uow, pair, tmp_path, monkeypatch):
    _, buyer, deal_id = pair

    def boom(*args, **kwargs):
        raise RuntimeError("notification failed")

    monkeypatch.setattr(chat, "notify", boom)
    with pytest.raises(RuntimeError):
        post_message(uow, buyer, deal_id, text="", image=PNG, upload_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert list_messages(uow, buyer, deal_id) == []
