"""The app's side of the model process: spawn it, send requests, await replies.

The child is started with :class:`subprocess.Popen` (``multiprocessing`` spawn
fails inside Textual's ``run_test``). Its ``hello`` must carry this client's
:data:`~companion.service.protocol.PROTOCOL_VERSION`; on a mismatch the client
refuses every request with :class:`ProtocolMismatchError` and stops the child.
A reader thread parses reply lines and
settles futures; ``await client.call(...)`` wraps them for asyncio, which hands
results back on the event loop thread safely. Events (hello, ready, load_failed,
exit) go to an ``on_event`` callback, called from the reader thread. A request
may take an ``on_token`` callback for the pieces it streams (``token`` events):
``await client.call(..., on_token=f)`` calls ``f`` on the event loop thread,
always before the call returns; ``submit(..., on_token=f)`` calls it from the
reader thread. Token events of a request without a callback go to ``on_event``. Errors arrive
as the core's exception classes (:func:`companion.service.errors.from_wire`);
an awaited call that is cancelled sends a ``cancel`` request for itself.
Pure Python: no Textual here, so the client is testable on its own.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from companion.service import protocol
from companion.service.errors import (
    ProtocolMismatchError,
    ServiceStoppedError,
    from_wire,
    to_wire,
)

log = logging.getLogger(__name__)
EventHandler = Callable[[dict[str, Any]], None]
TokenHandler = Callable[[str], None]


def default_command() -> list[str]:
    return [sys.executable, "-m", "companion.service"]


class ServiceClient:
    """One model process and the requests in flight to it."""

    def __init__(self, command: Sequence[str] | None = None,
                 env: dict[str, str] | None = None,
                 on_event: EventHandler | None = None,
                 stderr_path: Path | None = None):
        self.command = list(command or default_command())
        self.env = env
        self.on_event = on_event
        self.stderr_path = stderr_path
        self.ready_info: dict[str, Any] | None = None
        self.load_error: dict[str, Any] | None = None
        self._hello = threading.Event()
        self._settled = threading.Event()  # ready, load failed or exited
        self._proc: subprocess.Popen[str] | None = None
        self._pending: dict[int, concurrent.futures.Future[Any]] = {}
        self._token_handlers: dict[int, TokenHandler] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._stderr: IO[bytes] | None = None
        self._stopped = False
        self.refused: ProtocolMismatchError | None = None
        """Set when the child's protocol version is not ours; every request fails with it."""

    # -- lifecycle ---------------------------------------------------------------
    def start(self) -> None:
        """Spawn the child (returns at once; it loads models in the background)."""
        env = dict(os.environ if self.env is None else self.env)
        env.setdefault("PYTHONUNBUFFERED", "1")
        stderr: Any = subprocess.DEVNULL
        if self.stderr_path is not None:
            self.stderr_path.parent.mkdir(parents=True, exist_ok=True)
            self._stderr = stderr = open(self.stderr_path, "ab")  # noqa: SIM115
        self._proc = subprocess.Popen(
            self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
            text=True, encoding="utf-8", bufsize=1, env=env, start_new_session=True,
        )
        threading.Thread(target=self._read, name="service-reader", daemon=True).start()

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None and not self._stopped

    @property
    def ready(self) -> bool:
        return self.ready_info is not None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def wait_ready(self, timeout: float | None = None) -> dict[str, Any]:
        """Block until the models are loaded; raises ServiceError if they cannot be."""
        if not self._settled.wait(timeout):
            raise TimeoutError(f"the model process was not ready after {timeout} s")
        if self.ready_info is None:
            if self.refused is not None:
                raise self.refused
            raise from_wire(self.load_error or to_wire(
                ServiceStoppedError("The model process stopped.")))
        return self.ready_info

    def close(self, timeout: float = 3.0) -> None:
        """Close the child's stdin (it exits at end of input); terminate it if it lingers."""
        proc, self._stopped = self._proc, True
        if proc is None:
            return
        try:
            if proc.stdin:
                proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
        if self._stderr is not None:
            self._stderr.close()

    # -- requests ----------------------------------------------------------------
    def submit(self, method: str, on_token: TokenHandler | None = None,
               **params: Any) -> concurrent.futures.Future[Any]:
        """Send one request; the future holds the result or a :class:`ServiceError`.

        Args:
            on_token: called from the reader thread with each piece the request
                streams, before the future is settled.
        """
        return self._send(method, params, on_token)[1]

    def _send(self, method: str, params: dict[str, Any], on_token: TokenHandler | None
              ) -> tuple[int, concurrent.futures.Future[Any]]:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        rid = next(self._ids)
        proc = self._proc
        if self.refused is not None:
            future.set_exception(self.refused)
            return rid, future
        if proc is None or proc.stdin is None or not self.running:
            future.set_exception(ServiceStoppedError("The model process is not running."))
            return rid, future
        line = protocol.encode({"id": rid, "method": method, "params": params})
        with self._lock:
            self._pending[rid] = future
            if on_token is not None:
                self._token_handlers[rid] = on_token
            try:
                proc.stdin.write(line)
                proc.stdin.flush()
            except (BrokenPipeError, OSError, ValueError):
                self._pending.pop(rid, None)
                self._token_handlers.pop(rid, None)
                future.set_exception(ServiceStoppedError("The model process has stopped."))
        return rid, future

    def cancel(self, request_id: int) -> concurrent.futures.Future[Any]:
        """Ask the model process to drop or stop request ``request_id`` (it writes nothing)."""
        return self.submit(protocol.CANCEL, request=request_id)

    async def call(self, method: str, on_token: TokenHandler | None = None,
                   **params: Any) -> Any:
        """Await one request from asyncio code (e.g. the Textual app).

        Args:
            on_token: called on this event loop's thread with each streamed piece,
                in order and before the call returns; pieces that arrive after the
                call was cancelled are dropped.
        """
        if on_token is None:
            rid, future = self._send(method, params, None)
            return await self._awaited(rid, future)
        loop = asyncio.get_running_loop()
        waiting: asyncio.Future[Any] | None = None

        def deliver(piece: str) -> None:  # on the loop thread
            if waiting is None or not waiting.done():
                on_token(piece)

        def from_reader(piece: str) -> None:  # on the reader thread
            try:
                loop.call_soon_threadsafe(deliver, piece)
            except RuntimeError:  # the loop has closed: nobody is listening
                pass

        # The reply settles ``waiting`` through call_soon_threadsafe too, after the
        # pieces the reader scheduled before it, so every piece is delivered first.
        rid, future = self._send(method, params, from_reader)
        waiting = asyncio.wrap_future(future)
        return await self._awaited(rid, future, waiting)

    async def _awaited(self, rid: int, future: concurrent.futures.Future[Any],
                       waiting: asyncio.Future[Any] | None = None) -> Any:
        """The result of request ``rid``; if the awaiting task is cancelled, so is the request."""
        try:
            return await (waiting if waiting is not None else asyncio.wrap_future(future))
        except asyncio.CancelledError:
            if not future.done() or future.cancelled():
                self.cancel(rid)
            raise

    def call_blocking(self, method: str, timeout: float | None = 60.0,
                      on_token: TokenHandler | None = None, **params: Any) -> Any:
        return self.submit(method, on_token=on_token, **params).result(timeout)

    # -- reader thread -----------------------------------------------------------
    def _emit(self, event: dict[str, Any]) -> None:
        if self.on_event is not None:
            try:
                self.on_event(event)
            except Exception:  # noqa: BLE001 - a UI callback must not kill the reader
                log.exception("event handler failed for %s", event.get("event"))

    def _read(self) -> None:
        proc = self._proc
        assert proc is not None and proc.stdout is not None
        for line in proc.stdout:
            try:
                message = protocol.decode(line)
            except ValueError:
                # its length only: a broken line may carry a piece of the journal
                log.warning("ignored a line of %d characters from the model process",
                            len(line))
                continue
            if "event" in message:
                self._on_event(message)
                continue
            with self._lock:
                rid = message.get("id")
                future = self._pending.pop(rid, None) if isinstance(rid, int) else None
                if isinstance(rid, int):
                    self._token_handlers.pop(rid, None)
            if future is None or future.done():  # e.g. cancelled by a Textual worker
                continue
            if "error" in message:
                future.set_exception(from_wire(message["error"]))
            else:
                future.set_result(message.get("result"))
        code = proc.wait()
        with self._lock:
            pending, self._pending = self._pending, {}
            self._token_handlers.clear()
        for future in pending.values():
            if future.done():
                continue
            if self.refused is not None:
                future.set_exception(self.refused)
                continue
            future.set_exception(ServiceStoppedError(
                f"The model process stopped (exit code {code}). See the log file."))
        self._settled.set()
        self._emit({"event": protocol.EXIT, "code": code, "expected": self._stopped})

    def _refuse(self, version: object) -> None:
        """The child speaks another protocol: say so clearly and stop it."""
        self.refused = ProtocolMismatchError(
            f"The model process speaks protocol version {version}, but this app needs "
            f"version {protocol.PROTOCOL_VERSION}. The installation is mixed: reinstall "
            "Resident Companion so the app and its model process match.")
        self.load_error = to_wire(self.refused)
        self._settled.set()
        self._emit({"event": protocol.LOAD_FAILED, "error": self.load_error})
        threading.Thread(target=self.close, name="service-refused", daemon=True).start()

    def _on_event(self, message: dict[str, Any]) -> None:
        kind = message.get("event")
        if kind == protocol.TOKEN:
            with self._lock:
                request = message.get("request")
                handler = (self._token_handlers.get(request) if isinstance(request, int)
                           else None)
            if handler is not None:
                try:
                    handler(str(message.get("text", "")))
                except Exception:  # noqa: BLE001 - a UI callback must not kill the reader
                    log.exception("token handler failed for request %s",
                                  message.get("request"))
                return
        elif kind == protocol.HELLO:
            version = message.get("protocol")
            if version != protocol.PROTOCOL_VERSION:
                self._refuse(version)
                return
            self._hello.set()
        elif kind == protocol.READY:
            self.ready_info = message
            self._settled.set()
        elif kind == protocol.LOAD_FAILED:
            self.load_error = message.get("error") or {}
            self._settled.set()
        self._emit(message)
