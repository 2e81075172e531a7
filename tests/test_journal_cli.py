"""`companion journal ...` through companion.cli.main: list, show, export, delete."""

from __future__ import annotations

import json

import pytest

from companion.cli import main
from companion.journal import Journal
from companion.paths import journal_path


def seed(passphrase: str | None = None) -> dict[str, int]:
    with Journal.open(passphrase=passphrase) as journal:
        first = journal.start_session("weekly-reflection")
        journal.add_message(first, "resident", "Night shifts leave me empty")
        journal.add_message(first, "companion", "What would help most?")
        journal.end_session(first, {"headline": "Nights are hard\nsecond line"})
        second = journal.start_session("pre-meeting")
        journal.add_message(second, "resident", "I want to ask about research time")
        journal.add_checkin({"burnout": 3, "sleep": 2}, date="2026-01-05")
        journal.add_topic("workload", "Night shift recovery", session_id=first,
                          resident_words=["leave me empty"])
        journal.add_meeting("2026-01-10", {"topics": ["nights"]}, "Good talk", ["Swap a shift"])
    return {"first": first, "second": second}


def test_list_shows_id_date_flow_and_summary_line(capsys):
    ids = seed()
    assert main(["journal", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2
    assert out[0].split()[0] == str(ids["second"]) and "pre-meeting" in out[0]
    assert out[1].split()[0] == str(ids["first"])
    assert "weekly-reflection" in out[1] and out[1].endswith("Nights are hard")


def test_list_without_a_journal_creates_nothing(capsys):
    assert main(["journal", "list"]) == 0
    assert "No journal yet" in capsys.readouterr().out
    assert not journal_path().exists()


def test_show_prints_messages_and_topics(capsys):
    ids = seed()
    assert main(["journal", "show", str(ids["first"])]) == 0
    out = capsys.readouterr().out
    assert "Night shifts leave me empty" in out and "What would help most?" in out
    assert "Night shift recovery [suggested]" in out
    assert main(["journal", "show", "999"]) == 1
    assert "no session with id 999" in capsys.readouterr().err


def test_export_markdown_to_stdout(capsys):
    seed()
    assert main(["journal", "export"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# My reflection journal")
    for expected in ("Night shifts leave me empty", "## Check-ins", "| 2026-01-05 | 3 |",
                     "Night shift recovery", "Meeting on 2026-01-10", "Swap a shift"):
        assert expected in out


def test_export_json_to_private_file(tmp_path, capsys):
    seed()
    target = tmp_path / "export.json"
    assert main(["journal", "export", "--format", "json", "-o", str(target)]) == 0
    assert target.stat().st_mode & 0o777 == 0o600
    data = json.loads(target.read_text())
    assert data["format"] == "resident-companion-journal"
    assert [s["flow"] for s in data["sessions"]] == ["weekly-reflection", "pre-meeting"]
    assert data["sessions"][0]["messages"][0]["text"] == "Night shifts leave me empty"
    assert data["checkins"][0]["scores"]["burnout_symptoms"] is True
    assert data["topics"][0]["resident_words"] == ["leave me empty"]
    assert data["meetings"][0]["follow_ups"][0]["text"] == "Swap a shift"
    assert capsys.readouterr().out == ""  # nothing private on stdout


def test_delete_one_session(capsys):
    ids = seed()
    assert main(["journal", "delete", str(ids["first"]), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "1 sessions, 2 messages, 1 topics" in out
    with Journal.open() as journal:
        assert [s.id for s in journal.sessions()] == [ids["second"]]


def test_delete_all_reports_counts_and_removes_the_files(capsys):
    seed()
    files = [journal_path(), journal_path().with_name("journal.sqlite3.lock")]
    assert all(f.exists() for f in files)
    assert main(["journal", "delete", "--all", "--yes"]) == 0
    out = capsys.readouterr().out
    assert ("2 sessions, 3 messages, 1 checkins, 1 topics, 1 meetings, 1 follow_ups, "
            "0 safety_events, 0 safety_plan") in out
    assert f"Removed {journal_path()}" in out
    assert not any(f.exists() for f in files)
    assert not list(journal_path().parent.glob("journal.sqlite3*"))


def test_encrypted_journal_reads_passphrase_from_env(monkeypatch, capsys):
    seed(passphrase="cli secret")
    monkeypatch.setenv("COMPANION_PASSPHRASE", "cli secret")
    assert main(["journal", "export", "--format", "json"]) == 0
    assert "Night shifts leave me empty" in capsys.readouterr().out
    monkeypatch.setenv("COMPANION_PASSPHRASE", "wrong")
    assert main(["journal", "list"]) == 1
    assert "does not unlock" in capsys.readouterr().err


def test_encrypted_journal_asks_with_getpass(monkeypatch, capsys):
    seed(passphrase="typed secret")
    monkeypatch.delenv("COMPANION_PASSPHRASE", raising=False)
    asked = []
    monkeypatch.setattr("getpass.getpass", lambda prompt: asked.append(prompt) or "typed secret")
    assert main(["journal", "list"]) == 0
    assert asked == ["Journal passphrase: "]
    assert "weekly-reflection" in capsys.readouterr().out


def test_corrupt_journal_gives_one_clear_line_and_move_aside(capsys):
    path = journal_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database at all" * 50)
    assert main(["journal", "list"]) == 1
    err = capsys.readouterr().err
    assert "damaged" in err and "Traceback" not in err
    assert main(["journal", "move-aside"]) == 0
    assert "Moved the journal aside" in capsys.readouterr().out
    assert not path.exists() and len(list(path.parent.glob("journal.sqlite3.broken-*"))) == 1


def test_delete_requires_a_target():
    with pytest.raises(SystemExit):
        main(["journal", "delete"])


def test_move_aside_is_refused_while_the_journal_is_open_elsewhere(capsys):
    seed()
    with Journal.open():  # another window has it open
        assert main(["journal", "move-aside"]) == 1
    err = capsys.readouterr().err
    assert "lock" in err and "Traceback" not in err
    assert journal_path().exists()
    assert not list(journal_path().parent.glob("journal.sqlite3.broken-*"))
