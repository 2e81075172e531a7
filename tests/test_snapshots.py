"""Snapshots of the screens the README shows, grouped by feature, on one app factory.

All on the in-process API with deterministic fakes (``tui_support.fake_api``: an
md5 hashing embedder over the real cards, the lexicon-only safety screen), so
the picture changes only when the screen does: the advice differs from the real
model's, the layout is the same. Update with ``pytest tests/test_snapshots.py
--snapshot-update`` after a deliberate change, and look at the new SVGs first.
"""

from __future__ import annotations

import json

import pytest
from textual.widgets import Static, TextArea
from tui_support import screen_name, until

from companion.journal import Journal
from companion.tui.app import make_app

FIRST_MESSAGE = ("My attending yelled at me in front of the whole team this morning and "
                 "now I keep thinking I am not good enough to be a doctor.")
"""A message the fakes answer with advice and a suggested topic (the README's message
is answered by the real model; the fakes find no topic in it)."""


# -- reflection ----------------------------------------------------------------------
async def after_the_first_message(pilot) -> None:
    """The README's picture: "After a hard shift or night", one message answered."""
    app = pilot.app
    await until(pilot, lambda: app.flows and app.journal_state == "open")
    app.open_screen("reflection", flow=next(f for f in app.flows if f.id == "after-hard-shift"))
    await until(pilot, lambda: screen_name(app) == "ReflectionScreen"
                and app.screen.state == "active")
    screen = app.screen
    area = screen.query_one("#message-input", TextArea)
    area.focus()
    area.insert(FIRST_MESSAGE)
    await pilot.press("ctrl+s")

    def answered() -> bool:
        status = str(screen.query_one("#turn-status", Static).render())
        return (bool(screen.query(".turn-you")) and "…" not in status
                and screen.query_one("#conversation").pending is None
                and bool(screen.topics))

    await until(pilot, answered, timeout=60)
    await app.workers.wait_for_complete()
    conversation = screen.query_one("#conversation")
    await until(pilot, lambda: conversation.max_scroll_y > 0
                and conversation.scroll_y == conversation.max_scroll_y)
    await pilot.pause(0.3)


@pytest.mark.parametrize("size", [(100, 28), (80, 24)], ids=["100x28", "80x24"])
def test_reflection_after_a_turn_shows_advice_and_topics(api, snap_compare, size):
    assert snap_compare(make_app(api=api), terminal_size=size,
                        run_before=after_the_first_message)


# -- the mentor's review, back with the resident -------------------------------------
def test_agenda_shows_the_mentor_review(api, snap_compare, tmp_path):
    async def reviewed(pilot) -> None:
        app = pilot.app
        await until(pilot, lambda: app.journal_state == "open")
        exported = await api.export_agenda("json", str(tmp_path / "agenda.json"),
                                           keep_identifiers=True)
        agenda = json.loads(open(exported.path, encoding="utf-8").read())
        first = agenda["topics"][0]["id"]
        agenda["review"] = {
            "mentor": "Dr. Lee", "reviewed_on": "2026-11-27",
            "notes": "Good first meeting; same time next month.",
            "topics": {first: {"status": "discussed",
                               "notes": "Sleep comes first after a run of nights."}},
            "follow_ups": [{"text": "Email the chief about swapping a night",
                            "owner": "resident", "due": "2026-12-04"}]}
        path = tmp_path / "agenda.reviewed.json"
        path.write_text(json.dumps(agenda), encoding="utf-8")
        await api.import_review(str(path))
        await pilot.press("a")
        await until(pilot, lambda: screen_name(app) == "AgendaScreen")
        await until(pilot, lambda: "From your mentor" in str(
            app.screen.query_one("#agenda-review", Static).render()))
        await pilot.pause(0.3)

    with Journal.open() as journal:
        session = journal.start_session("after-hard-shift")
        journal.add_topic("burnout", "Running on empty", session_id=session,
                          rationale="Nights are wearing me down.", status="accepted")
        journal.add_topic("work-life-balance", "Protecting time off", session_id=session,
                          rationale="I have not seen my family in two weeks.",
                          status="accepted")
    assert snap_compare(make_app(api=api), terminal_size=(100, 32), run_before=reviewed)
