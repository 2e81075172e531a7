"""The model process: serves :class:`LocalCompanion` over JSON lines on stdin/stdout.

The protocol (version, frames, cancel, error codes) is in :mod:`companion.service.protocol`.

It says hello at once, loads the models in a background thread and announces
``ready`` with timings, while requests are answered one at a time by a single
worker thread (the journal's SQLite connection stays on one thread). A
streaming request (``turn``) sends its generated pieces as ``token`` events
before its reply. Only the protocol may write to the real stdout, and every
line (reply or event, from any thread) goes through :meth:`Server.send` under
one lock; file descriptor 1 is re-pointed at stderr, which the client sends to
a file, so a stray ``print`` or progress bar in a library can never corrupt the
stream. Errors go back as messages; full tracebacks go to
:func:`companion.paths.log_path`.
"""

from __future__ import annotations

import logging
import os
import queue
import sys
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from companion.logfile import describe
from companion.service import protocol
from companion.service.errors import ProtocolError, RequestCancelled, to_wire

if TYPE_CHECKING:
    from companion.service.local import LocalCompanion

log = logging.getLogger("companion.service")
_START = time.perf_counter()


def _take_stdout() -> TextIO:
    """A private handle on the real stdout; fd 1 and ``sys.stdout`` now go to stderr."""
    proto = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return proto


def _configure_logging() -> None:
    from companion import logfile

    logfile.install(level=logging.INFO)
    for noisy in ("transformers", "sentence_transformers", "huggingface_hub", "faiss"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


class Server:
    """Reads requests, runs them on one worker, writes replies and events."""

    def __init__(self, out: TextIO, core: LocalCompanion | None = None):
        from companion.service.local import LocalCompanion

        self._out = out
        self._write_lock = threading.Lock()
        self._core = core or LocalCompanion()
        self._requests: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._state_lock = threading.Lock()
        self._running: tuple[Any, threading.Event] | None = None
        self._dropped: set[Any] = set()

    def send(self, message: dict[str, Any]) -> None:
        """Write one protocol line; safe from any thread (one lock for all writes)."""
        line = protocol.encode(message)
        with self._write_lock:
            try:
                self._out.write(line)
                self._out.flush()
            except (BrokenPipeError, ValueError):  # the app went away
                pass

    def _load_models(self) -> None:
        try:
            loaded = self._core.warm_up()
        except Exception as exc:  # noqa: BLE001 - reported to the app
            log.exception("loading models failed")
            self.send({"event": protocol.LOAD_FAILED, "error": to_wire(exc)})
            return
        loaded["seconds"]["since_start"] = time.perf_counter() - _START
        self.send({"event": protocol.READY, **loaded})

    def handle(self, request: dict[str, Any],
               cancel: threading.Event | None = None) -> dict[str, Any]:
        """One reply for one request (never raises)."""
        from companion.service import wire

        rid = request.get("id")
        method = str(request.get("method"))
        try:
            result = wire.dispatch(self._core, method, request.get("params") or {},
                                   on_token=self._token_sender(rid), cancel=cancel)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message
            error = to_wire(exc)
            # the code and kinds only: an error's text may quote the resident's words
            if isinstance(exc, (ProtocolError, RequestCancelled)):
                log.info("request %s: %s", method, describe(exc))
            elif error["code"] == "internal":
                log.error("request %s failed: %s", method, describe(exc), exc_info=exc)
            else:
                log.warning("request %s failed: %s [%s]", method, describe(exc), error["code"])
            return {"id": rid, "error": error}
        return {"id": rid, "result": result}

    def _token_sender(self, rid: Any) -> Callable[[str], None]:
        """The ``on_token`` callback for request ``rid``: each piece becomes an event."""

        def send_token(piece: str) -> None:
            self.send({"event": protocol.TOKEN, "request": rid, "text": str(piece)})

        return send_token

    def _cancel(self, rid: Any) -> bool:
        """Stop request ``rid``: drop it if queued, signal it if running."""
        with self._state_lock:
            if self._running is not None and self._running[0] == rid:
                self._running[1].set()
                return True
            self._dropped.add(rid)
            return True

    def _work(self) -> None:
        while True:
            request = self._requests.get()
            if request is None:
                return
            rid = request.get("id")
            cancel = threading.Event()
            with self._state_lock:
                dropped = rid in self._dropped
                self._dropped.discard(rid)
                self._running = None if dropped else (rid, cancel)
            if dropped:
                error = to_wire(RequestCancelled("The request was cancelled before it ran."))
                self.send({"id": rid, "error": error})
                continue
            try:
                self.send(self.handle(request, cancel))
            finally:
                with self._state_lock:
                    self._running = None

    def serve(self, stream: TextIO, load_models: bool = True) -> None:
        self.send({"event": protocol.HELLO, "protocol": protocol.PROTOCOL_VERSION,
                   "pid": os.getpid(), "seconds": time.perf_counter() - _START})
        if load_models:
            threading.Thread(target=self._load_models, name="load-models", daemon=True).start()
        else:  # --no-models: journal, settings and privacy only (tests, quick tools)
            self.send({"event": protocol.READY, "seconds": {}, "problems": {},
                       "models": "skipped"})
        worker = threading.Thread(target=self._work, name="requests", daemon=True)
        worker.start()
        for line in stream:
            if not line.strip():
                continue
            try:
                request = protocol.decode(line)
            except ValueError as exc:
                self.send({"id": None, "error": to_wire(ProtocolError(f"bad request: {exc}"))})
                continue
            method = request.get("method")
            if method == protocol.PING:  # answered even while a request runs
                self.send({"id": request.get("id"), "result": "pong"})
            elif method == protocol.CANCEL:
                target = (request.get("params") or {}).get("request")
                self.send({"id": request.get("id"), "result": {"cancelled": self._cancel(target)}})
            else:
                self._requests.put(request)
        self._requests.put(None)
        worker.join(timeout=5)
        self._core.close()


def main(argv: list[str] | None = None) -> int:
    from companion.models import configure_offline

    configure_offline()
    try:  # the app's process comes first for the CPU: keys stay quick while models load
        os.nice(5)
    except (AttributeError, OSError):  # pragma: no cover - not on this platform
        pass
    out = _take_stdout()
    _configure_logging()
    load_models = "--no-models" not in (argv if argv is not None else sys.argv[1:])
    try:
        Server(out).serve(sys.stdin, load_models=load_models)
    except KeyboardInterrupt:
        pass
    logging.shutdown()
    # Leave at once: a model still loading in its thread must not be torn down
    # half-way by the interpreter (that aborts in native code and litters stderr).
    os._exit(0)
