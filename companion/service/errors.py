"""Errors across the process boundary: one stable code per exception class.

A failure in the model process travels as ``{"code", "message", "retryable"}``:
``code`` is stable (documented in docs/DESIGN.md, "The app and the core"),
``message`` is what the resident is shown, ``retryable`` says whether trying the
same thing again (after typing the passphrase again, closing the other window,
editing the message...) can work. :func:`from_wire` turns it back into the same
exception class the core raised, mixed with :class:`ServiceError`, so the app
catches ``ServiceError`` for any failure and tests ``isinstance(exc,
WrongPassphraseError)`` for a specific one; nothing compares class names.

The in-process implementation sends its errors through the same two functions,
so tests on it see exactly what the app sees from the model process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, cast

from companion.agenda import AgendaError
from companion.cards import CardError
from companion.checkin import CheckinError
from companion.dialogue.cleaning import MessageError
from companion.dialogue.flows import FlowError
from companion.journal import (
    JournalCleanupError,
    JournalCorruptError,
    JournalDiskFullError,
    JournalError,
    JournalFileError,
    JournalLockedError,
    JournalNewerSchemaError,
    JournalReadOnlyError,
    JournalValueError,
    PassphraseRequiredError,
    RecordNotFoundError,
    WrongPassphraseError,
)
from companion.models import ModelMissingError
from companion.safety.resources import ResourcesError
from companion.settings import SettingsError
from companion.sharing import IdentifiersFound

log = logging.getLogger(__name__)


class ServiceError(Exception):
    """Any failure of a call into the core, as the app sees it.

    Errors restored by :func:`from_wire` are instances of both this class and the
    core's own exception class. ``message`` is the text for the resident.
    """

    code: str = "internal"
    retryable: bool = False

    @property
    def message(self) -> str:
        return str(self)


class AppLockedError(ServiceError):
    """The app is locked: the passphrase must be typed again first."""

    code = "app_locked"
    retryable = True


class ServiceStoppedError(ServiceError):
    """The model process is not running (it exited, or was never started)."""

    code = "service_stopped"


class ProtocolError(ServiceError):
    """A line on the wire that breaks the protocol (unknown method, bad parameters)."""

    code = "protocol"


class ProtocolMismatchError(ProtocolError):
    """The model process speaks another protocol version than this app."""

    code = "protocol_mismatch"


class RequestCancelled(ServiceError):
    """The request was cancelled before it finished; it changed nothing."""

    code = "cancelled"
    retryable = True


class InternalError(ServiceError):
    """An unexpected failure; the traceback is in the log file."""

    code = "internal"


INTERNAL_MESSAGE = "Something went wrong in the companion. Details are in the log file."


@dataclass(frozen=True)
class ErrorKind:
    """One row of the error table: the code, its class, and what the resident reads."""

    code: str
    exception: type[BaseException]
    retryable: bool
    message: str = ""
    """Shown instead of the exception's own text ("" = show the exception's text)."""


# Most specific first: the first row whose class matches names the error.
ERRORS: tuple[ErrorKind, ...] = (
    ErrorKind("wrong_passphrase", WrongPassphraseError, True,
              "That passphrase is not right. Try again."),
    ErrorKind("passphrase_required", PassphraseRequiredError, True),
    ErrorKind("journal_in_use", JournalLockedError, True,
              "The journal is open in another companion window. Close it and retry."),
    ErrorKind("journal_disk_full", JournalDiskFullError, True),
    ErrorKind("journal_read_only", JournalReadOnlyError, True),
    ErrorKind("journal_cleanup_failed", JournalCleanupError, False),
    ErrorKind("journal_corrupt", JournalCorruptError, False),
    ErrorKind("journal_newer", JournalNewerSchemaError, False),
    ErrorKind("journal_file", JournalFileError, False),
    ErrorKind("record_not_found", RecordNotFoundError, False),
    ErrorKind("journal_value", JournalValueError, True),
    ErrorKind("journal", JournalError, False),
    ErrorKind("identifiers_found", IdentifiersFound, True),
    ErrorKind("agenda_invalid", AgendaError, True),
    ErrorKind("message_invalid", MessageError, True),
    ErrorKind("flow_invalid", FlowError, False),
    ErrorKind("checkin_invalid", CheckinError, True),
    ErrorKind("settings_invalid", SettingsError, True),
    ErrorKind("cards_invalid", CardError, False),
    ErrorKind("resources_invalid", ResourcesError, False),
    ErrorKind("model_missing", ModelMissingError, False),
    ErrorKind(AppLockedError.code, AppLockedError, True),
    ErrorKind(RequestCancelled.code, RequestCancelled, True),
    ErrorKind(ProtocolMismatchError.code, ProtocolMismatchError, False),
    ErrorKind(ProtocolError.code, ProtocolError, False),
    ErrorKind(ServiceStoppedError.code, ServiceStoppedError, False),
    ErrorKind("invalid_value", ValueError, True),
    ErrorKind("not_found", LookupError, False),
    ErrorKind(InternalError.code, InternalError, False, INTERNAL_MESSAGE),
)
BY_CODE: dict[str, ErrorKind] = {kind.code: kind for kind in ERRORS}


def kind_of(exc: BaseException) -> ErrorKind:
    """The table row for ``exc`` (internal for anything not listed)."""
    for kind in ERRORS:
        if isinstance(exc, kind.exception):
            return kind
    return BY_CODE[InternalError.code]


def to_wire(exc: BaseException) -> dict[str, Any]:
    """The error payload for ``exc``: stable code, resident's message, retryable."""
    kind = kind_of(exc)
    message = kind.message or str(exc) or kind.code
    if kind.code == InternalError.code and not isinstance(exc, InternalError):
        log.error("internal error", exc_info=exc)
    return {"code": kind.code, "message": message, "retryable": kind.retryable}


_RESTORED: dict[type[BaseException], type[ServiceError]] = {}


def _restored_class(cls: type[BaseException]) -> type[ServiceError]:
    """``cls`` mixed with ServiceError (cached), so both ``except`` clauses catch it."""
    if issubclass(cls, ServiceError):
        return cls
    if cls not in _RESTORED:
        mixed = type(cls.__name__, (cls, ServiceError), {"__module__": cls.__module__})
        _RESTORED[cls] = cast(type[ServiceError], mixed)
    return _RESTORED[cls]


def from_wire(payload: object) -> ServiceError:
    """The exception an error payload stands for (an unknown code is internal)."""
    data = payload if isinstance(payload, dict) else {}
    kind = BY_CODE.get(str(data.get("code", "")), BY_CODE[InternalError.code])
    message = str(data.get("message") or kind.message or INTERNAL_MESSAGE)
    cls = _restored_class(kind.exception)
    # The core's classes take other constructor arguments (a path, findings); the
    # restored error carries the message only, so it is built without __init__.
    exc = cls.__new__(cls)
    exc.args = (message,)
    exc.code = kind.code
    exc.retryable = bool(data.get("retryable", kind.retryable))
    return exc


def restore(exc: BaseException) -> ServiceError:
    """What the app would receive for ``exc`` raised in the model process."""
    return from_wire(to_wire(exc))
