"""Reflection: the conversation, a multi-line input, and a side panel of advice and topics.

Each message goes to the turn, which screens it for safety first and then for
patient identifiers: if any are found (and the setting does not redact
automatically) the resident chooses before anything is saved; a crisis answer
replaces the flow with the resources screen at once, a `check` asks one direct
question first. While a turn runs, a "companion is writing…" placeholder grows
with the pieces the optional generator streams (they come as messages, so no
widget is touched off the UI thread); the final reply replaces it. All domain
work happens in the model process.
"""

from __future__ import annotations

import asyncio
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, TextArea

from companion.service.client import ServiceError
from companion.tui.messages import TokenStreamed
from companion.tui.widgets.advice_list import AdviceList
from companion.tui.widgets.conversation import REVIEWED_NOTE, Conversation
from companion.tui.widgets.topic_list import TopicList

HINT = "ctrl+s send · tab to the advice and topics · ctrl+e end · esc home"


class ReflectionScreen(Screen):
    """One guided reflection on one flow."""

    BINDINGS = [
        # Not priority bindings: the key must queue behind the characters typed just
        # before it, or a fast typist (or a paste) loses the end of the message.
        Binding("ctrl+s", "send", "Send"),
        Binding("ctrl+enter", "send", "Send", show=False),
        Binding("ctrl+e", "end", "End session"),
        Binding("ctrl+k", "checkin", "Check-in", show=False),
        Binding("escape", "leave", "Home"),
    ]

    def __init__(self, flow: dict[str, Any]):
        super().__init__()
        self.flow = flow
        self.session_id: Any = None
        self.state = "starting"
        self.topics: dict[Any, dict[str, Any]] = {}
        self.pending_checkin: dict[str, Any] | None = None
        self._turn = 0  # numbers the turns, so late pieces of an old one are dropped

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="reflection"):
            with Vertical(id="conversation-column"):
                yield Conversation(id="conversation")
                yield TextArea(id="message-input", soft_wrap=True, show_line_numbers=False,
                               placeholder="Write here, as many lines as you like…")
                yield Static(HINT, id="turn-status", classes="hint")
            with Vertical(id="side-panel"):
                yield Static("Advice", classes="section-title")
                yield AdviceList(id="advice")
                yield Static("Topics for your mentor", classes="section-title")
                yield TopicList(id="topics")
                yield Static("a accept · e edit · d dismiss", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.flow.get("title", "Reflection")
        self.query_one(AdviceList).show([], {})
        self.query_one(TopicList).show([])
        self.query_one("#message-input", TextArea).focus()
        self.start_session()

    def _status(self, text: str) -> None:
        self.query_one("#turn-status", Static).update(text or HINT)

    @property
    def _app(self) -> Any:
        return self.app

    @work(exclusive=True, group="turn", exit_on_error=False)
    async def start_session(self) -> None:
        loading = self._app.models_state == "loading"
        self._status("Opening the reflection (the models are still loading)…" if loading
                     else "Opening the reflection…")
        try:
            result = await self._app.core("start", flow_id=self.flow["id"])
        except ServiceError as exc:
            self._app.report(exc, "starting the reflection")
            self._status("")
            return
        self.session_id = result["session_id"]
        await self.show_result(result)

    # -- sending -----------------------------------------------------------------
    def action_send(self) -> None:
        area = self.query_one("#message-input", TextArea)
        text = area.text.strip()
        if not text or self.session_id is None or self.state not in {"active"}:
            return
        self.send_message(text)

    @work(exclusive=True, group="turn", exit_on_error=False)
    async def send_message(self, text: str) -> None:
        # Safety first: the turn screens the message before the privacy scan, so a
        # crisis shows the resources at once whatever happens to the identifiers.
        privacy = "redact" if self._app.settings.get("auto_redact") else "ask"
        result = await self._send_turn(text, privacy)
        if result is None:
            return
        if result.get("state") == "privacy":
            from companion.tui.screens.privacy import PrivacyDialog

            spans = (result.get("privacy") or {}).get("spans") or []
            choice = await self._app.push_screen_wait(PrivacyDialog(text, spans))
            if choice not in ("redact", "keep"):
                self.query_one("#message-input", TextArea).focus()
                return  # back to editing: nothing was saved
            result = await self._send_turn(text, choice)
            if result is None:
                return
        elif (result.get("privacy") or {}).get("applied") == "redact":
            self.notify("Redacted possible patient identifier(s) before saving.")
        await self.show_result(result)

    async def _send_turn(self, text: str, privacy: str) -> dict[str, Any] | None:
        """Run one turn; the conversation ends up showing the text as it was saved."""
        conversation = self.query_one(Conversation)
        area = self.query_one("#message-input", TextArea)
        area.clear()
        mine = await conversation.add("you", text)
        waiting = self._app.models_state == "loading"
        self._status("Waiting for the models to finish loading…" if waiting else "Thinking…")
        self._turn += 1
        turn = self._turn
        placeholder = await conversation.start_reply()
        try:
            result = await self._app.core(
                "turn", session_id=self.session_id, text=text, privacy=privacy,
                on_token=lambda piece: self.post_message(TokenStreamed(turn, piece)))
        except ServiceError as exc:
            conversation.drop_pending(placeholder)
            await mine.remove()
            area.load_text(text)  # nothing the resident typed is lost
            self._app.report(exc, "answering your message")
            self._status("")
            return None
        except asyncio.CancelledError:
            conversation.drop_pending(placeholder)
            raise
        if result.get("state") == "privacy":  # nothing was saved: the resident decides first
            conversation.drop_pending(placeholder)
            await mine.remove()
            area.load_text(text)  # kept for editing if the resident goes back
            self._status("")
            return result
        saved = (result.get("privacy") or {}).get("text")
        if saved and saved != text:
            await mine.update(saved)
        return result

    @on(TokenStreamed)
    def _token_streamed(self, message: TokenStreamed) -> None:
        if message.turn == self._turn:
            self.query_one(Conversation).stream(message.text)

    # -- showing a result --------------------------------------------------------
    async def show_result(self, result: dict[str, Any]) -> None:
        conversation = self.query_one(Conversation)
        if result.get("state") == "crisis":
            conversation.drop_pending()
            await self._crisis(result)
            return
        if result.get("state") == "check":
            conversation.drop_pending()
            await self._check(result)
            return
        self.state = result.get("state", "active")
        if result.get("reply"):
            # Guardrails may have replaced the streamed words by the curated text.
            note = REVIEWED_NOTE if result.get("generator_fallback") else ""
            await conversation.finish_reply(result["reply"], note)
        else:
            conversation.drop_pending()
        if result.get("cards"):
            self.query_one(AdviceList).show(result["cards"], await self._labels())
        for topic in result.get("topics") or []:
            known = self.topics.get(topic.get("id"))
            if known is None or known.get("status") == "suggested":
                self.topics[topic.get("id")] = dict(topic)
        self.query_one(TopicList).show(list(self.topics.values()))
        self._status("")
        if self.state == "checkin":
            self.pending_checkin = result.get("checkin")
            self.action_checkin()
        elif self.state == "closed":
            await self._closed(result.get("summary"))

    async def _labels(self) -> dict[str, str]:
        if not hasattr(self, "_topic_labels"):
            try:
                self._topic_labels = await self._app.core("topic_labels")
            except ServiceError:
                self._topic_labels = {}
        return self._topic_labels

    async def _crisis(self, result: dict[str, Any]) -> None:
        from companion.tui.screens.resources import ResourcesScreen

        self.state = "crisis"
        self._status("")
        choice = await self._app.push_screen_wait(ResourcesScreen(result.get("safety") or {},
                                                                     result.get("reply", "")))
        try:
            after = await self._app.core("resume_after_crisis", session_id=self.session_id,
                                         safe=choice == "continue")
        except ServiceError as exc:
            self._app.report(exc, "returning to the reflection")
            return
        await self.show_result(after)
        if choice == "end":
            self.app.call_later(self._go_home)

    async def _check(self, result: dict[str, Any]) -> None:
        """Ask the direct question; the answer decides between resources and the flow."""
        from companion.tui.screens.safety_check import SafetyCheckDialog

        self.state = "check"
        self._status("")
        await self.query_one(Conversation).add("companion", result.get("reply", ""))
        answer = await self._app.push_screen_wait(SafetyCheckDialog(result.get("check")))
        self._turn += 1
        turn = self._turn
        try:
            after = await self._app.core(
                "answer_check", session_id=self.session_id, answer=answer or "not_sure",
                on_token=lambda piece: self.post_message(TokenStreamed(turn, piece)))
        except ServiceError as exc:
            self._app.report(exc, "recording your answer")
            return
        await self.show_result(after)

    async def _closed(self, summary: dict[str, Any] | None) -> None:
        if summary and summary.get("text"):
            await self.query_one(Conversation).add("companion", "---\n\n" + summary["text"])
        area = self.query_one("#message-input", TextArea)
        area.disabled = True
        self._status("This reflection has ended. Press escape to go home.")

    # -- check-in inside a flow --------------------------------------------------
    def action_checkin(self) -> None:
        if self.state == "checkin" and self.pending_checkin:
            self._run_checkin(self.pending_checkin.get("items") or [])

    @work(exclusive=True, group="turn", exit_on_error=False)
    async def _run_checkin(self, items: list[dict[str, Any]]) -> None:
        from companion.tui.screens.checkin import CheckinDialog

        answers = await self._app.push_screen_wait(CheckinDialog(items))
        if not answers:
            self._status("Press ctrl+k to answer the check-in when you are ready.")
            return
        try:
            result = await self._app.core("submit_checkin", session_id=self.session_id,
                                          answers=answers)
        except ServiceError as exc:
            self._app.report(exc, "saving the check-in")
            return
        await self.show_result(result)

    # -- topics and cards --------------------------------------------------------
    @on(AdviceList.Open)
    def _open_card(self, event: AdviceList.Open) -> None:
        from companion.tui.screens.card import CardScreen

        self.app.push_screen(CardScreen(event.card["id"]))

    @on(TopicList.Act)
    def _topic_action(self, event: TopicList.Act) -> None:
        self.change_topic(event.topic, event.action)

    @work(group="topics", exit_on_error=False)
    async def change_topic(self, topic: dict[str, Any], action: str) -> None:
        from companion.tui.screens.topic_edit import TopicEditDialog

        changes: dict[str, Any]
        if action == "edit":
            edited = await self._app.push_screen_wait(TopicEditDialog(topic))
            if not edited:
                return
            changes = edited
        else:
            changes = {"status": "accepted" if action == "accept" else "dismissed"}
        try:
            updated = await self._app.core("update_topic", topic_id=topic["id"], **changes)
        except ServiceError as exc:
            self._app.report(exc, "updating the topic")
            return
        self.topics[topic["id"]] = {**topic, **changes, **(updated or {})}
        self.query_one(TopicList).show(list(self.topics.values()))
        if changes.get("status") == "accepted":
            self.notify(f"Added to your mentor agenda: {self.topics[topic['id']]['title']}")

    # -- leaving -----------------------------------------------------------------
    def action_end(self) -> None:
        if self.session_id is not None and self.state not in {"closed", "starting"}:
            self.end_session(leave=False)

    def action_leave(self) -> None:
        if self.session_id is not None and self.state not in {"closed", "starting"}:
            self.end_session(leave=True)
        else:
            self._go_home()

    def _go_home(self) -> None:
        if self.app.screen is self:
            self.app.pop_screen()

    @work(exclusive=True, group="turn", exit_on_error=False)
    async def end_session(self, leave: bool) -> None:
        try:
            summary = await self._app.core("end", session_id=self.session_id)
        except ServiceError as exc:
            self._app.report(exc, "ending the reflection")
            summary = None
        self.state = "closed"
        if leave:
            self.app.call_later(self._go_home)
        else:
            await self._closed(summary)
