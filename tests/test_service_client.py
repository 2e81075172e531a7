"""The model process protocol: replies, errors as messages, crashes, stray output.

These tests start the real child with ``--no-models`` (journal, settings and
privacy only), so they take a second each, not the model's load time.
"""

from __future__ import annotations

import asyncio
import sys

import pytest

from companion import paths
from companion.service.client import ServiceClient, ServiceError, ServiceStoppedError
from companion.settings import Settings

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


def test_child_says_hello_then_ready_and_answers(client):
    kinds = [event["event"] for event in client.events]
    assert kinds[:2] == ["hello", "ready"]
    assert client.ready_info["models"] == "skipped"
    assert client.call_blocking("ping") == "pong"
    assert client.call_blocking("status")["journal"] == "open"


def test_settings_change_is_saved_in_the_data_dir(client):
    changed = client.call_blocking("update_settings", auto_redact=True, idle_lock_minutes=7)
    assert changed["auto_redact"] is True
    saved = Settings.load()
    assert (saved.auto_redact, saved.idle_lock_minutes) == (True, 7)
    with pytest.raises(ServiceError) as bad:
        client.call_blocking("update_settings", idle_lock_minutes="soon")
    assert bad.value.kind == "ValueError" and "idle_lock_minutes" in bad.value.message


def test_errors_are_messages_and_tracebacks_go_to_the_log(client):
    with pytest.raises(ServiceError) as unknown:
        client.call_blocking("update_topic", topic_id=1, colour="red")
    assert unknown.value.kind == "ValueError"
    assert "colour" in unknown.value.message
    assert "Traceback" not in unknown.value.message
    log = paths.log_path().read_text(encoding="utf-8")
    assert "Traceback" in log and "colour" in log


@pytest.mark.parametrize("method", ["nope", "_open_journal", "__init__", "warm_up"])
def test_only_public_methods_can_be_called(client, method):
    with pytest.raises(ServiceError) as refused:
        client.call_blocking(method)
    assert refused.value.kind == "UnknownMethod"


def test_many_async_calls_get_their_own_answers(client):
    async def ask_all():
        return await asyncio.gather(*[client.call("privacy_scan", text=f"MRN {4471820 + n}")
                                      for n in range(12)])

    answers = asyncio.run(ask_all())
    numbers = [next(s["text"] for s in spans if s["kind"] == "mrn") for spans in answers]
    assert numbers == [str(4471820 + n) for n in range(12)]


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
        assert noisy.call_blocking("status", timeout=30)["journal"] == "open"
    finally:
        noisy.close()
    assert "progress bar noise" in stderr.read_text(encoding="utf-8")


def test_the_app_side_imports_no_torch_and_the_core_no_textual():
    import subprocess

    code = ("import sys, companion.tui.app, companion.tui.screens.reflection; "
            "heavy = {'torch', 'sentence_transformers', 'transformers', 'faiss'} "
            "& set(sys.modules); assert not heavy, heavy; "
            "import companion.service.local, companion.service.server; print('ok')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr
    core_only = ("import sys, companion.service.local, companion.service.client, "
                 "companion.service.server; assert 'textual' not in sys.modules; print('ok')")
    done = subprocess.run([sys.executable, "-c", core_only], capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr
