"""`companion match --mentors FILE.csv`: rank a program's mentors for your topics."""

from __future__ import annotations

import json
import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser("match", help="rank mentors on a roster for your topics")
    parser.add_argument("--mentors", required=True, help="CSV: name, specialty, interests, "
                        "capacity, and any free-text columns")
    parser.add_argument("--goals", default="", help="your goals, in your own words")
    parser.add_argument("--prefer", default="", help="a preference stated in plain words, "
                        "e.g. 'a woman mentor' (otherwise protected attributes never count)")
    parser.add_argument("--topics", default=None, help="comma-separated topic ids to use "
                        "instead of the accepted topics in your journal")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=match_command)


def _accepted_topics() -> list[tuple[str, str]]:
    from companion import paths
    from companion.commands.companion_api import open_companion

    if not paths.journal_path().exists():
        return []
    with open_companion() as core:
        return [(t.topic_id, t.title) for t in core.topics()
                if t.status in {"accepted", "shared"}]


def match_command(args) -> int:
    from companion.commands.companion_api import CommandFailed
    from companion.matching import RosterError, load_roster, rank_mentors
    from companion.taxonomy import load_topics, topic_label
    from companion.textnorm import strip_controls

    try:
        mentors = load_roster(args.mentors)
        if args.topics:
            known = load_topics()
            wanted = [t.strip() for t in args.topics.split(",") if t.strip()]
            unknown = [t for t in wanted if t not in known]
            if unknown:
                raise RosterError(f"unknown topic id(s): {', '.join(unknown)}")
            topics = [(t, topic_label(t)) for t in wanted]
        else:
            topics = _accepted_topics()
        matches = rank_mentors(mentors, topics, goals=args.goals, preference=args.prefer)
    except (RosterError, CommandFailed) as exc:
        print(f"companion match: {strip_controls(str(exc))}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"mentors": [m.to_dict() for m in matches]}, indent=2))
        return 0
    for rank, match in enumerate(matches, 1):  # names and words come from the roster file
        print(strip_controls(f"{rank}. {match.mentor.name} ({match.mentor.specialty}), "
                             f"score {match.score:.2f}: {match.explanation()}"))
    return 0
