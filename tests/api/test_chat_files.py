"""GET /files/chat/<id>: the image for the deal's two sides (and its operator once disputed), the same
404 for everyone and everything else, and headers that keep the browser from reading it as a page."""

import secrets

import pytest
from rows import image_bytes, make_deal, make_session, make_user
from starlette.testclient import TestClient

from krypton_app.api.app import build_api
from krypton_app.models import Deal, Dispute
from krypton_app.services import chat
from krypton_app.services.auth import SESSION_COOKIE, revoke_all_sessions, revoke_session

PNG = image_bytes("png")
JPEG = image_bytes("jpeg")


def dispute(uow, deal_id) -> None:
    with uow.transaction() as s:
        s.get(Deal, deal_id).status = "disputed"
        s.add(Dispute(deal_id=deal_id))


@pytest.fixture
def deal(uow, tmp_path):
    seller, buyer = make_user(uow), make_user(uow)
    deal_id = make_deal(uow, seller, buyer, status="fiat_sent")
    message = chat.post_message(uow, buyer, deal_id, text="receipt", image=PNG, upload_dir=tmp_path)
    return seller, buyer, deal_id, message.id


def client(uow, tmp_path, user_id=None, token=None):
    c = TestClient(build_api(chat_upload_dir=tmp_path))
    if user_id is not None:
        token = make_session(uow, user_id)
    if token is not None:
        c.cookies.set(SESSION_COOKIE, token)
    return c


def assert_not_found(response):
    assert response.status_code == 404
    assert response.text == "Not Found" and "image" not in response.headers["content-type"]


def test_both_sides_get_the_bytes_with_safe_headers(uow, tmp_path, deal):
    seller, buyer, _deal_id, message_id = deal
    for user in (seller, buyer):
        response = client(uow, tmp_path, user).get(f"/files/chat/{message_id}")
        assert response.status_code == 200
        assert response.content == PNG
        assert response.headers["content-type"] == "image/png"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "private, max-age=3600"
        assert response.headers["content-security-policy"] == "default-src 'none'"
        assert response.headers["content-disposition"] == "inline"


def test_the_stored_type_is_served(uow, tmp_path, deal):
    seller, buyer, deal_id, _ = deal
    jpeg = chat.post_message(uow, seller, deal_id, text="", image=JPEG, upload_dir=tmp_path)
    response = client(uow, tmp_path, buyer).get(f"/files/chat/{jpeg.id}")
    assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"


def test_a_stranger_gets_the_same_404_as_a_missing_message(uow, tmp_path, deal):
    *_, message_id = deal
    stranger = client(uow, tmp_path, make_user(uow))
    assert_not_found(stranger.get(f"/files/chat/{message_id}"))
    assert_not_found(stranger.get(f"/files/chat/{message_id + 999}"))


def test_no_session_or_a_forged_one_is_404_not_401(uow, tmp_path, deal):
    seller, *_, message_id = deal
    assert_not_found(client(uow, tmp_path).get(f"/files/chat/{message_id}"))
    forged = secrets.token_urlsafe(32)  # the shape of a session, but not one the server issued
    assert_not_found(client(uow, tmp_path, token=forged).get(f"/files/chat/{message_id}"))
    assert_not_found(client(uow, tmp_path, token="garbage").get(f"/files/chat/{message_id}"))
    # The cookie is the only source of the viewer: a user id elsewhere in the request is not one.
    assert_not_found(client(uow, tmp_path).get(f"/files/chat/{message_id}?user_id={seller}"))


def test_an_operator_sees_it_only_once_the_deal_is_disputed(uow, tmp_path, deal):
    _, _, deal_id, message_id = deal
    operator = client(uow, tmp_path, make_user(uow, operator=True))
    assert_not_found(operator.get(f"/files/chat/{message_id}"))
    dispute(uow, deal_id)
    response = operator.get(f"/files/chat/{message_id}")
    assert response.status_code == 200 and response.content == PNG


def test_text_messages_missing_files_and_odd_ids_are_404(uow, tmp_path, deal):
    seller, buyer, deal_id, message_id = deal
    text = chat.post_message(uow, seller, deal_id, text="no picture", upload_dir=tmp_path)
    c = client(uow, tmp_path, buyer)
    assert_not_found(c.get(f"/files/chat/{text.id}"))
    for name in [p.name for p in tmp_path.iterdir()]:
        (tmp_path / name).unlink()
    assert_not_found(c.get(f"/files/chat/{message_id}"))
    assert_not_found(c.get(f"/files/chat/{2**31}"))  # beyond the INTEGER column: 404, not a database error
    assert c.get("/files/chat/0").status_code == 404
    assert c.get("/files/chat/abc").status_code == 404
    assert c.post(f"/files/chat/{message_id}").status_code == 405


def test_a_revoked_session_gets_the_404_at_once(uow, tmp_path, deal):
    seller, *_, message_id = deal
    token, other = make_session(uow, seller), make_session(uow, seller)
    assert client(uow, tmp_path, token=token).get(f"/files/chat/{message_id}").status_code == 200
    revoke_session(uow, token)  # logout in one browser
    assert_not_found(client(uow, tmp_path, token=token).get(f"/files/chat/{message_id}"))
    assert client(uow, tmp_path, token=other).get(f"/files/chat/{message_id}").status_code == 200
    revoke_all_sessions(uow, seller)  # "log out everywhere"
    assert_not_found(client(uow, tmp_path, token=other).get(f"/files/chat/{message_id}"))
