"""The model process protocol: version, typed replies, error codes, cancel, crashes, stray output.

These tests start the real child with ``--no-models`` (journal, settings and
privacy only), so they take a second each, not the model's load time.
"""

from __future__ import annotations

import asyncio
import sys
import time

import pytest

from companion import paths
from companion.journal import Journal, WrongPassphraseError
from companion.service import protocol
from companion.service.client import ServiceClient
from companion.service.errors import (
    ProtocolError,
    ProtocolMismatchError,
    RequestCancelled,
    ServiceError,
    ServiceStoppedError,
)
from companion.service.proxy import ProcessCompanion
from companion.settings import Settings, SettingsError

NO_MODELS = [sys.executable, "-m", "companion.service", "--no-models"]


@pytest.fixture
def client():
    events: list[dict] = []
    service = ServiceClient(NO_MODELS, on_event=events.append,
                            stderr_path=paths.data_dir() / "service-stderr.log")
    service.events = events
    service.start()
    service.wait_ready(30)
    yield service
    service.close()


def test_child_says_hello_with_its_version_then_ready_and_answers(client):
    kinds = [event["event"] for event in client.events]
    assert kinds[:2] == ["hello", "ready"]
    assert client.events[0]["protocol"] == protocol.PROTOCOL_VERSION
    assert client.ready_info["models"] == "skipped"
    assert client.call_blocking("ping") == "pong"
    assert client.call_blocking("status")["state"] == "open"


def test_typed_calls_through_the_model_process(client):
    async def run():
        api = ProcessCompanion(client)
        settings = await api.update_settings({"auto_redact": True, "idle_lock_minutes": 7})
        status = await api.status()
        return settings, status

    settings, status = asyncio.run(run())
    assert isinstance(settings, Settings) and settings.auto_redact is True
    saved = Settings.load()
    assert (saved.auto_redact, saved.idle_lock_minutes) == (True, 7)
    assert status.state == "open" and status.encrypted is False


def test_errors_come_back_as_the_core_classes_with_code_and_message(client):
    async def attempt(call):
        with pytest.raises(ServiceError) as caught:
            await call
        return caught.value

    async def run():
        api = ProcessCompanion(client)
        bad_setting = await attempt(api.update_settings({"idle_lock_minutes": -1}))
        await api.set_passphrase("correct horse")
        await api.lock()
        wrong = await attempt(api.unlock("wrong horse"))
        return bad_setting, wrong

    bad_setting, wrong = asyncio.run(run())
    assert isinstance(bad_setting, SettingsError)
    assert (bad_setting.code, bad_setting.retryable) == ("settings_invalid", True)
    assert "0 or more" in bad_setting.message and "Traceback" not in bad_setting.message
    assert isinstance(wrong, WrongPassphraseError)
    assert wrong.code == "wrong_passphrase"
    assert wrong.message == "That passphrase is not right. Try again."


def test_internal_errors_say_little_and_the_traceback_goes_to_the_log(client):
    with pytest.raises(ServiceError) as missing:
        client.call_blocking("session", session_id=999)
    assert missing.value.code == "record_not_found"
    assert "999" in missing.value.message
    log = paths.log_path().read_text(encoding="utf-8")
    assert "request session" in log


@pytest.mark.parametrize("method", ["nope", "_open_journal", "__init__", "warm_up", "close"])
def test_only_api_methods_can_be_called(client, method):
    with pytest.raises(ProtocolError) as refused:
        client.call_blocking(method)
    assert refused.value.code == "protocol"


def test_wrong_parameters_are_refused_before_anything_runs(client):
    with pytest.raises(ProtocolError, match="colour"):
        client.call_blocking("update_topic", topic_id=1, colour="red")
    with pytest.raises(ProtocolError, match="topic_id"):
        client.call_blocking("update_topic", topic_id="one")


def test_many_async_calls_get_their_own_answers(client):
    with Journal.open() as journal:  # the child has not opened it yet
        ids = [journal.add_topic("burnout", f"topic {n}").id for n in range(12)]

    async def ask_all():
        api = ProcessCompanion(client)
        return await asyncio.gather(*[api.update_topic(i, title=f"renamed {i}") for i in ids])

    answers = asyncio.run(ask_all())
    assert [(t.id, t.title) for t in answers] == [(i, f"renamed {i}") for i in ids]


def test_a_child_of_another_protocol_version_is_refused_clearly():
    script = ("import json, sys\n"
              "print(json.dumps({'event': 'hello', 'protocol': 1}), flush=True)\n"
              "sys.stdin.read()\n")
    events: list[dict] = []
    old = ServiceClient([sys.executable, "-c", script], on_event=events.append)
    old.start()
    with pytest.raises(ProtocolMismatchError, match="version 1.*needs version 2"):
        old.wait_ready(20)
    with pytest.raises(ProtocolMismatchError):
        old.submit("status").result(timeout=5)
    assert any(e["event"] == "load_failed" and e["error"]["code"] == "protocol_mismatch"
               for e in events)
    old.close()


