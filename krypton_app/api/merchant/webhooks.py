"""Webhooks: an invoice's events with every delivery attempt, a test event, and one more delivery."""

from __future__ import annotations

from pydantic import BaseModel

from krypton_app.api.merchant.pipeline import Call, Operation
from krypton_app.api.merchant.schemas import (
    MAX_ROW_ID,
    DeliveryAttempt,
    QueuedEvent,
    TestEventCreate,
    WebhookDelivery,
    WebhookDeliveryList,
)
from krypton_app.domain.errors import Forbidden, NotFound
from krypton_app.services import webhooks


def delivery_json(view: webhooks.DeliveryView) -> WebhookDelivery:
    return WebhookDelivery(
        id=view.id,
        event_id=view.event_id,
        type=view.type,
        url=view.url,
        status=view.status,
        attempts=view.attempts,
        test=view.is_test,
        created_at=view.created_at,
        next_attempt_at=view.next_attempt_at,
        delivered_at=view.delivered_at,
        log=[
            DeliveryAttempt(
                attempt=a.attempt,
                status_code=a.status_code,
                response_ms=a.response_ms,
                response_excerpt=a.response_excerpt,
                error=a.error,
                created_at=a.created_at,
            )
            for a in view.attempts_log
        ],
    )


def list_deliveries(call: Call) -> tuple[int, BaseModel]:
    views = webhooks.list_deliveries(
        call.uow, call.principal.user_id, call.path["number"], only_test=call.principal.is_test
    )
    return 200, WebhookDeliveryList(items=[delivery_json(view) for view in views])


def send_test_event(call: Call) -> tuple[int, BaseModel]:
    body: TestEventCreate = call.body
    event_id = webhooks.send_test_event(
        call.uow,
        call.principal.user_id,
        body.invoice,
        settings=call.settings,
        now=call.now,
        only_test=call.principal.is_test,
    )
    return 202, QueuedEvent(event_id=event_id)


def redeliver(call: Call) -> tuple[int, BaseModel]:
    text = call.path["delivery_id"]
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_ROW_ID:  # anything else cannot be a row id
        raise NotFound()
    try:
        event_id = webhooks.redeliver(
            call.uow, call.principal.user_id, int(text), now=call.now, only_test=call.principal.is_test
        )
    except Forbidden:
        raise NotFound() from None  # another merchant's event does not exist for this one
    return 202, QueuedEvent(event_id=event_id)


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "GET",
        "/invoices/{number}/webhook-deliveries",
        "listWebhookDeliveries",
        "The invoice's webhook events and every delivery attempt",
        "invoices:read",
        list_deliveries,
        {200: ("Events, newest first", WebhookDeliveryList)},
    ),
    Operation(
        "POST",
        "/webhooks/test",
        "sendTestWebhook",
        "Queue a webhook.test event to an invoice's webhook_url",
        "webhooks:write",
        send_test_event,
        {202: ("Queued", QueuedEvent)},
        body=TestEventCreate,
    ),
    Operation(
        "POST",
        "/webhook-deliveries/{delivery_id}/redeliver",
        "redeliverWebhook",
        "Deliver an event once more, with the same event id and body",
        "webhooks:write",
        redeliver,
        {202: ("Queued", QueuedEvent)},
    ),
)
