"""Write the legacy journal fixtures with the code of the commit named in README.md here.

Run from a checkout of that commit (the code before sealed-format 2):
    PYTHONPATH=. python tests/data/legacy_journals/make.py tests/data/legacy_journals
It writes plain.sqlite3 and encrypted.sqlite3 (passphrase PASSPHRASE, that
code's default scrypt cost) and expected.json, what Journal.dump() returned.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from companion.journal import Journal

PASSPHRASE = "correct horse battery"


def fill(journal: Journal) -> None:
    first = journal.start_session("after-shift")
    journal.add_message(first, "companion", "What happened on this shift that is still with you?")
    journal.add_message(first, "resident", "I snapped at a nurse during the code on ward 7.")
    journal.add_message(first, "resident", "Some nights I do not want to wake up.",
                        safety_level="check")
    journal.record_safety_event(first, "check", ["passive wish", "answer: not sure"])
    journal.record_safety_event(first, "crisis", ["answer: yes"])
    journal.add_message(first, "resident", "Mr. [PATIENT] thanked me anyway.", privacy="redact")
    journal.end_session(first, {"headline": "A hard night", "topics": ["conflict"]})
    second = journal.start_session("weekly-checkin")
    journal.add_message(second, "resident", "Better week, slept more.")
    journal.add_checkin({"burnout": 3, "sleep": 2}, date="2026-02-02")
    journal.add_topic("conflict", "Handling a conflict at work", "you snapped at a nurse",
                      card_ids=["conflict-after-snapping"],
                      resident_words=["I snapped at a nurse"], questions=["How do I repair it?"],
                      session_id=first, status="accepted")
    journal.add_topic("sleep", "Sleep after nights", session_id=second, status="dismissed")
    journal.add_topic("career", "Fellowship or not", status="discussed")
    journal.add_meeting("2026-02-10", {"topics": ["Handling a conflict at work"]},
                        "Talked it through.",
                        [{"text": "Apologise to the nurse", "owner": "resident",
                          "due_date": "2026-02-14"}, "Book the next meeting"])


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, passphrase in (("plain", None), ("encrypted", PASSPHRASE)):
        path = folder / f"{name}.sqlite3"
        for stale in folder.glob(f"{name}.sqlite3*"):
            stale.unlink()
        with Journal.open(path, passphrase=passphrase) as journal:
            fill(journal)
            dump = journal.dump()
        (folder / f"{name}.sqlite3.lock").unlink()
        (folder / f"expected-{name}.json").write_text(
            json.dumps(dump, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
