"""Round trips of every journal record type, ordering, validation and deletion."""

from __future__ import annotations

from datetime import date

import pytest

from companion.checkin import score, validate_answers
from companion.journal import (
    CHECKIN_ITEMS,
    Journal,
    JournalError,
    JournalValueError,
    RecordNotFoundError,
)
from companion.paths import journal_path


@pytest.fixture
def journal():
    j = Journal.open()
    yield j
    j.close()


def test_default_path_and_private_file_mode(journal):
    assert journal.path == journal_path()
    assert journal.path.stat().st_mode & 0o777 == 0o600
    assert not journal.is_encrypted


def test_session_and_messages_round_trip_across_reopen(journal):
    sid = journal.start_session("weekly-reflection")
    m1 = journal.add_message(sid, "resident", "Nights were long — ünïcode too.\nSecond line")
    m2 = journal.add_message(sid, "companion", "What helped?", safety_level="concern")
    journal.end_session(sid, {"headline": "Long nights\nmore detail", "topics": ["workload"]})
    journal.close()

    with Journal.open() as again:
        session = again.session(sid)
        assert session.flow == "weekly-reflection"
        assert session.ended_at is not None and session.ended_at >= session.started_at
        assert session.summary == {"headline": "Long nights\nmore detail", "topics": ["workload"]}
        assert [(m.id, m.role, m.text, m.safety_level) for m in session.messages] == [
            (m1, "resident", "Nights were long — ünïcode too.\nSecond line", "none"),
            (m2, "companion", "What helped?", "concern"),
        ]
        listed = again.sessions()
        assert [s.id for s in listed] == [sid]
        assert listed[0].message_count == 2
        assert listed[0].summary_line() == "Long nights"
        assert session.to_dict()["messages"][0]["text"].startswith("Nights were long")


def test_sessions_newest_first_and_query(journal):
    a = journal.start_session("flow-a")
    journal.add_message(a, "resident", "my rotation in cardiology")
    b = journal.start_session("flow-b")
    journal.add_message(b, "resident", "exam stress")
    assert [s.id for s in journal.sessions()] == [b, a]
    assert [s.id for s in journal.sessions(query="CARDIOLOGY")] == [a]
    assert [s.id for s in journal.sessions(query="flow-b")] == [b]
    assert journal.sessions(query="nothing like this") == []


def test_message_validation_and_unknown_session(journal):
    sid = journal.start_session("f")
    with pytest.raises(JournalValueError, match="safety_level"):
        journal.add_message(sid, "resident", "x", safety_level="severe")
    with pytest.raises(RecordNotFoundError, match="session with id 999"):
        journal.add_message(999, "resident", "x")
    with pytest.raises(RecordNotFoundError):
        journal.session(999)
    assert journal.messages(sid) == []


def test_checkin_round_trip_scores_and_trend(journal):
    first = journal.add_checkin({"burnout": 2, "sleep": 4, "support": 5, "meaning": 4,
                                 "workload": 3}, date="2026-01-05")
    second = journal.add_checkin({"burnout": 4, "sleep": 1}, date=date(2026, 1, 12))
    journal.add_checkin({"burnout": 1}, date="2026-01-01")
    assert first.scores == {"burnout": 2, "burnout_symptoms": False, "wellbeing": 75.0,
                            "answered": 5}
    assert second.scores == {"burnout": 4, "burnout_symptoms": True, "wellbeing": 0.0,
                             "answered": 2}
    stored = journal.checkins()
    assert [c.date for c in stored] == ["2026-01-01", "2026-01-05", "2026-01-12"]
    assert stored[1].answers == first.answers
    trend = journal.checkin_trend()
    assert [d for d, _ in trend] == ["2026-01-01", "2026-01-05", "2026-01-12"]
    assert trend[0][1]["wellbeing"] is None and trend[2][1]["burnout_symptoms"] is True


