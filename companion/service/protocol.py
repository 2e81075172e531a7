"""The JSON-lines protocol between the app and the model process (version 2).

One JSON object per line, UTF-8, in both directions.

Requests (app -> model process): ``{"id": int, "method": str, "params": {...}}``.
``method`` is an operation of the typed API (:mod:`companion.service.api`) and
``params`` its arguments as JSON (the types are the method's hints,
:mod:`companion.service.wire`). Two methods are the protocol's own and are
answered at once, even while another request runs:

- ``ping`` -> ``"pong"``;
- ``cancel`` with ``{"request": id}`` -> ``{"cancelled": bool}``: a queued request
  is dropped, a running turn stops at its next step; either way it writes nothing
  and its own reply is the error ``cancelled``.

Replies (model process -> app): ``{"id", "result"}`` or ``{"id", "error": {"code",
"message", "retryable"}}`` (codes: :data:`companion.service.errors.ERRORS`, listed in
docs/DESIGN.md). Requests are answered one at a time, in order.

Events (no id):

- ``{"event": "hello", "protocol": 2, "pid", "seconds"}`` first; a client whose
  :data:`PROTOCOL_VERSION` differs refuses to go on (``protocol_mismatch``);
- ``{"event": "ready", "seconds": {...}, "problems": {...}}`` once the models are
  loaded, or ``{"event": "load_failed", "error": {...}}``;
- ``{"event": "token", "request": id, "text": piece}`` for each piece a streaming
  request (``turn`` with the optional generator on) writes, always before its reply.

The client adds ``{"event": "exit", "code", "expected"}`` when the process ends.
"""

from __future__ import annotations

import json
from typing import Any

PROTOCOL_VERSION = 2
"""Bump on any change a client of the previous version would misread."""

HELLO = "hello"
READY = "ready"
LOAD_FAILED = "load_failed"
EXIT = "exit"
TOKEN = "token"
PING = "ping"
CANCEL = "cancel"


def encode(message: dict[str, Any]) -> str:
    """One protocol line (with its newline); non-ASCII stays readable."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n"


def decode(line: str) -> dict[str, Any]:
    """Parse one protocol line; raises ``ValueError`` for anything but an object."""
    message = json.loads(line)
    if not isinstance(message, dict):
        raise ValueError(f"protocol line is not a JSON object: {line[:80]!r}")
    return message
