"""What every JSON route of ours does with a request body before it believes it: read at most a limit of
bytes (memory is not the client's to spend), and measure how deep a parsed JSON value nests (deeper than a
route's own bodies is refused before anything recurses into it). Each route answers in its own API's
envelope."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request


class BodyTooLarge(Exception):
    """The body went past the route's limit; what was read is dropped."""


async def read_body(request: Request, limit: int) -> bytes:
    """The body, at most `limit` bytes (BodyTooLarge past it)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge()
    return body


def json_depth(value: Any) -> int:
    """How deep arrays and objects nest in a parsed JSON value (without recursion)."""
    deepest, level = 0, [(value, 1)]
    while level:
        node, depth = level.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            level.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest
