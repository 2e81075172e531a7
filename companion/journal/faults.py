"""What an SQLite or OS failure under the journal means, as an error a resident can act on.

Why this exists: SQLite says "disk I/O error" for a full disk as often as for a
dying one, "unable to open database file" for a read-only folder, and the
journal used to call all of them "damaged" and advise moving the (healthy)
file aside. Here each failure is sorted by SQLite's result code, the OS errno
and a look at the folder (free space, write permission) into: locked, disk
full, read-only, disk error or damaged. Nothing here writes anything.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path

from companion.journal.errors import (
    JournalCorruptError,
    JournalDiskError,
    JournalDiskFullError,
    JournalError,
    JournalLockedError,
    JournalReadOnlyError,
)

# SQLite primary result codes (sqlite3.h); the extended code's low byte is the primary.
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 3, 5, 6, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN = 10, 11, 13, 14
SQLITE_NOTADB = 26

LOW_SPACE_BYTES = 4 * 1024 * 1024
"""Below this much free space an I/O error under the journal is taken as a full disk."""

_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}
_READ_ONLY_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS}


def _primary(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def low_on_space(folder: Path) -> bool:
    """True when the disk holding ``folder`` has (almost) no room left."""
    try:
        return shutil.disk_usage(folder).free < LOW_SPACE_BYTES
    except OSError:
        return False


def not_writable(path: Path) -> tuple[str, str] | None:
    """``(what, detail)`` when the journal's folder or file cannot be written, else None."""
    folder = path.parent
    try:
        stats = os.statvfs(folder)
        if stats.f_flag & os.ST_RDONLY:
            return f"the folder {folder}", "the disk is mounted read-only"
    except (AttributeError, OSError):  # pragma: no cover - no statvfs on this platform
        pass
    if folder.exists() and not os.access(folder, os.W_OK):
        return f"the folder {folder}", "no write permission"
    if path.exists() and not os.access(path, os.W_OK):
        return f"the file {path}", "no write permission"
    return None


def from_os_error(path: Path, exc: OSError, doing: str = "open") -> JournalError:
    """The journal error an OS failure (creating the lock or the file) stands for."""
    if exc.errno in _FULL_ERRNOS:
        return JournalDiskFullError(path, doing)
    if exc.errno in _READ_ONLY_ERRNOS or isinstance(exc, PermissionError):
        found = not_writable(path)
        what, detail = found or (f"the folder {path.parent}", exc.strerror or "not permitted")
        return JournalReadOnlyError(path, what, detail)
    if low_on_space(path.parent):
        return JournalDiskFullError(path, doing)
    return JournalDiskError(path, doing, exc.strerror or type(exc).__name__)


def from_sqlite_error(path: Path, exc: sqlite3.Error, doing: str = "open") -> JournalError:
    """The journal error an SQLite failure stands for; only real damage is "corrupt"."""
    code = _primary(exc)
    text = str(exc)
    if code in (SQLITE_BUSY, SQLITE_LOCKED) or "locked" in text or "busy" in text:
        return JournalLockedError(path, text)
    if code == SQLITE_FULL or "disk is full" in text:
        return JournalDiskFullError(path, doing)
    if code in (SQLITE_READONLY, SQLITE_PERM, SQLITE_CANTOPEN) or "readonly" in text:
        found = not_writable(path)
        if found is not None:
            return JournalReadOnlyError(path, *found)
        if low_on_space(path.parent):
            return JournalDiskFullError(path, doing)
        return JournalDiskError(path, doing, text)
    if code == SQLITE_IOERR or "I/O" in text:
        if low_on_space(path.parent):
            return JournalDiskFullError(path, doing)
        found = not_writable(path)
        if found is not None:
            return JournalReadOnlyError(path, *found)
        return JournalDiskError(path, doing, text)
    return JournalCorruptError(path, text)
