"""`companion kb check|build`: validate the cards and flows; (re)build the search index."""

from __future__ import annotations

import json
import sys


def register(subparsers) -> None:
    kb = subparsers.add_parser("kb", help="check the knowledge cards or build the search index")
    actions = kb.add_subparsers(dest="kb_command", metavar="ACTION")
    check = actions.add_parser("check", help="validate every card and flow; counts per topic and "
                                "audience")
    check.add_argument("--json", action="store_true", help="print one JSON object")
    check.set_defaults(handler=check_command)
    build = actions.add_parser("build", help="rebuild the search index from the cards")
    build.add_argument("--bundled", action="store_true",
                       help="rewrite the index shipped inside the package (after editing the "
                            "repository's cards)")
    build.set_defaults(handler=build_command)


def check_command(args) -> int:
    """Validate cards and flows; exit 1 when any file is broken (the app skips it).

    Organisation-only sources are warnings, not errors: the card still works; so are
    flow cards that are missing or for mentors (they are not shown).
    """
    from companion.cards import check_cards
    from companion.dialogue.flows import card_problems, check_flows
    from companion.safety.checks import safety_problems
    from companion.textnorm import strip_controls

    report = check_cards()
    flows = check_flows()
    flow_errors = [line for error in flows.errors for line in error.splitlines() if line]
    # A flow naming a missing or mentor-only card still works (the card is not shown).
    flow_warnings = card_problems(flows.flows, report.cards)
    safety = safety_problems()  # crisis resources and the stance model
    if args.json:
        print(json.dumps({**report.to_dict(), "flows": len(flows.flows),
                          "flow_errors": flow_errors, "flow_warnings": flow_warnings,
                          "safety_problems": safety}, indent=2))
    else:
        for problem in report.errors:
            print(strip_controls(f"error: {problem}"), file=sys.stderr)
        for line in flow_errors:
            print(strip_controls(f"error: flow {line}"), file=sys.stderr)
        for safety_problem in safety:
            print(strip_controls(f"error: {safety_problem}"), file=sys.stderr)
        for warning in report.warnings:
            print(strip_controls(f"warning: {warning}"), file=sys.stderr)
        for line in flow_warnings:
            print(strip_controls(f"warning: flow {line}"), file=sys.stderr)
        print(f"{len(report.cards)} valid card(s), {len(report.errors)} error(s), "
              f"{len(report.warnings)} source warning(s)")
        print(f"{len(flows.flows)} valid flow(s), {len(flow_errors)} error(s)")
        print("by topic:")
        for topic, count in report.by_topic.items():
            print(f"  {topic:<24} {count}")
        print("by audience: " + ", ".join(f"{k} {v}" for k, v in report.by_audience.items()))
    return 1 if report.errors or flow_errors or not flows.flows or safety else 0


def build_command(args) -> int:
    from companion.commands.kb_build import build_index_with_progress

    return build_index_with_progress(bundled=args.bundled)
