"""`companion journal list|show|export|delete|move-aside|compact`: the resident's own data.

Each action is one small ``_add_<action>`` function registering a subparser and
its handler; :data:`ACTIONS` lists them, so a new action (e.g. ``import-review
FILE``) is one function plus one entry. Every action goes through the typed API
in this process (:mod:`companion.commands.companion_api`), which asks for the
passphrase when the journal is encrypted; journal errors become one clear line
on stderr.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from companion.commands.companion_api import CommandFailed, companion_core, open_companion
from companion.textnorm import strip_controls


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "journal", help="the private journal: list, show, export, delete sessions"
    )
    actions = parser.add_subparsers(dest="journal_command", metavar="ACTION")
    for add in ACTIONS:
        add(actions)


def _add_list(actions) -> None:
    parser = actions.add_parser("list", help="one line per session: id, date, flow, summary")
    parser.add_argument("--query", "-q", help="only sessions whose words contain this text")
    parser.set_defaults(handler=list_command)


def _add_show(actions) -> None:
    parser = actions.add_parser("show", help="one session with its messages and topics")
    parser.add_argument("id", type=int, help="session id (see `companion journal list`)")
    parser.set_defaults(handler=show_command)


def _add_export(actions) -> None:
    parser = actions.add_parser("export", help="everything, as Markdown (default) or JSON")
    parser.add_argument("--format", choices=("md", "json"), default="md")
    parser.add_argument("-o", "--output", type=Path, help="write to this file (mode 0600)")
    parser.set_defaults(handler=export_command)


def _add_delete(actions) -> None:
    parser = actions.add_parser("delete", help="delete one session, or everything with --all")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("id", type=int, nargs="?", help="session id to delete")
    target.add_argument("--all", action="store_true", help="delete the whole journal")
    parser.add_argument("--yes", "-y", action="store_true", help="do not ask to confirm")
    parser.set_defaults(handler=delete_command)


def _add_move_aside(actions) -> None:
    parser = actions.add_parser(
        "move-aside", help="keep a damaged journal under a new name and start afresh"
    )
    parser.set_defaults(handler=move_aside_command)


def _add_compact(actions) -> None:
    parser = actions.add_parser(
        "compact", help="rewrite the file so no old copy of changed or deleted text remains"
    )
    parser.set_defaults(handler=compact_command)


def _add_import_review(actions) -> None:
    parser = actions.add_parser(
        "import-review", help="record a mentor's reviewed agenda: meeting, topics, follow-ups"
    )
    parser.add_argument("file", type=Path, help="the reviewed agenda JSON from your mentor")
    parser.set_defaults(handler=import_review_command)


ACTIONS: list[Callable[[Any], None]] = [
    _add_list, _add_show, _add_export, _add_delete, _add_move_aside, _add_compact,
    _add_import_review,
]


def journal_path() -> Path:
    from companion.paths import journal_path as default_path

    return default_path()


def _guard(run: Callable[[Any], int]) -> Callable[[Any], int]:
    def handler(args) -> int:
        from companion.journal import JournalError

        try:
            return run(args)
        except (CommandFailed, JournalError) as exc:
            print(f"companion journal: {strip_controls(str(exc))}", file=sys.stderr)
            return 1

    handler.__doc__ = run.__doc__
    return handler


def _local(timestamp: str | None) -> str:
    """A stored UTC timestamp as local ``YYYY-MM-DD HH:MM``."""
    if not timestamp:
        return "not ended"
    from datetime import datetime

    return datetime.fromisoformat(timestamp).astimezone().strftime("%Y-%m-%d %H:%M")


def _no_journal_yet(path: Path) -> bool:
    if path.exists():
        return False
    print(f"No journal yet ({path}).")
    return True


@_guard
def list_command(args) -> int:
    path = journal_path()
    if _no_journal_yet(path):
        return 0
    with open_companion() as core:
        sessions = core.sessions(args.query or "")
    if not sessions:
        print("No sessions.")
    for session in sessions:
        print(strip_controls(f"{session.id:>4}  {_local(session.started_at)}  "
                             f"{session.flow:<20}  {session.summary_line()}"))
    return 0


@_guard
def show_command(args) -> int:
    path = journal_path()
    if _no_journal_yet(path):
        return 1
    with open_companion() as core:
        session = core.session(args.id)
        titles = {flow.id: flow.title for flow in core.flows()}
    print(strip_controls(session_text(session, titles)))  # pastes never drive the terminal
    return 0


def session_text(session, titles: dict[str, str]) -> str:
    """One session for reading in a terminal: title, local times, summary, talk, topics."""
    from companion.journal.display import (
        flow_title,
        local_time,
        speaker,
        summary_sentences,
    )

    ended = local_time(session.ended_at) or "not ended"
    lines = [f"Session {session.id}: {flow_title(session.flow, titles)}",
             f"Started {local_time(session.started_at)}, ended {ended}"]
    summary = summary_sentences(session)
    if summary:
        lines += ["", "Summary:", *[f"  {line}" for line in summary]]
    if session.topics:
        lines += ["", "Topics for your mentor:"]
        lines += [f"  - {topic.title} [{topic.status}]" for topic in session.topics]
    if session.messages:
        lines += ["", "Conversation:"]
    for message in session.messages:
        flag = f" [{message.safety_level}]" if message.safety_level != "none" else ""
        when = local_time(message.created_at, "%H:%M")
        lines.append(f"  [{when}] {speaker(message.role)}{flag}: {message.text}")
    return "\n".join(lines)


@_guard
def export_command(args) -> int:
    path = journal_path()
    if _no_journal_yet(path):
        return 1
    with open_companion() as core:
        text = core.export_journal(args.format)
    from companion.privacy.disclosure import export_note

    note = export_note(text)
    if note:
        print(f"companion journal export: {strip_controls(note)}", file=sys.stderr)
    if args.output is None:
        # the terminal shows it: text that came from files (imported reviews) or pastes
        # must not carry escape sequences; the file written with -o keeps every character
        sys.stdout.write(strip_controls(text))
        return 0
    _write_private(args.output, text)
    print(f"Exported the journal ({args.format}) to {args.output}", file=sys.stderr)
    return 0


def _write_private(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` readable by the owner only (0600)."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
    except (AttributeError, OSError):  # pragma: no cover - platforms without fchmod
        pass
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


@_guard
def delete_command(args) -> int:
    path = journal_path()
    if _no_journal_yet(path):
        return 0 if args.all else 1
    what = "the WHOLE journal" if args.all else f"session {args.id}"
    if not args.yes and sys.stdin.isatty():
        if input(f"Delete {what}? This cannot be undone. [y/N] ").strip().lower() != "y":
            print("Nothing deleted.")
            return 1
    with open_companion() as core:
        counts = core.delete_all() if args.all else core.delete_session(args.id)
        removed = core.remove_journal_files() if args.all else []
    print(f"Deleted {what}: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))
    for file in removed:
        print(f"Removed {file}")
    return 0


@_guard
def move_aside_command(args) -> int:
    path = journal_path()
    if _no_journal_yet(path):
        return 0
    with companion_core() as core:  # the journal is not opened: it may be damaged
        target = core.move_journal_aside()  # refused while another companion has it open
    print(f"Moved the journal aside to {target}; a fresh one will be created on next use.")
    return 0


@_guard
def compact_command(args) -> int:
    """Finish the clean-up a passphrase change or deletion could not (e.g. a full disk)."""
    path = journal_path()
    if _no_journal_yet(path):
        return 0
    with open_companion() as core:
        core.compact_journal()
    print("Compacted the journal: no old copies of changed or deleted entries remain in "
          f"{path}.")
    return 0


@_guard
def import_review_command(args) -> int:
    from companion.agenda import AgendaError

    try:
        with open_companion() as core:
            result = core.import_review(str(args.file))
    except AgendaError as exc:
        raise CommandFailed(str(exc)) from exc
    print(strip_controls(result.message))
    return 0
