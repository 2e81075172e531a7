"""Helpers shared by the Pilot tests: waiting on a condition, reading the screen."""

from __future__ import annotations

import time

from textual.widgets import Static


async def until(pilot, predicate, timeout: float = 120.0) -> None:
    """Let the app run until ``predicate()`` holds; wall-clock timeout (CI may be slow)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {predicate.__doc__ or predicate}")
        await pilot.pause(0.05)


def screen_name(app) -> str:
    return type(app.screen).__name__


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


# -- the app on an in-process core with small fakes (fast Pilot tests) -------------
_FAKE_MODELS: dict[str, object] = {}


def fake_models() -> dict[str, object]:
    """A hashing embedder, the real cards indexed with it, the lexicon-only safety screen.

    Built once per test run (well under a second); every LocalCompanion made by
    :func:`fake_api` shares them, and gets its own journal in its own data folder.
    """
    if not _FAKE_MODELS:
        import tempfile
        from pathlib import Path

        from companion.retrieval.embedding import HashingEmbedder
        from companion.retrieval.retriever import Retriever
        from companion.safety import SafetyScreen

        embedder = HashingEmbedder(256)
        index_dir = Path(tempfile.mkdtemp(prefix="fake-index-"))
        _FAKE_MODELS.update(
            embedder=embedder,
            retriever=Retriever.open(embedder=embedder, index_dir=index_dir, readonly=[]),
            screener=SafetyScreen(embedder=False).screen,
        )
    return _FAKE_MODELS


def fake_api():
    """The typed API in-process, on :func:`fake_models` (no model process, no real model)."""
    from companion.service.inprocess import InProcessCompanion
    from companion.service.local import LocalCompanion

    return InProcessCompanion(LocalCompanion(**fake_models()))  # type: ignore[arg-type]
