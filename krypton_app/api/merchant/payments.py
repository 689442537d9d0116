"""An invoice's payments, with their parts and receipts."""

from __future__ import annotations

from pydantic import BaseModel

from krypton_app.api.merchant.pipeline import Call, Operation
from krypton_app.api.merchant.schemas import Payment, PaymentList, PaymentPart
from krypton_app.domain.money import format_amount
from krypton_app.services import payments
from krypton_app.services.payments import PaymentView


def payment_json(view: PaymentView) -> Payment:
    return Payment(
        id=view.id,
        invoice=view.invoice_number,
        invoice_title=view.invoice_title,
        payer=view.payer_address,
        payer_name=view.payer_name,
        status=view.status,
        test=view.is_test,
        asset=view.asset,
        amount=format_amount(view.amount, view.decimals),
        amount_minor=view.amount,
        fee=format_amount(view.fee, view.decimals),
        fee_minor=view.fee,
        net=format_amount(view.net, view.decimals),
        net_minor=view.net,
        fiat_currency=view.fiat_currency,
        fiat_rate=view.fiat_rate,
        parts=[
            PaymentPart(
                position=part.position,
                amount=format_amount(part.amount, view.decimals),
                amount_minor=part.amount,
                method=part.method,
                status=part.status,
                funded_at=part.funded_at,
            )
            for part in view.parts
        ],
        receipt=view.receipt,
        secrets_delivered=bool(view.secrets),
        created_at=view.created_at,
        completed_at=view.completed_at,
    )


def list_payments(call: Call) -> tuple[int, BaseModel]:
    views = payments.list_invoice_payments(
        call.uow, call.principal.user_id, call.path["number"], settings=call.settings, only_test=call.principal.is_test
    )
    return 200, PaymentList(items=[payment_json(view) for view in views])


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "GET",
        "/invoices/{number}/payments",
        "listInvoicePayments",
        "List an invoice's payments",
        "invoices:read",
        list_payments,
        {200: ("Payments, newest first", PaymentList)},
    ),
)
