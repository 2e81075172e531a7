"""After `journal import-review`, the resident reads the mentor's review in the app.

The round trip as it happens: a topic accepted in a session, exported (it becomes
shared), reviewed by the mentor (outcome, notes, a decision asked for, agreed
follow-ups), imported. The agenda screen then shows the latest review under its
table (the discussed topic has left the agenda), and the session the topic came
from shows what the mentor said about it. A crafted escape sequence in the
mentor's notes never reaches the screen.
"""

from __future__ import annotations

import json

import pytest
from textual.widgets import DataTable, Markdown, Static
from tui_support import fake_api, screen_name, until

from companion.journal import Journal
from companion.tui.app import make_app

NOTES = "Sleep comes first; ask Dr Patel about swapping the \x1b[31mlast night\x1b[0m."
SHOWN_NOTES = "Sleep comes first; ask Dr Patel about swapping the last night."


@pytest.fixture
async def reviewed(tmp_path):
    """The in-process API on a journal holding one reviewed, imported agenda."""
    with Journal.open() as journal:
        session = journal.start_session("after-hard-shift")
        journal.add_message(session, "resident", "Nights are wearing me down.")
        topic = journal.add_topic("burnout", "Running on empty", session_id=session,
                                  rationale="Nights are wearing me down.", status="accepted")
        journal.end_session(session, {"text": "**After a hard shift or night**: burnout."})
    api = fake_api()
    exported = await api.export_agenda("json", str(tmp_path / "agenda.json"),
                                       topic_ids=[topic.id], keep_identifiers=True)
    agenda = json.loads(open(exported.path, encoding="utf-8").read())
    agenda["topics"][0]["decision"] = "Which block to swap"
    agenda["review"] = {
        "mentor": "Dr. Lee", "reviewed_on": "2026-11-27", "notes": "Good first meeting.",
        "topics": {str(topic.id): {"status": "discussed", "notes": NOTES}},
        "follow_ups": [{"text": "Email the chief about swaps", "owner": "resident",
                        "due": "2026-12-04"}],
    }
    path = tmp_path / "agenda.reviewed.json"
    path.write_text(json.dumps(agenda), encoding="utf-8")
    done = await api.import_review(str(path))
    assert done.discussed == 1
    yield api, session, topic
    await api.close()


async def test_the_core_gives_the_review_back_as_the_resident_reads_it(reviewed):
    api, _, topic = reviewed
    reviews = await api.reviews()
    assert len(reviews) == 1
    review = reviews[0]
    assert (review.mentor, review.reviewed_on, review.notes) == (
        "Dr. Lee", "2026-11-27", "Good first meeting.")
    note = review.note_for(topic.id)
    assert note is not None and note.outcome == "discussed" and note.notes == SHOWN_NOTES
    assert note.decision == "Which block to swap"
    assert [f.text for f in review.follow_ups] == ["Email the chief about swaps"]


async def test_agenda_screen_shows_the_latest_review(reviewed):
    api, _, _ = reviewed
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.journal_state == "open")
        await pilot.press("a")
        await until(pilot, lambda: screen_name(app) == "AgendaScreen")
        review = app.screen.query_one("#agenda-review", Static)
        await until(pilot, lambda: "From your mentor" in str(review.render()))
        shown = str(review.render())
        assert "Reviewed 2026-11-27 with Dr. Lee" in shown
        assert "Good first meeting." in shown
        assert "discussed." in shown and "Decision asked: Which block to swap." in shown
        assert SHOWN_NOTES in shown and "\x1b" not in shown
        assert "[ ] Email the chief about swaps (resident, by 2026-12-04)" in shown
        assert app.screen.query_one("#agenda", DataTable).row_count == 0  # it was discussed


async def test_the_session_shows_what_the_mentor_said_about_its_topic(reviewed):
    api, session, _ = reviewed
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.flows and app.journal_state == "open")
        await pilot.press("j")
        await until(pilot, lambda: screen_name(app) == "JournalScreen")
        table = app.screen.query_one("#sessions", DataTable)
        await until(pilot, lambda: table.row_count == 1)
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "SessionScreen")
        body = app.screen.query_one("#session-text", Markdown)
        await until(pilot, lambda: "From your mentor" in body.source)
        mentor = body.source.split("## From your mentor", 1)[1]
        assert "Reviewed 2026-11-27 with Dr. Lee" in mentor
        assert f"Running on empty: discussed. Decision asked: Which block to swap. " \
               f"{SHOWN_NOTES}" in mentor
        assert "Email the chief about swaps" in mentor
        assert "\x1b" not in body.source
        assert "**Running on empty** (discussed)" in body.source


def test_a_meeting_recorded_by_hand_has_no_review_to_show():
    from companion.mentor_reviews import mentor_reviews

    with Journal.open() as journal:
        journal.add_meeting("2026-01-10", {"topics": ["nights"]}, "Good talk", ["Swap a shift"])
        assert mentor_reviews(journal) == []
