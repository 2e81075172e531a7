"""`companion doctor`: any problem is a non-zero exit that names it; a sound install is 0.

(Broken card and flow files are covered in test_knowledge_faults.py.)
"""

from __future__ import annotations

from companion import paths
from companion.cli import main
from companion.journal import Journal


def test_a_sound_install_says_all_good(capsys):
    with Journal.open() as journal:
        journal.start_session("free-reflection")
    assert main(["doctor", "--no-load"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("all good")


def test_a_damaged_journal_is_a_problem_named(capsys):
    journal = paths.journal_path()
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_bytes(b"this is not a database" * 100)
    assert main(["doctor", "--no-load"]) == 1
    captured = capsys.readouterr()
    assert "all good" not in captured.out
    assert f"PROBLEM: the journal {journal} cannot be opened" in captured.err
    assert "move-aside" in captured.err


def test_an_encrypted_journal_is_not_a_problem(capsys):
    with Journal.open() as journal:
        journal.set_passphrase("correct horse battery staple")
    assert main(["doctor", "--no-load"]) == 0
    assert "encrypted" in capsys.readouterr().out


def test_a_damaged_index_without_a_prebuilt_one_is_a_problem_named(capsys, monkeypatch):
    from companion.retrieval import index

    monkeypatch.setattr(index, "readonly_index_dirs", lambda: [])
    folder = paths.index_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / index.MANIFEST_FILE).write_text("{not json", encoding="utf-8")
    assert main(["doctor", "--no-load"]) == 1
    err = capsys.readouterr().err
    assert "PROBLEM: search index: damaged" in err
