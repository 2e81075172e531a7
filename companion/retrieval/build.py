"""`companion kb build`: rebuild the search index from the cards, with a progress bar."""

from __future__ import annotations

import sys
import time


def build_index_with_progress() -> int:
    """Rebuild the persisted index now; returns the process exit code."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from companion import models
    from companion.cards import CardError, load_cards
    from companion.retrieval.embedding import get_embedder
    from companion.retrieval.retriever import Retriever

    start = time.perf_counter()
    try:
        cards = load_cards()
    except CardError as exc:
        print(f"companion: cannot build the index: {exc}", file=sys.stderr)
        return 1
    if not cards:
        print("companion: no knowledge cards found; nothing to index.", file=sys.stderr)
        return 1
    try:
        embedder = get_embedder()
    except models.ModelMissingError as exc:
        print(f"companion: {exc}", file=sys.stderr)
        return 1
    with Progress(TextColumn("embedding passages"), BarColumn(), MofNCompleteColumn(),
                  transient=True) as bar:
        task = bar.add_task("embed", total=None)

        def report(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        retriever = Retriever.open(cards=cards, embedder=embedder, rebuild=True,
                                   progress=report)
    from companion import paths

    print(f"indexed {len(retriever.cards)} cards ({retriever.index_kind} index) in "
          f"{time.perf_counter() - start:.1f} s -> {paths.index_dir()}")
    return 0
