"""Faults under the journal: full disks, read-only folders, damaged key data, lost tables.

Each fault gets its own message saying what happened and what to do, never a
traceback and never "damaged" for a healthy file; nothing is moved, replaced
or overwritten. The passphrase tests check the one thing that locked residents
out before: a change reported as failed although it was committed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from fault_support import run_on_small_disk, run_read_only_folders, run_unprivileged

from companion.cli import main
from companion.journal import (
    Journal,
    JournalCleanupError,
    JournalCorruptError,
    JournalDiskFullError,
    JournalEmptyFileError,
    JournalKeyDataError,
    JournalMissingTableError,
    JournalReadOnlyError,
    WrongPassphraseError,
)
from companion.journal import files as files_module
from companion.journal import schema as schema_module
from companion.journal import store as store_module
from companion.paths import data_dir, journal_path

OLD, NEW = "the old passphrase", "the new passphrase"
FULL = "database or disk is full"


def snapshot(folder: Path) -> dict[str, str]:
    """Name -> digest of every file in ``folder`` but the lock and SQLite's shared index."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.endswith((".lock", "-shm"))}


def seeded(passphrase: str | None = None) -> Path:
    with Journal.open(passphrase=passphrase) as journal:
        sid = journal.start_session("after-shift")
        journal.add_message(sid, "resident", "The night was long and I froze at the code.")
        journal.record_safety_event(sid, "check", ["passive wish"])
    return journal_path()


def vacuum_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def full(conn: sqlite3.Connection) -> None:
        raise sqlite3.OperationalError(FULL)

    monkeypatch.setattr(store_module, "_vacuum", full)


# -- passphrase changes on a nearly full disk -----------------------------------------
@pytest.mark.parametrize("action", ["set", "change", "remove"])
def test_a_committed_passphrase_change_is_reported_as_done_when_only_clean_up_fails(
        action, monkeypatch):
    seeded(None if action == "set" else OLD)
    journal = Journal.open(passphrase=None if action == "set" else OLD)
    with monkeypatch.context() as patch:
        vacuum_fails(patch)
        with pytest.raises(JournalCleanupError) as caught:
            if action == "set":
                journal.set_passphrase(NEW)
            elif action == "change":
                journal.change_passphrase(OLD, NEW)
            else:
                journal.remove_passphrase(OLD)
        assert journal.cleanup_pending
    message = str(caught.value)
    expected = {"set": "The passphrase is set", "change": "The passphrase was changed",
                "remove": "The passphrase was removed"}[action]
    assert message.startswith(expected) and "failed" not in message.split(".")[0]
    assert "free some disk space" in message.lower() and "companion journal compact" in message
    journal.close()
    now = None if action == "remove" else NEW
    if action == "change":
        with pytest.raises(WrongPassphraseError):  # the old passphrase is really gone
            Journal.open(passphrase=OLD).close()
    with Journal.open(passphrase=now) as again:  # what the message said is what happened
        assert again.is_encrypted is (action != "remove")
        assert again.messages(1)[0].text.startswith("The night was long")
        assert not again.cleanup_pending  # the clean-up was retried at open, and worked


def test_a_passphrase_change_that_could_not_commit_says_nothing_changed(monkeypatch):
    seeded(OLD)
    journal = Journal.open(passphrase=OLD)
    real = store_module.reseal.reseal_all

    def full(*args, **kwargs):
        real(*args, **kwargs)
        raise sqlite3.OperationalError(FULL)

    with monkeypatch.context() as patch:
        patch.setattr(store_module.reseal, "reseal_all", full)
        with pytest.raises(JournalDiskFullError) as caught:
            journal.change_passphrase(OLD, NEW)
    assert "old one still opens the journal" in str(caught.value)
    assert "damaged" not in str(caught.value).replace("not damaged", "")
    journal.close()
    with pytest.raises(WrongPassphraseError):
        Journal.open(passphrase=NEW)
    Journal.open(passphrase=OLD).close()


def test_journal_compact_finishes_a_pending_clean_up(monkeypatch, capsys):
    seeded()
    journal = Journal.open()
    with monkeypatch.context() as patch:
        vacuum_fails(patch)
        with pytest.raises(JournalCleanupError):
            journal.delete_session(1)
        journal.close()
        assert main(["journal", "compact"]) == 1  # still no room: said plainly
        err = capsys.readouterr().err
        assert "not enough free disk space" in err and "Traceback" not in err
    assert main(["journal", "compact"]) == 0
    assert "old copies" in capsys.readouterr().out
    with Journal.open() as again:
        assert not again.cleanup_pending and again.sessions() == []


