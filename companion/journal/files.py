"""The journal file on disk: exclusive lock, validation before any write, move aside.

Why a separate lock file: SQLite's own locks only last for a transaction, so two
companion windows could both open the journal and interleave. An OS advisory
lock (``flock``) on ``<journal>.lock`` is held while a :class:`Journal` is open
and is released by the kernel if the process dies, so a crash never leaves a
stale lock behind.

Validation reads only: the file header, the in-header size and SQLite's
``quick_check``. Nothing here writes to a journal that failed validation; the
app may call :func:`move_aside` to keep the bad file and start afresh. A 0-byte
journal is refused, never silently made into a new one: the companion itself
never leaves one, since :func:`create` builds a new journal under a temporary
name and links it into place complete.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import struct
from datetime import datetime
from pathlib import Path

from companion.journal import faults
from companion.journal.errors import (
    JournalCorruptError,
    JournalEmptyFileError,
    JournalLockedError,
)

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
SIDECAR_SUFFIXES = ("-wal", "-shm")


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def sidecars(path: Path) -> list[Path]:
    """The WAL and shared-memory files SQLite keeps beside the journal."""
    return [path.with_name(path.name + suffix) for suffix in SIDECAR_SUFFIXES]


def journal_files(path: Path) -> list[Path]:
    """Every file of this journal that exists now (database, WAL, shm, lock)."""
    candidates = [path, *sidecars(path), lock_path(path)]
    return [p for p in candidates if p.exists()]


class FileLock:
    """An exclusive, non-blocking, process-wide lock on ``<journal>.lock``."""

    def __init__(self, path: Path) -> None:
        self.journal = path
        self.path = lock_path(path)
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:  # a read-only folder or disk, a full disk
            raise faults.from_os_error(self.journal, exc) from exc
        try:
            _lock_fd(fd)
        except OSError as exc:
            os.close(fd)
            raise JournalLockedError(self.journal, "its lock file is held") from exc
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            try:
                _unlock_fd(self._fd)
            finally:
                os.close(self._fd)
                self._fd = None


try:  # POSIX
    import fcntl

    def _lock_fd(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock_fd(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

except ImportError:  # pragma: no cover - Windows
    import msvcrt

    def _lock_fd(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined,unused-ignore]

    def _unlock_fd(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined,unused-ignore]


def check_header(path: Path) -> None:
    """Refuse files that are not SQLite, or are shorter than their header says.

    Raises:
        JournalCorruptError: with what was wrong.
    """
    size = path.stat().st_size
    wal = sidecars(path)[0]
    has_wal = wal.exists() and wal.stat().st_size > 0
    if size == 0:  # SQLite would take it for a new database (and reset a WAL beside it)
        raise JournalEmptyFileError(path)
    with path.open("rb") as handle:
        header = handle.read(100)
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        raise JournalCorruptError(path, "the file does not start with a SQLite header")
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    pages = struct.unpack(">I", header[28:32])[0]
    change_counter, valid_for = header[24:28], header[92:96]
    if change_counter == valid_for and pages and not has_wal and size < pages * page_size:
        raise JournalCorruptError(
            path, f"the file is truncated: {size} bytes, its header expects {pages * page_size}"
        )


def create(path: Path) -> None:
    """Make a new, complete, empty journal at ``path`` (which must not exist).

    The tables are written to a temporary file in the same folder and committed
    there (rollback-journal mode, so the file is whole once closed), then
    hard-linked to ``path``, which fails rather than replace a file someone
    put there meanwhile. A crash at any point leaves either no journal or a
    complete one, never an empty file.
    """
    from companion.journal import schema
    from companion.journal.crypto import PlainCodec

    temp = path.with_name(f".{path.name}.new-{os.getpid()}")
    for stale in (temp, temp.with_name(temp.name + "-journal")):
        stale.unlink(missing_ok=True)
    try:
        fd = os.open(temp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        conn = sqlite3.connect(temp, isolation_level=None)
        try:
            schema.migrate(conn, path, PlainCodec())
        finally:
            conn.close()
        try:
            os.link(temp, path)
        except FileExistsError:
            pass  # another program made it first: it is validated like any journal
        except OSError:  # a file system without hard links: rename, the lock is held
            if not path.exists():
                os.replace(temp, path)
    except OSError as exc:
        raise faults.from_os_error(path, exc, "create") from exc
    except sqlite3.Error as exc:
        raise faults.from_sqlite_error(path, exc, "create") from exc
    finally:
        temp.unlink(missing_ok=True)
        temp.with_name(temp.name + "-journal").unlink(missing_ok=True)


def connect(path: Path) -> sqlite3.Connection:
    """Open and validate an existing database; nothing is written here.

    Raises:
        JournalCorruptError: not SQLite, truncated, or failing ``quick_check``.
        JournalEmptyFileError: the file holds 0 bytes (and no WAL).
        JournalLockedError: SQLite reports the database locked by another process.
        JournalDiskFullError, JournalReadOnlyError, JournalDiskError: the place the
            journal lives is at fault, not the journal.
    """
    try:
        check_header(path)
    except OSError as exc:
        raise faults.from_os_error(path, exc) from exc
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=2.0)
    try:
        conn.execute("PRAGMA temp_store=MEMORY")
        rows = conn.execute("PRAGMA quick_check").fetchall()
        if [tuple(r) for r in rows] != [("ok",)]:
            detail = "; ".join(str(r[0]) for r in rows[:3])
            raise JournalCorruptError(path, f"integrity check failed: {detail}")
    except sqlite3.Error as exc:
        conn.close()
        raise faults.from_sqlite_error(path, exc) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def move_aside(path: Path) -> Path:
    """Rename a bad journal (and its -wal/-shm) with a timestamp suffix; return the new path.

    The file is kept, never deleted, so it can be recovered or inspected later.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"there is no journal at {path} to move aside")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.broken-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.broken-{stamp}-{counter}")
    path.rename(target)
    for sidecar, suffix in zip(sidecars(path), SIDECAR_SUFFIXES, strict=True):
        if sidecar.exists():
            sidecar.rename(target.with_name(target.name + suffix))
    log.warning("moved the journal %s aside to %s", path, target)
    return target


def move_aside_unless_open(path: Path) -> Path:
    """:func:`move_aside`, refused while a companion (this one included) holds the journal.

    Raises:
        JournalLockedError: another window or command has the journal open.
        FileNotFoundError: there is no journal at ``path``.
    """
    lock = FileLock(Path(path))
    lock.acquire()
    try:
        return move_aside(path)
    finally:
        lock.release()


def remove_files(path: Path) -> list[Path]:
    """Delete the journal's files (the caller has closed it); return those removed."""
    removed = []
    for file in journal_files(path):
        file.unlink()
        removed.append(file)
    return removed
