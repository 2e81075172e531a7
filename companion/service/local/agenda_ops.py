"""The mentor agenda: identifiers to ask about, render, export, import a review.

Exporting marks the topics shared in the same transaction as writing the file,
so a file that cannot be written marks nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from companion.agenda import MEETING_MINUTES, load_agenda, write_new_file
from companion.mentor_reviews import MentorReview, mentor_reviews
from companion.service.local.base import CoreBase
from companion.service.results import AgendaText, ExportResult, ReviewImport
from companion.service.wire import convert
from companion.settings import Settings
from companion.sharing import IdentifierFinding, build_agenda, export_agenda, find_findings
from companion.sharing import import_review as record_review


class AgendaOps(CoreBase):
    """The mentor agenda: check, render, export; a mentor's review imported."""

    def agenda_identifiers(self, topic_ids: list[int] | None = None) -> list[IdentifierFinding]:
        """What to ask about before the agenda is exported: possible patient identifiers,
        then quotes that admit an error or give case facts (kind "admission"/"case-facts")."""
        return find_findings(self._agenda(topic_ids))

    def _agenda(self, topic_ids: list[int] | None, resident: str | None = None,
                edits: dict[Any, dict[str, str]] | None = None,
                minutes: int | None = None) -> Any:
        name = resident if resident is not None else Settings.load().resident_name
        # topic ids arrive as text when the call came over JSON
        changes = {int(k): dict(v) for k, v in (edits or {}).items()}
        return build_agenda(self._open_journal(), resident=name, topic_ids=topic_ids,
                            edits=changes, meeting_minutes=minutes or MEETING_MINUTES)

    def agenda_text(self, fmt: Literal["md", "json"], topic_ids: list[int] | None = None,
                    redact: bool = False, keep_identifiers: bool = False,
                    resident: str | None = None, keep_wording: bool = False,
                    edits: dict[Any, dict[str, str]] | None = None,
                    minutes: int | None = None) -> AgendaText:
        """The agenda rendered for the mentor; its topics are marked shared.

        ``edits`` per topic id (need, decision, deadline, ask, question, title,
        rationale) and the meeting's ``minutes`` are the resident's choices.

        Raises ``IdentifiersFound`` unless ``redact`` or ``keep_identifiers`` is set
        and the agenda holds possible patient identifiers, and ``DisclosuresFound``
        (a subclass) unless one of those or ``keep_wording`` is set and it quotes the
        resident admitting an error or giving case facts.
        """
        agenda = self._agenda(topic_ids, resident, edits, minutes)
        text = export_agenda(self._open_journal(), agenda, fmt, redact=redact,
                             keep_identifiers=keep_identifiers, keep_wording=keep_wording)
        return AgendaText(text, len(agenda.topics))

    def export_agenda(self, fmt: Literal["md", "json"], path: str,
                      topic_ids: list[int] | None = None, redact: bool = False,
                      keep_identifiers: bool = False, overwrite: bool = False) -> ExportResult:
        """Write the agenda (accepted topics, or ``topic_ids`` in order) to a new file.

        Raises ``IdentifiersFound`` unless ``redact`` or ``keep_identifiers`` is set
        and the agenda holds possible patient identifiers.
        """
        with self._open_journal().transaction():  # not marked shared if the file fails
            rendered = self.agenda_text(fmt, topic_ids, redact, keep_identifiers)
            written = write_new_file(Path(path).expanduser(), rendered.text,
                                     overwrite=overwrite)
        return ExportResult(str(written), rendered.topics)

    def import_review(self, path: str) -> ReviewImport:
        """Record a mentor-reviewed agenda file: the meeting, discussed topics, follow-ups."""
        done = record_review(self._open_journal(), load_agenda(Path(path).expanduser()))
        return convert(done, ReviewImport)

    def reviews(self) -> list[MentorReview]:
        """The mentor's imported reviews, newest first: per-topic outcome and notes,
        the meeting's notes and the agreed follow-ups (the resident's view of them)."""
        return mentor_reviews(self._open_journal())