PASSPHRASE_ON_A_FULL_DISK = """
    import json, os, sys
    from pathlib import Path
    from companion.journal import Journal, JournalError, crypto
    crypto.DEFAULT_KDF["n"] = 2**10
    folder = Path(sys.argv[1]); path = folder / "journal.sqlite3"; filler = folder / "filler"
    def free():
        st = os.statvfs(folder); return st.f_bavail * st.f_frsize
    with Journal.open(path) as journal:  # measure a journal of 200 messages
        for s in range(10):
            sid = journal.start_session("after-shift")
            for i in range(20):
                journal.add_message(sid, "resident", f"message {i} " + "x" * 300)
    size = path.stat().st_size
    shutil_copy = path.read_bytes()
    for step in range(16):
        leave = step * size  # sealed and padded, it grows several times
        for f in folder.iterdir(): f.unlink()
        path.write_bytes(shutil_copy); os.chmod(path, 0o600)
        journal = Journal.open(path)
        with open(filler, "wb") as h:
            try: h.write(bytes(max(0, free() - leave)))
            except OSError: pass
        try:
            journal.set_passphrase("a long new passphrase")
            reported = "done"
        except JournalError as exc:
            reported = type(exc).__name__ + ": " + str(exc)
        try: journal.close()
        except Exception: pass
        filler.unlink()
        with Journal.open(path, passphrase="a long new passphrase") as again:
            actual = "encrypted" if again.is_encrypted else "plain"
            count = len(again.messages(1))
        print(json.dumps({"leave": leave, "reported": reported, "actual": actual,
                          "messages": count}))
"""


def test_passphrase_set_on_a_really_full_disk_reports_what_happened(tmp_path):
    done = run_on_small_disk(PASSPHRASE_ON_A_FULL_DISK, tmp_path / "disk", size="4m")
    assert done.returncode == 0, done.stderr[-2000:]
    tries = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(tries) == 16
    kinds = set()
    for attempt in tries:
        reported, actual = attempt["reported"], attempt["actual"]
        assert attempt["messages"] == 20, attempt
        if reported == "done" or reported.startswith("JournalCleanupError"):
            assert actual == "encrypted", attempt
            kinds.add("committed")
        else:
            assert reported.startswith("JournalDiskFullError"), attempt
            assert "was not set" in reported and actual == "plain", attempt
            kinds.add("refused")
        assert "damaged" not in reported.replace("not damaged", "")
    assert kinds == {"committed", "refused"}  # the disk sizes covered both outcomes


# -- opening on a full disk, a read-only folder --------------------------------------
OPEN_ON_A_FULL_DISK = """
    import os, sys
    from pathlib import Path
    from companion.journal import Journal, JournalError
    folder = Path(sys.argv[1]); path = folder / "journal.sqlite3"
    with Journal.open(path) as journal:
        journal.add_message(journal.start_session("f"), "resident", "hello")
    before = sorted(p.name for p in folder.iterdir())
    with open(folder / "filler", "wb") as h:
        try: h.write(bytes(64 * 1024 * 1024))
        except OSError: pass
    try:
        Journal.open(path).close()
        print("OPENED")
    except JournalError as exc:
        print(type(exc).__name__, exc)
    after = sorted(p.name for p in folder.iterdir() if p.name != "filler")
    print("SAME FILES" if set(after) <= set(before) | {"journal.sqlite3-wal",
          "journal.sqlite3-shm"} else f"FILES {after}")
"""


def test_a_full_disk_is_not_reported_as_a_damaged_journal(tmp_path):
    done = run_on_small_disk(OPEN_ON_A_FULL_DISK, tmp_path / "disk", size="2m")
    assert done.returncode == 0, done.stderr[-2000:]
    first = done.stdout.splitlines()[0]
    assert first == "OPENED" or first.startswith("JournalDiskFullError"), done.stdout
    assert "damaged" not in first.replace("not damaged", "") and "SAME FILES" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_full_disk_while_saving_says_so_and_keeps_what_was_saved(monkeypatch):
    seeded()
    with Journal.open() as journal:
        real = journal._conn

        class Full:
            def __getattr__(self, name):
                return getattr(real, name)

            def execute(self, sql, *args):
                if sql.startswith("INSERT INTO messages"):
                    raise sqlite3.OperationalError(FULL)
                return real.execute(sql, *args)

        with monkeypatch.context() as patch:
            patch.setattr(journal, "_conn", Full())
            with pytest.raises(JournalDiskFullError, match="not enough free disk space to save"):
                journal.add_message(1, "resident", "one more")
        assert [m.text for m in journal.messages(1)] == [
            "The night was long and I froze at the code."]


