"""LocalCompanion: every operation the app and the CLI ask of the core, in this process.

One typed method per operation; the hints on its parameters and result are the
wire schema (:mod:`companion.service.wire`), so this class is the one
implementation behind both the in-process API (tests, CLI) and the model process
(the app). It holds no rules of its own: it opens the journal, builds the
dialogue engine and the retriever, and delegates to them.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from companion import paths
from companion.agenda import MEETING_MINUTES, load_agenda, write_new_file
from companion.cards import cards_for_topic, visible_to
from companion.checkin import CHECKIN_ITEMS, CheckinItem
from companion.dialogue.engine import Engine
from companion.dialogue.flows import load_flows
from companion.journal import (
    Checkin,
    Journal,
    JournalCleanupError,
    JournalLockedError,
    PassphraseRequiredError,
    SessionRecord,
    Topic,
    move_aside,
)
from companion.mentor_reviews import MentorReview, mentor_reviews
from companion.service.errors import AppLockedError, RequestCancelled
from companion.service.results import (
    AgendaText,
    CardHit,
    CardView,
    CheckAnswerId,
    ExportResult,
    FlowInfo,
    HomeInfo,
    JournalStatus,
    PrivacyChoice,
    ReviewImport,
    SessionSummary,
    TurnReply,
)
from companion.service.wire import convert
from companion.settings import Settings, SettingsChanges
from companion.sharing import IdentifierFinding, build_agenda, export_agenda, find_findings
from companion.sharing import import_review as record_review
from companion.taxonomy import load_topics, topic_label

log = logging.getLogger(__name__)
TokenHandler = Callable[[str], None]
AGENDA_STATUSES = ("accepted", "shared")
"""The topics the agenda screen lists (and reorders among)."""


class LocalCompanion:
    """The app's view of the core: journal, dialogue, retrieval, safety, privacy.

    Collaborators may be passed in (tests use a small fake embedder and the
    lexicon-only safety screen); by default the real ones load on first use.
    """

    NOT_ON_WIRE = frozenset({"warm_up", "close"})
    """Public methods the model process runs itself; a request cannot name them."""

    def __init__(self, journal_path: Path | None = None, *, embedder: Any = None,
                 retriever: Any = None, screener: Any = None) -> None:
        self._journal_path = journal_path
        self._journal: Journal | None = None
        self._engine: Engine | None = None
        self._embedder = embedder
        self._retriever = retriever
        self._screener = screener
        self._passphrase: str | None = None
        self._locked = False
        self._models_lock = threading.Lock()
        self.generator_problem = ""

    # -- lifecycle ---------------------------------------------------------------
    def warm_up(self) -> dict[str, Any]:
        """Load the models (embedder, card index, safety screen); check the knowledge files.

        Returns ``{"seconds": {step: s}, "problems": {step: message}}``; only a
        missing embedding model raises, since nothing works without it.
        """
        seconds: dict[str, float] = {}
        problems: dict[str, str] = {}
        start = time.perf_counter()
        self._get_embedder()
        seconds["embedder"] = time.perf_counter() - start
        for name, load in (("retriever", self._load_retriever), ("safety", self._load_safety)):
            step = time.perf_counter()
            try:
                load()
            except Exception as exc:  # noqa: BLE001 - reported to the app as a problem
                log.exception("warm-up step %s failed", name)
                problems[name] = str(exc) or exc.__class__.__name__
            seconds[name] = time.perf_counter() - step
        knowledge = self._knowledge_problems()
        if knowledge:
            problems["knowledge"] = knowledge
        seconds["total"] = time.perf_counter() - start
        return {"seconds": seconds, "problems": problems}

    @staticmethod
    def _knowledge_problems() -> str:
        """Broken card or flow files (skipped, the rest work), as one warning; "" if none."""
        from companion.knowledge import knowledge_problems, summary

        try:
            found = knowledge_problems()
        except Exception as exc:  # noqa: BLE001 - e.g. the topics file itself is broken
            log.exception("checking the knowledge files failed")
            return f"the knowledge files could not be checked: {exc}"
        return summary(found) if found else ""

    def close(self) -> None:
        """Let go of the journal (another window may open it)."""
        self._close_journal()
        self._engine = None

    def _get_embedder(self) -> Any:
        if self._embedder is None:
            from companion.retrieval.embedding import get_embedder

            self._embedder = get_embedder()
        return self._embedder

    def _load_retriever(self) -> Any:
        with self._models_lock:
            if self._retriever is None:
                from companion.retrieval.retriever import Retriever

                self._retriever = Retriever.open(embedder=self._get_embedder())
            return self._retriever

    def _load_safety(self) -> None:
        self._get_screener()("warming up", ())

    def _get_screener(self) -> Any:
        if self._screener is None:
            from companion.safety import screen

            self._screener = screen
        return self._screener

    # -- journal state -----------------------------------------------------------
    def status(self) -> JournalStatus:
        """The journal's state: open, needs_passphrase, locked, in_use or broken."""
        try:
            journal = self._open_journal()
        except AppLockedError as exc:
            return JournalStatus("locked", str(exc))
        except PassphraseRequiredError as exc:
            return JournalStatus("needs_passphrase", str(exc))
        except JournalLockedError as exc:
            return JournalStatus("in_use", str(exc))
        except Exception as exc:  # noqa: BLE001 - a journal that cannot open is reported
            return JournalStatus("broken", str(exc) or exc.__class__.__name__)
        return JournalStatus("open", encrypted=journal.is_encrypted,
                             generator_problem=self.generator_problem)

    def _open_journal(self) -> Journal:
        if self._locked:
            raise AppLockedError("The app is locked. Type your passphrase to continue.")
        if self._journal is None:
            self._journal = Journal.open(self._journal_path, passphrase=self._passphrase)
        return self._journal

    def unlock(self, passphrase: str) -> JournalStatus:
        """Open the journal with ``passphrase`` (a wrong one raises WrongPassphraseError)."""
        if self._journal is not None and self._locked:
            self._close_journal()
        opened = Journal.open(self._journal_path, passphrase=passphrase)
        self._journal, self._passphrase, self._locked = opened, passphrase, False
        return self.status()

    def lock(self) -> JournalStatus:
        """Forget the passphrase and close the journal until :meth:`unlock`."""
        self._close_journal()
        self._passphrase, self._locked, self._engine = None, True, None
        return JournalStatus("locked")

    def _close_journal(self) -> None:
        if self._journal is not None:
            self._journal.close()
        self._journal = None

    def move_journal_aside(self) -> str:
        """Move a damaged journal file aside (kept, renamed) so a fresh one can start."""
        self._close_journal()
        return str(move_aside(self._journal_path or paths.journal_path()))

    def home(self) -> HomeInfo:
        """What the home screen shows besides the flows."""
        days, follow_ups = None, []
        try:
            journal = self._open_journal()
        except AppLockedError:
            pass
        else:
            days = journal.days_since_last_meeting()
            follow_ups = journal.open_follow_ups()
        return HomeInfo(days, follow_ups, Settings.load().resident_name)

    # -- dialogue ----------------------------------------------------------------
    def _engine_or_build(self) -> Engine:
        if self._engine is None:
            self._engine = Engine(journal=self._open_journal(), embedder=self._get_embedder(),
                                  retriever=self._load_retriever(),
                                  screener=self._get_screener(), generator=self._generator())
            self._engine.colleagues = tuple(Settings.load().colleagues)
        return self._engine

    def _generator(self) -> Any:
        """The optional local generator when enabled in settings, else None."""
        settings = Settings.load()
        self.generator_problem = ""
        if not settings.generator_enabled:
            return None
        try:
            from companion.dialogue.generator import LocalGenerator

            if not settings.generator_path:
                raise ValueError("no generator model is set (settings: generator_path)")
            return LocalGenerator.load(settings.generator_path)
        except Exception as exc:  # noqa: BLE001 - reflection works without it
            log.exception("generator not loaded")
            self.generator_problem = f"The generator is off: {exc}"
            return None

    def flows(self) -> list[FlowInfo]:
        """The reflection flows; read from the flow files while the engine is not built."""
        flows = self._engine.flows() if self._engine is not None else load_flows().values()
        return [FlowInfo(f.id, f.title, f.description) for f in flows]

    def start(self, flow_id: str) -> TurnReply:
        """Open a reflection on a flow: its opening words."""
        engine = self._engine_or_build()
        with self._open_journal().transaction():
            return convert(engine.start(flow_id), TurnReply)

    def turn(self, session_id: int, text: str, privacy: PrivacyChoice | None = None, *,
             on_token: TokenHandler | None = None,
             cancel: threading.Event | None = None) -> TurnReply:
        """One resident message, in one call: safety, privacy, understanding, advice, save.

        Args:
            privacy: the resident's choice for a message holding possible patient
                identifiers. Without one (and without auto-redaction in the
                settings) such a message comes back as state ``privacy`` with
                the spans, and nothing is saved.
            on_token: gets each piece the optional generator streams. The reply is
                final only when this returns: guardrails may still replace the
                streamed words (``generator_fallback`` says why).
            cancel: set by a ``cancel`` request; the turn then stops and writes nothing.
        """
        engine = self._engine_or_build()
        choice = privacy or ("redact" if Settings.load().auto_redact else "ask")
        # The engine screens safety first, then privacy: a crisis never waits on the
        # identifiers question (it is saved redacted and the resources come at once).
        return self._reply(engine, session_id, cancel, lambda stream: engine.turn(
            session_id, text, on_token=stream, privacy=choice), on_token)

    def answer_check(self, session_id: int, answer: CheckAnswerId, *,
                     on_token: TokenHandler | None = None,
                     cancel: threading.Event | None = None) -> TurnReply:
        """The resident's answer to the safety check question (state "check")."""
        engine = self._engine_or_build()
        return self._reply(engine, session_id, cancel, lambda stream: engine.answer_check(
            session_id, answer, on_token=stream), on_token)

    def _reply(self, engine: Engine, session_id: int, cancel: threading.Event | None,
               run: Callable[[TokenHandler], Any], on_token: TokenHandler | None) -> TurnReply:
        """Run one engine step undoably and type its answer (with the words saved)."""

        def stream(piece: str) -> None:
            if cancel is not None and cancel.is_set():
                raise RequestCancelled("The message was cancelled; nothing was saved.")
            if on_token is not None:
                on_token(piece)

        turns = engine.session(session_id).resident_turns
        before = len(turns)
        with self._undoable(engine, session_id, cancel):
            result = run(stream)
        data = result.to_dict()
        privacy = data.pop("privacy", None) or {}
        data["identifiers"] = privacy.get("spans") or []
        data["privacy_applied"] = privacy.get("applied")
        data["said"] = turns[-1] if len(turns) > before else ""
        reply: TurnReply = convert(data, TurnReply)
        return reply

    @contextmanager
    def _undoable(self, engine: Engine, session_id: int,
                  cancel: threading.Event | None) -> Iterator[None]:
        """Run a turn in one journal transaction; a cancel undoes its writes and state."""
        state = engine.session(session_id)
        saved = {name: value if name == "flow" else copy.deepcopy(value)
                 for name, value in vars(state).items()}
        try:
            with self._open_journal().transaction():
                yield
                if cancel is not None and cancel.is_set():
                    raise RequestCancelled("The message was cancelled; nothing was saved.")
        except BaseException:
            vars(state).update(saved)
            raise

    def end(self, session_id: int) -> SessionSummary:
        """Close a reflection and save its summary."""
        engine = self._engine_or_build()
        with self._open_journal().transaction():
            return convert(engine.end(session_id), SessionSummary)

    def resume_after_crisis(self, session_id: int, safe: bool) -> TurnReply:
        """After the resources: go on with the flow if the resident is safe, else end."""
        engine = self._engine_or_build()
        with self._open_journal().transaction():
            return convert(engine.resume_after_crisis(session_id, safe=safe), TurnReply)

    def submit_checkin(self, session_id: int, answers: dict[str, int]) -> TurnReply:
        """The check-in answers given inside a flow; the flow goes on."""
        engine = self._engine_or_build()
        with self._open_journal().transaction():
            return convert(engine.submit_checkin(session_id, answers), TurnReply)

    # -- check-ins ---------------------------------------------------------------
    def checkin_items(self) -> list[CheckinItem]:
        return list(CHECKIN_ITEMS)

    def add_checkin(self, answers: dict[str, int]) -> Checkin:
        return self._open_journal().add_checkin(answers)

    def checkins(self) -> list[Checkin]:
        return self._open_journal().checkins()

    # -- journal -----------------------------------------------------------------
    def sessions(self, query: str = "") -> list[SessionRecord]:
        return self._open_journal().sessions(query or None)

    def session(self, session_id: int) -> SessionRecord:
        return self._open_journal().session(session_id)

    def topics(self, status: str | None = None) -> list[Topic]:
        return self._open_journal().topics(status)

    def update_topic(self, topic_id: int, status: str | None = None, title: str | None = None,
                     rationale: str | None = None) -> Topic:
        return self._open_journal().update_topic(topic_id, status=status, title=title,
                                                 rationale=rationale)

    def move_topic(self, topic_id: int, step: int) -> list[Topic]:
        """Move a topic up (negative) or down the agenda; one transaction."""
        return self._open_journal().move_topic(topic_id, step, among=AGENDA_STATUSES)

    # -- safety plan -------------------------------------------------------------
    def safety_plan(self) -> dict[str, str]:
        """The resident's safety plan, its non-empty parts by id (empty: none written)."""
        return self._open_journal().safety_plan()

    def save_safety_plan(self, parts: dict[str, str]) -> dict[str, str]:
        """Store the plan; all parts empty deletes it. Returns what was kept."""
        return self._open_journal().save_safety_plan(parts)

    def delete_safety_plan(self) -> bool:
        """Delete the plan; True when there was one."""
        return self._open_journal().delete_safety_plan()

    # -- knowledge ---------------------------------------------------------------
    def search_cards(self, query: str, k: int = 10, topic: str | None = None,
                     audience: str | None = None) -> list[CardHit]:
        hits = self._load_retriever().search(query, k=k, topic=topic or None,
                                             audience=audience or None)
        return [convert({**hit.to_dict(), "audience": hit.card.audience}, CardHit)
                for hit in hits]

    def list_cards(self, topic: str | None = None,
                   audience: str | None = None) -> list[CardHit]:
        """Every card (title order), optionally of one topic and audience; no body text."""
        if topic:
            cards = cards_for_topic(topic, audience or None)
        else:
            cards = [c for c in self._load_retriever().cards
                     if not audience or visible_to(c, audience)]
        listed = [CardHit(id=c.id, title=c.title, topic=c.topic, topics=list(c.all_topics),
                          audience=c.audience, sources=list(c.sources), now=c.now)
                  for c in cards]
        return sorted(listed, key=lambda c: c.title.casefold())

    def card(self, card_id: str) -> CardView:
        return convert(self._load_retriever().card(card_id), CardView)

    def topic_labels(self) -> dict[str, str]:
        return {topic_id: topic_label(topic_id) for topic_id in load_topics()}

    # -- settings and data -------------------------------------------------------
    def settings(self) -> Settings:
        return Settings.load()

    def update_settings(self, changes: SettingsChanges) -> Settings:
        settings = Settings.load().update(changes)
        settings.save()
        if "generator_enabled" in changes or "generator_path" in changes:
            self._engine = None  # the engine reads the generator setting when built
        return settings

    def set_passphrase(self, new: str) -> JournalStatus:
        with self._rekeying(new):
            self._open_journal().set_passphrase(new)
        return self.status()

    def change_passphrase(self, old: str, new: str) -> JournalStatus:
        with self._rekeying(new):
            self._open_journal().change_passphrase(old, new)
        return self.status()

    def remove_passphrase(self, old: str) -> JournalStatus:
        with self._rekeying(None):
            self._open_journal().remove_passphrase(old)
        return self.status()

    @contextmanager
    def _rekeying(self, new: str | None) -> Iterator[None]:
        """Remember ``new`` once the change is committed, even if only its clean-up failed."""
        try:
            yield
        except JournalCleanupError:
            self._passphrase = new  # committed: the error says so, the state must too
            raise
        self._passphrase = new

    def delete_all(self) -> dict[str, int]:
        """Delete every journal record; returns how many of each kind went."""
        counts = self._open_journal().delete_all()
        self._engine = None
        return counts

    # -- agenda ------------------------------------------------------------------
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
