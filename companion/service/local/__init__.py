"""LocalCompanion: every operation the app and the CLI ask of the core, in this process.

One typed method per operation; the hints on its parameters and result are the
wire schema (:mod:`companion.service.wire`), so this class is the one
implementation behind both the in-process API (tests, CLI) and the model process
(the app). It holds no rules of its own: it opens the journal, builds the
dialogue engine and the retriever, and delegates to them.

The operations come in groups, one module each: ``reflection_ops`` (the dialogue
engine), ``records_ops`` (sessions, check-ins, topics), ``plan_ops`` (the safety
plan), ``knowledge_ops`` (cards), ``agenda_ops`` (the mentor agenda),
``journal_state`` (open, lock, passphrase, delete) and ``loading`` (the models);
``base`` holds the state they share.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from companion.service.local.agenda_ops import AgendaOps
from companion.service.local.journal_state import JournalStateOps
from companion.service.local.knowledge_ops import KnowledgeOps
from companion.service.local.loading import ModelOps
from companion.service.local.plan_ops import SafetyPlanOps
from companion.service.local.records_ops import AGENDA_STATUSES, RecordOps
from companion.service.local.reflection_ops import ReflectionOps
from companion.settings import Settings, SettingsChanges

__all__ = ["AGENDA_STATUSES", "LocalCompanion"]


class LocalCompanion(ReflectionOps, RecordOps, SafetyPlanOps, KnowledgeOps, AgendaOps,
                     JournalStateOps, ModelOps):
    """The app's view of the core: journal, dialogue, retrieval, safety, privacy.

    Collaborators may be passed in (tests use a small fake embedder and the
    lexicon-only safety screen); by default the real ones load on first use.
    """

    NOT_ON_WIRE = frozenset({"warm_up", "close"})
    """Public methods the model process runs itself; a request cannot name them."""

    def __init__(self, journal_path: Path | None = None, *, embedder: Any = None,
                 retriever: Any = None, screener: Any = None,
                 index_progress: Callable[[int, int], None] | None = None) -> None:
        """
        Args:
            index_progress: called with (done, total) while the card index is built
                (a first use, or cards edited); the command line shows a progress bar.
        """
        self._journal_path = journal_path
        self._index_progress = index_progress
        self._journal = None
        self._engine = None
        self._embedder = embedder
        self._retriever = retriever
        self._screener = screener
        self._passphrase = None
        self._locked = False
        self._models_lock = threading.Lock()
        self.generator_problem = ""

    def close(self) -> None:
        """Let go of the journal (another window may open it)."""
        self._close_journal()
        self._engine = None

    def settings(self) -> Settings:
        return Settings.load()

    def update_settings(self, changes: SettingsChanges) -> Settings:
        settings = Settings.load().update(changes)
        settings.save()
        if "generator_enabled" in changes or "generator_path" in changes:
            self._engine = None  # the engine reads the generator setting when built
            self.generator_problem = ""  # said again when it next fails to load
        return settings