OPEN_AND_SAY = """
import os, sys
from companion.cli import main
from companion.service.local import LocalCompanion
for home in sys.argv[1:]:
    os.environ["COMPANION_HOME"] = home
    status = LocalCompanion().status()
    print(status.state)
    print(status.message)
    print("exit", main(["journal", "list"]), flush=True)
    print("-----", flush=True)
    print("-----", file=sys.stderr, flush=True)
"""


def test_a_read_only_data_folder_gets_its_own_message(tmp_path):
    empty, populated = tmp_path / "empty", tmp_path / "populated"
    empty.mkdir()
    with Journal.open(populated / "journal.sqlite3") as journal:
        journal.start_session("f")
    for sidecar in populated.glob("journal.sqlite3-*"):
        sidecar.unlink()
    before = [snapshot(empty), snapshot(populated)]
    done = run_read_only_folders(["-c", OPEN_AND_SAY, str(empty), str(populated)],
                                 [empty, populated])
    outs, errs = done.stdout.split("-----\n"), done.stderr.split("-----\n")
    for out in outs[:2]:
        assert out.startswith("broken\n"), (done.stdout, done.stderr)
        assert "cannot write to the folder" in out and "read-only" in out
    assert "exit 1" in outs[1] and "cannot write to the folder" in errs[1], done.stderr
    assert "Traceback" not in done.stderr and "damaged" not in done.stdout + done.stderr
    assert [snapshot(empty), snapshot(populated)] == before


LIST_THEN_DELETE = """
from companion.cli import main
print("list exit", main(["journal", "list"]))
print("delete exit", main(["journal", "delete", "1", "--yes"]))
"""


def test_a_read_only_journal_file_still_reads_and_refuses_writes_clearly():
    path = seeded()
    for sidecar in path.parent.glob("journal.sqlite3-*"):
        sidecar.unlink()
    before = path.read_bytes()
    path.chmod(0o400)
    try:
        done = run_unprivileged(["-c", LIST_THEN_DELETE], data_dir())
    finally:
        path.chmod(0o600)
    assert "after-shift" in done.stdout and "list exit 0" in done.stdout, done.stderr
    assert "delete exit 1" in done.stdout and "Traceback" not in done.stderr
    assert f"cannot write to the file {path}" in done.stderr, done.stderr
    assert path.read_bytes() == before


def test_read_only_errors_from_sqlite_and_the_os_are_sorted_right(tmp_path, monkeypatch):
    from companion.journal import faults

    target = tmp_path / "journal.sqlite3"
    monkeypatch.setattr(faults, "not_writable", lambda path: ("the folder x", "no permission"))
    readonly = sqlite3.OperationalError("attempt to write a readonly database")
    assert isinstance(faults.from_sqlite_error(target, readonly), JournalReadOnlyError)
    assert isinstance(faults.from_os_error(target, PermissionError(13, "denied")),
                      JournalReadOnlyError)
    monkeypatch.setattr(faults, "low_on_space", lambda folder: True)
    io_error = sqlite3.OperationalError("disk I/O error")
    assert isinstance(faults.from_sqlite_error(target, io_error), JournalDiskFullError)
    assert isinstance(faults.from_os_error(target, OSError(28, "No space left")),
                      JournalDiskFullError)


# -- damaged parts of the file -------------------------------------------------------
def test_a_corrupt_meta_kdf_gets_a_specific_message_and_no_traceback(capsys, monkeypatch):
    path = seeded(OLD)
    for damage in ("{not json", json.dumps({"name": "scrypt", "n": 3, "r": 8, "p": 1,
                                            "salt": "00" * 16}), json.dumps({"name": "scrypt"})):
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE meta SET value = ? WHERE key = 'kdf'", (damage,))
        before = snapshot(path.parent)
        with pytest.raises(JournalKeyDataError, match=r"key settings \(meta.kdf\) are damaged"):
            Journal.open(passphrase=OLD)
        assert snapshot(path.parent) == before
    monkeypatch.setenv("COMPANION_PASSPHRASE", OLD)
    assert main(["journal", "export"]) == 1
    err = capsys.readouterr().err
    assert "meta.kdf" in err and "Traceback" not in err


