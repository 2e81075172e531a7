"""A past session reads as words: the flow's title, local dates, the summary in sentences.

`companion journal show` printed the summary as Python dicts; the app's journal
view showed flow ids and UTC ISO timestamps. Both now use
``companion.journal.display``. The time zone is set to one far from UTC so a
local time cannot pass for the stored one.
"""

from __future__ import annotations

import re
import time
from datetime import datetime

import pytest
from textual.widgets import DataTable, Markdown
from tui_support import fake_api, screen_name, until

from companion.cli import main
from companion.journal import Journal
from companion.tui.app import make_app

OLD = "**After a hard shift or night**: burnout.\nTopics for your mentor: Old wording."


@pytest.fixture(autouse=True)
def far_time_zone(monkeypatch):
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def seed() -> tuple[int, str]:
    with Journal.open() as journal:
        sid = journal.start_session("after-hard-shift")
        journal.add_message(sid, "resident", "Night shifts leave me empty")
        journal.add_message(sid, "companion", "What would help most?")
        topic = journal.add_topic("burnout", "Old wording", session_id=sid)
        journal.update_topic(topic.id, status="accepted", title="Recovering after nights")
        journal.end_session(sid, {"flow": "after-hard-shift", "themes": ["burnout"],
                                  "topics": [topic.to_dict()], "text": OLD})
        started = journal.session(sid).started_at
    return sid, started


def local(stamp: str, fmt: str) -> str:
    return datetime.fromisoformat(stamp).astimezone().strftime(fmt)


def test_journal_show_reads_as_words(capsys):
    sid, started = seed()
    assert local(started, "%Y-%m-%d %H:%M") != started[:16].replace("T", " ")
    assert main(["journal", "show", str(sid)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Session {sid}: After a hard shift or night\n")
    assert f"Started {local(started, '%Y-%m-%d %H:%M')}" in out
    assert "{" not in out and "themes:" not in out and "**" not in out
    assert "After a hard shift or night: burnout." in out
    assert "Recovering after nights [accepted]" in out
    assert "Old wording" not in out, "the topic as it is now, not as first suggested"
    assert re.search(r"\[\d\d:\d\d\] You: Night shifts leave me empty", out)
    assert re.search(r"\[\d\d:\d\d\] Companion: What would help most\?", out)


async def test_journal_view_shows_flow_titles_and_local_dates():
    sid, started = seed()
    api = fake_api()
    try:
        app = make_app(api=api)
        async with app.run_test(size=(100, 32)) as pilot:
            await until(pilot, lambda: app.flows and app.journal_state == "open")
            await pilot.press("j")
            await until(pilot, lambda: screen_name(app) == "JournalScreen")
            table = app.screen.query_one("#sessions", DataTable)
            await until(pilot, lambda: table.row_count == 1)
            date, flow, summary = (str(cell) for cell in table.get_row_at(0))
            assert date == local(started, "%Y-%m-%d")
            assert flow == "After a hard shift or night"
            assert summary == "After a hard shift or night: burnout."
            await pilot.press("enter")
            await until(pilot, lambda: screen_name(app) == "SessionScreen")
            body = app.screen.query_one("#session-text", Markdown)
            await until(pilot, lambda: "Summary" in body.source)
            assert body.source.startswith(
                f"# After a hard shift or night · {local(started, '%Y-%m-%d %H:%M')}")
            assert "Old wording" not in body.source
            assert "**Recovering after nights** (accepted)" in body.source
    finally:
        await api.close()
