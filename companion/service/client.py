"""The app's side of the model process: spawn it, send requests, await replies.

The child is started with :class:`subprocess.Popen` (``multiprocessing`` spawn
fails inside Textual's ``run_test``). A reader thread parses reply lines and
settles futures; ``await client.call(...)`` wraps them for asyncio, which hands
results back on the event loop thread safely. Events (hello, ready, load_failed,
exit) go to an ``on_event`` callback, called from the reader thread. A request
may take an ``on_token`` callback for the pieces it streams (``token`` events):
``await client.call(..., on_token=f)`` calls ``f`` on the event loop thread,
always before the call returns; ``submit(..., on_token=f)`` calls it from the
reader thread. Token events of a request without a callback go to ``on_event``.
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

log = logging.getLogger(__name__)
EventHandler = Callable[[dict[str, Any]], None]
TokenHandler = Callable[[str], None]


class ServiceError(RuntimeError):
    """A request failed in the model process; ``kind`` is the exception's class name."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


class ServiceStoppedError(ServiceError):
    """The model process is not running (it exited, or was never started)."""

    def __init__(self, message: str):
        super().__init__("ServiceStopped", message)


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
            error = self.load_error or {"type": "ServiceStopped",
                                        "message": "the model process stopped"}
            raise ServiceError(error["type"], error["message"])
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
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        proc = self._proc
        if proc is None or proc.stdin is None or not self.running:
            future.set_exception(ServiceStoppedError("The model process is not running."))
            return future
        rid = next(self._ids)
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
        return future

    async def call(self, method: str, on_token: TokenHandler | None = None,
                   **params: Any) -> Any:
        """Await one request from asyncio code (e.g. the Textual app).

        Args:
            on_token: called on this event loop's thread with each streamed piece,
                in order and before the call returns; pieces that arrive after the
                call was cancelled are dropped.
        """
        if on_token is None:
            return await asyncio.wrap_future(self.submit(method, **params))
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
        waiting = asyncio.wrap_future(self.submit(method, on_token=from_reader, **params))
        return await waiting

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
                log.warning("ignored a line from the model process: %r", line[:200])
                continue
            if "event" in message:
                self._on_event(message)
                continue
            with self._lock:
                future = self._pending.pop(message.get("id"), None)
                self._token_handlers.pop(message.get("id"), None)
            if future is None or future.done():  # e.g. cancelled by a Textual worker
                continue
            if "error" in message:
                error = message["error"] or {}
                future.set_exception(ServiceError(str(error.get("type", "Error")),
                                                  str(error.get("message", "unknown error"))))
            else:
                future.set_result(message.get("result"))
        code = proc.wait()
        with self._lock:
            pending, self._pending = self._pending, {}
            self._token_handlers.clear()
        for future in pending.values():
            if future.done():
                continue
            future.set_exception(ServiceStoppedError(
                f"The model process stopped (exit code {code}). See the log file."))
        self._settled.set()
        self._emit({"event": protocol.EXIT, "code": code, "expected": self._stopped})

    def _on_event(self, message: dict[str, Any]) -> None:
        kind = message.get("event")
        if kind == protocol.TOKEN:
            with self._lock:
                handler = self._token_handlers.get(message.get("request"))
            if handler is not None:
                try:
                    handler(str(message.get("text", "")))
                except Exception:  # noqa: BLE001 - a UI callback must not kill the reader
                    log.exception("token handler failed for request %s",
                                  message.get("request"))
                return
        elif kind == protocol.HELLO:
            self._hello.set()
        elif kind == protocol.READY:
            self.ready_info = message
            self._settled.set()
        elif kind == protocol.LOAD_FAILED:
            self.load_error = message.get("error") or {}
            self._settled.set()
        self._emit(message)
