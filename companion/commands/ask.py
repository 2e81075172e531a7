"""`companion ask TEXT [--k N] [--json]`: search the knowledge cards from the terminal."""

from __future__ import annotations

import json
import sys
import textwrap
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from companion.service.results import CardHit


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "ask", help="find the knowledge cards that fit a situation",
        description="Search the knowledge cards (offline) for advice that fits TEXT.")
    parser.add_argument("text", nargs="+", metavar="TEXT",
                        help="what is going on, in your words ('-' reads stdin)")
    parser.add_argument("--k", type=int, default=5, metavar="N",
                        help="how many cards to show (default 5)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=ask_command)


def format_hits(hits: list[CardHit]) -> str:
    """Readable terminal text: title, topics, what to do right now, the matching passage
    and its sources."""
    if not hits:
        return "No matching cards."
    from companion.taxonomy import topic_label

    blocks = []
    for rank, hit in enumerate(hits, start=1):
        topics = ", ".join(topic_label(t) for t in hit.topics)
        passage = textwrap.fill(hit.text, width=88, initial_indent="   ",
                                subsequent_indent="   ", max_lines=6, placeholder=" ...")
        sources = "\n".join(f"   Source: {source}" for source in hit.sources)
        now = f"   Right now: {hit.now}\n" if hit.now else ""
        blocks.append(f"{rank}. {hit.title}  [{topics}]  (score {hit.score or 0.0:.3f}, "
                      f"{hit.id})\n{now}{passage}\n{sources}")
    return "\n\n".join(blocks)


def hit_json(hit: CardHit) -> dict[str, object]:
    """One result of ``ask --json`` (the fields and order scripts rely on)."""
    return {"id": hit.id, "title": hit.title, "now": hit.now, "topic": hit.topic,
            "topics": hit.topics,
            "score": hit.score, "sources": hit.sources, "text": hit.text}


def ask_command(args) -> int:
    from companion import models
    from companion.cards import CardError
    from companion.commands.companion_api import companion_core
    from companion.commands.kb_build import rich_progress
    from companion.textio import text_from_arguments

    text = text_from_arguments(args.text, "ask").strip()
    if not text:
        print("companion: ask needs some text to search for.", file=sys.stderr)
        return 2
    if args.k < 1:
        print("companion: --k must be at least 1.", file=sys.stderr)
        return 2
    try:
        with rich_progress("first use: indexing the cards") as report, \
                companion_core(index_progress=report) as core:
            hits = core.search_cards(text, k=args.k)
    except (CardError, models.ModelMissingError) as exc:
        print(f"companion: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"query": text, "results": [hit_json(hit) for hit in hits]}, indent=2))
    else:
        print(format_hits(hits))
    return 0
