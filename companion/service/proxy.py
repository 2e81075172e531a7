"""ProcessCompanion: the typed API as requests to the model process.

The app holds one. Each call encodes its parameters by the method's types,
travels through :class:`~companion.service.client.ServiceClient` and decodes the
reply into the typed result; errors arrive as the core's own exception classes
(:func:`companion.service.errors.from_wire`). A call whose awaiting task is
cancelled (the resident left the screen, a newer turn replaced it) sends a
``cancel`` request, so the model process stops it and it writes nothing.
"""

from __future__ import annotations

import asyncio
from typing import Any

from companion.service import wire
from companion.service.api import CompanionAPI, EventHandler, TokenHandler
from companion.service.client import ServiceClient
from companion.service.events import event_from_wire


class ProcessCompanion(CompanionAPI):
    """The API over one model process."""

    def __init__(self, client: ServiceClient) -> None:
        self.client = client
        self.requests: list[str] = []
        """Every method called, in order (tests count the round trips of a turn)."""

    def connect(self, on_event: EventHandler) -> None:
        client = self.client

        def typed(data: dict[str, Any]) -> None:  # on the client's reader thread
            event = event_from_wire(data)
            if event is not None:
                on_event(event)

        client.on_event = typed
        if not client.running:
            client.start()  # OSError when the interpreter cannot be started
        elif client.ready_info is not None:
            typed(client.ready_info)

    async def _call(self, method: str, params: dict[str, Any],
                    on_token: TokenHandler | None = None) -> Any:
        self.requests.append(method)
        data = await self.client.call(method, on_token=on_token,
                                      **wire.encode_params(method, params))
        return wire.decode_result(method, data)

    async def close(self) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.client.close)
