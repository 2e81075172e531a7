"""`companion export agenda [--format md|json] [-o FILE]`: the agenda for a mentor."""

from __future__ import annotations

import sys
from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser("export", help="export what you choose to share")
    kinds = parser.add_subparsers(dest="export_kind", metavar="WHAT")
    agenda = kinds.add_parser("agenda", help="the mentor-meeting agenda from accepted topics")
    agenda.add_argument("--format", choices=("md", "json"), default="md")
    agenda.add_argument("-o", "--output", type=Path, help="write to this new file")
    agenda.add_argument("--resident", default=None,
                        help="your name or initials as you want them printed")
    agenda.add_argument("--topics", default=None,
                        help="comma-separated topic ids in the order wanted (default: accepted)")
    choice = agenda.add_mutually_exclusive_group()
    choice.add_argument("--redact", action="store_true",
                        help="replace detected patient identifiers with tags")
    choice.add_argument("--keep-identifiers", action="store_true",
                        help="export even though possible identifiers were found")
    agenda.add_argument("--keep-wording", action="store_true",
                        help="export even though a topic admits an error or gives case facts")
    agenda.add_argument("--minutes", type=int, default=None,
                        help="the meeting's length in minutes (default 60)")
    agenda.add_argument("--need", action="append", default=[], metavar="ID=NEED",
                        help="what you need from your mentor on topic ID: "
                             "listen, advise, advocate, introduce or sponsor")
    agenda.add_argument("--decision", action="append", default=[], metavar="ID=TEXT",
                        help="the decision you need on topic ID")
    agenda.add_argument("--deadline", action="append", default=[], metavar="ID=DATE",
                        help="the deadline for topic ID (YYYY-MM-DD)")
    agenda.set_defaults(handler=export_agenda_command)


def topic_edits(args) -> dict[int, dict[str, str]]:
    """--need/--decision/--deadline ID=VALUE as build_agenda's edits; ValueError if malformed."""
    edits: dict[int, dict[str, str]] = {}
    for field in ("need", "decision", "deadline"):
        for item in getattr(args, field):
            key, sep, value = item.partition("=")
            if not sep or not key.strip().isdigit() or not value.strip():
                raise ValueError(f"--{field} takes ID=VALUE such as 3=...; got {item!r}")
            edits.setdefault(int(key), {})[field] = value.strip()
    return edits


def export_agenda_command(args) -> int:
    from companion.agenda import AgendaError, write_new_file
    from companion.commands.companion_api import CommandFailed, open_companion
    from companion.journal import JournalError
    from companion.sharing import IdentifiersFound

    try:
        topic_ids = [int(t) for t in args.topics.split(",")] if args.topics else None
    except ValueError:
        print("companion export: --topics takes numbers such as 3,1,2", file=sys.stderr)
        return 2
    try:
        edits = topic_edits(args)
    except ValueError as exc:
        print(f"companion export: {exc}", file=sys.stderr)
        return 2
    try:
        with open_companion() as core:
            rendered = core.agenda_text(args.format, topic_ids, redact=args.redact,
                                        keep_identifiers=args.keep_identifiers,
                                        resident=args.resident,
                                        keep_wording=args.keep_wording,
                                        edits=edits or None, minutes=args.minutes)
        if not rendered.topics:
            print("companion export: no accepted topics yet. Accept suggested topics in "
                  "a reflection first.", file=sys.stderr)
            return 1
        text = rendered.text
    except IdentifiersFound as exc:
        print(f"companion export: nothing written: {exc}", file=sys.stderr)
        return 1
    except (AgendaError, CommandFailed, JournalError) as exc:
        print(f"companion export: {exc}", file=sys.stderr)
        return 1
    if args.output:
        try:
            path = write_new_file(args.output, text)
        except AgendaError as exc:
            print(f"companion export: {exc}", file=sys.stderr)
            return 1
        print(f"Agenda with {rendered.topics} topic(s) written to {path}")
    else:
        from companion.textnorm import strip_controls

        sys.stdout.write(strip_controls(text))  # the terminal shows it: no escape sequences
    return 0
