"""The command line's way into the core: the typed API, in this process.

Commands that do what the app does (import a review, export the agenda) call
:class:`~companion.service.local.LocalCompanion`, the same implementation the
app's model process serves, so the rules live in one place. Opening it asks for
the passphrase when the journal is encrypted (``COMPANION_PASSPHRASE`` first).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from companion.service.local import LocalCompanion


@contextmanager
def open_companion() -> Iterator[LocalCompanion]:
    """The core with the journal open; closed (and the journal let go) on exit.

    Raises:
        CommandFailed: the journal is in use, damaged, or the passphrase is wrong.
    """
    from companion.commands.journal import CommandFailed, _ask_passphrase
    from companion.journal import JournalError
    from companion.service.local import LocalCompanion

    core = LocalCompanion()
    try:
        status = core.status()
        if status.state == "needs_passphrase":
            passphrase = os.environ.get("COMPANION_PASSPHRASE") or _ask_passphrase()
            try:
                core.unlock(passphrase)
            except JournalError as exc:
                raise CommandFailed(str(exc)) from exc
        elif status.state != "open":
            raise CommandFailed(status.message)
        yield core
    finally:
        core.close()
