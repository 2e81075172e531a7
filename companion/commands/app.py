"""Open the Textual app (the default when `companion` has no subcommand)."""

from __future__ import annotations


def run_app(review_file: str | None = None) -> int:
    from companion.tui.app import run

    return run(review_file=review_file)
