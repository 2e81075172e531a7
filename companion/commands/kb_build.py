"""`companion kb build [--bundled]`: rebuild the search index, with a progress bar.

``--bundled`` writes the copy shipped inside the package (``companion/retrieval/bundled``)
from the bundled knowledge base: run it after editing cards in the repository, and a
test fails until you do.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from companion.retrieval.index import Progress


@contextmanager
def rich_progress(label: str = "embedding passages") -> Iterator[Progress]:
    """A rich progress bar on stderr, as a (done, total) callback for ``Retriever.open``.

    The bar appears only once the callback is first called, so a load that needs no
    build prints nothing.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
    from rich.progress import Progress as RichProgress

    bar = RichProgress(TextColumn(label), BarColumn(), MofNCompleteColumn(),
                   transient=True, console=Console(stderr=True))
    task = None

    def report(done: int, total: int) -> None:
        nonlocal task
        if task is None:
            bar.start()
            task = bar.add_task("embed", total=total)
        bar.update(task, completed=done, total=total)

    try:
        yield report
    finally:
        if task is not None:
            bar.stop()


def build_index_with_progress(bundled: bool = False) -> int:
    """Rebuild the persisted index now (or the shipped copy); returns the exit code."""
    from companion import models, paths
    from companion.cards import CardError, check_cards
    from companion.retrieval.asks import load_topic_examples
    from companion.retrieval.embedding import get_embedder
    from companion.retrieval.index import SHIPPED_DIR
    from companion.retrieval.retriever import Retriever

    if bundled and os.environ.get("COMPANION_KNOWLEDGE"):
        print("companion: --bundled indexes the repository's own cards; unset "
              "COMPANION_KNOWLEDGE first.", file=sys.stderr)
        return 2
    start = time.perf_counter()
    checked = check_cards()
    if checked.errors and bundled:  # the shipped index must hold every card
        print(f"companion: cannot build the index: {CardError(checked.errors)}", file=sys.stderr)
        return 1
    for problem in checked.errors:
        print(f"companion: warning: skipped {problem}", file=sys.stderr)
    cards = checked.cards
    if not cards:
        print("companion: no knowledge cards found; nothing to index.", file=sys.stderr)
        return 1
    try:
        embedder = get_embedder()
    except models.ModelMissingError as exc:
        print(f"companion: {exc}", file=sys.stderr)
        return 1
    target = SHIPPED_DIR if bundled else paths.index_dir()
    with rich_progress() as report:
        retriever = Retriever.open(cards=cards, embedder=embedder, index_dir=target,
                                   rebuild=True, progress=report, readonly=[],
                                   examples=load_topic_examples())
    print(f"indexed {len(retriever.cards)} cards ({retriever.index_kind} index) in "
          f"{time.perf_counter() - start:.1f} s -> {target}")
    return 0
