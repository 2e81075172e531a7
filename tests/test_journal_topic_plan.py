"""Each topic keeps what the resident plans to ask of the mentor: need, decision, deadline.

The plan is the resident's words about a decision in their life, so it is sealed
like the topic's title and rationale when a passphrase is set, and an empty plan
looks like a full one in the file (no NULL in a sealed column).
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from companion.journal import Journal
from companion.journal.errors import JournalValueError
from companion.sharing import build_agenda

PASSPHRASE = "a long enough passphrase"
DECISION = "Whether to accept the Boston cardiology interview"


def raw_plans(path: Path) -> list[object]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT plan FROM topics ORDER BY id")]
    finally:
        conn.close()


def test_a_topic_keeps_its_need_decision_and_deadline(tmp_path):
    with Journal.open(tmp_path / "j.sqlite3") as journal:
        topic = journal.add_topic("career-planning", "Fellowship choices")
        assert (topic.need, topic.decision, topic.deadline) == ("", "", "")
        journal.update_topic(topic.id, need="advise", decision=DECISION,
                             deadline="2027-01-15")
        journal.update_topic(topic.id, status="accepted")  # other changes keep the plan
        again = journal.topic(topic.id)
        assert (again.need, again.decision, again.deadline) == ("advise", DECISION,
                                                                "2027-01-15")
        journal.update_topic(topic.id, decision="")  # "" clears one field only
        cleared = journal.topic(topic.id)
        assert (cleared.need, cleared.decision, cleared.deadline) == ("advise", "",
                                                                      "2027-01-15")


@pytest.mark.parametrize("change", [{"need": "rescue"}, {"deadline": "next Tuesday"}])
def test_a_bad_plan_is_refused_and_changes_nothing(tmp_path, change):
    with Journal.open(tmp_path / "j.sqlite3") as journal:
        topic = journal.add_topic("burnout", "Running on empty")
        journal.update_topic(topic.id, need="listen")
        with pytest.raises(JournalValueError):
            journal.update_topic(topic.id, **change)
        assert journal.topic(topic.id).need == "listen"


def test_the_plan_is_sealed_and_an_empty_one_looks_like_a_full_one(tmp_path):
    path = tmp_path / "j.sqlite3"
    with Journal.open(path, passphrase=PASSPHRASE) as journal:
        empty = journal.add_topic("burnout", "Running on empty")
        full = journal.add_topic("career-planning", "Fellowship choices")
        journal.update_topic(full.id, need="sponsor", decision=DECISION, deadline="2027-01-15")
    plans = raw_plans(path)
    assert all(isinstance(p, bytes) for p in plans)  # no NULL, no plaintext
    assert len(plans[0]) == len(plans[1])  # padded to one size
    with open(path, "rb") as handle:
        assert b"Boston" not in handle.read()
    with Journal.open(path, passphrase=PASSPHRASE) as journal:
        assert journal.topic(full.id).decision == DECISION
        assert journal.topic(empty.id).decision == ""
        journal.change_passphrase(PASSPHRASE, "another long passphrase")  # re-keys the plan too
        assert journal.topic(full.id).deadline == "2027-01-15"


def test_the_agenda_carries_the_saved_plan_unless_the_export_changes_it(tmp_path):
    with Journal.open(tmp_path / "j.sqlite3") as journal:
        topic = journal.add_topic("career-planning", "Fellowship choices",
                                  rationale="Cardiology or hospitalist?", status="accepted")
        journal.update_topic(topic.id, need="sponsor", decision=DECISION,
                             deadline="2027-01-15")
        agenda = build_agenda(journal, on=date(2026, 12, 10))
        shared = agenda.topics[0]
        assert (shared.need, shared.decision, shared.deadline) == (
            "sponsor", DECISION, date(2027, 1, 15))
        edited = build_agenda(journal, on=date(2026, 12, 10),
                              edits={topic.id: {"need": "advise", "decision": ""}})
        assert (edited.topics[0].need, edited.topics[0].decision) == ("advise", "")