def test_checkin_items_are_free_to_use_and_well_formed():
    ids = [item.id for item in CHECKIN_ITEMS]
    assert ids[0] == "burnout" and {"sleep", "support", "meaning", "workload"} <= set(ids)
    burnout = CHECKIN_ITEMS[0]
    assert burnout.source == "Mini-Z single-item burnout measure"
    assert [c.value for c in burnout.choices] == [1, 2, 3, 4, 5]
    for item in CHECKIN_ITEMS:
        assert len({c.label for c in item.choices}) == 5
        assert "maslach" not in (item.question + item.source).lower()


@pytest.mark.parametrize(
    ("answers", "message"),
    [({"mood": 3}, "'mood' is not an item"), ({"sleep": 6}, "between 1 and 5"),
     ({"sleep": "3"}, "must be an integer"), ({}, "at least one answer"),
     ({"sleep": True}, "must be an integer")],
)
def test_checkin_validation_names_the_field(journal, answers, message):
    with pytest.raises(JournalValueError, match=message):
        journal.add_checkin(answers)
    assert journal.checkins() == []


def test_scores_threshold():
    assert score({"burnout": 3})["burnout_symptoms"] is True
    assert score({"burnout": 2})["burnout_symptoms"] is False
    assert score({"sleep": 5, "support": 1})["wellbeing"] == 50.0
    assert validate_answers({"sleep": None, "support": 2}) == {"support": 2}


def test_topics_round_trip_status_and_order(journal):
    sid = journal.start_session("f")
    t1 = journal.add_topic("workload", "Managing nights", "You said nights drain you",
                           card_ids=["night-shifts"], resident_words=["I can't sleep after"],
                           questions=["How did you cope?"], session_id=sid)
    t2 = journal.add_topic("career", "Fellowship choice")
    assert (t1.position, t2.position) == (1, 2)
    assert t1.status == "suggested" and t1.session_id == sid
    assert t1.resident_words == ["I can't sleep after"] and t1.card_ids == ["night-shifts"]

    moved = journal.update_topic(t2.id, position=0, status="accepted", title="Fellowship?")
    assert (moved.position, moved.status, moved.title) == (0, "accepted", "Fellowship?")
    assert [t.id for t in journal.topics()] == [t2.id, t1.id]
    assert [t.id for t in journal.topics(status="accepted")] == [t2.id]
    assert [t.id for t in journal.session(sid).topics] == [t1.id]
    for status in ("dismissed", "shared", "discussed"):
        assert journal.update_topic(t1.id, status=status).status == status
    with pytest.raises(JournalValueError, match="topic status must be one of"):
        journal.update_topic(t1.id, status="archived")
    with pytest.raises(JournalValueError):
        journal.topics(status="bogus")
    with pytest.raises(RecordNotFoundError):
        journal.update_topic(12345, status="accepted")


def test_meetings_and_follow_ups_round_trip(journal):
    assert journal.last_meeting_date() is None and journal.days_since_last_meeting() is None
    agenda = {"topics": ["Managing nights"], "questions": ["How did you cope?"]}
    m_old = journal.add_meeting("2026-01-10", {"topics": []}, "first chat", ["read the card"])
    m_new = journal.add_meeting(
        date(2026, 2, 1), agenda, "Talked about nights",
        [{"text": "Ask for a rota swap", "owner": "resident", "due_date": "2026-02-15"},
         "Mentor sends a paper"],
    )
    meetings = journal.meetings()
    assert [m.id for m in meetings] == [m_new, m_old]
    assert meetings[0].agenda == agenda and meetings[0].notes == "Talked about nights"
    assert [f.text for f in meetings[0].follow_ups] == ["Ask for a rota swap",
                                                       "Mentor sends a paper"]
    assert journal.last_meeting_date() == date(2026, 2, 1)
    assert journal.days_since_last_meeting(today=date(2026, 2, 11)) == 10

    open_items = journal.open_follow_ups()
    assert [f.text for f in open_items][0] == "Ask for a rota swap"  # dated items first
    journal.complete_follow_up(open_items[0].id)
    assert "Ask for a rota swap" not in [f.text for f in journal.open_follow_ups()]
    done = [f for f in journal.meetings()[0].follow_ups if f.done]
    assert len(done) == 1 and done[0].done_at is not None
    loose = journal.add_follow_up("Book leave", due_date="2026-03-01")
    assert loose in [f.id for f in journal.open_follow_ups()]
    with pytest.raises(JournalValueError, match="meeting date"):
        journal.add_meeting("next tuesday", {}, "")
    with pytest.raises(JournalValueError, match="unknown field"):
        journal.add_meeting("2026-03-01", {}, "", [{"text": "x", "whom": "y"}])
    assert len(journal.meetings()) == 2  # the failed meeting was rolled back entirely


