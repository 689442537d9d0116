"""GET /files/chat/<id> for a payment chat's image: its payer and merchant get it (and an operator once
called); a stranger and an operator nobody called get the same 404 as for a missing file."""

from builders import image_bytes, make_session, make_user, paid_payment
from starlette.testclient import TestClient

from krypton_app.api.app import build_api
from krypton_app.services.auth import SESSION_COOKIE
from krypton_app.services.payment_chat import call_operator, post_payment_message

PNG = image_bytes("png")


def get(uow, tmp_path, user_id, message_id):
    c = TestClient(build_api(chat_upload_dir=tmp_path))
    c.cookies.set(SESSION_COOKIE, make_session(uow, user_id))
    return c.get(f"/files/chat/{message_id}")


def test_the_two_sides_and_a_called_operator_only(uow, tmp_path):
    merchant, payer, payment_id = paid_payment(uow)
    stranger, operator = make_user(uow), make_user(uow, operator=True)
    message = post_payment_message(uow, payer, payment_id, text="", image=PNG, upload_dir=tmp_path)
    for user in (payer, merchant):
        response = get(uow, tmp_path, user, message.id)
        assert response.status_code == 200 and response.headers["content-type"] == "image/png"
        assert response.headers["x-content-type-options"] == "nosniff"
    for user in (stranger, operator):
        response = get(uow, tmp_path, user, message.id)
        assert response.status_code == 404 and response.text == "Not Found"
    call_operator(uow, merchant, payment_id)
    assert get(uow, tmp_path, operator, message.id).status_code == 200
    assert get(uow, tmp_path, stranger, message.id).status_code == 404
