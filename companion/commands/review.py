"""`companion review FILE`: open the app in mentor mode on a shared agenda."""

from __future__ import annotations

import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser("review", help="mentor mode: review a shared agenda file")
    parser.add_argument("file", help="the agenda JSON the resident shared")
    parser.set_defaults(handler=review_command)


def review_command(args) -> int:
    from companion.agenda import AgendaError, load_agenda
    from companion.textnorm import strip_controls

    try:
        load_agenda(args.file)  # refuse a bad file before any screen opens
    except AgendaError as exc:
        print(f"companion review: {strip_controls(str(exc))}", file=sys.stderr)
        return 1
    from companion.commands.app import run_app

    return run_app(review_file=args.file)
