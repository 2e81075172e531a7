"""The safety plan's rules in the core: the view with its prefill, the print, the one-time offer."""

from __future__ import annotations

import pytest

from companion.agenda import AgendaError
from companion.journal import Journal, JournalValueError
from companion.journal.plan import PART_IDS
from companion.safety_plan import plan_markdown, suggests_plan
from companion.service.local import LocalCompanion

MARKER = "Quokka-offer-marker"
HARD_WEEK = {"burnout": 5, "support": 3}
GOOD_WEEK = {"burnout": 1, "support": 5}


@pytest.fixture
def core():
    core = LocalCompanion()
    yield core
    core.close()


@pytest.mark.parametrize(("answers", "offer"), [
    ({"burnout": 4}, True), ({"burnout": 3}, False), ({"support": 2}, True),
    ({"support": 3, "burnout": 2}, False), ({"sleep": 1}, False),
])
def test_high_burnout_or_low_support_suggests_a_plan(answers, offer):
    assert suggests_plan(answers) is offer


def test_the_view_lists_every_part_and_prefills_the_professionals_until_saved(core):
    view = core.safety_plan_view()
    assert [p.id for p in view.parts] == list(PART_IDS) and not view.saved
    professionals = next(p for p in view.parts if p.id == "professionals")
    assert "Physician Support Line: Call 1-888-409-0141" in professionals.text
    assert "988" in professionals.text and view.written() == []
    assert "does not replace care" in view.purpose
    core.save_safety_plan({"warning_signs": "no sleep after nights"})
    view = core.safety_plan_view()
    assert view.saved and [p.id for p in view.written()] == ["warning_signs"]
    assert next(p for p in view.parts if p.id == "professionals").text == ""


def test_print_writes_markdown_to_a_new_file_only(core, tmp_path):
    target = tmp_path / "plan.md"
    with pytest.raises(JournalValueError):
        core.print_safety_plan(str(target))
    core.save_safety_plan({"ask_for_help": "Sam, 555-0100", "on_my_own": "a walk"})
    assert core.print_safety_plan(str(target)) == str(target)
    text = target.read_text()
    assert text.startswith("# My plan for hard days")
    assert text.index("## Things I can do on my own") < text.index("## People I can ask")
    assert "Sam, 555-0100" in text and "does not replace care" in text
    with pytest.raises(AgendaError):
        core.print_safety_plan(str(target))
    assert "Nothing written yet" in plan_markdown({})


def test_the_offer_comes_once_after_a_hard_week_and_never_after_no(core):
    assert core.plan_offer() is False  # no check-in yet
    core.add_checkin(GOOD_WEEK)
    assert core.plan_offer() is False
    core.add_checkin(HARD_WEEK)
    assert core.plan_offer() is True
    core.answer_plan_offer(False)
    assert core.plan_offer() is False
    core.add_checkin(HARD_WEEK)
    assert core.plan_offer() is False, "a declined offer is never made again"


def test_a_written_plan_needs_no_offer(core):
    core.save_safety_plan({"on_my_own": "a walk"})
    core.add_checkin(HARD_WEEK)
    assert core.plan_offer() is False


def test_the_offer_answer_is_sealed_and_its_row_is_there_after_any_checkin(tmp_path):
    def raw(journal: Journal) -> bytes:
        return b"".join(p.read_bytes() for p in tmp_path.glob("j.sqlite3*") if p.is_file())

    with Journal.open(tmp_path / "j.sqlite3", passphrase="correct horse") as journal:
        journal.add_checkin(GOOD_WEEK)
        with journal._read() as conn:
            keys = {k for (k,) in conn.execute("SELECT key FROM meta")}
        assert "plan_offer" in keys and journal.plan_offer_answer() == ""
        journal.record_plan_offer("declined")
        assert b"declined" not in raw(journal)
        with pytest.raises(JournalValueError):
            journal.record_plan_offer("maybe")
    with Journal.open(tmp_path / "j.sqlite3", passphrase="correct horse") as journal:
        assert journal.plan_offer_answer() == "declined"
        journal.change_passphrase("correct horse", "battery staple")
        assert journal.plan_offer_answer() == "declined"
        journal.delete_all()
        assert journal.plan_offer_answer() == ""


def test_cli_plan_print_writes_the_file_the_resident_names(tmp_path, capsys):
    from companion.cli import main

    with Journal.open() as journal:
        journal.save_safety_plan({"safer_surroundings": MARKER})
    target = tmp_path / "my-plan.md"
    assert main(["plan", "print", str(target)]) == 0
    assert MARKER in target.read_text() and str(target) in capsys.readouterr().out
    assert main(["plan", "print", str(target)]) == 1, "an existing file is not replaced"
    assert "already exists" in capsys.readouterr().err
