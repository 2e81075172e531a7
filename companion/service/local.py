"""LocalCompanion: the one facade the app talks to (through the model process).

Every public method takes and returns JSON-serialisable values, so the same
object can be called in-process by tests and over the JSON-lines protocol by the
app. It holds no domain logic of its own: it opens the journal, builds the
dialogue engine and the retriever, and delegates to them. Features whose module
is not installed raise :class:`NotAvailableError` with a plain message.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from companion import paths
from companion.service.convert import to_jsonable
from companion.settings import Settings

log = logging.getLogger(__name__)

PUBLIC_METHODS = frozenset({
    "ping", "status", "unlock", "lock", "journal_move_aside", "home",
    "flows", "start", "turn", "end", "resume_after_crisis", "answer_check", "submit_checkin",
    "privacy_scan", "redact",
    "checkin_items", "add_checkin", "checkins",
    "sessions", "session", "topics", "update_topic",
    "search_cards", "card", "topic_labels",
    "settings", "update_settings",
    "set_passphrase", "change_passphrase", "remove_passphrase", "delete_all",
    "agenda_available", "agenda_identifiers", "export_agenda", "import_review",
    "list_cards",
})
STREAMING_METHODS = frozenset({"turn", "answer_check"})
"""Methods that take an ``on_token`` callback; the server streams its pieces as events."""


class NotAvailableError(RuntimeError):
    """A feature whose module is not part of this installation (yet)."""


class LockedError(RuntimeError):
    """The journal is locked: the passphrase must be typed first."""


def _require(module: str, feature: str):
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            raise NotAvailableError(f"{feature} is not available in this version.") from exc
        raise


def _get(module: str, name: str, feature: str) -> Any:
    """``module.name``, or NotAvailableError while that part is not built."""
    try:
        return getattr(_require(module, feature), name)
    except AttributeError as exc:
        raise NotAvailableError(f"{feature} is not available in this version.") from exc


class LocalCompanion:
    """The app's view of the core: journal, dialogue, retrieval, safety, privacy."""

    def __init__(self, journal_path: Path | None = None):
        self._journal_path = journal_path
        self._journal: Any = None
        self._engine: Any = None
        self._retriever: Any = None
        self._passphrase: str | None = None
        self._locked = False
        self._models_lock = threading.Lock()

    # -- lifecycle ---------------------------------------------------------------
    def warm_up(self) -> dict[str, Any]:
        """Load the models (embedder, card index, safety screen).

        Returns ``{"seconds": {step: s}, "problems": {step: message}}``; only a
        missing embedding model raises, since nothing works without it.
        """
        seconds: dict[str, float] = {}
        problems: dict[str, str] = {}
        start = time.perf_counter()
        from companion.retrieval.embedding import get_embedder

        get_embedder()
        seconds["embedder"] = time.perf_counter() - start
        for name, load in (("retriever", self._load_retriever), ("safety", self._load_safety)):
            step = time.perf_counter()
            try:
                load()
            except Exception as exc:  # noqa: BLE001 - reported to the app as a problem
                log.exception("warm-up step %s failed", name)
                problems[name] = str(exc) or exc.__class__.__name__
            seconds[name] = time.perf_counter() - step
        seconds["total"] = time.perf_counter() - start
        return {"seconds": seconds, "problems": problems}

    def _load_retriever(self) -> Any:
        with self._models_lock:
            if self._retriever is None:
                retriever = _get("companion.retrieval", "Retriever", "The card index")
                self._retriever = retriever.open()
            return self._retriever

    def _load_safety(self) -> None:
        _get("companion.safety", "screen", "The safety screen")("warming up", ())

    def ping(self) -> str:
        return "pong"

    def status(self) -> dict[str, Any]:
        """The journal's state: open, needs_passphrase, locked, unavailable or broken."""
        try:
            self._open_journal()
        except LockedError as exc:
            return {"journal": "locked", "message": str(exc)}
        except NotAvailableError as exc:
            return {"journal": "unavailable", "message": str(exc)}
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            kind = exc.__class__.__name__
            state = {"PassphraseRequiredError": "needs_passphrase",
                     "JournalLockedError": "in_use"}.get(kind, "broken")
            return {"journal": state, "message": str(exc), "error": kind}
        return {"journal": "open", "encrypted": bool(self._journal_attr("is_encrypted", False)),
                "generator_problem": getattr(self, "generator_problem", "")}

    def _journal_attr(self, name: str, default: Any) -> Any:
        value = getattr(self._journal, name, default)
        return value() if callable(value) else value

    def _open_journal(self) -> Any:
        if self._locked:
            raise LockedError("The app is locked. Type your passphrase to continue.")
        if self._journal is None:
            journal = _get("companion.journal", "Journal", "The journal")
            self._journal = journal.open(self._journal_path, passphrase=self._passphrase)
        return self._journal

    def unlock(self, passphrase: str) -> dict[str, Any]:
        """Open the journal with ``passphrase`` (a wrong one raises WrongPassphraseError)."""
        journal = _get("companion.journal", "Journal", "The journal")
        if self._journal is not None and self._locked:
            self._close_journal()
        opened = journal.open(self._journal_path, passphrase=passphrase)
        self._journal, self._passphrase, self._locked = opened, passphrase, False
        return self.status()

    def lock(self) -> dict[str, Any]:
        """Forget the passphrase and close the journal until :meth:`unlock`."""
        self._close_journal()
        self._passphrase, self._locked, self._engine = None, True, None
        return {"journal": "locked"}

    def _close_journal(self) -> None:
        close = getattr(self._journal, "close", None)
        if callable(close):
            close()
        self._journal = None

    def journal_move_aside(self) -> dict[str, str]:
        """Move a damaged journal file aside (kept, renamed) so a fresh one can start."""
        move_aside = _get("companion.journal", "move_aside", "The journal")
        self._close_journal()
        moved = move_aside(self._journal_path or paths.journal_path())
        return {"moved_to": str(moved)}

    def home(self) -> dict[str, Any]:
        """What the home screen shows besides the flows."""
        days = follow_ups = None
        try:
            jr = self._open_journal()
            days = jr.days_since_last_meeting()
            follow_ups = to_jsonable(jr.open_follow_ups())
        except (NotAvailableError, LockedError):
            pass
        settings = Settings.load()
        return {"days_since_meeting": days, "follow_ups": follow_ups or [],
                "resident_name": settings.resident_name}

    # -- dialogue ----------------------------------------------------------------
    def _engine_or_build(self) -> Any:
        if self._engine is None:
            engine = _get("companion.dialogue.engine", "Engine", "The reflection engine")
            from companion.retrieval.embedding import get_embedder

            self._engine = engine(journal=self._open_journal(), embedder=get_embedder(),
                                  retriever=self._load_retriever(),
                                  generator=self._generator())
        return self._engine

    def _generator(self) -> Any:
        """The optional local generator when enabled in settings, else None."""
        settings = Settings.load()
        self.generator_problem = ""
        if not settings.generator_enabled:
            return None
        try:
            local = _get("companion.dialogue.generator", "LocalGenerator", "The generator")
            if not settings.generator_path:
                raise ValueError("no generator model is set (settings: generator_path)")
            return local.load(settings.generator_path)
        except Exception as exc:  # noqa: BLE001 - reflection works without it
            log.exception("generator not loaded")
            self.generator_problem = f"The generator is off: {exc}"
            return None

    def flows(self) -> list[dict[str, Any]]:
        """The reflection flows; read from the flow files while the engine is not built."""
        if self._engine is not None:
            flows = self._engine.flows()
        else:
            flows = list(_get("companion.dialogue.flows", "load_flows", "Reflection flows")()
                         .values())
        return [{"id": f.id, "title": f.title, "description": getattr(f, "description", "")}
                for f in flows]

    def start(self, flow_id: str) -> dict[str, Any]:
        return to_jsonable(self._engine_or_build().start(flow_id))

    def turn(self, session_id: Any, text: str,
             on_token: Callable[[str], None] | None = None,
             privacy: str = "redact") -> dict[str, Any]:
        """One resident turn; ``on_token`` gets each piece the optional generator streams.

        The reply is final only when this returns: guardrails may still replace the
        streamed words by the curated text (then ``generator_fallback`` says why).
        ``privacy``: "ask" returns state "privacy" with the spans when identifiers are
        found (nothing saved); "keep" or "redact" applies the resident's choice.
        """
        return to_jsonable(self._engine_or_build().turn(session_id, text, on_token=on_token,
                                                        privacy=privacy))

    def answer_check(self, session_id: Any, answer: str,
                     on_token: Callable[[str], None] | None = None) -> dict[str, Any]:
        """The resident's answer (yes / no / not_sure) to a turn in state "check"."""
        return to_jsonable(self._engine_or_build().answer_check(session_id, answer,
                                                                on_token=on_token))

    def end(self, session_id: Any) -> dict[str, Any]:
        return to_jsonable(self._engine_or_build().end(session_id))

    def resume_after_crisis(self, session_id: Any, safe: bool) -> dict[str, Any]:
        return to_jsonable(self._engine_or_build().resume_after_crisis(session_id, safe=safe))

    def submit_checkin(self, session_id: Any, answers: dict[str, Any]) -> dict[str, Any]:
        return to_jsonable(self._engine_or_build().submit_checkin(session_id, answers))

    # -- privacy -----------------------------------------------------------------
    def privacy_scan(self, text: str) -> list[dict[str, Any]]:
        return to_jsonable(_get("companion.privacy", "scan", "The privacy guard")(text))

    def redact(self, text: str, spans: list[dict[str, Any]] | None = None) -> str:
        scan = _get("companion.privacy", "scan", "The privacy guard")
        redact = _get("companion.privacy", "redact", "The privacy guard")
        found = scan(text)
        if spans is not None:  # keep only the spans the resident chose, as core objects
            wanted = {(s["start"], s["end"]) for s in spans}
            found = [s for s in found if (s.start, s.end) in wanted]
        return redact(text, found)

    # -- check-ins ---------------------------------------------------------------
    def checkin_items(self) -> list[dict[str, Any]]:
        return to_jsonable(_get("companion.checkin", "CHECKIN_ITEMS", "The check-in"))

    def add_checkin(self, answers: dict[str, Any]) -> Any:
        return to_jsonable(self._open_journal().add_checkin(answers))

    def checkins(self) -> list[Any]:
        return to_jsonable(self._open_journal().checkins())

    # -- journal -----------------------------------------------------------------
    def sessions(self, query: str = "") -> list[Any]:
        return to_jsonable(self._open_journal().sessions(query or None))

    def session(self, session_id: Any) -> Any:
        return to_jsonable(self._open_journal().session(session_id))

    def topics(self, status: str | None = None) -> list[Any]:
        return to_jsonable(self._open_journal().topics(status))

    def update_topic(self, topic_id: Any, **changes: Any) -> Any:
        allowed = {"status", "title", "rationale", "position"}
        unknown = sorted(set(changes) - allowed)
        if unknown:
            raise ValueError(f"update_topic: unknown field(s) {', '.join(unknown)}")
        return to_jsonable(self._open_journal().update_topic(topic_id, **changes))

    # -- knowledge ---------------------------------------------------------------
    def search_cards(self, query: str, k: int = 10, topic: str | None = None,
                     audience: str | None = None) -> list[dict[str, Any]]:
        hits = self._load_retriever().search(query, k=k, topic=topic or None,
                                             audience=audience or None)
        return [{**hit.to_dict(), "audience": hit.card.audience} for hit in hits]

    def list_cards(self, topic: str | None = None,
                   audience: str | None = None) -> list[dict[str, Any]]:
        """Every card (title order), optionally of one topic and audience; no body text."""
        cards = []
        for card in self._load_retriever().cards:
            if topic and topic not in card.all_topics:
                continue
            if audience and card.audience not in {audience, "both"}:
                continue
            cards.append({"id": card.id, "title": card.title, "topic": card.topic,
                          "topics": list(card.all_topics), "audience": card.audience,
                          "sources": list(card.sources), "score": None, "text": ""})
        return sorted(cards, key=lambda c: c["title"].casefold())

    def card(self, card_id: str) -> dict[str, Any]:
        return to_jsonable(self._load_retriever().card(card_id))

    def topic_labels(self) -> dict[str, str]:
        from companion.taxonomy import load_topics, topic_label

        return {topic_id: topic_label(topic_id) for topic_id in load_topics()}

    # -- settings and data -------------------------------------------------------
    def settings(self) -> dict[str, Any]:
        return asdict(Settings.load())

    def update_settings(self, **changes: Any) -> dict[str, Any]:
        settings = Settings.load()
        known = {f.name for f in fields(Settings)}
        for name, value in changes.items():
            if name not in known:
                raise ValueError(f"unknown setting '{name}'")
            expected = type(getattr(settings, name))
            if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                raise ValueError(f"setting '{name}' must be {expected.__name__}, got {value!r}")
            setattr(settings, name, value)
        settings.save()
        if "generator_enabled" in changes or "generator_path" in changes:
            self._engine = None  # the engine reads the generator setting when built
        return asdict(settings)

    def set_passphrase(self, new: str) -> dict[str, Any]:
        self._open_journal().set_passphrase(new)
        self._passphrase = new
        return self.status()

    def change_passphrase(self, old: str, new: str) -> dict[str, Any]:
        self._open_journal().change_passphrase(old, new)
        self._passphrase = new
        return self.status()

    def remove_passphrase(self, old: str) -> dict[str, Any]:
        self._open_journal().remove_passphrase(old)
        self._passphrase = None
        return self.status()

    def delete_all(self, confirm: str) -> dict[str, Any]:
        """Delete every journal record; ``confirm`` must be the word DELETE."""
        if confirm != "DELETE":
            raise ValueError("Type DELETE to confirm deleting all your data.")
        self._open_journal().delete_all()
        self._engine = None
        return self.status()

    # -- agenda ----------------------------------------------------------------
    def agenda_available(self) -> bool:
        try:
            _get("companion.sharing", "export_agenda", "Agenda export")
        except NotAvailableError:
            return False
        return True

    def _agenda(self, topic_ids: list[int] | None) -> Any:
        build = _get("companion.sharing", "build_agenda", "Agenda export")
        return build(self._open_journal(), resident=Settings.load().resident_name,
                     topic_ids=topic_ids)

    def agenda_identifiers(self, topic_ids: list[int] | None = None) -> list[dict[str, str]]:
        """Possible patient identifiers in the agenda that would be exported."""
        find = _get("companion.sharing", "find_identifiers", "Agenda export")
        return to_jsonable(find(self._agenda(topic_ids)))

    def export_agenda(self, fmt: str, path: str, topic_ids: list[int] | None = None,
                      redact: bool = False, keep_identifiers: bool = False,
                      overwrite: bool = False) -> dict[str, Any]:
        """Write the agenda (accepted topics, or ``topic_ids`` in order) to a new file.

        Raises ``IdentifiersFound`` unless ``redact`` or ``keep_identifiers`` is set
        and the agenda holds possible patient identifiers.
        """
        export = _get("companion.sharing", "export_agenda", "Agenda export")
        write = _get("companion.agenda", "write_new_file", "Agenda export")
        agenda = self._agenda(topic_ids)
        text = export(self._open_journal(), agenda, fmt, redact=redact,
                      keep_identifiers=keep_identifiers)
        written = write(Path(path).expanduser(), text, overwrite=overwrite)
        return {"path": str(written), "topics": len(agenda.topics)}

    def import_review(self, path: str) -> dict[str, Any]:
        """Record a mentor-reviewed agenda file: the meeting, discussed topics, follow-ups."""
        load = _get("companion.agenda", "load_agenda", "Review import")
        record = _get("companion.sharing", "import_review", "Review import")
        return to_jsonable(record(self._open_journal(), load(Path(path).expanduser())))
