"""`companion suggest TEXT [--json]`: topics worth raising with a mentor, best first."""

from __future__ import annotations

import json
import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser("suggest", help="suggest mentor-meeting topics for a text")
    parser.add_argument("text", nargs="+", metavar="TEXT",
                        help="what the resident wrote (several words are joined; '-' reads "
                        "stdin)")
    parser.add_argument("--k", type=int, default=3, help="how many topics (default 3)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=suggest_command)


def suggest_command(args) -> int:
    from companion.dialogue.cleaning import MessageError
    from companion.dialogue.engine import Engine
    from companion.textio import text_from_arguments

    text = text_from_arguments(args.text, "suggest")
    try:
        topics = Engine().suggest(text, k=args.k)
    except MessageError as exc:
        print(f"companion: {exc}", file=sys.stderr)
        return 2
    if args.json:
        payload = {"topics": [
            {"id": t.topic_id, "title": t.title, "score": round(t.score, 4),
             "rationale": t.rationale, "cards": t.cards, "questions": t.questions}
            for t in topics]}
        print(json.dumps(payload, indent=2))
        return 0
    for rank, topic in enumerate(topics, 1):
        print(f"{rank}. {topic.title}  [{topic.topic_id}, score {topic.score:.2f}]")
        print(f"   {topic.rationale}")
        for card in topic.cards:
            print(f"   advice: {card['title']} ({card['id']})")
        for question in topic.questions:
            print(f"   ask: {question}")
    return 0
