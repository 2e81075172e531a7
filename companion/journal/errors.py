"""Errors the journal raises, each with a message a resident can act on.

Every error subclasses :class:`JournalError`, so the app can catch one type and
show the message; the specific subclasses let it offer the right next step
(ask for the passphrase, wait for the other window, free some disk space, or
move a bad file aside). Only :class:`JournalCorruptError` and its subclasses
say the file is damaged: a full disk or a read-only folder is a fault of the
place the journal lives, and its message never advises moving a healthy file.
Messages name paths and table names, never a stored value.
"""

from __future__ import annotations

from pathlib import Path


class JournalError(Exception):
    """Base class for every journal problem."""


class JournalValueError(JournalError, ValueError):
    """A caller passed a value the journal cannot store (names the field)."""


class JournalFileError(JournalError):
    """A problem with the journal file itself; the file is never overwritten."""

    def __init__(self, path: Path, message: str) -> None:
        self.path = Path(path)
        super().__init__(message)


class JournalCorruptError(JournalFileError):
    """The file is not a readable companion journal (damaged, truncated, or foreign)."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(
            path,
            f"The journal {path} is damaged or is not a companion journal ({detail}). "
            "It has not been changed. Move it aside to start a fresh journal; "
            "the old file is kept so it can be recovered later.",
        )


class JournalTamperedError(JournalCorruptError):
    """A sealed value does not authenticate under the right key in its own row."""

    def __init__(self, path: Path, where: str) -> None:
        JournalFileError.__init__(
            self, path,
            f"The journal {path} has been tampered with or damaged: the sealed value in "
            f"{where} does not belong there (it was altered, or moved from another row or "
            "column). It has not been changed. Restore the file from a backup if you have one.",
        )


class JournalKeyDataError(JournalCorruptError):
    """The stored key parameters (``meta.kdf``) of an encrypted journal are unreadable."""

    def __init__(self, path: Path, detail: str) -> None:
        JournalFileError.__init__(
            self, path,
            f"The journal {path} is encrypted, but its key settings (meta.kdf) are damaged "
            f"({detail}), so no passphrase can be checked against it. It has not been "
            "changed. Restore the file from a backup if you have one; without its key "
            "settings the entries cannot be read.",
        )


class JournalMissingTableError(JournalCorruptError):
    """A table the journal's format version promises is not in the file."""

    def __init__(self, path: Path, missing: list[str]) -> None:
        self.missing = list(missing)
        names = ", ".join(missing)
        JournalFileError.__init__(
            self, path,
            f"The journal {path} is missing part of its structure ({names}): another "
            "program edited it, or it was damaged. It has not been changed. Restore it from a "
            "backup if you have one, or run `companion journal move-aside` to keep it and "
            "start a fresh journal.",
        )


class JournalEmptyFileError(JournalFileError):
    """The journal file exists but holds 0 bytes (and no write-ahead log)."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            path,
            f"The journal {path} is an empty file (0 bytes): a copy, sync or backup tool may "
            "have emptied it. It has not been changed or replaced. Restore it from a backup if "
            "you have one, or run `companion journal move-aside` to keep it and start a fresh "
            "journal.",
        )


class JournalDiskFullError(JournalFileError):
    """The disk holding the journal has no room for the write (the journal is fine)."""

    def __init__(self, path: Path, doing: str = "open", note: str = "") -> None:
        self.doing = doing
        extra = f" {note}" if note else ""
        super().__init__(
            path,
            f"There is not enough free disk space to {doing} the journal {path}. The journal "
            f"is not damaged and nothing was changed, moved or overwritten.{extra} Free some "
            "space on that disk and try again.",
        )


class JournalReadOnlyError(JournalFileError):
    """The journal's folder or file cannot be written (permissions, read-only disk)."""

    def __init__(self, path: Path, what: str, detail: str = "") -> None:
        extra = f" ({detail})" if detail else ""
        super().__init__(
            path,
            f"The companion cannot write to {what}{extra}, so the journal {path} cannot be "
            "opened for writing. Nothing was changed. Make it writable (check its permissions, "
            "or that the disk is not mounted read-only), or set COMPANION_HOME to a writable "
            "folder.",
        )


class JournalDiskError(JournalFileError):
    """The operating system reported an input/output error under the journal."""

    def __init__(self, path: Path, doing: str, detail: str) -> None:
        super().__init__(
            path,
            f"The disk reported an error while the companion tried to {doing} the journal "
            f"{path} ({detail}). Nothing was changed. Check the disk (is it still connected, "
            "is it healthy?) and try again.",
        )


class JournalCleanupError(JournalError):
    """A change was committed, but scrubbing old copies out of the file failed.

    ``done`` says what did happen, so the resident is never told a committed
    passphrase change failed (and then locked out by typing the old one).
    """

    committed = True

    def __init__(self, path: Path, done: str, leftover: str, detail: str) -> None:
        self.path = Path(path)
        self.done = done
        super().__init__(
            f"{done} Only the clean-up failed ({detail}): {leftover} Free some disk space, "
            "then run `companion journal compact` (the companion also retries each time it "
            "opens the journal)."
        )


class JournalLockedError(JournalFileError):
    """Another companion window or process has the journal open."""

    def __init__(self, path: Path, detail: str = "") -> None:
        extra = f" ({detail})" if detail else ""
        super().__init__(
            path,
            f"The journal {path} is open in another companion window or process{extra}. "
            "Close the other one and try again.",
        )


class JournalNewerSchemaError(JournalFileError):
    """The journal was written by a newer version of the companion."""

    def __init__(self, path: Path, found: int, supported: int) -> None:
        self.found = found
        self.supported = supported
        super().__init__(
            path,
            f"The journal {path} uses format version {found}, but this version of the "
            f"companion only understands up to version {supported}. It has not been changed. "
            "Update the companion, or move the file aside to start a fresh journal.",
        )


class PassphraseRequiredError(JournalError):
    """The journal is encrypted and no passphrase was given."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        super().__init__(f"The journal {path} is encrypted; a passphrase is needed to open it.")


class WeakPassphraseError(JournalValueError):
    """A new passphrase shorter than :data:`MIN_PASSPHRASE_CHARS`."""

    def __init__(self, minimum: int) -> None:
        self.minimum = minimum
        super().__init__(
            f"The new passphrase is too short: use at least {minimum} characters (a few "
            "unrelated words are easy to remember and hard to guess). Nothing was changed."
        )


class WrongPassphraseError(JournalError):
    """The passphrase does not unlock the journal; nothing was changed."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        super().__init__(
            f"That passphrase does not unlock the journal {path}. Nothing was changed."
        )
