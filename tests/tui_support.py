"""Helpers shared by the Pilot tests: waiting on a condition, reading the screen."""

from __future__ import annotations

import time

from textual.widgets import Static


async def until(pilot, predicate, timeout: float = 120.0) -> None:
    """Let the app run until ``predicate()`` holds; wall-clock timeout (CI may be slow)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {predicate.__doc__ or predicate}")
        await pilot.pause(0.05)


def screen_name(app) -> str:
    return type(app.screen).__name__


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())
