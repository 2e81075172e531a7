"""Messages the app passes between its parts (small, plain data)."""

from __future__ import annotations

from textual.message import Message

from companion.service.events import CoreEvent


class ServiceEvent(Message):
    """An event of the core: models ready or failed, the model process stopped."""

    def __init__(self, event: CoreEvent):
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
