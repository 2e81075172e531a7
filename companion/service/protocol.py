"""The JSON-lines protocol between the app and the model process.

One JSON object per line, UTF-8. Requests: ``{"id", "method", "params"}``.
Replies: ``{"id", "result"}`` or ``{"id", "error": {"type", "message"}}``.
Events (no id): ``{"event": "hello" | "ready" | "load_failed" | ..., ...}``.
While a streaming request runs (a ``turn`` with the optional generator on), the
model process sends ``{"event": "token", "request": <id>, "text": piece}`` for
each generated piece, always before that request's reply.
"""

from __future__ import annotations

import json
from typing import Any

HELLO = "hello"
READY = "ready"
LOAD_FAILED = "load_failed"
EXIT = "exit"
TOKEN = "token"


def encode(message: dict[str, Any]) -> str:
    """One protocol line (with its newline); non-ASCII stays readable."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n"


def decode(line: str) -> dict[str, Any]:
    """Parse one protocol line; raises ``ValueError`` for anything but an object."""
    message = json.loads(line)
    if not isinstance(message, dict):
        raise ValueError(f"protocol line is not a JSON object: {line[:80]!r}")
    return message


def error_payload(exc: BaseException) -> dict[str, str]:
    """The error a caller sees: the exception's class name and its message."""
    message = str(exc) or exc.__class__.__name__
    return {"type": exc.__class__.__name__, "message": message}
