"""Errors the journal raises, each with a message a resident can act on.

Every error subclasses :class:`JournalError`, so the app can catch one type and
show the message; the specific subclasses let it offer the right next step
(ask for the passphrase, wait for the other window, or move a bad file aside).
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


class WrongPassphraseError(JournalError):
    """The passphrase does not unlock the journal; nothing was changed."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        super().__init__(
            f"That passphrase does not unlock the journal {path}. Nothing was changed."
        )
