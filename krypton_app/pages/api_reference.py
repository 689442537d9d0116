"""/developers/api: the merchant API's reference for people, read from the same OpenAPI document the
API serves at /api/v1/openapi.json (api/merchant/openapi.py), so the page cannot drift from the API.

Built once, when the app compiles the page: the document depends only on the route table. Public, no
state and no handler: anyone may read it, as anyone may fetch the document itself. The operations'
own texts (summaries, parameter and response descriptions) are the document's, in English; the
page's headings follow the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from krypton_app import routes
from krypton_app.api.merchant.openapi import openapi_document
from krypton_app.api.merchant.table import OPERATIONS
from krypton_app.components.layout import template
from krypton_app.components.ui import card, page_heading
from krypton_app.settings import get_settings
from krypton_app.state.i18n import I18n

METHOD_COLORS = {"GET": "blue", "POST": "green", "PUT": "amber", "PATCH": "amber", "DELETE": "red"}


@dataclass(frozen=True)
class Parameter:
    name: str
    where: str  # path | query | header
    required: bool
    kind: str  # the schema's type, "string" when it says none


@dataclass(frozen=True)
class OperationDoc:
    method: str
    path: str
    summary: str
    description: str
    scope: str  # "" for an operation that needs no key
    parameters: tuple[Parameter, ...]
    body: str  # the request body's schema name, "" for none
    responses: tuple[tuple[str, str], ...]  # (status code, description)


def _kind(schema: dict) -> str:
    return str(schema.get("type") or schema.get("format") or "string")


def reference(document: dict) -> list[OperationDoc]:
    """Each operation of an OpenAPI document, in the document's order, as the page lists it."""
    found = []
    for path, items in document["paths"].items():
        for method, item in items.items():
            body = item.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            found.append(
                OperationDoc(
                    method=method.upper(),
                    path=path,
                    summary=item.get("summary", ""),
                    description=item.get("description", ""),
                    scope=item.get("x-scope", ""),
                    parameters=tuple(
                        Parameter(p["name"], p["in"], bool(p.get("required")), _kind(p.get("schema", {})))
                        for p in item.get("parameters", ())
                    ),
                    body=body.get("$ref", "").rsplit("/", 1)[-1],
                    responses=tuple(sorted((code, r.get("description", "")) for code, r in item["responses"].items())),
                )
            )
    return found


def _code(text: str) -> rx.Component:
    return rx.code(text, variant="ghost", style={"word_break": "break-all"})


def _parameters(op: OperationDoc) -> rx.Component:
    rows = [
        rx.hstack(
            _code(p.name),
            rx.text(p.where, " · ", p.kind, size="1", color_scheme="gray"),
            *(
                [rx.badge(I18n.t["apiref.required"], size="1", variant="soft", color_scheme="gray")]
                if p.required
                else []
            ),
            spacing="2",
            align="center",
            wrap="wrap",
        )
        for p in op.parameters
    ]
    if op.body:
        rows.append(
            rx.hstack(_code(op.body), rx.text(I18n.t["apiref.body"], size="1", color_scheme="gray"), spacing="2")
        )
    if not rows:
        rows = [rx.text(I18n.t["apiref.none"], size="2", color_scheme="gray")]
    return rx.vstack(rx.text(I18n.t["apiref.parameters"], size="2", weight="bold"), *rows, spacing="1", width="100%")


def _responses(op: OperationDoc) -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t["apiref.responses"], size="2", weight="bold"),
        *(
            rx.hstack(
                rx.badge(code, size="1", color_scheme="green" if code.startswith("2") else "gray", variant="soft"),
                rx.text(text, size="2", min_width="0", style={"overflow_wrap": "anywhere"}),
                spacing="2",
                align="start",
                width="100%",
            )
            for code, text in op.responses
        ),
        spacing="1",
        width="100%",
    )


def operation_card(op: OperationDoc) -> rx.Component:
    return card(
        rx.vstack(
            rx.hstack(
                rx.badge(op.method, color_scheme=METHOD_COLORS.get(op.method, "gray"), size="2"),
                rx.code(op.path, size="3", weight="bold", variant="ghost", style={"word_break": "break-all"}),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.text(op.summary, size="3", weight="medium"),
            *([rx.text(op.description, size="2", color_scheme="gray")] if op.description else []),
            rx.hstack(
                rx.text(I18n.t["apiref.scope"], size="2", color_scheme="gray"),
                _code(op.scope) if op.scope else rx.text(I18n.t["apiref.no_key"], size="2"),
                spacing="2",
                align="center",
            ),
            rx.grid(_parameters(op), _responses(op), columns=rx.breakpoints(initial="1", md="2"), spacing="4"),
            spacing="2",
            width="100%",
        ),
        data_testid="apiref-operation",
    )


@template(route=routes.API_REFERENCE, title="API reference", protected=False)
def api_reference() -> rx.Component:
    document = openapi_document(OPERATIONS, get_settings())
    return rx.vstack(
        page_heading(I18n.t["apiref.title"], I18n.t["apiref.subtitle"]),
        rx.text(
            I18n.t["apiref.auth"],
            " ",
            rx.link(routes.OPENAPI, href=routes.OPENAPI, is_external=True, data_testid="apiref-openapi"),
            size="2",
            color_scheme="gray",
        ),
        *(operation_card(op) for op in reference(document)),
        spacing="4",
        width="100%",
    )
