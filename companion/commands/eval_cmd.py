"""`companion eval retrieval|safety|suggest|conversations|privacy FILE [--json]`: figures."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

# subcommand -> (module, function returning a JSON-ready dict, function printing it)
EVALUATORS = {
    "retrieval": ("companion.retrieval.evaluation", "evaluate_retrieval", "format_report"),
    "safety": ("companion.safety.evaluation", "evaluate_safety", "format_report"),
    "suggest": ("companion.dialogue.evaluation", "evaluate_suggest", "format_report"),
    "conversations": ("companion.dialogue.conversation_eval", "evaluate_conversations",
                      "format_report"),
    "privacy": ("companion.privacy.evaluation", "evaluate_privacy", "format_report"),
}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "eval", help="measure retrieval, safety, suggestions, conversations or privacy on JSONL")
    kinds = parser.add_subparsers(dest="eval_kind", metavar="KIND")
    for kind in EVALUATORS:
        sub = kinds.add_parser(kind, help=f"evaluate {kind} on a JSONL file")
        sub.add_argument("file", help="JSONL file of labelled items")
        sub.add_argument("--json", action="store_true", help="print one JSON object")
        sub.set_defaults(handler=run_eval, eval_kind=kind)


def run_eval(args) -> int:
    if not Path(args.file).is_file():
        print(f"companion: evaluation file not found: {args.file}", file=sys.stderr)
        return 2
    module_name, evaluate_name, format_name = EVALUATORS[args.eval_kind]
    module = importlib.import_module(module_name)
    evaluate = getattr(module, evaluate_name)
    try:
        report = evaluate(args.file)
    except ValueError as exc:
        print(f"companion: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(getattr(module, format_name)(report))
    return 0
