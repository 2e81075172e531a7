"""Reflections: the dialogue engine's operations, each in one journal transaction.

A turn is undoable: a cancel (the app's ``cancel`` request) rolls back its
writes and the session's state, so a cancelled message leaves nothing behind.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from companion.dialogue.engine import Engine
from companion.dialogue.flows import load_flows
from companion.journal import JournalError
from companion.service.errors import RequestCancelled
from companion.service.local.loading import ModelOps
from companion.service.local.plan_ops import plan_view
from companion.service.results import (
    CheckAnswerId,
    FlowInfo,
    PrivacyChoice,
    SafetyPlanView,
    SessionSummary,
    TurnReply,
)
from companion.service.wire import convert
from companion.settings import Settings

TokenHandler = Callable[[str], None]


class ReflectionOps(ModelOps):
    """Start, go on with and end reflections on the dialogue engine."""

    def _engine_or_build(self) -> Engine:
        if self._engine is None:
            self._engine = Engine(journal=self._open_journal(), embedder=self._get_embedder(),
                                  retriever=self._load_retriever(),
                                  screener=self._get_screener(), generator=self._generator())
            self._engine.colleagues = tuple(Settings.load().colleagues)
        return self._engine

    def flows(self) -> list[FlowInfo]:
        """The reflection flows; read from the flow files while the engine is not built."""
        flows = self._engine.flows() if self._engine is not None else load_flows().values()
        return [FlowInfo(f.id, f.title, f.description) for f in flows]

    def start(self, flow_id: str) -> TurnReply:
        """Open a reflection on a flow: its opening words (and why the generator is off,
        when it is enabled but could not load)."""
        engine = self._engine_or_build()
        with self._open_journal().transaction():
            reply: TurnReply = convert(engine.start(flow_id), TurnReply)
        return replace(reply, generator_problem=self.generator_problem)

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
        if reply.state == "crisis":
            reply = replace(reply, plan=self._plan_for_crisis())
        return reply

    def _plan_for_crisis(self) -> SafetyPlanView | None:
        """The plan for the resources screen; a journal fault never delays the hotlines."""
        try:
            return plan_view(self._open_journal())
        except JournalError:
            return None

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
