"""Crafted agenda files: no escape reaches the terminal, an import applies once or not at all.

Each test builds the file a hostile or careless mentor could send (real bytes on
disk) and checks what the resident's journal and terminal end up with.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from companion.agenda import (
    MAX_FILE_BYTES,
    AgendaError,
    FollowUpItem,
    Review,
    TopicReview,
    load_agenda,
    parse_agenda,
    to_markdown,
    write_new_file,
)
from companion.cli import main
from companion.journal import Journal
from companion.sharing import build_agenda, export_agenda, import_review

OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"  # write "rm -rf ~" to the clipboard
CLEAR = "\x1b[2J"
TITLE = "\x1b]0;pwned\x07"
C1_CSI = "\x9b31m"
EVIL = (OSC52, CLEAR, TITLE, C1_CSI)
RAW_MARKS = ("\x1b", "\x07", "\x9b", "\x9d", "52;c;", "]0;")


def assert_clean(text: str) -> None:
    for mark in RAW_MARKS:
        assert mark not in text, f"{mark!r} reached the output: {text!r}"


@pytest.fixture
def journal():
    with Journal.open() as j:
        session = j.start_session("after-hard-shift")
        first = j.add_topic("work-life-balance", "Protecting time outside work",
                            rationale="nights", session_id=session)
        second = j.add_topic("career-planning", "My career direction", session_id=session)
        j.add_topic("networking", "Meeting people", session_id=session, status="dismissed")
        j.update_topic(first.id, status="accepted")
        j.update_topic(second.id, status="accepted")
        yield j


def reviewed(journal, tmp_path, name="agenda.reviewed.json", **review) -> tuple:
    """Export the accepted topics, add the mentor's review, write it as the mentor would."""
    agenda = build_agenda(journal, resident="J.D.", on=date(2026, 11, 20))
    export_agenda(journal, agenda, "json")
    first = agenda.topics[0]
    agenda.review = Review(**{
        "reviewed_on": date(2026, 11, 21),
        "topics": {first.id: TopicReview(status="discussed", notes="Block the nights")},
        "notes": "Good meeting",
        "follow_ups": [FollowUpItem(text="Draft a sleep plan")],
        **review})
    return agenda, write_new_file(tmp_path / name, agenda.to_json())


def raw_agenda(**extra) -> dict:
    return {"schema": "resident-companion/agenda@1", "date": "2026-11-20",
            "topics": [{"id": "1", "topic_id": "burnout", "title": "Nights"}], **extra}


def counts(journal) -> tuple[int, int, dict[str, str]]:
    return (len(journal.meetings()), len(journal.open_follow_ups()),
            {t.topic_id: t.status for t in journal.topics()})


# -- escape sequences ------------------------------------------------------------------
def test_every_text_field_and_key_is_stripped_on_load():
    evil = "".join(EVIL)
    data = {
        "schema": "resident-companion/agenda@1", "date": "2026-11-20",
        "resident": f"J.D.{evil}",
        "topics": [{"id": f"1{CLEAR}", "topic_id": "burnout", "title": f"Nights{OSC52}",
                    "rationale": f"tired{TITLE}", "questions": [f"How?{C1_CSI}"],
                    "cards": [{"id": "c", "title": f"Card{evil}"}]}],
        "follow_ups": [{"text": f"Read{evil}", "owner": f"me{CLEAR}"}],
        "review": {"mentor": f"Dr{evil}", "reviewed_on": "2026-11-21", "notes": f"ok{evil}",
                   "topics": {f"1{OSC52}": {"status": "discussed", "notes": f"n{evil}"}},
                   "follow_ups": [{"text": f"Sleep{evil}"}]},
    }
    agenda = parse_agenda(json.dumps(data))
    assert agenda.topics[0].title == "Nights" and agenda.topics[0].id == "1"
    assert list(agenda.review.topics) == ["1"]  # the key, cleaned, still names the topic
    assert_clean(agenda.to_json())
    assert_clean(to_markdown(agenda))
    assert_clean(" ".join(agenda.texts()))


