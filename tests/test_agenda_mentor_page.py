"""The mentor's one page: ranked asks in the resident's words, minutes, needs, decisions.

The golden page is generated from a fixed journal and a fixed card folder, so it
changes only when the page's format does. Regenerate it on purpose with
``UPDATE_GOLDEN=1 pytest tests/test_agenda_mentor_page.py``, then read the diff.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

import companion
from companion.agenda import (
    MEETING_MINUTES,
    SCHEMA_VERSION,
    Agenda,
    AgendaError,
    FollowUpItem,
    Review,
    TopicReview,
    allot_minutes,
    parse_agenda,
    since_last_time,
    to_markdown,
)
from companion.cli import main
from companion.journal import Journal
from companion.sharing import build_agenda, card_gist, export_agenda, import_review

GOLDEN = Path(__file__).parent / "data" / "golden_agenda.md"
MEETING_DAY = date(2026, 12, 10)
BODY = ("Ask what the last month has been like and listen before advising. "
        "Then agree one next step together.\n")


def write_card(folder: Path, card_id: str, title: str, topic: str, audience: str,
               body: str = BODY,
               now: str = "Ask how the last month has been, then listen.") -> None:
    folder.joinpath(f"{card_id}.md").write_text(
        f"---\nid: {card_id}\ntitle: '{title}'\nnow: '{now}'\n"
        f"topic: {topic}\naudience: {audience}\n"
        f"sources:\n- 'Source of {title}'\nreflect:\n- What helps?\n"
        "ask_mentor:\n- What would you do?\n---\n" + body * 6, encoding="utf-8")


@pytest.fixture
def knowledge(tmp_path, monkeypatch) -> Path:
    """A small fixed card folder: three mentor cards on burnout, one on career, one resident."""
    root = tmp_path / "knowledge"
    cards = root / "cards"
    cards.mkdir(parents=True)
    real = Path(companion.__file__).parents[1] / "knowledge" / "topics.yaml"
    (root / "topics.yaml").write_text(real.read_text(encoding="utf-8"), encoding="utf-8")
    write_card(cards, "m-burnout-a", "Noticing a struggling resident", "burnout", "mentor")
    write_card(cards, "m-burnout-b", "Protecting a tired resident", "burnout", "mentor",
               "Name the workload problem before the coping problem. It is usually the rota.\n")
    write_card(cards, "m-burnout-c", "A third burnout card", "burnout", "mentor",
               now="Ask what drains the resident most this month.")
    write_card(cards, "m-career", "Talking about fellowships", "career-planning", "mentor",
               "Help the resident compare two real offers, not an ideal and a real one.\n",
               now="Help the resident compare two real offers side by side.")
    write_card(cards, "r-burnout", "Resting on nights", "burnout", "resident")
    monkeypatch.setenv("COMPANION_KNOWLEDGE", str(root))
    return root


@pytest.fixture
def journal(knowledge):
    """A fixed journal: one earlier meeting (one follow-up done, one overdue), three topics."""
    with Journal.open() as j:
        meeting = j.add_meeting(date(2026, 11, 12), {}, follow_ups=[
            {"text": "Send the abstract draft", "owner": "resident", "due_date": "2026-11-30"},
            {"text": "Introduce J.D. to the cardiology PD", "owner": "mentor"},
            {"text": "Ask the chief about the rota", "owner": "resident",
             "due_date": "2026-12-20"}])
        done = next(f for m in j.meetings() if m.id == meeting for f in m.follow_ups
                    if f.text.startswith("Introduce"))
        j.complete_follow_up(done.id)
        first = j.add_topic("burnout", "Exhaustion, cynicism and recovering",
                            rationale='You wrote: "I am running on empty after six nights"',
                            resident_words=["I am running on empty after six nights"],
                            questions=["How did you recover from your worst block?",
                                       "What would you do?", "Who else should I ask?"])
        second = j.add_topic("career-planning", "Fellowship, job and specialty choices",
                             rationale="Cardiology fellowship or a hospitalist job next year?",
                             questions=["What would you do?"])
        third = j.add_topic("leadership", "Leading teams and chief residency",
                            rationale="Should I apply to be chief?")
        for topic in (first, second, third):
            j.update_topic(topic.id, status="accepted")
        yield j


def mentor_agenda(journal) -> Agenda:
    ids = [t.id for t in journal.topics(status="accepted")]
    return build_agenda(journal, resident="J.D.", on=MEETING_DAY, edits={
        ids[1]: {"decision": "Which application to send", "deadline": "2026-12-31"},
        ids[2]: {"need": "sponsor", "question": "Would you write in support?"}})


def test_golden_markdown(journal):
    text = export_agenda(journal, mentor_agenda(journal), "md")
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_the_page_prints_on_two_pages_at_most(journal):
    for n in range(8):
        journal.update_topic(journal.add_topic("burnout", f"Extra {n}",
                                               rationale="another worry of mine " * 9).id,
                             status="accepted")
    text = to_markdown(build_agenda(journal, on=MEETING_DAY))
    # a printed page holds about 55 lines of 100 characters
    assert len(text.splitlines()) <= 110
    assert max(len(line) for line in text.splitlines()) <= 200


def test_asks_lead_with_the_residents_words_ranked_with_minutes(journal):
    agenda = mentor_agenda(journal)
    asks = [t.heading for t in agenda.topics]
    assert asks == ["I am running on empty after six nights",
                    "Cardiology fellowship or a hospitalist job next year?",
                    "Should I apply to be chief?"]
    minutes = [t.minutes for t in agenda.topics]
    assert minutes == sorted(minutes, reverse=True) and all(m % 5 == 0 for m in minutes)
    assert sum(minutes) == MEETING_MINUTES - 5  # five for last time's follow-ups
    assert [t.need for t in agenda.topics] == ["listen", "advise", "sponsor"]
    assert agenda.topics[1].decision == "Which application to send"
    assert agenda.topics[1].deadline == date(2026, 12, 31)


def test_one_question_and_two_ranked_mentor_cards_with_gists(journal):
    agenda = mentor_agenda(journal)
    assert [t.questions for t in agenda.topics] == [
        ["How did you recover from your worst block?"], ["What would you do?"],
        ["Would you write in support?"]]
    burnout = agenda.topics[0].cards
    assert len(burnout) == 2
    assert all(c.id.startswith("m-") for c in burnout)
    assert burnout[0].title < burnout[1].title  # primary-topic cards, ranked by title
    # the gist a mentor reads on paper is the card's "right now" line, not its first sentence
    assert [c.gist for c in burnout] == ["Ask what drains the resident most this month.",
                                         "Ask how the last month has been, then listen."]
    assert agenda.topics[2].cards == []


def test_last_meetings_follow_ups_carry_their_status(journal):
    agenda = mentor_agenda(journal)
    assert [(f.text, f.status) for f in agenda.follow_ups] == [
        ("Send the abstract draft", "overdue"),
        ("Introduce J.D. to the cardiology PD", "done"),
        ("Ask the chief about the rota", "open")]


def test_a_meeting_length_other_than_an_hour(journal):
    agenda = build_agenda(journal, on=MEETING_DAY, meeting_minutes=15)
    assert [t.minutes for t in agenda.topics] == [5, 5, 0]  # the third: if time allows
    assert "if time allows" in to_markdown(agenda)
    assert allot_minutes(0) == [] and sum(allot_minutes(7, 60)) == 60


def test_need_and_deadline_are_checked(journal):
    first = journal.topics(status="accepted")[0].id
    with pytest.raises(AgendaError, match="use one of listen, advise"):
        build_agenda(journal, edits={first: {"need": "fix it"}})
    with pytest.raises(AgendaError, match="not a date"):
        build_agenda(journal, edits={first: {"deadline": "next week"}})


VERSION_1 = {
    "schema": "resident-companion/agenda@1", "resident": "A.B.", "date": "2026-10-01",
    "topics": [{"id": "3", "topic_id": "burnout", "title": "Running on empty",
                "rationale": "Too many nights",
                "cards": [{"id": "burnout-three-dimensions", "title": "Three dimensions"}],
                "questions": ["One?", "Two?"]}],
    "follow_ups": [{"text": "Draft the abstract", "owner": "resident"}],
    "review": {"reviewed_on": "2026-10-02", "topics": {"3": {"status": "discussed"}}},
}


def test_a_version_1_agenda_still_parses_and_renders():
    agenda = parse_agenda(json.dumps(VERSION_1))
    topic = agenda.topics[0]
    assert topic.heading == "Running on empty" and topic.need == "advise"
    assert agenda.meeting_minutes == MEETING_MINUTES
    assert agenda.follow_ups[0].status == "open"
    assert "### 1. Running on empty" in to_markdown(agenda)
    again = parse_agenda(agenda.to_json())  # upgraded copies load too
    assert again.schema_.endswith(f"@{SCHEMA_VERSION}") and again.review is not None
    assert again.last_meeting is None and topic.last_time is None


def test_a_newer_agenda_is_refused():
    with pytest.raises(AgendaError, match="newer than this app"):
        parse_agenda(json.dumps({**VERSION_1, "schema": "resident-companion/agenda@4"}))


def test_a_version_2_agenda_loads_without_what_changed():
    agenda = parse_agenda(json.dumps({**VERSION_1, "schema": "resident-companion/agenda@2"}))
    assert agenda.last_meeting is None and since_last_time(agenda) == []


def test_needs_follow_up_is_an_outcome_that_counts_as_discussed(journal):
    agenda = mentor_agenda(journal)
    export_agenda(journal, agenda, "json")
    ids = [t.id for t in agenda.topics]
    reviewed = agenda.model_copy(update={"review": Review(
        reviewed_on=MEETING_DAY, topics={ids[0]: TopicReview(status="follow-up"),
                                         ids[1]: TopicReview(status="deferred")})})
    loaded = parse_agenda(reviewed.to_json())
    assert "**needs follow-up**" in to_markdown(loaded)
    result = import_review(journal, loaded)
    assert result.discussed == 1
    statuses = [journal.topic(int(i)).status for i in ids]
    assert statuses == ["discussed", "shared", "shared"]


def test_the_next_agenda_says_what_changed_since_last_time(journal):
    """After a reviewed meeting the next page names the new asks and the ones back again."""
    agenda = mentor_agenda(journal)
    export_agenda(journal, agenda, "json")
    ids = [t.id for t in agenda.topics]
    reviewed = agenda.model_copy(update={"review": Review(
        reviewed_on=date(2026, 12, 3), topics={ids[0]: TopicReview(status="discussed"),
                                               ids[1]: TopicReview(status="deferred")},
        follow_ups=[FollowUpItem(text="Draft the fellowship email", due=date(2026, 12, 10))])})
    import_review(journal, parse_agenda(reviewed.to_json()))
    fresh = journal.add_topic("networking", "Meeting people in my field",
                              rationale="Who should I meet at the spring conference?")
    journal.update_topic(fresh.id, status="accepted")

    later = build_agenda(journal, resident="J.D.", on=date(2026, 12, 20),
                         topic_ids=[int(ids[1]), int(ids[2]), fresh.id])
    assert later.last_meeting == date(2026, 12, 3)
    assert [t.last_time for t in later.topics] == ["deferred", "open", None]
    assert [(f.text, f.status) for f in later.follow_ups][0] == \
        ("Draft the fellowship email", "overdue")
    lines = since_last_time(later)
    assert lines[0].startswith("Last meeting: 2026-12-03; follow-ups ")
    assert "overdue" in lines[0]
    assert lines[1:] == ["New since then: ask 3.",
                         "Back from before: ask 1 (deferred last time); ask 2 (on the last "
                         "agenda, not reached)."]
    page = export_agenda(journal, later, "md")
    since = page.split("## Since last time\n\n", 1)[1].split("## Asks", 1)[0]
    assert all(line in since for line in lines)
    assert "- [ ] Draft the fellowship email (resident, by 2026-12-10) — overdue" in since
    assert "- Before: deferred last time" in page
    data = json.loads(later.to_json())
    assert data["last_meeting"] == "2026-12-03"
    assert [t.get("last_time") for t in data["topics"]] == ["deferred", "open", None]
    assert parse_agenda(later.to_json()) == later  # the mentor's app reads it back


def test_a_first_agenda_has_nothing_since_last_time(knowledge):
    with Journal.open() as j:
        topic = j.add_topic("burnout", "Exhaustion", rationale="Six nights in a row")
        j.update_topic(topic.id, status="accepted")
        agenda = build_agenda(j, on=MEETING_DAY)
    assert agenda.last_meeting is None and agenda.topics[0].last_time is None
    assert since_last_time(agenda) == [] and "Since last time" not in to_markdown(agenda)


def test_card_gist_is_one_short_line():
    assert card_gist("# Heading\nFirst line\ncontinues here. Second.") == \
        "First line continues here."
    assert len(card_gist("word " * 100)) <= 110


def test_a_reworded_rationale_rewords_the_ask(journal):
    first = journal.topics(status="accepted")[0]
    journal.update_topic(first.id, rationale="Tired after nights")
    agenda = build_agenda(journal, on=MEETING_DAY)
    assert agenda.topics[0].ask == "Tired after nights"
    assert "six nights" not in agenda.to_json()


def test_the_resident_sets_needs_decisions_and_length_from_the_command_line(journal, tmp_path):
    ids = [t.id for t in journal.topics(status="accepted")]
    journal.close()
    out = tmp_path / "agenda.json"
    assert main(["export", "agenda", "--format", "json", "-o", str(out), "--minutes", "30",
                 "--need", f"{ids[0]}=advocate", "--decision", f"{ids[1]}=Which offer",
                 "--deadline", f"{ids[1]}=2027-01-15"]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["meeting_minutes"] == 30
    topics = data["topics"]
    assert topics[0]["need"] == "advocate" and topics[1]["need"] == "advise"
    assert topics[1]["decision"] == "Which offer" and topics[1]["deadline"] == "2027-01-15"
    assert sum(t["minutes"] for t in topics) <= 30
    assert main(["export", "agenda", "--need", "x=listen"]) == 2
    assert main(["export", "agenda", "--need", f"{ids[0]}=rescue"]) == 1
    assert main(["export", "agenda", "--minutes", "2"]) == 1


def test_exporting_twice_gives_the_same_page(journal):
    """Markdown then JSON of one agenda: the topics it just shared are not 'back from before'."""
    first = mentor_agenda(journal)
    export_agenda(journal, first, "md")
    assert {t.status for t in journal.topics()} == {"shared"}
    again = build_agenda(journal, resident="J.D.", on=MEETING_DAY,
                         topic_ids=[int(t.id) for t in first.topics], edits={
                             int(first.topics[1].id): {"decision": "Which application to send",
                                                       "deadline": "2026-12-31"},
                             int(first.topics[2].id): {"need": "sponsor",
                                                       "question": "Would you write in support?"}})
    assert [t.last_time for t in again.topics] == [None, None, None]
    assert to_markdown(again) == to_markdown(first)


def test_a_topic_shared_before_the_last_meeting_without_a_review_comes_back(knowledge):
    with Journal.open() as j:
        topic = j.add_topic("burnout", "Exhaustion", rationale="Six nights in a row",
                            status="accepted")
        export_agenda(j, build_agenda(j, on=MEETING_DAY), "md")  # sent; no review came back
        j.add_meeting(date(2026, 12, 12), {})  # a meeting recorded by hand afterwards
        later = build_agenda(j, topic_ids=[topic.id], on=date(2026, 12, 20))
    assert later.topics[0].last_time == "shared"
    assert "ask 1 (shared before, no review back yet)" in since_last_time(later)[-1]
