"""`companion plan print PATH`: the resident's safety plan as Markdown, in a file they choose."""

from __future__ import annotations

import sys
from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser("plan", help="your plan for hard days (stays on this machine)")
    actions = parser.add_subparsers(dest="plan_action", metavar="ACTION")
    printing = actions.add_parser("print", help="write the plan as Markdown to a new file")
    printing.add_argument("path", type=Path, help="the new file to write (never an agenda)")
    printing.add_argument("--overwrite", action="store_true",
                          help="replace the file if it already exists")
    printing.set_defaults(handler=print_plan_command)


def print_plan_command(args) -> int:
    from companion.agenda import AgendaError
    from companion.commands.companion_api import CommandFailed, open_companion
    from companion.journal import JournalError

    try:
        with open_companion() as core:
            written = core.print_safety_plan(str(args.path), overwrite=args.overwrite)
    except (AgendaError, CommandFailed, JournalError, OSError) as exc:
        print(f"companion plan: {exc}", file=sys.stderr)
        return 1
    print(f"Your plan was written to {written}. It is a private copy: keep it somewhere safe.")
    return 0
