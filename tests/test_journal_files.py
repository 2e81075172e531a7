"""Bad journal files and crashes: SIGKILL mid-write, corrupt, locked, newer schema."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from companion.journal import (
    Journal,
    JournalCorruptError,
    JournalLockedError,
    JournalNewerSchemaError,
    move_aside,
)
from companion.journal.schema import SCHEMA_VERSION
from companion.paths import journal_path

WRITER = textwrap.dedent(
    """
    import sys
    from companion.journal import Journal
    journal = Journal.open(sys.argv[1], passphrase=sys.argv[2] or None)
    session = journal.start_session("crash-test")
    print("session", session, flush=True)
    i = 0
    while True:
        journal.add_message(session, "resident", f"message {i} " + "x" * 300)
        print(i, flush=True)
        i += 1
    """
)

HOLDER = textwrap.dedent(
    """
    import sys
    from companion.journal import Journal
    journal = Journal.open(sys.argv[1])
    print("ready", flush=True)
    sys.stdin.read()
    journal.close()
    """
)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_journal(path: Path, messages: int = 200) -> None:
    with Journal.open(path) as journal:
        sid = journal.start_session("f")
        for i in range(messages):
            journal.add_message(sid, "resident", f"entry {i} " + "y" * 200)


@pytest.mark.parametrize("passphrase", ["", "crash pass"])
def test_sigkill_during_writes_keeps_every_committed_message(tmp_path, passphrase):
    path = tmp_path / "journal.sqlite3"
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), passphrase],
        stdout=subprocess.PIPE, text=True,
    )
    session = int(child.stdout.readline().split()[1])
    acknowledged = -1
    for line in child.stdout:
        acknowledged = int(line)
        if acknowledged >= 150:
            break
    os.kill(child.pid, signal.SIGKILL)
    rest = child.stdout.read().split()  # acknowledgements already in the pipe
    child.wait(timeout=10)
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    if rest:
        acknowledged = int(rest[-1])

    with Journal.open(path, passphrase=passphrase or None) as journal:
        assert journal.integrity_check() == "ok"
        texts = [m.text for m in journal.messages(session)]
    # every acknowledged message is intact; at most the one in flight is extra
    assert acknowledged + 1 <= len(texts) <= acknowledged + 2
    for i, text in enumerate(texts):
        assert text == f"message {i} " + "x" * 300


def test_random_bytes_are_refused_and_not_overwritten():
    path = journal_path()
    path.parent.mkdir(parents=True)
    garbage = os.urandom(8192)
    path.write_bytes(garbage)
    with pytest.raises(JournalCorruptError, match="damaged.*has not been changed"):
        Journal.open()
    assert path.read_bytes() == garbage


@pytest.mark.parametrize("keep", [0.5, 0.97])
def test_truncated_journal_is_refused_and_not_overwritten(tmp_path, keep):
    path = tmp_path / "journal.sqlite3"
    make_journal(path)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    before = digest(path)
    with pytest.raises(JournalCorruptError, match="truncated"):
        Journal.open(path)
    assert digest(path) == before


def test_damaged_pages_are_refused(tmp_path):
    path = tmp_path / "journal.sqlite3"
    make_journal(path)
    data = bytearray(path.read_bytes())
    data[100:] = os.urandom(len(data) - 100)  # valid header, garbage pages
    path.write_bytes(bytes(data))
    with pytest.raises(JournalCorruptError):
        Journal.open(path)
    assert path.read_bytes() == bytes(data)


def test_a_foreign_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(JournalCorruptError, match="no schema_version"):
        Journal.open(path)
    assert digest(path) == before


def test_newer_schema_is_refused_and_not_overwritten(tmp_path):
    path = tmp_path / "journal.sqlite3"
    make_journal(path, messages=3)
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO schema_version (version, description, applied_at) VALUES (?, 'future', 'x')",
        (SCHEMA_VERSION + 5,),
    )
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(JournalNewerSchemaError, match=f"version {SCHEMA_VERSION + 5}") as info:
        Journal.open(path)
    assert info.value.found == SCHEMA_VERSION + 5 and info.value.supported == SCHEMA_VERSION
    assert digest(path) == before


def test_journal_held_by_another_process_is_locked(tmp_path):
    path = tmp_path / "journal.sqlite3"
    make_journal(path, messages=3)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        before = digest(path)
        with pytest.raises(JournalLockedError, match="open in another companion"):
            Journal.open(path)
        assert digest(path) == before
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
        holder.stdout.close()
    with Journal.open(path) as journal:  # free again once the other process is gone
        assert journal.sessions()[0].message_count == 3


def test_second_instance_in_the_same_process_is_locked(tmp_path):
    path = tmp_path / "journal.sqlite3"
    with Journal.open(path), pytest.raises(JournalLockedError):
        Journal.open(path)


def test_move_aside_keeps_the_bad_file_and_allows_a_fresh_start():
    path = journal_path()
    path.parent.mkdir(parents=True)
    garbage = os.urandom(4096)
    path.write_bytes(garbage)
    wal = path.with_name(path.name + "-wal")
    wal.write_bytes(b"wal bytes")
    with pytest.raises(JournalCorruptError):
        Journal.open()
    moved = move_aside(path)
    assert not path.exists() and not wal.exists()
    assert moved.read_bytes() == garbage and ".broken-" in moved.name
    assert moved.with_name(moved.name + "-wal").read_bytes() == b"wal bytes"
    path.write_bytes(b"second bad file")
    second = move_aside(path)  # same second: a counter keeps the first one safe
    assert second != moved and second.read_bytes() == b"second bad file"
    assert moved.read_bytes() == garbage
    with Journal.open() as fresh:
        assert fresh.sessions() == []