def test_a_missing_table_gets_a_specific_message_and_nothing_is_touched(capsys):
    path = seeded()
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE topics")
    before = snapshot(path.parent)
    with pytest.raises(JournalMissingTableError, match="missing part of its structure") as caught:
        Journal.open()
    assert caught.value.missing == ["topics"]
    assert isinstance(caught.value, JournalCorruptError)
    assert main(["journal", "list"]) == 1
    err = capsys.readouterr().err
    assert "(topics)" in err and "Traceback" not in err
    assert snapshot(path.parent) == before
    assert not list(path.parent.glob("*.broken*"))


def test_a_missing_column_is_named():
    path = seeded()
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE messages DROP COLUMN privacy")
    with pytest.raises(JournalMissingTableError, match=r"messages\.privacy"):
        Journal.open()


def test_a_zero_byte_journal_is_refused_not_replaced(capsys):
    path = journal_path()
    path.parent.mkdir(parents=True)
    path.touch()
    with pytest.raises(JournalEmptyFileError, match="0 bytes") as caught:
        Journal.open()
    assert "move-aside" in str(caught.value)
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, path.name + ".lock"]
    from companion.service.local import LocalCompanion

    status = LocalCompanion().status()
    assert status.state == "broken" and "empty file" in status.message
    assert main(["journal", "list"]) == 1 and "0 bytes" in capsys.readouterr().err
    assert path.stat().st_size == 0 and not list(path.parent.glob("*.broken*"))


def test_a_zero_byte_journal_beside_a_wal_is_refused_and_the_wal_kept(tmp_path):
    # SQLite would treat the empty file as a new database and reset the WAL beside it
    live = tmp_path / "live.sqlite3"
    with Journal.open(live) as journal:
        journal.start_session("f")
        wal = live.with_name(live.name + "-wal")
        copy = tmp_path / "copy.sqlite3"
        copy.write_bytes(b"")
        shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
    before = snapshot(tmp_path)
    with pytest.raises(JournalEmptyFileError):
        Journal.open(copy)
    assert snapshot(tmp_path) == before


def test_a_crash_while_creating_leaves_no_empty_journal(monkeypatch):
    def crash(*args, **kwargs):
        raise KeyboardInterrupt  # e.g. the window closed half way

    with monkeypatch.context() as patch:
        patch.setattr(schema_module, "migrate", crash)
        with pytest.raises(KeyboardInterrupt):
            Journal.open()
    path = journal_path()
    assert not path.exists()
    assert [p.name for p in path.parent.iterdir()] == [path.name + ".lock"]
    with Journal.open() as journal:  # and the next start makes a whole one
        assert journal.sessions() == [] and path.stat().st_size > 0


def test_a_file_appearing_during_creation_is_not_overwritten(monkeypatch, tmp_path):
    path = tmp_path / "j.sqlite3"
    real = files_module.os.link

    def someone_else_first(src, dst):
        Path(dst).write_bytes(b"not mine")
        return real(src, dst)

    with monkeypatch.context() as patch:
        patch.setattr(files_module.os, "link", someone_else_first)
        with pytest.raises(JournalCorruptError):
            Journal.open(path)
    assert path.read_bytes() == b"not mine"


def test_the_service_keeps_a_committed_passphrase_and_says_what_happened(monkeypatch):
    from companion.service.errors import restore
    from companion.service.local import LocalCompanion

    seeded()
    core = LocalCompanion()
    vacuum_fails(monkeypatch)
    with pytest.raises(JournalCleanupError) as caught:
        core.set_passphrase(NEW)
    seen = restore(caught.value)  # what the app receives from the model process
    assert seen.code == "journal_cleanup_failed" and isinstance(seen, JournalCleanupError)
    assert seen.message.startswith("The passphrase is set")
    core.close()  # it reopens with the passphrase it now remembers
    status = core.status()
    assert status.state == "open" and status.encrypted
    core.close()
