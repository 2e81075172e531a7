"""The typed API the app holds: one awaitable method per operation of the core.

Two implementations share every method below and differ only in ``_call``:
:class:`~companion.service.proxy.ProcessCompanion` sends the request to the
model process (the app), :class:`~companion.service.inprocess.InProcessCompanion`
runs it on a worker thread of this process (Pilot tests, tools). Both encode the
parameters, dispatch through :func:`companion.service.wire.dispatch` and decode
the result into the types named here, and both raise the core's exception
classes mixed with :class:`~companion.service.errors.ServiceError`.

Each method is the typed face of the :class:`~companion.service.local.LocalCompanion`
method of the same name (a test checks the two signatures agree); the docstrings
live there.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, Literal, cast

from companion.checkin import CheckinItem
from companion.journal import Checkin, SessionRecord, Topic
from companion.mentor_reviews import MentorReview
from companion.service.events import CoreEvent
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
    SafetyPlanView,
    SessionSummary,
    TurnReply,
)
from companion.settings import Settings, SettingsChanges
from companion.sharing import IdentifierFinding

TokenHandler = Callable[[str], None]
EventHandler = Callable[[CoreEvent], None]
"""Gets the implementation's events (models ready or failed, the core stopped), from any
thread; see :mod:`companion.service.events`."""


class CompanionAPI(ABC):
    """Everything the app may ask of the core."""

    @abstractmethod
    def connect(self, on_event: EventHandler) -> None:
        """Start (models load in the background) and send events to ``on_event``.

        Returns at once; :class:`ModelsReady` (or :class:`ModelsFailed`) follows.
        Connecting an implementation that is already ready sends ``ModelsReady`` again.
        """

    @abstractmethod
    async def _call(self, method: str, params: dict[str, Any],
                    on_token: TokenHandler | None = None) -> Any:
        """Run ``method`` with ``params``; return its result, typed by the method's hint."""

    @abstractmethod
    async def close(self) -> None:
        """Let go of the journal and any process or thread this implementation owns."""

    # -- journal state -----------------------------------------------------------
    async def status(self) -> JournalStatus:
        return cast(JournalStatus, await self._call("status", {}))

    async def unlock(self, passphrase: str) -> JournalStatus:
        return cast(JournalStatus, await self._call("unlock", {"passphrase": passphrase}))

    async def lock(self) -> JournalStatus:
        return cast(JournalStatus, await self._call("lock", {}))

    async def move_journal_aside(self) -> str:
        return cast(str, await self._call("move_journal_aside", {}))

    async def home(self) -> HomeInfo:
        return cast(HomeInfo, await self._call("home", {}))

    # -- dialogue ----------------------------------------------------------------
    async def flows(self) -> list[FlowInfo]:
        return cast(list[FlowInfo], await self._call("flows", {}))

    async def start(self, flow_id: str) -> TurnReply:
        return cast(TurnReply, await self._call("start", {"flow_id": flow_id}))

    async def turn(self, session_id: int, text: str, privacy: PrivacyChoice | None = None, *,
                   on_token: TokenHandler | None = None) -> TurnReply:
        params: dict[str, Any] = {"session_id": session_id, "text": text}
        if privacy is not None:
            params["privacy"] = privacy
        return cast(TurnReply, await self._call("turn", params, on_token))

    async def answer_check(self, session_id: int, answer: CheckAnswerId, *,
                           on_token: TokenHandler | None = None) -> TurnReply:
        return cast(TurnReply, await self._call(
            "answer_check", {"session_id": session_id, "answer": answer}, on_token))

    async def end(self, session_id: int) -> SessionSummary:
        return cast(SessionSummary, await self._call("end", {"session_id": session_id}))

    async def resume_after_crisis(self, session_id: int, safe: bool) -> TurnReply:
        return cast(TurnReply, await self._call("resume_after_crisis",
                                                {"session_id": session_id, "safe": safe}))

    async def submit_checkin(self, session_id: int, answers: dict[str, int]) -> TurnReply:
        return cast(TurnReply, await self._call("submit_checkin",
                                                {"session_id": session_id, "answers": answers}))

    # -- check-ins ---------------------------------------------------------------
    async def checkin_items(self) -> list[CheckinItem]:
        return cast(list[CheckinItem], await self._call("checkin_items", {}))

    async def add_checkin(self, answers: dict[str, int]) -> Checkin:
        return cast(Checkin, await self._call("add_checkin", {"answers": answers}))

    async def checkins(self) -> list[Checkin]:
        return cast(list[Checkin], await self._call("checkins", {}))

    # -- journal -----------------------------------------------------------------
    async def sessions(self, query: str = "") -> list[SessionRecord]:
        return cast(list[SessionRecord], await self._call("sessions", {"query": query}))

    async def session(self, session_id: int) -> SessionRecord:
        return cast(SessionRecord, await self._call("session", {"session_id": session_id}))

    async def topics(self, status: str | None = None) -> list[Topic]:
        return cast(list[Topic], await self._call("topics", {"status": status}))

    async def update_topic(self, topic_id: int, status: str | None = None,
                           title: str | None = None, rationale: str | None = None,
                           need: str | None = None, decision: str | None = None,
                           deadline: str | None = None) -> Topic:
        """Change a topic; ``need``, ``decision`` and ``deadline`` are what the resident
        plans to ask of the mentor ("" clears one, None leaves it)."""
        return cast(Topic, await self._call("update_topic", {
            "topic_id": topic_id, "status": status, "title": title, "rationale": rationale,
            "need": need, "decision": decision, "deadline": deadline}))

    async def move_topic(self, topic_id: int, step: int) -> list[Topic]:
        return cast(list[Topic], await self._call("move_topic",
                                                  {"topic_id": topic_id, "step": step}))

    # -- safety plan -------------------------------------------------------------
    async def safety_plan(self) -> dict[str, str]:
        return cast(dict[str, str], await self._call("safety_plan", {}))

    async def save_safety_plan(self, parts: dict[str, str]) -> dict[str, str]:
        return cast(dict[str, str], await self._call("save_safety_plan", {"parts": parts}))

    async def delete_safety_plan(self) -> bool:
        return cast(bool, await self._call("delete_safety_plan", {}))

    async def safety_plan_view(self) -> SafetyPlanView:
        return cast(SafetyPlanView, await self._call("safety_plan_view", {}))

    async def print_safety_plan(self, path: str, overwrite: bool = False) -> str:
        return cast(str, await self._call("print_safety_plan",
                                          {"path": path, "overwrite": overwrite}))

    async def plan_offer(self) -> bool:
        return cast(bool, await self._call("plan_offer", {}))

    async def answer_plan_offer(self, accepted: bool) -> None:
        await self._call("answer_plan_offer", {"accepted": accepted})

    # -- knowledge ---------------------------------------------------------------
    async def search_cards(self, query: str, k: int = 10, topic: str | None = None,
                           audience: str | None = None) -> list[CardHit]:
        return cast(list[CardHit], await self._call("search_cards", {
            "query": query, "k": k, "topic": topic, "audience": audience}))

    async def list_cards(self, topic: str | None = None,
                         audience: str | None = None) -> list[CardHit]:
        return cast(list[CardHit], await self._call("list_cards",
                                                    {"topic": topic, "audience": audience}))

    async def card(self, card_id: str) -> CardView:
        return cast(CardView, await self._call("card", {"card_id": card_id}))

    async def topic_labels(self) -> dict[str, str]:
        return cast(dict[str, str], await self._call("topic_labels", {}))

    # -- settings and data -------------------------------------------------------
    async def settings(self) -> Settings:
        return cast(Settings, await self._call("settings", {}))

    async def update_settings(self, changes: SettingsChanges) -> Settings:
        return cast(Settings, await self._call("update_settings", {"changes": changes}))

    async def set_passphrase(self, new: str) -> JournalStatus:
        return cast(JournalStatus, await self._call("set_passphrase", {"new": new}))

    async def change_passphrase(self, old: str, new: str) -> JournalStatus:
        return cast(JournalStatus, await self._call("change_passphrase",
                                                    {"old": old, "new": new}))

    async def remove_passphrase(self, old: str) -> JournalStatus:
        return cast(JournalStatus, await self._call("remove_passphrase", {"old": old}))

    async def delete_all(self) -> dict[str, int]:
        return cast(dict[str, int], await self._call("delete_all", {}))

    async def remove_journal_files(self) -> list[str]:
        return cast(list[str], await self._call("remove_journal_files", {}))

    async def delete_session(self, session_id: int) -> dict[str, int]:
        return cast(dict[str, int], await self._call("delete_session",
                                                     {"session_id": session_id}))

    async def export_journal(self, fmt: Literal["md", "json"]) -> str:
        return cast(str, await self._call("export_journal", {"fmt": fmt}))

    async def compact_journal(self) -> None:
        await self._call("compact_journal", {})

    # -- agenda ------------------------------------------------------------------
    async def agenda_identifiers(self,
                                 topic_ids: list[int] | None = None) -> list[IdentifierFinding]:
        return cast(list[IdentifierFinding], await self._call("agenda_identifiers",
                                                              {"topic_ids": topic_ids}))

    async def agenda_text(self, fmt: Literal["md", "json"], topic_ids: list[int] | None = None,
                          redact: bool = False, keep_identifiers: bool = False,
                          resident: str | None = None,
                          keep_wording: bool = False,
                          edits: dict[Any, dict[str, str]] | None = None,
                          minutes: int | None = None) -> AgendaText:
        return cast(AgendaText, await self._call("agenda_text", {
            "fmt": fmt, "topic_ids": topic_ids, "redact": redact,
            "keep_identifiers": keep_identifiers, "resident": resident,
            "keep_wording": keep_wording, "edits": edits, "minutes": minutes}))

    async def export_agenda(self, fmt: Literal["md", "json"], path: str,
                            topic_ids: list[int] | None = None, redact: bool = False,
                            keep_identifiers: bool = False,
                            overwrite: bool = False) -> ExportResult:
        return cast(ExportResult, await self._call("export_agenda", {
            "fmt": fmt, "path": path, "topic_ids": topic_ids, "redact": redact,
            "keep_identifiers": keep_identifiers, "overwrite": overwrite}))

    async def import_review(self, path: str) -> ReviewImport:
        return cast(ReviewImport, await self._call("import_review", {"path": path}))

    async def reviews(self) -> list[MentorReview]:
        return cast(list[MentorReview], await self._call("reviews", {}))