def test_safety_events_are_recorded_with_the_session(journal):
    sid = journal.start_session("f")
    eid = journal.record_safety_event(sid, "crisis", ["self-harm language"])
    events = journal.session(sid).safety_events
    assert [(e.id, e.level, e.reasons) for e in events] == [(eid, "crisis",
                                                             ["self-harm language"])]
    with pytest.raises(JournalValueError):
        journal.record_safety_event(sid, "red", [])


def test_delete_session_removes_its_messages_topics_and_events(journal):
    keep = journal.start_session("keep")
    journal.add_message(keep, "resident", "stay")
    gone = journal.start_session("gone")
    journal.add_message(gone, "resident", "a")
    journal.add_message(gone, "resident", "b")
    journal.add_topic("t", "From gone", session_id=gone)
    journal.record_safety_event(gone, "concern", ["x"])
    counts = journal.delete_session(gone)
    assert counts == {"sessions": 1, "messages": 2, "topics": 1, "safety_events": 1}
    assert [s.id for s in journal.sessions()] == [keep]
    assert journal.topics() == [] and journal.safety_events() == []
    assert [m.text for m in journal.messages(keep)] == ["stay"]


def test_delete_all_counts_everything(journal):
    sid = journal.start_session("f")
    journal.add_message(sid, "resident", "a")
    journal.add_checkin({"burnout": 2})
    journal.add_topic("t", "T")
    journal.add_meeting("2026-01-01", {}, "", ["f1", "f2"])
    counts = journal.delete_all()
    assert counts == {"sessions": 1, "messages": 1, "checkins": 1, "topics": 1, "meetings": 1,
                      "follow_ups": 2, "safety_events": 0, "safety_plan": 0}
    assert journal.sessions() == [] and journal.checkins() == [] and journal.meetings() == []
    assert journal.integrity_check() == "ok"


def test_closed_journal_refuses_use():
    j = Journal.open()
    j.close()
    with pytest.raises(JournalError, match="closed"):
        j.sessions()


def test_concurrent_writers_from_threads(journal):
    import threading

    sid = journal.start_session("threads")

    def write(worker: int) -> None:
        for i in range(40):
            journal.add_message(sid, "resident", f"{worker}-{i}")

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    texts = [m.text for m in journal.messages(sid)]
    assert sorted(texts) == sorted(f"{w}-{i}" for w in range(4) for i in range(40))


def test_failed_write_rolls_back_and_says_so(journal, monkeypatch):
    sid = journal.start_session("f")
    journal.add_message(sid, "resident", "kept")
    journal._conn.execute("PRAGMA query_only=ON")  # every write now fails inside SQLite
    with pytest.raises(JournalError, match="Could not save.*Nothing was changed"):
        journal.add_message(sid, "resident", "lost")
    journal._conn.execute("PRAGMA query_only=OFF")
    assert [m.text for m in journal.messages(sid)] == ["kept"]


def test_importing_the_journal_stays_light():
    import subprocess
    import sys

    code = (
        "import sys, companion.journal, companion.commands.journal; "
        "heavy = [m for m in ('textual', 'torch', 'sentence_transformers', 'cryptography') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == ""
