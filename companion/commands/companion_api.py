"""The command line's way into the core: the typed API, in this process.

Commands that read or change the resident's data (list, show, export or delete
sessions, import a review, export the agenda, search the cards) call
:class:`~companion.service.local.LocalCompanion`, the same implementation the
app's model process serves, so the rules live in one place and the errors are
the core's own exception classes with their stable codes
(:mod:`companion.service.errors`). Commands never open the journal file or the
card index themselves; ``tests/test_import_hygiene.py`` checks that.

Opening the core asks for the passphrase when the journal is encrypted
(``COMPANION_PASSPHRASE`` first, then ``getpass``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from companion.service.local import LocalCompanion


class CommandFailed(Exception):
    """A message already fit for the user; the handler returns exit code 1."""


def ask_passphrase() -> str:
    """The journal passphrase, typed at the terminal.

    Raises:
        CommandFailed: there is no terminal to type it in.
    """
    import getpass

    try:
        return getpass.getpass("Journal passphrase: ")
    except EOFError as exc:
        raise CommandFailed(
            "The journal is encrypted: type the passphrase, or set COMPANION_PASSPHRASE."
        ) from exc


@contextmanager
def companion_core(*, index_progress: Callable[[int, int], None] | None = None,
                   ) -> Iterator[LocalCompanion]:
    """The core with nothing opened yet (for commands that work on a damaged journal
    or need no journal at all); closed on exit.

    Args:
        index_progress: called with (done, total) while the card index is built on
            first use (a progress bar).
    """
    from companion.service.local import LocalCompanion

    core = LocalCompanion(index_progress=index_progress)
    try:
        yield core
    finally:
        core.close()


@contextmanager
def open_companion() -> Iterator[LocalCompanion]:
    """The core with the journal open; closed (and the journal let go) on exit.

    Raises:
        CommandFailed: the journal is in use, damaged, or the passphrase is wrong.
    """
    from companion.journal import JournalError

    with companion_core() as core:
        status = core.status()
        if status.state == "needs_passphrase":
            passphrase = os.environ.get("COMPANION_PASSPHRASE") or ask_passphrase()
            try:
                core.unlock(passphrase)
            except JournalError as exc:
                raise CommandFailed(str(exc)) from exc
        elif status.state != "open":
            raise CommandFailed(status.message)
        yield core
