"""The command-line face of Resident Companion (argparse, thin).

Each subcommand lives in ``companion/commands/<name>.py`` with a ``register``
function; handlers import the core lazily so ``companion --help`` stays instant.
A handler returns the process exit code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from companion import __version__
from companion.models import configure_offline

COMMAND_MODULES = (
    "review", "ask", "screen", "suggest", "kb", "eval_cmd", "journal", "export",
    "bench", "doctor", "redact", "match", "plan",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="companion",
        description="A private, offline reflection companion for medical residents. "
        "With no subcommand it opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"companion {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    import importlib

    for name in COMMAND_MODULES:
        module = importlib.import_module(f"companion.commands.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    configure_offline()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from companion.commands.app import run_app

        return run_app()
    handler = getattr(args, "handler", None)
    if handler is None:  # a group such as `kb` without its action
        parser.parse_args([*(argv if argv is not None else sys.argv[1:]), "--help"])
        return 2
    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `companion kb check | head`
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
