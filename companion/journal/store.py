"""The `Journal`: the one way the companion reads and writes the resident's private store.

Opening takes an exclusive lock, validates the file without writing (corrupt,
empty, newer-schema, locked and incomplete journals raise and are left
untouched), switches to WAL, checks the passphrase, then runs migrations (one
transaction, which may re-seal every value into the current format). A new
journal is built under a temporary name and linked into place, so a crash
never leaves a 0-byte journal behind. With a passphrase every sealed column
is padded AES-GCM ciphertext bound to its row; changing or removing the
passphrase re-seals every row in one transaction, then vacuums and truncates
the WAL so no old copy is left. That clean-up is recorded as pending in the
same transaction: when it fails (a nearly full disk) the change stands, the
error says so (:class:`JournalCleanupError`), and it is retried at each open
and by :meth:`Journal.compact`. ``secure_delete`` zeroes deleted content and
``temp_store=MEMORY`` keeps SQLite temp data off disk.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any

from companion.journal import faults, files, reseal, schema
from companion.journal.base import RecordNotFoundError
from companion.journal.crypto import AesGcmCodec, KdfParams, PlainCodec, codec_for
from companion.journal.errors import (
    JournalCleanupError,
    JournalError,
    JournalKeyDataError,
    JournalValueError,
    PassphraseRequiredError,
    WeakPassphraseError,
    WrongPassphraseError,
)
from companion.journal.mentoring import MentoringRecords
from companion.journal.plan import PLAN_OFFER_KEY, PlanRecords
from companion.journal.sessions import SessionRecords

log = logging.getLogger(__name__)

# WAL + NORMAL: a commit survives the process being killed (SIGKILL) and the file is
# never corrupted; only an OS crash or power cut may roll back the last commits. FULL
# adds an fsync per message (~4-8 ms on a VM disk), see benchmarks/bench_journal.py.
SYNCHRONOUS = "NORMAL"

# Tables counted (and emptied) by delete_all, in the order they are reported; the
# safety events (None: sealed inside their sessions) are counted from their sessions.
COUNTED_TABLES: tuple[tuple[str, str | None], ...] = (
    ("sessions", "sessions"), ("messages", "messages"), ("checkins", "checkins"),
    ("topics", "topics"), ("meetings", "meetings"), ("follow_ups", "follow_ups"),
    ("safety_events", None), ("safety_plan", "safety_plan"),
)

MIN_PASSPHRASE_CHARS = 8
"""New passphrases shorter than this are refused (journals with older ones still open)."""

CLEANUP_KEY = "cleanup"
"""``meta`` row present while old copies may remain in the file (a scrub is owed);
written by :meth:`StoreBase._owe_cleanup`."""

RETRY_CLEANUP = "until it succeeds, {what} may remain inside the journal file."


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
                turns encryption on (at least :data:`MIN_PASSPHRASE_CHARS` characters).
                Ignored, with a warning, for an unencrypted journal that already holds
                records: use :meth:`set_passphrase` for that.

        Raises:
            JournalLockedError, JournalCorruptError (and its kinds: tampered, missing
            table, damaged key settings), JournalEmptyFileError, JournalDiskFullError,
            JournalReadOnlyError, JournalNewerSchemaError, PassphraseRequiredError,
            WrongPassphraseError, WeakPassphraseError. Each leaves the file as it was.
        """
        default = path is None
        if path is None:
            from companion.paths import journal_path

            path = journal_path()
        path = Path(path)
        try:
            if default:
                from companion.paths import ensure_data_dir

                ensure_data_dir()
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise faults.from_os_error(path, exc) from exc
        lock = files.FileLock(path)
        lock.acquire()
        conn: sqlite3.Connection | None = None
        try:
            if not path.exists():
                files.create(path)
            conn = files.connect(path)
            version = schema.check_version(conn, path)
            schema.check_tables(conn, path, version)
            _configure(conn)
            codec = _unlock(conn, path, passphrase, is_new=_is_empty(conn))
            schema.migrate(conn, path, codec)
        except sqlite3.Error as exc:
            _close_quietly(conn, lock)
            raise faults.from_sqlite_error(path, exc) from exc
        except BaseException:
            _close_quietly(conn, lock)
            raise
        log.info("opened journal %s (encrypted=%s, schema %s)", path, codec.encrypted,
                 schema.SCHEMA_VERSION)
        journal = cls(path, conn, lock, codec)
        journal._retry_cleanup()
        return journal

    def close(self) -> None:
        """Checkpoint the WAL into the database and release the lock."""
        with self._mutex:
            conn = getattr(self, "_conn", None)
            if conn is None:
                return
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as exc:  # best effort: the data is committed in the WAL
                log.warning("checkpoint on close failed: %s",
                            getattr(exc, "sqlite_errorname", type(exc).__name__))
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
        """Encrypt an unencrypted journal under ``new``.

        Raises:
            JournalCleanupError: the journal *is* encrypted now; only scrubbing the
                old plaintext copies out of the file failed (retried later).
        """
        if self.is_encrypted:
            raise JournalError("the journal is already encrypted; use change_passphrase")
        self._rekey(_new_codec(new), "set the passphrase of",
                    "The passphrase was not set: the journal stays unencrypted.",
                    "The passphrase is set: the journal is encrypted and only the new "
                    "passphrase opens it.", "older unencrypted copies of entries")

    def change_passphrase(self, old: str, new: str) -> None:
        """Re-encrypt everything under ``new``; ``old`` must be the current passphrase.

        The key is derived with today's :data:`~companion.journal.crypto.DEFAULT_KDF`
        cost, so this is also how a journal with older parameters is upgraded.

        Raises:
            JournalCleanupError: the change *is* committed (only the new passphrase
                opens the journal); only scrubbing the old copies failed.
        """
        self._verify(old)
        self._rekey(_new_codec(new), "change the passphrase of",
                    "The passphrase was not changed: the old one still opens the journal.",
                    "The passphrase was changed: from now on only the new passphrase opens "
                    "the journal.", "copies sealed under the old passphrase")

    def remove_passphrase(self, old: str) -> None:
        """Decrypt the journal (store plaintext); ``old`` must be the current passphrase.

        Raises:
            JournalCleanupError: the journal *is* unencrypted now; only scrubbing the
                old encrypted copies failed.
        """
        self._verify(old)
        self._rekey((PlainCodec(), None), "remove the passphrase of",
                    "The passphrase was not removed: it still opens the journal.",
                    "The passphrase was removed: the journal is no longer encrypted.",
                    "old encrypted copies")

    def _verify(self, passphrase: str) -> None:
        if not self.is_encrypted:
            raise JournalError("the journal is not encrypted; use set_passphrase")
        with self._read() as conn:
            _unlock(conn, self.path, passphrase, is_new=False)

    def _rekey(self, new: tuple[PlainCodec | AesGcmCodec, KdfParams | None], doing: str,
               not_done: str, done: str, leftover: str) -> None:
        codec, params = new
        with self._tx(doing, not_done) as conn:
            reseal.reseal_all(conn, self.path, self._codec, codec)
            conn.execute("DELETE FROM meta WHERE key IN ('kdf', 'verifier')")
            if params is not None:
                assert isinstance(codec, AesGcmCodec)
                _store_key_meta(conn, codec, params)
            self._owe_cleanup(conn)
        self._codec = codec
        log.info("journal re-keyed (encrypted=%s)", codec.encrypted)
        self._scrub_or_explain(done, RETRY_CLEANUP.format(what=leftover))

    # -- clean-up of old copies ----------------------------------------------
    def compact(self) -> None:
        """Rewrite the file and empty the WAL: old copies of changed or deleted data go.

        Raises:
            JournalDiskFullError, JournalError: the clean-up failed; nothing was lost.
        """
        try:
            self._scrub()
        except sqlite3.Error as exc:
            raise faults.from_sqlite_error(self.path, exc, "clean up") from exc

    @property
    def cleanup_pending(self) -> bool:
        """True while a clean-up failed and old copies may still be in the file."""
        with self._read() as conn:
            return conn.execute("SELECT 1 FROM meta WHERE key = ?",
                                (CLEANUP_KEY,)).fetchone() is not None

    def _scrub(self) -> None:
        """Rewrite the file and empty the WAL so no old (plaintext) copy remains."""
        with self._read() as conn:
            _vacuum(conn)
            conn.execute("DELETE FROM meta WHERE key = ?", (CLEANUP_KEY,))
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _scrub_or_explain(self, done: str, leftover: str) -> None:
        """Scrub after a committed change; if that fails, say what *did* happen."""
        try:
            self._scrub()
        except sqlite3.Error as exc:
            fault = faults.from_sqlite_error(self.path, exc, "clean up")
            reason = ("the disk is too full" if "disk space" in str(fault)
                      else str(exc) or type(exc).__name__)
            log.warning("clean-up after a committed change failed: %s",
                        getattr(exc, "sqlite_errorname", type(exc).__name__))
            raise JournalCleanupError(self.path, done, leftover, reason) from exc

    def _retry_cleanup(self) -> None:
        """At open: finish a clean-up that failed before (best effort, never raises)."""
        try:
            if self.cleanup_pending:
                self._scrub()
                log.info("a pending clean-up of old copies finished")
        except sqlite3.Error as exc:
            log.warning("a pending clean-up of old copies failed again: %s",
                        getattr(exc, "sqlite_errorname", type(exc).__name__))

    # -- deletion ------------------------------------------------------------
    def delete_session(self, session_id: int) -> dict[str, int]:
        """Delete a session with its messages, topics and safety events; return counts.

        Raises:
            JournalCleanupError: the session *is* deleted; scrubbing its old copies
                out of the file failed (retried later).
        """
        with self._tx("delete from") as conn:
            self._require(conn, "sessions", "session", session_id)
            counts = {
                table: conn.execute(
                    f"SELECT COUNT(*) FROM {table} WHERE session_id = ?", (session_id,)
                ).fetchone()[0]
                for table in ("messages", "topics")
            }
            counts["safety_events"] = len(self._safety_of(conn, session_id))
            conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
            self._owe_cleanup(conn)
        self._scrub_or_explain(f"Session {session_id} was deleted.",
                               RETRY_CLEANUP.format(what="its words"))
        return {"sessions": 1, **counts}

    def delete_all(self) -> dict[str, int]:
        """Delete every record (the passphrase, if any, stays); return counts per kind.

        Raises:
            JournalCleanupError: everything *is* deleted; scrubbing the old copies
                out of the file failed (retried later).
        """
        with self._tx("delete from") as conn:
            counts = {
                name: (conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] if table
                       else len(self.safety_events()))
                for name, table in COUNTED_TABLES
            }
            for _, table in reversed(COUNTED_TABLES):
                if table:
                    conn.execute(f"DELETE FROM {table}")
            self._store_safety(conn, None, [])
            if conn.execute("SELECT 1 FROM meta WHERE key = ?", (PLAN_OFFER_KEY,)).fetchone():
                self._seal_meta(conn, PLAN_OFFER_KEY, "")  # a fresh start: the offer may come again
            self._owe_cleanup(conn)
        self._scrub_or_explain("Everything in the journal was deleted.",
                               RETRY_CLEANUP.format(what="the deleted words"))
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


