"""The deal page's review form and chat, a mixin of DealState (pages/deals/state.py): a review of the other
side once the deal is over, and the chat's text and image messages. The services check the viewer's
right to each again."""

from __future__ import annotations

import reflex as rx

from krypton_app.bootstrap import app_deps
from krypton_app.domain.errors import KryptonError
from krypton_app.i18n import error_key
from krypton_app.models.common import utcnow
from krypton_app.services.chat import IMAGE_MAX_BYTES, post_message
from krypton_app.services.reviews import leave_review
from krypton_app.state.offload import off_loop


class DealTalk(rx.State, mixin=True):
    chat_error: str = ""
    chat_length: int = 0  # of the text being typed, for the input's counter
    image_error: str = ""
    # my review of the other side once the deal is over: "" none yet, "positive" / "negative"
    my_review: str = ""
    review_error: str = ""

    @rx.event
    async def review(self, form_data: dict):
        user_id = await self._user_id()
        if user_id is None:
            return
        verdict = str(form_data.get("verdict") or "")
        if verdict not in ("positive", "negative"):
            # No default verdict: the author must pick one (pages/deals/review.py).
            self.review_error = "error.review_verdict_required"
            return
        positive = verdict == "positive"
        comment = str(form_data.get("comment") or "").strip()
        try:
            await off_loop(
                leave_review, app_deps().uow, user_id, self._deal_id, positive=positive, comment=comment, now=utcnow()
            )
        except KryptonError as error:
            self.review_error = error_key(error.code, error.details)
            return
        self.review_error = ""
        self.my_review = "positive" if positive else "negative"
        self._changed()

    @rx.event
    async def send(self, form_data: dict):
        user_id = await self._user_id()
        if user_id is None:
            return None
        text = str(form_data.get("text") or "")
        try:
            await off_loop(post_message, app_deps().uow, user_id, self._deal_id, text=text, now=utcnow())
            self.chat_error = ""
        except KryptonError as error:
            self.chat_error = error_key(error.code, error.details)
            return None
        self._changed()
        await self._refresh(user_id)
        # Cleared only once sent: a refused message stays in the input to be shortened (issue 11).
        self.chat_length = 0
        return rx.set_value("chat_text", "")

    @rx.event
    def count_chat(self, text: str):
        """The counter under the chat input: the length of the text only, nothing is stored or sent."""
        self.chat_length = len(text) if isinstance(text, str) else 0

    @rx.event
    async def send_image(self, files: list[rx.UploadFile]):
        user_id = await self._user_id()
        if user_id is None or not files:
            return
        upload = files[0]
        # One byte over the limit is enough for the service to refuse; never read a huge file whole.
        data = await upload.read(IMAGE_MAX_BYTES + 1)
        image_type = getattr(upload, "content_type", None) or None
        try:
            await off_loop(
                post_message,
                app_deps().uow,
                user_id,
                self._deal_id,
                text="",
                image=data,
                image_type=image_type,
                now=utcnow(),
            )
        except KryptonError as error:
            self.image_error = error_key(error.code, error.details)
            return
        self.image_error = ""
        self._changed()
        await self._refresh(user_id)