def test_agenda_errors_never_echo_a_raw_key(tmp_path, capsys):
    bad = tmp_path / "agenda.json"
    bad.write_text(json.dumps(raw_agenda(**{f"x{OSC52}{TITLE}": 1})), encoding="utf-8")
    assert main(["review", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "field 'x'" in err and "Extra inputs" in err
    assert_clean(err)
    assert_clean(str(AgendaError(f"in {CLEAR} the message")))


def test_imported_text_reaches_the_terminal_clean_in_journal_export(journal, tmp_path,
                                                                    capsys):
    agenda, path = reviewed(journal, tmp_path, notes=f"Good{OSC52}{CLEAR}",
                            follow_ups=[FollowUpItem(text=f"Sleep plan{TITLE}")])
    import_review(journal, load_agenda(path))
    # a journal written by an older version still holds raw text: the export strips it too
    journal.add_follow_up(f"old import{OSC52}")
    journal.close()
    assert main(["journal", "export", "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert "Sleep plan" in out and "old import" in out
    assert_clean(out)
    assert main(["journal", "export", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert not any(mark in out for mark in ("\x1b", "\x07", "\x9b"))  # JSON escapes them
    assert json.loads(out)["meetings"][0]["notes"] == "Good"


# -- import: once, whole, within the shared topics ----------------------------------------
def test_second_import_of_the_same_file_changes_nothing_and_says_so(journal, tmp_path, capsys):
    _, path = reviewed(journal, tmp_path)
    first = import_review(journal, load_agenda(path))
    assert (first.discussed, first.follow_ups, first.already_imported) == (1, 1, False)
    after_first = counts(journal)
    again = import_review(journal, load_agenda(path))
    assert again.already_imported and again.meeting_id == first.meeting_id
    assert "imported before; nothing was changed" in again.message
    assert counts(journal) == after_first == (1, 1, after_first[2])
    journal.close()
    assert main(["journal", "import-review", str(path)]) == 0
    assert "nothing was changed" in capsys.readouterr().out
    with Journal.open() as j:
        assert len(j.meetings()) == 1


def test_a_different_review_of_the_same_agenda_and_day_is_refused(journal, tmp_path):
    agenda, path = reviewed(journal, tmp_path)
    import_review(journal, load_agenda(path))
    before = counts(journal)
    agenda.review = agenda.review.model_copy(update={"notes": "Changed my mind"})
    changed = write_new_file(tmp_path / "agenda.reviewed-2.json", agenda.to_json())
    with pytest.raises(AgendaError, match="a different review of this agenda"):
        import_review(journal, load_agenda(changed))
    assert counts(journal) == before


def test_a_failure_part_way_leaves_nothing_behind(journal, tmp_path, monkeypatch):
    _, path = reviewed(journal, tmp_path)
    before = counts(journal)

    def broken(*args, **kwargs):
        raise RuntimeError("disk went away")

    monkeypatch.setattr(journal, "update_topic", broken)  # after meeting and follow-ups
    with pytest.raises(RuntimeError):
        import_review(journal, load_agenda(path))
    assert counts(journal) == before
    monkeypatch.undo()
    assert import_review(journal, load_agenda(path)).discussed == 1  # a retry works once


def test_odd_topic_key_is_a_clear_error_and_nothing_is_recorded(journal, tmp_path):
    agenda, path = reviewed(journal, tmp_path)
    data = json.loads(path.read_text())
    data["review"]["topics"]["²"] = {"status": "discussed"}  # "²".isdigit() is True
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = counts(journal)
    with pytest.raises(AgendaError, match=r"names topic '²', which is not one of this agenda"):
        import_review(journal, load_agenda(path))
    assert counts(journal) == before


def test_review_cannot_mark_topics_that_were_never_shared(journal, tmp_path):
    """A mentor adds the dismissed and the suggested topic to the file: both stay as they were."""
    agenda, path = reviewed(journal, tmp_path)
    dismissed = next(t for t in journal.topics() if t.status == "dismissed")
    suggested = journal.add_topic("feedback", "Asking for feedback")
    data = json.loads(path.read_text())
    for topic in (dismissed, suggested):
        data["topics"].append({"id": str(topic.id), "topic_id": topic.topic_id,
                               "title": topic.title})
        data["review"]["topics"][str(topic.id)] = {"status": "discussed"}
    data["topics"].append({"id": "999", "topic_id": "burnout", "title": "Not mine"})
    data["review"]["topics"]["999"] = {"status": "discussed"}
    path.write_text(json.dumps(data), encoding="utf-8")
    result = import_review(journal, load_agenda(path))
    assert result.discussed == 1
    statuses = {t.id: t.status for t in journal.topics()}
    assert statuses[dismissed.id] == "dismissed" and statuses[suggested.id] == "suggested"
    assert any("dismissed, not shared" in s for s in result.skipped)
    assert any("Not mine" in s and "not a topic of this journal" in s for s in result.skipped)


def test_a_topic_id_that_belongs_to_another_topic_is_left_alone(journal, tmp_path):
    agenda, path = reviewed(journal, tmp_path)
    data = json.loads(path.read_text())
    data["topics"][0]["topic_id"] = "imposter-syndrome"  # the id points at a different topic
    path.write_text(json.dumps(data), encoding="utf-8")
    result = import_review(journal, load_agenda(path))
    assert result.discussed == 0
    assert {t.topic_id: t.status for t in journal.topics()}["work-life-balance"] == "shared"


# -- limits, encodings, nesting ----------------------------------------------------------
@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"review": {"reviewed_on": "2026-11-21", "notes": "x" * 50_000}},
         r"field 'review.notes' is 50,000 characters long; at most 10,000"),
        ({"review": {"reviewed_on": "2026-11-21",
                     "follow_ups": [{"text": "do it"}] * 1_000}},
         r"field 'review.follow_ups' has 1,000 entries; at most 100"),
        ({"review": {"reviewed_on": "2026-11-21",
                     "follow_ups": [{"text": "do it"}] * 100_000}},
         r"is 1,900,\d+ characters; an agenda is at most 1,000,000"),
        ({"resident": "y" * 5_000}, r"field 'resident' is 5,000 characters long"),
        ({"z" * 500: 1}, r"a key in '\(top level\)' is 500 characters long; at most 64"),
    ],
)
def test_size_limits_on_fields_and_lists(extra, message):
    with pytest.raises(AgendaError, match=message):
        parse_agenda(json.dumps(raw_agenda(**extra)))


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    big = tmp_path / "agenda.json"
    big.write_bytes(b" " * (MAX_FILE_BYTES + 1) + b"{}")
    with pytest.raises(AgendaError, match="at most 1,000,000 bytes"):
        load_agenda(big)


@pytest.mark.parametrize(
    "encoded",
    [
        lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),           # Notepad's UTF-8 BOM
        lambda text: b"\xff\xfe" + text.encode("utf-16-le"),            # "Unicode" in Notepad
        lambda text: text.encode("utf-8"),
    ],
)
def test_agenda_with_a_bom_or_in_utf16_is_read(tmp_path, encoded):
    path = tmp_path / "agenda.json"
    path.write_bytes(encoded(json.dumps(raw_agenda(resident="Zoë"), ensure_ascii=False)))
    assert load_agenda(path).resident == "Zoë"


def test_bom_inside_text_given_directly_is_accepted():
    assert parse_agenda("\ufeff" + json.dumps(raw_agenda())).topics[0].title == "Nights"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested more than 10 levels deep"),
        (json.dumps(raw_agenda(extra=json.loads("[" * 50 + "]" * 50))),
         "nested more than 10 levels deep at 'extra"),
        ('{"schema": "resident-companion/agenda@1", "date": ' + "9" * 5000 + "}",
         "not valid JSON"),
        ('{"schema": "resident-companion/agenda@²", "date": "2026-11-20"}',
         "unreadable version"),
    ],
)
def test_nesting_and_odd_values_give_a_clear_error_not_a_traceback(text, message):
    with pytest.raises(AgendaError, match=message):
        parse_agenda(text, "agenda.json")