SLOW_TURN = """
import sys, threading
from companion.service import server
from companion.service.errors import RequestCancelled
from companion.service.local import LocalCompanion
from companion.service.results import TurnReply

class SlowTurn(LocalCompanion):
    def turn(self, session_id, text, privacy=None, *, on_token=None, cancel=None):
        cancel.wait(30)
        raise RequestCancelled("stopped")

out = server._take_stdout()
server.Server(out, SlowTurn()).serve(sys.stdin, load_models=False)
"""


def test_a_cancelled_call_is_stopped_in_the_child_and_queued_ones_dropped():
    service = ServiceClient([sys.executable, "-c", SLOW_TURN])
    service.start()
    service.wait_ready(30)

    async def run():
        api = ProcessCompanion(service)
        turn = asyncio.ensure_future(api.turn(1, "a long one"))
        await asyncio.sleep(0.5)  # the turn is running in the child
        queued = service.submit("status")
        service.cancel(queued_id(service, queued))
        began = time.monotonic()
        turn.cancel()  # as a Textual worker is cancelled: the proxy sends `cancel`
        with pytest.raises(asyncio.CancelledError):
            await turn
        status = await api.status()
        return status, time.monotonic() - began, queued

    try:
        status, took, queued = asyncio.run(run())
        assert status.state == "open"
        assert took < 10, "the running turn was stopped, not waited out"
        with pytest.raises(RequestCancelled):
            queued.result(timeout=5)
    finally:
        service.close()


def queued_id(service: ServiceClient, future) -> int:
    """The request id of a pending future (what the app's proxy keeps for itself)."""
    return next(rid for rid, pending in service._pending.items() if pending is future)


def test_a_crashed_child_fails_pending_requests_and_reports_exit(tmp_path):
    events: list[dict] = []
    crashing = ServiceClient([sys.executable, "-c",
                              "import sys; sys.stdin.readline(); sys.exit(3)"],
                             on_event=events.append)
    crashing.start()
    future = crashing.submit("ping")
    with pytest.raises(ServiceStoppedError, match="exit code 3"):
        future.result(timeout=20)
    crashing.close()
    assert {"event": "exit", "code": 3, "expected": False} in events
    with pytest.raises(ServiceStoppedError):
        crashing.submit("ping").result(timeout=1)


def test_stray_prints_in_the_child_cannot_corrupt_the_protocol(tmp_path):
    script = ("import sys\n"
              "from companion.service import server\n"
              "out = server._take_stdout()\n"
              "print('progress bar noise')\n"
              "server.Server(out).serve(sys.stdin, load_models=False)\n")
    stderr = tmp_path / "stderr.log"
    noisy = ServiceClient([sys.executable, "-c", script], stderr_path=stderr)
    noisy.start()
    try:
        assert noisy.call_blocking("ping", timeout=30) == "pong"
        assert noisy.call_blocking("status", timeout=30)["state"] == "open"
    finally:
        noisy.close()
    assert "progress bar noise" in stderr.read_text(encoding="utf-8")


def test_the_app_gets_typed_events_from_the_model_process():
    from companion.service.events import CoreStopped, ModelsReady

    service = ServiceClient(NO_MODELS, stderr_path=paths.data_dir() / "service-stderr.log")
    api = ProcessCompanion(service)
    events: list = []
    api.connect(events.append)
    deadline = time.monotonic() + 30
    while not any(isinstance(e, ModelsReady) for e in events) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [type(e) for e in events] == [ModelsReady], "hello stays with the client"
    assert events[0].problems == {}
    api.connect(events.append)  # connecting again says ready again
    assert [type(e) for e in events] == [ModelsReady, ModelsReady]
    asyncio.run(api.close())
    deadline = time.monotonic() + 10
    while not isinstance(events[-1], CoreStopped) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert events[-1] == CoreStopped(expected=True, code=events[-1].code)


def test_protocol_events_become_typed_ones_and_the_protocols_own_stay_out():
    from companion.service.errors import ServiceError
    from companion.service.events import CoreStopped, ModelsFailed, ModelsReady, event_from_wire

    assert event_from_wire({"event": "ready", "seconds": {"total": 1}, "problems": {
        "safety": "x"}}) == ModelsReady({"total": 1.0}, {"safety": "x"})
    failed = event_from_wire({"event": "load_failed", "error": {
        "code": "model_missing", "message": "no model", "retryable": False}})
    assert isinstance(failed, ModelsFailed) and isinstance(failed.error, ServiceError)
    assert failed.error.code == "model_missing" and failed.error.message == "no model"
    assert event_from_wire({"event": "exit", "code": 3, "expected": False}) == \
        CoreStopped(expected=False, code=3)
    for own in ({"event": "hello", "protocol": 2}, {"event": "token", "text": "a"},
                {"event": "something-new"}):
        assert event_from_wire(own) is None
