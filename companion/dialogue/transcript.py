"""Writing the conversation to the journal, when the engine has one.

The engine runs without a journal in tests and evaluations; every write goes
through here so that "no journal" is decided in one place.
"""

from __future__ import annotations

from companion.dialogue.session import Session


class Transcript:
    """Messages and safety events of the open sessions, saved to ``journal`` (or nowhere)."""

    def __init__(self, journal=None):
        self.journal = journal

    def message(self, session: Session, role: str, text: str, level: str = "none",
                privacy: str | None = None) -> None:
        """Save one message; ``privacy`` is the resident's choice about identifiers in it."""
        if self.journal is None:
            return
        if privacy is None:
            self.journal.add_message(session.id, role, text, safety_level=level)
        else:
            self.journal.add_message(session.id, role, text, safety_level=level,
                                     privacy=privacy)

    def safety_event(self, session: Session, level: str, reasons: list[str]) -> None:
        if self.journal is not None:
            self.journal.record_safety_event(session.id, level, reasons)
