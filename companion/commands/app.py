"""Open the Textual app (the default when `companion` has no subcommand)."""

from __future__ import annotations

from companion.cli import not_built


def run_app(review_file: str | None = None) -> int:
    try:
        from companion.tui.app import run
    except ImportError:
        return not_built("the app")
    return run(review_file=review_file)
