"""Admissions of error and case facts are caught before an agenda or export leaves the machine."""

from __future__ import annotations

import json
from datetime import date

import pytest

from companion.cli import main
from companion.journal import Journal
from companion.privacy.disclosure import (
    ADMISSION,
    CASE_FACTS,
    SUGGESTIONS,
    admits_error,
    export_note,
    find_disclosures,
)
from companion.sharing import (
    DisclosuresFound,
    IdentifiersFound,
    build_agenda,
    export_agenda,
    find_findings,
)

ADMITS = "I gave the wrong dose of insulin and I can't stop thinking about it."


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (ADMITS, ADMISSION),
        ("I missed the potassium on the morning labs.", ADMISSION),
        ("It was my fault that the scan was delayed.", ADMISSION),
        ("I should have checked the allergy list before I ordered it.", ADMISSION),
        ("I accidentally ordered 10 times the dose.", ADMISSION),
        ("I made a medication error last night.", ADMISSION),
        ("I didn't call my senior when her pressure dropped.", ADMISSION),
        ("I pushed the potassium too fast.", ADMISSION),
        ("I messed up the central line and nicked the artery.", ADMISSION),
        ("I forgot to restart his heparin.", ADMISSION),
        ("His potassium was 6.8 at 3 am and by 5 he had coded.", CASE_FACTS),
        ("We gave 10 units of insulin and she became hypoglycemic and seized.", CASE_FACTS),
    ],
)
def test_admissions_and_case_facts_are_found(text, kind):
    found = find_disclosures(text)
    assert [d.kind for d in found] == [kind]
    assert found[0].text == text and found[0].suggestion == SUGGESTIONS[kind]


@pytest.mark.parametrize(
    "text",
    [
        "I'm afraid I'll give the wrong dose one day.",
        "What if I miss something on nights?",
        "Everyone makes mistakes, my attending said.",
        "I missed my daughter's recital because of call.",
        "I forgot to eat all day.",
        "I didn't sleep at all before the shift.",
        "I feel like a fraud and I'm exhausted.",
        "I gave 40 mg of IV Lasix and watched the urine output.",
        "The patient died peacefully with her family around her.",
        "I should have gone home earlier.",
        "I worry that I missed something with her.",
        "I'm shaken by a mistake this week and want help with how to talk about it.",
    ],
)
def test_feelings_fears_and_ordinary_care_are_not_disclosures(text):
    assert find_disclosures(text) == []
    assert admits_error(text) is False


def test_only_the_admitting_sentence_is_reported_with_its_position():
    text = f"Nights were long. {ADMITS} I want to talk about how to cope."
    found = find_disclosures(text)
    assert [(d.kind, d.text) for d in found] == [(ADMISSION, ADMITS)]
    assert text[found[0].start:found[0].end] == ADMITS
    assert admits_error(text) is True
    assert found[0].to_dict()["suggestion"].startswith("This reads as an admission")


@pytest.fixture
def journal():
    with Journal.open() as j:
        topic = j.add_topic("emotional-support", "After a medication error",
                            rationale=f'You wrote: "{ADMITS}"', status="accepted")
        yield j, topic


def test_agenda_export_asks_first_and_suggests_rewording(journal):
    j, _ = journal
    agenda = build_agenda(j, resident="J.D.", on=date(2026, 11, 20))
    with pytest.raises(DisclosuresFound) as info:
        export_agenda(j, agenda, "md")
    assert isinstance(info.value, IdentifiersFound)  # every caller that asks, asks this too
    assert [f.kind for f in info.value.findings] == [ADMISSION]
    assert ADMITS[:-1] in info.value.findings[0].text
    assert "how it felt and what you need" in str(info.value)
    assert j.topics()[0].status == "accepted"  # nothing marked shared
    text = export_agenda(j, agenda, "md", keep_wording=True)
    assert ADMITS in text


def test_an_answer_about_identifiers_is_an_answer_about_wording_too(journal):
    j, _ = journal
    agenda = build_agenda(j, resident="J.D.", on=date(2026, 11, 20))
    assert ADMITS in export_agenda(j, agenda, "md", keep_identifiers=True)


def test_findings_for_the_app_dialog_hold_identifiers_then_disclosures():
    with Journal.open() as j:
        j.add_topic("emotional-support", "Mrs. Alvarez", rationale=ADMITS, status="accepted")
        findings = find_findings(build_agenda(j, on=date(2026, 11, 20)))
    assert [f.kind for f in findings] == ["patient", ADMISSION]


def test_cli_export_refuses_then_keeps_wording(tmp_path, capsys):
    with Journal.open() as j:
        j.add_topic("emotional-support", "After a medication error", rationale=ADMITS,
                    status="accepted")
    out = tmp_path / "agenda.json"
    assert main(["export", "agenda", "--format", "json", "-o", str(out)]) == 1
    assert not out.exists()
    assert "admitting an error" in capsys.readouterr().err
    assert main(["export", "agenda", "--format", "json", "-o", str(out), "--keep-wording"]) == 0
    assert ADMITS in json.loads(out.read_text(encoding="utf-8"))["topics"][0]["rationale"]


def test_journal_export_warns_about_admissions(tmp_path, capsys):
    with Journal.open() as j:
        session = j.start_session("after-adverse-event")
        j.add_message(session, "resident", ADMITS)
    out = tmp_path / "journal.md"
    assert main(["journal", "export", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "admit an error" in err and "discoverable" in err
    assert out.exists()


def test_export_note_is_silent_for_feelings():
    assert export_note("I felt useless and tired, and I need a day off.") is None


@pytest.fixture
async def api():
    from tui_support import fake_api

    companion = fake_api()
    yield companion
    await companion.close()


async def test_app_export_warns_with_the_rewording_hint_and_keeps_on_request(api, tmp_path):
    from textual.widgets import DataTable, Input
    from tui_support import screen_name, text_of, until

    from companion.tui.app import make_app

    with Journal.open() as j:
        j.add_topic("emotional-support", "After a medication error", rationale=ADMITS,
                    status="accepted")
    target = tmp_path / "agenda.md"
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.journal_state == "open")
        await pilot.press("a")
        await until(pilot, lambda: screen_name(app) == "AgendaScreen")
        table = app.screen.query_one("#agenda", DataTable)
        await until(pilot, lambda: table.row_count == 1)
        await pilot.press("m")
        await until(pilot, lambda: screen_name(app) == "InputDialog")
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "FindingsDialog")
        assert "how it felt and what you need" in text_of(app, "#wording-hint")
        assert not target.exists()
        await pilot.press("k")
        await until(pilot, lambda: target.exists())
    assert ADMITS in target.read_text(encoding="utf-8")
