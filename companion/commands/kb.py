"""`companion kb check|build`: validate the knowledge cards; (re)build the search index."""

from __future__ import annotations

import json
import sys


def register(subparsers) -> None:
    kb = subparsers.add_parser("kb", help="check the knowledge cards or build the search index")
    actions = kb.add_subparsers(dest="kb_command", metavar="ACTION")
    check = actions.add_parser("check", help="validate every card; counts per topic and audience")
    check.add_argument("--json", action="store_true", help="print one JSON object")
    check.set_defaults(handler=check_command)
    build = actions.add_parser("build", help="rebuild the search index from the cards")
    build.add_argument("--bundled", action="store_true",
                       help="rewrite the index shipped inside the package (after editing the "
                            "repository's cards)")
    build.set_defaults(handler=build_command)


def check_command(args) -> int:
    from companion.cards import check_cards
    from companion.safety.checks import safety_problems

    report = check_cards()
    safety = safety_problems()  # resources, every flow, the stance model
    if args.json:
        print(json.dumps({**report.to_dict(), "safety_problems": safety}, indent=2))
    else:
        for problem in report.errors:
            print(f"error: {problem}", file=sys.stderr)
        for problem in safety:
            print(f"error: {problem}", file=sys.stderr)
        print(f"{len(report.cards)} valid card(s), {len(report.errors)} error(s)")
        print("by topic:")
        for topic, count in report.by_topic.items():
            print(f"  {topic:<24} {count}")
        print("by audience: " + ", ".join(f"{k} {v}" for k, v in report.by_audience.items()))
    return 1 if report.errors or safety else 0


def build_command(args) -> int:
    from companion.retrieval.build import build_index_with_progress

    return build_index_with_progress(bundled=args.bundled)
