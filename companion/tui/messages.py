"""Messages the app passes between its parts (small, plain data)."""

from __future__ import annotations

from typing import Any

from textual.message import Message


class ServiceEvent(Message):
    """An event line from the model process (hello, ready, load_failed, exit)."""

    def __init__(self, event: dict[str, Any]):
        super().__init__()
        self.event = event


class ModelsReady(Message):
    """The model process finished loading; ``problems`` names parts that failed."""

    def __init__(self, seconds: dict[str, float], problems: dict[str, str]):
        super().__init__()
        self.seconds = seconds
        self.problems = problems


class TokenStreamed(Message):
    """A piece of the reply the optional generator is writing for turn ``turn``."""

    def __init__(self, turn: int, text: str):
        super().__init__()
        self.turn = turn
        self.text = text
