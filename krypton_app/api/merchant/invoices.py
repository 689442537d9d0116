"""Invoices: create, list, get, close. The key's mode goes to the service as `only_test`, which applies the
sandbox rule (services/api_keys.py)."""

from __future__ import annotations

from pydantic import BaseModel

from krypton_app.api.merchant.pipeline import Call, Operation
from krypton_app.api.merchant.schemas import (
    Invoice,
    InvoiceCounters,
    InvoiceCreate,
    InvoiceLinks,
    InvoiceList,
    InvoiceListQuery,
)
from krypton_app.domain.money import format_amount
from krypton_app.services import invoices
from krypton_app.services.invoices import InvoiceDraft, InvoiceView


def _money(minor: int | None, decimals: int | None) -> str | None:
    return None if minor is None or decimals is None else format_amount(minor, decimals)


def invoice_json(view: InvoiceView) -> Invoice:
    return Invoice(
        number=view.number,
        status=view.status,
        close_reason=view.close_reason,
        kind=view.kind,
        title=view.title,
        description=view.description,
        asset=view.asset,
        decimals=view.decimals,
        amount=_money(view.amount, view.decimals),
        amount_minor=view.amount,
        fiat_currency=view.fiat_currency,
        fiat_amount=_money(view.fiat_amount, view.fiat_decimals),
        min_payment=_money(view.min_payment, view.decimals),
        max_payments=view.max_payments,
        max_total=_money(view.max_total, view.decimals),
        max_parts=view.max_parts,
        order_id=view.order_id,
        webhook_url=view.webhook_url,
        redirect_url=view.redirect_url,
        allowed_origins=list(view.allowed_origins),
        test=view.is_test,
        expires_at=view.expires_at,
        created_at=view.created_at,
        closed_at=view.closed_at,
        payout_country=view.payout_country,
        payout_fiat=view.payout_fiat,
        payout_method=view.payout_method,
        counters=InvoiceCounters(
            payments_count=view.payments_count,
            collected=format_amount(view.collected, view.decimals),
            collected_minor=view.collected,
            fees=format_amount(view.fees_collected, view.decimals),
            fees_minor=view.fees_collected,
            net=format_amount(view.net_collected, view.decimals),
            net_minor=view.net_collected,
        ),
        links=InvoiceLinks(
            direct_url=view.direct_url,
            helper_url=view.helper_url,
            telegram_start_url=view.telegram_start_url,
            telegram_app_url=view.telegram_app_url,
        ),
    )


def create_invoice(call: Call) -> tuple[int, BaseModel]:
    data: InvoiceCreate = call.body
    draft = InvoiceDraft(
        **data.model_dump(exclude={"allowed_origins", "test"}),
        allowed_origins=tuple(data.allowed_origins),
        is_test=data.test,
    )
    view, created = invoices.create_invoice(
        call.uow, call.principal.user_id, draft, settings=call.settings, now=call.now, only_test=call.principal.is_test
    )
    return (201 if created else 200), invoice_json(view)


def list_invoices(call: Call) -> tuple[int, BaseModel]:
    query: InvoiceListQuery = call.query
    page = invoices.list_invoices(
        call.uow,
        call.principal.user_id,
        status=query.status,
        page=query.page,
        page_size=query.page_size,
        settings=call.settings,
        only_test=call.principal.is_test,
    )
    items = [invoice_json(view) for view in page.items]
    return 200, InvoiceList(items=items, page=page.page, page_size=page.page_size, total=page.total, pages=page.pages)


def get_invoice(call: Call) -> tuple[int, BaseModel]:
    view = invoices.get_merchant_invoice(
        call.uow, call.principal.user_id, call.path["number"], settings=call.settings, only_test=call.principal.is_test
    )
    return 200, invoice_json(view)


def close_invoice(call: Call) -> tuple[int, BaseModel]:
    view = invoices.close_invoice(
        call.uow,
        call.principal.user_id,
        call.path["number"],
        now=call.now,
        settings=call.settings,
        only_test=call.principal.is_test,
    )
    return 200, invoice_json(view)


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "POST",
        "/invoices",
        "createInvoice",
        "Create an invoice",
        "invoices:write",
        create_invoice,
        {201: ("Created", Invoice), 200: ("An invoice with this order_id already existed: that one", Invoice)},
        body=InvoiceCreate,
    ),
    Operation(
        "GET",
        "/invoices",
        "listInvoices",
        "List your invoices, newest first",
        "invoices:read",
        list_invoices,
        {200: ("A page of invoices", InvoiceList)},
        query=InvoiceListQuery,
    ),
    Operation(
        "GET",
        "/invoices/{number}",
        "getInvoice",
        "Get an invoice",
        "invoices:read",
        get_invoice,
        {200: ("The invoice", Invoice)},
    ),
    Operation(
        "POST",
        "/invoices/{number}/close",
        "closeInvoice",
        "Close an invoice",
        "invoices:write",
        close_invoice,
        {200: ("The closed invoice", Invoice)},
        description="Funded parts of unfinished payments go back to their payers. Closing twice changes nothing.",
    ),
)
