"""The `Journal`: the one way the companion reads and writes the resident's private store.

Opening takes an exclusive lock, validates the file without writing (corrupt,
newer-schema and locked journals raise and are left untouched), switches to WAL,
runs migrations, and unlocks the codec. With a passphrase every sealed column is
AES-GCM ciphertext; changing or removing the passphrase re-seals every row in
one transaction, then vacuums and truncates the WAL so no old copy is left.
``secure_delete`` zeroes deleted content and ``temp_store=MEMORY`` keeps SQLite
temp data off disk.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any

from companion.journal import files, schema
from companion.journal.base import RecordNotFoundError
from companion.journal.crypto import AesGcmCodec, KdfParams, PlainCodec, codec_for
from companion.journal.errors import (
    JournalCorruptError,
    JournalError,
    JournalFileError,
    JournalLockedError,
    JournalValueError,
    PassphraseRequiredError,
    WrongPassphraseError,
)
from companion.journal.mentoring import MentoringRecords
from companion.journal.plan import PlanRecords
from companion.journal.sessions import SessionRecords

log = logging.getLogger(__name__)

# WAL + NORMAL: a commit survives the process being killed (SIGKILL) and the file is
# never corrupted; only an OS crash or power cut may roll back the last commits. FULL
# adds an fsync per message (~4-8 ms on a VM disk), see benchmarks/bench_journal.py.
SYNCHRONOUS = "NORMAL"

# Tables counted (and emptied) by delete_all, in the order they are reported.
COUNTED_TABLES = (
    ("sessions", "sessions"), ("messages", "messages"), ("checkins", "checkins"),
    ("topics", "topics"), ("meetings", "meetings"), ("follow_ups", "follow_ups"),
    ("safety_events", "safety_events"), ("safety_plan", "safety_plan"),
)


class Journal(SessionRecords, MentoringRecords, PlanRecords):
    """The resident's private journal (SQLite, WAL, optional field encryption)."""

    def __init__(self, path: Path, conn: sqlite3.Connection, lock: files.FileLock,
                 codec: PlainCodec | AesGcmCodec) -> None:
        self.path = path
        self._conn = conn
        self._lock = lock
        self._codec = codec
        self._mutex = threading.RLock()

    # -- lifecycle -----------------------------------------------------------
    @classmethod
    def open(cls, path: Path | str | None = None, passphrase: str | None = None) -> Journal:
        """Open (or create) the journal.

        Args:
            path: the database file; defaults to ``companion.paths.journal_path()``.
            passphrase: needed for an encrypted journal; for a new (empty) journal it
                turns encryption on. Ignored, with a warning, for an unencrypted journal
                that already holds records: use :meth:`set_passphrase` for that.

        Raises:
            JournalLockedError, JournalCorruptError, JournalNewerSchemaError,
            PassphraseRequiredError, WrongPassphraseError.
        """
        if path is None:
            from companion.paths import ensure_data_dir, journal_path

            ensure_data_dir()
            path = journal_path()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = files.FileLock(path)
        lock.acquire()
        conn: sqlite3.Connection | None = None
        try:
            conn = files.connect(path)
            schema.check_version(conn, path)
            _configure(conn)
            schema.migrate(conn, path)
            codec = _unlock(conn, path, passphrase, is_new=_is_empty(conn))
        except sqlite3.OperationalError as exc:
            _close_quietly(conn, lock)
            if "locked" in str(exc) or "busy" in str(exc):
                raise JournalLockedError(path, str(exc)) from exc
            if "unable to open" in str(exc) or "readonly" in str(exc) or "I/O" in str(exc):
                raise JournalFileError(
                    path, f"The journal {path} cannot be opened ({exc}). It has not been changed."
                ) from exc
            raise JournalCorruptError(path, str(exc)) from exc
        except sqlite3.DatabaseError as exc:
            _close_quietly(conn, lock)
            raise JournalCorruptError(path, str(exc)) from exc
        except BaseException:
            _close_quietly(conn, lock)
            raise
        log.info("opened journal %s (encrypted=%s)", path, codec.encrypted)
        return cls(path, conn, lock, codec)

    def close(self) -> None:
        """Checkpoint the WAL into the database and release the lock."""
        with self._mutex:
            conn = getattr(self, "_conn", None)
            if conn is None:
                return
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:  # pragma: no cover - best effort, data is committed
                log.exception("checkpoint on close failed")
            conn.close()
            self._conn = None  # type: ignore[assignment]
            self._lock.release()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def is_encrypted(self) -> bool:
        return self._codec.encrypted

    def integrity_check(self) -> str:
        """SQLite's full ``integrity_check`` result ("ok" when healthy)."""
        with self._read() as conn:
            return "; ".join(str(r[0]) for r in conn.execute("PRAGMA integrity_check"))

    # -- passphrase ----------------------------------------------------------
    def set_passphrase(self, new: str) -> None:
        """Encrypt an unencrypted journal under ``new``."""
        if self.is_encrypted:
            raise JournalError("the journal is already encrypted; use change_passphrase")
        self._rekey(_new_codec(new))

    def change_passphrase(self, old: str, new: str) -> None:
        """Re-encrypt everything under ``new``; ``old`` must be the current passphrase."""
        self._verify(old)
        self._rekey(_new_codec(new))

    def remove_passphrase(self, old: str) -> None:
        """Decrypt the journal (store plaintext); ``old`` must be the current passphrase."""
        self._verify(old)
        self._rekey((PlainCodec(), None))

    def _verify(self, passphrase: str) -> None:
        if not self.is_encrypted:
            raise JournalError("the journal is not encrypted; use set_passphrase")
        with self._read() as conn:
            _unlock(conn, self.path, passphrase, is_new=False)

    def _rekey(self, new: tuple[PlainCodec | AesGcmCodec, KdfParams | None]) -> None:
        codec, params = new
        with self._tx() as conn:
            for table, columns in schema.SEALED_COLUMNS.items():
                rows = conn.execute(f"SELECT id, {', '.join(columns)} FROM {table}").fetchall()
                assignments = ", ".join(f"{c} = ?" for c in columns)
                for row in rows:
                    values = [
                        codec.seal(self._open(table, c, v), f"{table}.{c}")
                        for c, v in zip(columns, row[1:], strict=True)
                    ]
                    conn.execute(
                        f"UPDATE {table} SET {assignments} WHERE id = ?", (*values, row[0])
                    )
            conn.execute("DELETE FROM meta WHERE key IN ('kdf', 'verifier')")
            if params is not None:
                assert isinstance(codec, AesGcmCodec)
                _store_key_meta(conn, codec, params)
        self._codec = codec
        self._scrub()

    def _scrub(self) -> None:
        """Rewrite the file and empty the WAL so no old (plaintext) copy remains."""
        with self._read() as conn:
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- deletion ------------------------------------------------------------
    def delete_session(self, session_id: int) -> dict[str, int]:
        """Delete a session with its messages, topics and safety events; return counts."""
        with self._tx() as conn:
            self._require(conn, "sessions", "session", session_id)
            counts = {
                table: conn.execute(
                    f"SELECT COUNT(*) FROM {table} WHERE session_id = ?", (session_id,)
                ).fetchone()[0]
                for table in ("messages", "topics", "safety_events")
            }
            conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        self._scrub()
        return {"sessions": 1, **counts}

    def delete_all(self) -> dict[str, int]:
        """Delete every record (the passphrase, if any, stays); return counts per kind."""
        with self._tx() as conn:
            counts = {
                name: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for name, table in COUNTED_TABLES
            }
            for _, table in reversed(COUNTED_TABLES):
                conn.execute(f"DELETE FROM {table}")
        self._scrub()
        return counts

    # -- export --------------------------------------------------------------
    def dump(self) -> dict[str, Any]:
        """Everything in the journal as plain data (what the resident owns)."""
        sessions = [self.session(s.id).to_dict() for s in reversed(self.sessions())]
        return {
            "sessions": sessions,
            "checkins": [c.to_dict() for c in self.checkins()],
            "topics": [t.to_dict() for t in self.topics()],
            "meetings": [m.to_dict() for m in reversed(self.meetings())],
            "open_follow_ups": [f.to_dict() for f in self.open_follow_ups()],
            "safety_plan": self.safety_plan(),
        }

    def export(self, format: str = "md") -> str:  # noqa: A002 - the public name in the contract
        """The whole journal as Markdown (``"md"``) or JSON (``"json"``)."""
        from companion.journal import export

        if format not in export.FORMATS:
            raise JournalValueError(
                f"export format must be one of {', '.join(export.FORMATS)}, got {format!r}"
            )
        return export.render(self.dump(), format)


