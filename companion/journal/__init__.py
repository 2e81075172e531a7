"""The resident's private journal: a crash-safe SQLite store with optional encryption.

Only this package touches the database file. See :class:`Journal` for the API
and :data:`CHECKIN_ITEMS` for the weekly check-in questions.
"""

from companion.checkin import CHECKIN_ITEMS, CHECKIN_NOTE, CheckinItem, Choice
from companion.journal.base import RecordNotFoundError
from companion.journal.errors import (
    JournalCleanupError,
    JournalCorruptError,
    JournalDiskError,
    JournalDiskFullError,
    JournalEmptyFileError,
    JournalError,
    JournalFileError,
    JournalKeyDataError,
    JournalLockedError,
    JournalMissingTableError,
    JournalNewerSchemaError,
    JournalReadOnlyError,
    JournalTamperedError,
    JournalValueError,
    PassphraseRequiredError,
    WeakPassphraseError,
    WrongPassphraseError,
)
from companion.journal.files import (
    journal_files,
    move_aside,
    move_aside_unless_open,
    remove_files,
)
from companion.journal.records import (
    Checkin,
    FollowUp,
    Meeting,
    Message,
    SafetyEvent,
    SessionRecord,
    Topic,
)
from companion.journal.store import Journal

__all__ = [
    "CHECKIN_ITEMS", "CHECKIN_NOTE", "Checkin", "CheckinItem", "Choice", "FollowUp", "Journal",
    "JournalCleanupError", "JournalCorruptError", "JournalDiskError", "JournalDiskFullError",
    "JournalEmptyFileError", "JournalError", "JournalFileError", "JournalKeyDataError",
    "JournalLockedError", "JournalMissingTableError", "JournalNewerSchemaError",
    "JournalReadOnlyError", "JournalTamperedError", "JournalValueError", "Meeting", "Message",
    "PassphraseRequiredError", "RecordNotFoundError", "SafetyEvent", "SessionRecord", "Topic",
    "WeakPassphraseError", "WrongPassphraseError", "journal_files", "move_aside",
    "move_aside_unless_open", "remove_files",
]
