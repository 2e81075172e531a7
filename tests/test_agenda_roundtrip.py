"""The agenda round trip: resident export -> mentor review -> resident import."""

from __future__ import annotations

import json
from datetime import date

import pytest

from companion.agenda import (
    SCHEMA_VERSION,
    AgendaError,
    FollowUpItem,
    Review,
    TopicReview,
    load_agenda,
    parse_agenda,
    reviewed_path,
    to_markdown,
    write_new_file,
)
from companion.cards import load_cards
from companion.cli import main
from companion.journal import Journal
from companion.sharing import (
    IdentifiersFound,
    build_agenda,
    export_agenda,
    find_identifiers,
    import_review,
)

SECRET_JOURNAL_TEXT = "I cried in the supply closet after the code on Tuesday"


@pytest.fixture
def journal():
    with Journal.open() as j:
        session = j.start_session("after-hard-shift")
        j.add_message(session, "resident", SECRET_JOURNAL_TEXT, safety_level="concern")
        j.record_safety_event(session, "concern", ["hopelessness"])
        j.add_checkin({"burnout": 4, "sleep": 2, "support": 3, "meaning": 3, "workload": 4})
        first = j.add_topic("work-life-balance", "Protecting time outside work",
                            rationale='You wrote: "nights are wearing me down"',
                            card_ids=["burnout-three-dimensions"], resident_words=["nights"],
                            questions=["How did you protect sleep on nights?"],
                            session_id=session)
        second = j.add_topic("career-planning", "My career direction",
                             rationale="fellowship or hospitalist job?", session_id=session)
        j.add_topic("networking", "Meeting people", session_id=session)  # stays suggested
        j.update_topic(first.id, status="accepted")
        j.update_topic(second.id, status="accepted")
        yield j


def test_export_carries_only_chosen_topics_and_nothing_private(journal):
    agenda = build_agenda(journal, resident="J.D.", on=date(2026, 11, 20))
    text = export_agenda(journal, agenda, "json")
    data = json.loads(text)
    assert data["schema"] == f"resident-companion/agenda@{SCHEMA_VERSION}"
    assert data["resident"] == "J.D." and data["date"] == "2026-11-20"
    assert [t["topic_id"] for t in data["topics"]] == ["work-life-balance", "career-planning"]
    assert data["topics"][0]["questions"] == ["How did you protect sleep on nights?"]
    cards = data["topics"][0]["cards"]
    assert 1 <= len(cards) <= 2 and all(c["gist"] for c in cards)
    assert {c.id for c in load_cards() if c.audience == "resident"}.isdisjoint(
        c["id"] for c in cards)  # the mentor's reading, not what the resident read
    assert set(data) == {"schema", "resident", "date", "topics", "follow_ups",
                         "meeting_minutes"}
    assert SECRET_JOURNAL_TEXT not in text
    for leak in ("concern", "hopelessness", "sleep\": 2", "burnout\": 4", "Meeting people"):
        assert leak not in text
    statuses = {t.topic_id: t.status for t in journal.topics()}
    assert statuses == {"work-life-balance": "shared", "career-planning": "shared",
                        "networking": "suggested"}


def test_resident_orders_and_edits_topics(journal):
    ids = [t.id for t in journal.topics(status="accepted")]
    agenda = build_agenda(journal, topic_ids=list(reversed(ids)),
                          edits={ids[0]: {"title": "Sleep on nights"}})
    assert [t.title for t in agenda.topics] == ["My career direction", "Sleep on nights"]
    with pytest.raises(AgendaError, match="no topic with id 999"):
        build_agenda(journal, topic_ids=[999])


def test_markdown_is_readable_without_the_app(journal):
    text = to_markdown(build_agenda(journal, resident="J.D."))
    assert text.startswith("# Mentor meeting — J.D.")
    # the resident's words lead, the taxonomy label is only a reminder
    assert "### 1. nights are wearing me down — 40 min" in text
    assert "### 2. fellowship or hospitalist job? — 20 min" in text
    assert "**listen** (Protecting time outside work)" in text
    assert "- Question: How did you protect sleep on nights?" in text
    assert SECRET_JOURNAL_TEXT not in text


def test_export_is_blocked_until_identifiers_are_decided(journal):
    topic = journal.topics(status="accepted")[0]
    journal.update_topic(topic.id, rationale="Mr. Jones in bed 12, MRN 4471823, kept me up")
    agenda = build_agenda(journal)
    with pytest.raises(IdentifiersFound) as info:
        export_agenda(journal, agenda, "md")
    kinds = {f.kind for f in info.value.findings}
    assert {"patient", "mrn"} <= kinds
    assert journal.topic(topic.id).status == "accepted"  # nothing marked shared
    redacted = export_agenda(journal, agenda, "md", redact=True)
    assert "4471823" not in redacted and "[MRN]" in redacted
    kept = export_agenda(journal, build_agenda(journal), "md", keep_identifiers=True)
    assert "4471823" in kept


