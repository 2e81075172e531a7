"""`companion screen TEXT [--json]`: run the safety screen on one message."""

from __future__ import annotations

import json
import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "screen", help="run the safety screen on a message (crisis / check / concern / none)")
    parser.add_argument("text", nargs="+",
                        help="the message to screen (quote it; '-' reads stdin)")
    parser.add_argument("--history", action="append", default=[], metavar="TEXT",
                        help="an earlier message, oldest first (repeatable)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=handler)


def handler(args) -> int:
    from companion.safety import ResourcesError, screen
    from companion.textio import text_from_arguments

    text = text_from_arguments(args.text, "screen")
    history = [text_from_arguments([earlier], "screen --history") for earlier in args.history]
    try:
        result = screen(text, history=history)
    except ResourcesError as exc:
        print(f"companion: crisis resources file is malformed: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
        return 0
    print(f"level: {result.level}")
    for reason in result.reasons:
        print(f"  - {reason}")
    if result.resources:
        print("\nIf you need someone now:")
        for resource in result.resources:
            print(f"  {resource.name}: {resource.contact}")
            print(f"    {resource.what} {resource.when}")
    return 0