def test_deeply_nested_file_from_the_command_line(journal, tmp_path, capsys):
    path = tmp_path / "deep.json"
    path.write_text('{"schema": "resident-companion/agenda@1", "x": ' + "[" * 200_000
                    + "]" * 200_000 + "}")
    journal.close()
    assert main(["journal", "import-review", str(path)]) == 1
    err = capsys.readouterr().err
    assert "nested more than 10 levels deep" in err and "Traceback" not in err


def test_folder_and_empty_file_are_named(tmp_path, capsys):
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    assert main(["review", str(empty)]) == 1
    assert "is empty" in capsys.readouterr().err
    assert main(["review", str(tmp_path)]) == 1
    assert "is a folder" in capsys.readouterr().err


def test_export_refuses_what_the_mentor_could_not_open(journal):
    topic = journal.topics()[0]
    journal.update_topic(topic.id, rationale="long " * 1_000)
    with pytest.raises(AgendaError, match="rationale' is 4,999 characters long; at most 4,000"):
        export_agenda(journal, build_agenda(journal), "json")


def test_the_app_api_says_when_a_review_was_already_imported(journal, tmp_path):
    from tui_support import fake_models

    from companion.service.local import LocalCompanion

    _, path = reviewed(journal, tmp_path)
    journal.close()
    core = LocalCompanion(**fake_models())  # type: ignore[arg-type]
    try:
        first = core.import_review(str(path))
        again = core.import_review(str(path))
    finally:
        core.close()
    assert (first.discussed, first.already_imported) == (1, False)
    assert "Meeting recorded" in first.message
    assert again.already_imported and "nothing was changed" in again.message
