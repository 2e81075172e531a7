"""The models behind the core: embedder, card index, safety screen, the optional generator.

Loaded on first use (or all at once by ``warm_up`` in the model process); the
tests pass small fakes instead. Nothing here touches the journal.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from companion.service.local.base import CoreBase
from companion.settings import Settings

log = logging.getLogger(__name__)


class ModelOps(CoreBase):
    """The embedder, card index, safety screen and generator, loaded on first use."""

    def warm_up(self) -> dict[str, Any]:
        """Load the models (embedder, card index, safety screen); check the knowledge files.

        Returns ``{"seconds": {step: s}, "problems": {step: message}}``; only a
        missing embedding model raises, since nothing works without it.
        """
        seconds: dict[str, float] = {}
        problems: dict[str, str] = {}
        start = time.perf_counter()
        self._get_embedder()
        seconds["embedder"] = time.perf_counter() - start
        for name, load in (("retriever", self._load_retriever), ("safety", self._load_safety)):
            step = time.perf_counter()
            try:
                load()
            except Exception as exc:  # noqa: BLE001 - reported to the app as a problem
                log.exception("warm-up step %s failed", name)
                problems[name] = str(exc) or exc.__class__.__name__
            seconds[name] = time.perf_counter() - step
        knowledge = self._knowledge_problems()
        if knowledge:
            problems["knowledge"] = knowledge
        seconds["total"] = time.perf_counter() - start
        return {"seconds": seconds, "problems": problems}

    @staticmethod
    def _knowledge_problems() -> str:
        """Broken card or flow files (skipped, the rest work), as one warning; "" if none."""
        from companion.knowledge import knowledge_problems, summary

        try:
            found = knowledge_problems()
        except Exception as exc:  # noqa: BLE001 - e.g. the topics file itself is broken
            log.exception("checking the knowledge files failed")
            return f"the knowledge files could not be checked: {exc}"
        return summary(found) if found else ""

    def _get_embedder(self) -> Any:
        if self._embedder is None:
            from companion.retrieval.embedding import get_embedder

            self._embedder = get_embedder()
        return self._embedder

    def _load_retriever(self) -> Any:
        with self._models_lock:
            if self._retriever is None:
                from companion.retrieval.retriever import Retriever

                self._retriever = Retriever.open(embedder=self._get_embedder(),
                                                 progress=self._index_progress)
            return self._retriever

    def _load_safety(self) -> None:
        self._get_screener()("warming up", ())

    def _get_screener(self) -> Any:
        if self._screener is None:
            from companion.safety import screen

            self._screener = screen
        return self._screener

    def _generator(self) -> Any:
        """The optional local generator when enabled in settings, else None."""
        settings = Settings.load()
        self.generator_problem = ""
        if not settings.generator_enabled:
            return None
        try:
            from companion.dialogue.generator import LocalGenerator

            if not settings.generator_path:
                raise ValueError("no generator model is set (settings: generator_path)")
            return LocalGenerator.load(settings.generator_path)
        except Exception as exc:  # noqa: BLE001 - reflection works without it
            log.exception("generator not loaded")
            self.generator_problem = f"The generator is off: {exc}"
            return None