def test_full_round_trip_through_files(journal, tmp_path):
    agenda = build_agenda(journal, resident="J.D.")
    shared = write_new_file(tmp_path / "agenda.json", export_agenda(journal, agenda, "json"))
    # the mentor reviews it
    received = load_agenda(shared)
    first, second = received.topics
    received.review = Review(
        mentor="Dr. Mentor", reviewed_on=date(2026, 11, 21),
        topics={first.id: TopicReview(status="discussed", notes="Block nights in the rota"),
                second.id: TopicReview(status="deferred")},
        notes="Good meeting", follow_ups=[FollowUpItem(text="Draft a sleep plan",
                                                        owner="resident", due=date(2026, 12, 1))])
    out = write_new_file(reviewed_path(shared), received.to_json())
    assert out.name == "agenda.reviewed.json" and shared.exists()
    # back to the resident
    result = import_review(journal, load_agenda(out))
    assert (result.discussed, result.follow_ups, result.already_imported) == (1, 1, False)
    statuses = {t.topic_id: t.status for t in journal.topics()}
    assert statuses["work-life-balance"] == "discussed"
    assert statuses["career-planning"] == "shared"
    assert journal.days_since_last_meeting(today=date(2026, 11, 25)) == 4
    assert [f.text for f in journal.open_follow_ups()] == ["Draft a sleep plan"]
    # the open follow-up travels on the next agenda
    assert [f.text for f in build_agenda(journal).follow_ups] == ["Draft a sleep plan"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"schema": "resident-companion/agenda@1", "date": "2026-1', "truncated"),
        ("[1, 2]", "expected a JSON object"),
        ('{"date": "2026-11-20"}', "field 'schema'"),
        ('{"schema": "resident-companion/agenda@9", "date": "2026-11-20"}', "newer"),
        ('{"schema": "resident-companion/agenda@1", "date": "someday"}', "field 'date'"),
        ('{"schema": "resident-companion/agenda@1", "date": "2026-11-20", "scores": [4]}',
         "field 'scores'"),
        ('{"schema": "resident-companion/agenda@1", "date": "2026-11-20", '
         '"topics": [{"id": "1", "topic_id": "burnout"}]}', "field 'topics.0.title'"),
    ],
)
def test_bad_agenda_files_are_refused_clearly(text, message):
    with pytest.raises(AgendaError, match=message):
        parse_agenda(text, "agenda.json")


def test_bad_file_is_never_overwritten(tmp_path):
    bad = tmp_path / "agenda.json"
    bad.write_text('{"schema": "resident-companion/agenda@9", "date": "2026-11-20"}')
    before = bad.read_bytes()
    assert main(["review", str(bad)]) == 1
    assert bad.read_bytes() == before
    with pytest.raises(AgendaError, match="already exists"):
        write_new_file(bad, "{}")
    assert bad.read_bytes() == before


def test_reviewed_agenda_with_identifiers_is_flagged():
    agenda = parse_agenda(json.dumps({
        "schema": "resident-companion/agenda@1", "date": "2026-11-20",
        "topics": [{"id": "1", "topic_id": "burnout", "title": "Nights",
                    "rationale": "pt Jones, DOB 3/4/1951, in room 4B"}]}))
    kinds = {f.kind for f in find_identifiers(agenda)}
    assert "dob" in kinds or "date" in kinds


def test_cli_export_and_import_review(journal, tmp_path, capsys):
    journal.close()
    out = tmp_path / "agenda.json"
    assert main(["export", "agenda", "--format", "json", "-o", str(out),
                 "--resident", "J.D."]) == 0
    data = json.loads(out.read_text())
    assert len(data["topics"]) == 2
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert main(["export", "agenda", "--format", "json", "-o", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err


def test_cli_import_review_records_the_meeting(journal, tmp_path, capsys):
    agenda = build_agenda(journal, resident="J.D.")
    export_agenda(journal, agenda, "json")
    first = agenda.topics[0]
    agenda.review = Review(reviewed_on=date(2026, 11, 22),
                           topics={first.id: TopicReview(status="discussed")},
                           follow_ups=[FollowUpItem(text="Read the sleep card", owner="resident")])
    reviewed = write_new_file(tmp_path / "a.reviewed.json", agenda.to_json())
    journal.close()
    assert main(["journal", "import-review", str(reviewed)]) == 0
    assert "1 topic(s) discussed, 1 follow-up(s) to do" in capsys.readouterr().out
    with Journal.open() as j:
        assert j.last_meeting_date() == date(2026, 11, 22)
        assert j.topic(int(first.id)).status == "discussed"
    not_reviewed = write_new_file(tmp_path / "plain.json",
                                  agenda.model_copy(update={"review": None}).to_json())
    assert main(["journal", "import-review", str(not_reviewed)]) == 1
    assert "not reviewed" in capsys.readouterr().err


def test_doctor_reports_days_since_last_meeting(journal, capsys):
    journal.add_meeting(date(2026, 9, 1), {"topics": []})
    journal.close()
    main(["doctor", "--no-load"])
    out = capsys.readouterr().out
    assert "mentor meetings: last one" in out and "time to book the next one" in out
