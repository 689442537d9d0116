import json
from datetime import UTC, datetime

from sqlmodel import select

from krypton_app.models.invoices import Invoice
from krypton_app.models.merchant import WebhookEvent
from krypton_app.models.users import User
from krypton_app.services.webhooks import enqueue_event

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def make_merchant_invoice(
    uow, *, name="m", number="INV2345", webhook_url="https://shop.example/hook"
) -> tuple[int, int]:
    with uow.transaction() as s:
        merchant = User(wallet_address=f"0:{name.encode().hex():0<64}", display_name=name)
        s.add(merchant)
        s.flush()
        invoice = Invoice(
            number=number,
            merchant_id=merchant.id,
            kind="fixed",
            title="VPN key",
            asset="TON",
            amount=1_500_000_000,
            webhook_url=webhook_url,
        )
        s.add(invoice)
        s.flush()
        return merchant.id, invoice.id


def test_enqueue_writes_the_outbox_row_in_the_callers_transaction(uow):
    merchant_id, invoice_id = make_merchant_invoice(uow)
    with uow.transaction() as s:
        event_id = enqueue_event(
            s,
            merchant_id=merchant_id,
            invoice_id=invoice_id,
            payment_id=None,
            type="invoice.closed",
            data={"invoice": {"number": "INV2345"}},
            url="https://shop.example/hook",
            is_test=True,
            now=NOW,
        )
    with uow.read() as s:
        row = s.exec(select(WebhookEvent)).one()
    assert row.event_id == event_id and event_id.startswith("evt_")
    assert (row.status, row.attempts, row.url, row.type) == (
        "pending",
        0,
        "https://shop.example/hook",
        "invoice.closed",
    )
    assert json.loads(row.body) == {
        "id": event_id,
        "type": "invoice.closed",
        "created": int(NOW.timestamp()),
        "test": True,
        "data": {"invoice": {"number": "INV2345"}},
    }


def test_enqueue_without_url_writes_nothing_and_a_rollback_drops_the_event(uow):
    merchant_id, invoice_id = make_merchant_invoice(uow)
    with uow.transaction() as s:
        assert (
            enqueue_event(
                s,
                merchant_id=merchant_id,
                invoice_id=invoice_id,
                payment_id=None,
                type="invoice.closed",
                data={},
                url=None,
                is_test=False,
            )
            is None
        )
    try:
        with uow.transaction() as s:
            enqueue_event(
                s,
                merchant_id=merchant_id,
                invoice_id=invoice_id,
                payment_id=None,
                type="invoice.closed",
                data={},
                url="https://shop.example/hook",
                is_test=False,
            )
            raise RuntimeError("the change that caused the event failed")
    except RuntimeError:
        pass
    with uow.read() as s:
        assert s.exec(select(WebhookEvent)).all() == []