def _vacuum(conn: sqlite3.Connection) -> None:
    """The step that needs free space (a whole new copy); a seam for fault tests."""
    conn.execute("VACUUM")


def _is_empty(conn: sqlite3.Connection) -> bool:
    """True when no record exists yet (a passphrase given now simply turns encryption on)."""
    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    counted = [table for _, table in COUNTED_TABLES if table] + ["safety_events"]
    return not any(conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone()
                   for table in counted if table in present)  # older schemas lack newer ones


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={SYNCHRONOUS}")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA secure_delete=ON")


def _new_codec(passphrase: str) -> tuple[AesGcmCodec, KdfParams]:
    if not isinstance(passphrase, str) or not passphrase:
        raise JournalValueError("the new passphrase must not be empty")
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise WeakPassphraseError(MIN_PASSPHRASE_CHARS)
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
        if "verifier" in meta:
            raise JournalKeyDataError(path, "meta.kdf is missing")
        if passphrase and is_new:
            codec, params = _new_codec(passphrase)
            conn.execute("BEGIN IMMEDIATE")
            try:
                reseal.reseal_all(conn, path, PlainCodec(), codec)
                _store_key_meta(conn, codec, params)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return codec
        if passphrase:
            log.warning("journal %s is not encrypted; the passphrase was ignored", path)
        return PlainCodec()
    try:
        params = KdfParams.from_json(meta["kdf"])
    except ValueError as exc:
        raise JournalKeyDataError(path, str(exc)) from exc
    if not isinstance(meta.get("verifier"), bytes):
        raise JournalKeyDataError(path, "its passphrase check value is missing")
    if not passphrase:
        raise PassphraseRequiredError(path)
    try:
        codec = codec_for(passphrase, params)
    except (ValueError, MemoryError) as exc:
        raise JournalKeyDataError(path, "its cost parameters cannot be used") from exc
    if not codec.check_verifier(meta["verifier"]):
        raise WrongPassphraseError(path)
    return codec


__all__ = ["MIN_PASSPHRASE_CHARS", "Journal", "RecordNotFoundError"]
