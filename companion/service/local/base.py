"""What the groups of operations share: the journal, the models, the engine.

:class:`~companion.service.local.LocalCompanion` is made of one class per group
(reflection, records, safety plan, knowledge, agenda, journal state, models),
each in its own module; this base declares the state they all read, set up by
``LocalCompanion.__init__``, and opens the journal for them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from companion import paths
from companion.dialogue.engine import Engine
from companion.journal import Journal
from companion.service.errors import AppLockedError


class CoreBase:
    """The state every group of operations uses; methods to reach the journal."""

    _journal_path: Path | None
    _journal: Journal | None
    _passphrase: str | None
    _locked: bool
    """The app's idle lock: nothing opens until ``unlock``."""
    _engine: Engine | None
    """Built on first use; dropped when the settings it reads change."""
    _embedder: Any
    _retriever: Any
    _screener: Any
    _index_progress: Callable[[int, int], None] | None
    _models_lock: threading.Lock
    generator_problem: str
    """Why the optional generator is off although enabled ("" when fine or off)."""

    def _open_journal(self) -> Journal:
        if self._locked:
            raise AppLockedError("The app is locked. Type your passphrase to continue.")
        if self._journal is None:
            self._journal = Journal.open(self._journal_path, passphrase=self._passphrase)
        return self._journal

    def _close_journal(self) -> None:
        if self._journal is not None:
            self._journal.close()
        self._journal = None

    def _journal_file(self) -> Path:
        return self._journal_path or paths.journal_path()
