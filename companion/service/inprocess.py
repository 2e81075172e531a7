"""InProcessCompanion: the typed API run on a worker thread of this process.

For Pilot tests (with small fakes for the models) and tools: no child process,
yet the same path as the model process. Every call's parameters are encoded,
dispatched by :func:`companion.service.wire.dispatch` on one worker thread (the
journal's connection stays on one thread, as in the model process), and the
result or error comes back through JSON and the error table, so a test on this
class sees what the app sees from the model process.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from companion.service import protocol, wire
from companion.service.api import CompanionAPI, EventHandler, TokenHandler
from companion.service.errors import from_wire, to_wire
from companion.service.events import ModelsFailed, ModelsReady
from companion.service.local import LocalCompanion


class InProcessCompanion(CompanionAPI):
    """The API over a :class:`LocalCompanion` in this process."""

    def __init__(self, local: LocalCompanion | None = None) -> None:
        self.local = local or LocalCompanion()
        self.requests: list[str] = []
        """Every method called, in order (tests count the round trips of a turn)."""
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="companion-core")
        self.ready_info: ModelsReady | None = None
        self._closed_worker = False

    def connect(self, on_event: EventHandler) -> None:
        """Warm up on the worker thread, then say ready (as the model process does)."""
        if self.ready_info is not None:
            on_event(self.ready_info)
            return

        def warm_up() -> None:
            try:
                loaded = self.local.warm_up()
            except Exception as exc:  # noqa: BLE001 - reported as the model process does
                on_event(ModelsFailed(from_wire(to_wire(exc))))
                return
            self.ready_info = ModelsReady(loaded["seconds"], loaded["problems"])
            on_event(self.ready_info)

        self._worker.submit(warm_up)

    async def _call(self, method: str, params: dict[str, Any],
                    on_token: TokenHandler | None = None) -> Any:
        self.requests.append(method)
        loop = asyncio.get_running_loop()
        line = protocol.encode({"params": wire.encode_params(method, params)})
        cancel = threading.Event()
        relay = None
        if on_token is not None:
            handler = on_token

            def deliver(piece: str) -> None:  # on the loop thread
                if not cancel.is_set():
                    handler(piece)

            def relay(piece: str) -> None:  # on the worker thread
                loop.call_soon_threadsafe(deliver, piece)

        def run() -> str:
            try:
                result = wire.dispatch(self.local, method, protocol.decode(line)["params"],
                                       on_token=relay, cancel=cancel)
            except Exception as exc:  # noqa: BLE001 - every failure becomes a payload
                return protocol.encode({"error": to_wire(exc)})
            return protocol.encode({"result": result})

        try:
            reply = protocol.decode(await loop.run_in_executor(self._worker, run))
        except asyncio.CancelledError:
            cancel.set()
            raise
        if "error" in reply:
            raise from_wire(reply["error"])
        return wire.decode_result(method, reply["result"])

    async def close(self) -> None:
        if self._closed_worker:
            return
        self._closed_worker = True
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._worker, self.local.close)
        self._worker.shutdown(wait=False)
