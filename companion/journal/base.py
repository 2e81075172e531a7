"""Shared plumbing of the journal's record stores: one connection, one codec, transactions.

Every read and write goes through :class:`StoreBase`, which serialises access with
a re-entrant mutex (the TUI calls from worker threads) and seals/opens sealed
columns with the current codec, so no record module handles plaintext storage
or crypto directly. A sealed value is bound to its row id and parent id, so
inserts take their id first (:meth:`StoreBase._next_id`) inside the write
transaction and seal for that row.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from companion.journal import faults, reseal
from companion.journal.crypto import AesGcmCodec, Place, PlainCodec
from companion.journal.errors import (
    JournalCorruptError,
    JournalDiskFullError,
    JournalError,
    JournalReadOnlyError,
    JournalValueError,
)


class RecordNotFoundError(JournalError, LookupError):
    """No record with that id (names the kind and the id)."""

    def __init__(self, kind: str, record_id: int) -> None:
        super().__init__(f"there is no {kind} with id {record_id} in the journal")


class StoreBase:
    """Connection, codec and transaction helpers for the record mixins."""

    path: Path
    _conn: sqlite3.Connection
    _codec: PlainCodec | AesGcmCodec
    _mutex: threading.RLock

    _grouped: bool = False

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group every write inside into one transaction: all are kept, or none.

        A resident's turn writes several records (the message, a safety event,
        topics, the reply); inside ``transaction()`` they commit together, so a
        failure or a cancelled turn leaves nothing half-written. Nested calls
        join the outer transaction.
        """
        with self._mutex:
            if self._grouped:
                yield
                return
            with self._tx():
                self._grouped = True
                try:
                    yield
                finally:
                    self._grouped = False

    @contextmanager
    def _tx(self, doing: str = "save to", note: str = "") -> Iterator[sqlite3.Connection]:
        """One write transaction: committed on success, rolled back on any error.

        Inside :meth:`transaction` it is a savepoint: a failed write undoes itself
        only, and the outer transaction decides what is committed. ``doing`` and
        ``note`` word the error of a full disk ("change the passphrase of").
        """
        with self._mutex:
            conn = self._connection()
            begin, commit, rollback = ("BEGIN IMMEDIATE", "COMMIT", "ROLLBACK")
            if self._grouped:
                begin, commit = "SAVEPOINT write", "RELEASE write"
                rollback = "ROLLBACK TO write"
            try:
                conn.execute(begin)
                try:
                    yield conn
                    conn.execute(commit)
                except BaseException:
                    if conn.in_transaction:
                        conn.execute(rollback)
                        if self._grouped:
                            conn.execute(commit)
                    raise
            except sqlite3.Error as exc:  # disk full, I/O error, busy beyond the timeout
                fault = faults.from_sqlite_error(self.path, exc, doing)
                if isinstance(fault, JournalDiskFullError):
                    raise JournalDiskFullError(self.path, doing, note) from exc
                if isinstance(fault, JournalReadOnlyError):
                    raise fault from exc
                extra = f" {note}" if note else ""
                raise JournalError(
                    f"Could not {doing} the journal {self.path}: {exc}. Nothing was "
                    f"changed.{extra}"
                ) from exc

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._mutex:
            yield self._connection()

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self, "_conn", None)
        if conn is None:
            raise JournalError(f"the journal {self.path} is closed")
        return conn

    # -- sealed values -------------------------------------------------------
    def _seal(self, table: str, column: str, text: str | None, row: int | str,
              parent: int | None = None) -> Any:
        return reseal.seal_value(self._codec, text, Place(table, column, row, parent))

    def _seal_meta(self, conn: sqlite3.Connection, key: str, text: str, *,
                   replace: bool = True) -> None:
        """Write a sealed ``meta`` value; ``replace=False`` keeps one already there."""
        verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
        conn.execute(f"{verb} INTO meta (key, value) VALUES (?, ?)",
                     (key, self._seal("meta", key, text, key)))

    def _open(self, table: str, column: str, value: Any, row: int | str,
              parent: int | None = None) -> str | None:
        """The plaintext of a sealed value; one that fails authentication is tampering."""
        return reseal.open_value(self._codec, self.path, value, Place(table, column, row, parent))

    def _seal_json(self, table: str, column: str, value: Any, row: int | str,
                   parent: int | None = None) -> Any:
        return self._seal(table, column, json.dumps(value, ensure_ascii=False), row, parent)

    def _open_json(self, table: str, column: str, value: Any, row: int | str,
                   parent: int | None = None, default: Any = None) -> Any:
        text = self._open(table, column, value, row, parent)
        if text is None:
            return default
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise JournalCorruptError(self.path, f"{table}.{column} is not valid JSON") from exc

    @staticmethod
    def _owe_cleanup(conn: sqlite3.Connection) -> None:
        """Record, in the caller's transaction, that old copies must be scrubbed out."""
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('cleanup', 'pending')")

    @staticmethod
    def _next_id(conn: sqlite3.Connection, table: str) -> int:
        """The id the next row of ``table`` gets (the write transaction holds the lock)."""
        return int(conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").fetchone()[0])

    def _require(self, conn: sqlite3.Connection, table: str, kind: str, record_id: int) -> None:
        if conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (record_id,)).fetchone() is None:
            raise RecordNotFoundError(kind, record_id)


def iso_date(value: date | datetime | str | None, field: str) -> str:
    """Normalise a date argument to ``YYYY-MM-DD`` (today when None)."""
    if value is None:
        return date.today().isoformat()
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError as exc:
        raise JournalValueError(f"{field} must be a date like 2026-01-31, got {value!r}") from exc


def text_list(value: Any, field: str) -> list[str]:
    """A list of strings from a list/tuple (or one string)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    try:
        items = list(value)
    except TypeError as exc:
        raise JournalValueError(f"{field} must be a list of strings, got {value!r}") from exc
    if not all(isinstance(item, str) for item in items):
        raise JournalValueError(f"{field} must be a list of strings, got {value!r}")
    return items
