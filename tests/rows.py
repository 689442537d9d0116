"""Minimal rows written directly, for tests that need a user or a deal to authorise against but not
the services that normally make them (chat, notifications, reviews, the chat file route). Importable from every
test folder: pytest puts tests/ on the path for its conftest. Also small real images for the chat."""

import io
import uuid

from PIL import Image

from krypton_app.models import Ad, Deal, User

PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}


def image_bytes(kind="png", *, size=(48, 32), color=(0, 152, 234), **save_options) -> bytes:
    """A real image that decodes (png | jpeg | webp); save_options go to Pillow (e.g. exif=...)."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=PIL_FORMATS[kind], **save_options)
    return out.getvalue()


def make_user(uow, *, operator=False) -> int:
    with uow.transaction() as s:
        user = User(wallet_address=f"0:{uuid.uuid4().hex}{uuid.uuid4().hex}", is_operator=operator)
        s.add(user)
        s.flush()
        return user.id


def make_deal(uow, seller_id, buyer_id, *, status="escrow_locked") -> int:
    with uow.transaction() as s:
        ad = Ad(owner_id=seller_id, side="sell", asset="TON", fiat="RUB", country="RU", methods="sbp",
                price_kind="fixed", price=50_000, min_amount=1, max_amount=10**9, total_volume=10**9,
                remaining=10**9)  # fmt: skip
        s.add(ad)
        s.flush()
        deal = Deal(ad_id=ad.id, seller_id=seller_id, buyer_id=buyer_id, taker_id=buyer_id, asset="TON",
                    amount=10**9, fiat="RUB", fiat_amount=50_000, price=50_000, method="sbp",
                    status=status, idempotency_key=str(uuid.uuid4()))  # fmt: skip
        s.add(deal)
        s.flush()
        return deal.id
