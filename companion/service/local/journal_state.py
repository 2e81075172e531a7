"""The journal's state: open, locked, encrypted, moved aside, removed.

Opening with or without a passphrase, the app's idle lock, passphrase changes
(remembered once committed, even when only the clean-up failed), deleting
everything, and the file operations a damaged journal needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from companion.journal import (
    Journal,
    JournalCleanupError,
    JournalLockedError,
    PassphraseRequiredError,
    move_aside_unless_open,
    remove_files,
)
from companion.service.errors import AppLockedError
from companion.service.local.base import CoreBase
from companion.service.results import JournalStatus


class JournalStateOps(CoreBase):
    """Open, unlock, lock, re-key, empty and move the journal."""

    def status(self) -> JournalStatus:
        """The journal's state: open, needs_passphrase, locked, in_use or broken."""
        try:
            journal = self._open_journal()
        except AppLockedError as exc:
            return JournalStatus("locked", str(exc))
        except PassphraseRequiredError as exc:
            return JournalStatus("needs_passphrase", str(exc))
        except JournalLockedError as exc:
            return JournalStatus("in_use", str(exc))
        except Exception as exc:  # noqa: BLE001 - a journal that cannot open is reported
            return JournalStatus("broken", str(exc) or exc.__class__.__name__)
        return JournalStatus("open", encrypted=journal.is_encrypted,
                             generator_problem=self.generator_problem)

    def unlock(self, passphrase: str) -> JournalStatus:
        """Open the journal with ``passphrase`` (a wrong one raises WrongPassphraseError)."""
        if self._journal is not None and self._locked:
            self._close_journal()
        opened = Journal.open(self._journal_path, passphrase=passphrase)
        self._journal, self._passphrase, self._locked = opened, passphrase, False
        return self.status()

    def lock(self) -> JournalStatus:
        """Forget the passphrase and close the journal until :meth:`unlock`."""
        self._close_journal()
        self._passphrase, self._locked, self._engine = None, True, None
        return JournalStatus("locked")

    def move_journal_aside(self) -> str:
        """Move a damaged journal file aside (kept, renamed) so a fresh one can start.

        Refused (``JournalLockedError``) while another window or command has it open.
        """
        self._close_journal()
        return str(move_aside_unless_open(self._journal_file()))

    def set_passphrase(self, new: str) -> JournalStatus:
        with self._rekeying(new):
            self._open_journal().set_passphrase(new)
        return self.status()

    def change_passphrase(self, old: str, new: str) -> JournalStatus:
        with self._rekeying(new):
            self._open_journal().change_passphrase(old, new)
        return self.status()

    def remove_passphrase(self, old: str) -> JournalStatus:
        with self._rekeying(None):
            self._open_journal().remove_passphrase(old)
        return self.status()

    @contextmanager
    def _rekeying(self, new: str | None) -> Iterator[None]:
        """Remember ``new`` once the change is committed, even if only its clean-up failed."""
        try:
            yield
        except JournalCleanupError:
            self._passphrase = new  # committed: the error says so, the state must too
            raise
        self._passphrase = new

    def delete_all(self) -> dict[str, int]:
        """Delete every journal record; returns how many of each kind went."""
        counts = self._open_journal().delete_all()
        self._engine = None
        return counts

    def remove_journal_files(self) -> list[str]:
        """After :meth:`delete_all`: remove the journal's files (database, WAL, lock).

        A fresh journal is created on next use; returns the files removed.
        """
        self._close_journal()
        self._engine = None
        return [str(file) for file in remove_files(self._journal_file())]

    def compact_journal(self) -> None:
        """Finish a clean-up a passphrase change or deletion could not (e.g. a full disk)."""
        self._open_journal().compact()