def _close_quietly(conn: sqlite3.Connection | None, lock: files.FileLock) -> None:
    if conn is not None:
        conn.close()
    lock.release()


def _is_empty(conn: sqlite3.Connection) -> bool:
    """True when no record exists yet (a passphrase given now simply turns encryption on)."""
    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return not any(
        conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone()
        for _, table in COUNTED_TABLES if table in present  # older schemas lack newer tables
    )


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={SYNCHRONOUS}")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA secure_delete=ON")


def _new_codec(passphrase: str) -> tuple[AesGcmCodec, KdfParams]:
    if not isinstance(passphrase, str) or not passphrase:
        raise JournalValueError("the new passphrase must not be empty")
    params = KdfParams.fresh()
    return codec_for(passphrase, params), params


def _store_key_meta(conn: sqlite3.Connection, codec: AesGcmCodec, params: KdfParams) -> None:
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('kdf', ?)", (params.to_json(),))
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('verifier', ?)", (codec.verifier(),)
    )


def _unlock(conn: sqlite3.Connection, path: Path, passphrase: str | None,
            is_new: bool) -> PlainCodec | AesGcmCodec:
    """The codec for this journal, checking the passphrase against the stored verifier."""
    meta = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('kdf', 'verifier')"))
    if "kdf" not in meta:
        if passphrase and is_new:
            codec, params = _new_codec(passphrase)
            conn.execute("BEGIN IMMEDIATE")
            try:
                _store_key_meta(conn, codec, params)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return codec
        if passphrase:
            log.warning("journal %s is not encrypted; the passphrase was ignored", path)
        return PlainCodec()
    if not passphrase:
        raise PassphraseRequiredError(path)
    codec = codec_for(passphrase, KdfParams.from_json(meta["kdf"]))
    if not codec.check_verifier(meta.get("verifier") or b""):
        raise WrongPassphraseError(path)
    return codec


__all__ = ["Journal", "RecordNotFoundError"]
