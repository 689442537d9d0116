"""Merchant REST API under /api/v1 (SPEC F11): Bearer API keys with scopes, an Idempotency-Key on every
POST, JSON errors with stable codes, and an OpenAPI 3.1 document built from the same route table that
serves the requests, so the two cannot drift apart.

- `pipeline`: what every request goes through (key and scope, body limits, validation, idempotency);
- `errors`: the error envelope and the status of each error type;
- `schemas`: the request and response models (and so the document's schemas);
- `invoices`, `payments`, `webhooks`: one module per resource, its handlers, its rendering and its
  operations. Handlers are thin: validated input in, one service call, the response model out;
- `openapi`: the document; `table`: the served routes.
"""

from krypton_app.api.merchant.table import OPERATIONS, routes

__all__ = ["OPERATIONS", "routes"]
