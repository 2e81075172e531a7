"""Reflection: the conversation, a multi-line input, and a side panel of advice and topics.

A message is one call to the core (``api.turn``): the safety screen, the check
for patient identifiers, understanding, advice and saving all happen there. Only
when the message holds possible identifiers (and auto-redaction is off) does the
core answer "needs the resident's choice"; the privacy dialog asks, and the same
message goes again with the choice. The message stays in the box until the core
has accepted it, then appears in the conversation as saved (redacted if chosen).
A crisis answer replaces the flow with the resources screen at once. While a
turn runs, a "companion is writing…" placeholder grows with the pieces the
optional generator streams (they come as messages, so no widget is touched off
the UI thread); the final reply replaces it.
"""

from __future__ import annotations

import asyncio

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, TextArea

from companion.checkin import CheckinItem
from companion.dialogue.cleaning import MAX_MESSAGE_CHARS
from companion.service.errors import ServiceError
from companion.service.results import (
    CheckAnswerId,
    FlowInfo,
    MentorTopic,
    PrivacyChoice,
    SessionSummary,
    TurnReply,
)
from companion.tui.messages import TokenStreamed
from companion.tui.screens import companion_app
from companion.tui.widgets.advice_list import AdviceList
from companion.tui.widgets.conversation import REVIEWED_NOTE, Conversation
from companion.tui.widgets.quick_choices import QuickChoices, without_choices_line
from companion.tui.widgets.topic_list import TopicList

# The message box (a TextArea) takes ctrl+e (line end) and ctrl+k (delete to line end)
# before the screen sees them, so the screen's keys are ones TextArea leaves alone
# (a test checks every binding here against TextArea's own).
END_KEY = "ctrl+g"
CHECKIN_KEY = "ctrl+o"
HINT = "ctrl+s send · tab to the advice and topics · ctrl+g end · esc home"
COUNT_FROM = int(MAX_MESSAGE_CHARS * 0.8)
"""The character count appears from here on, before the limit is reached."""
QUIT_SAVE_SECONDS = 10.0


def length_note(length: int) -> str:
    """The live count under the box near the limit ("" well below it)."""
    if length < COUNT_FROM:
        return ""
    count = f"{length:,} / {MAX_MESSAGE_CHARS:,} characters"
    if length > MAX_MESSAGE_CHARS:
        return (f"{count}: too long to send as one message. Split it into shorter ones "
                "(the box keeps your text).")
    return count


class ReflectionScreen(Screen):
    """One guided reflection on one flow."""

    BINDINGS = [
        # Not priority bindings: the key must queue behind the characters typed just
        # before it, or a fast typist (or a paste) loses the end of the message.
        Binding("ctrl+s", "send", "Send"),
        Binding("ctrl+enter", "send", "Send", show=False),
        Binding(END_KEY, "end", "End session"),
        Binding(CHECKIN_KEY, "checkin", "Check-in", show=False),
        Binding("escape", "leave", "Home"),
    ]

    def __init__(self, flow: FlowInfo):
        super().__init__()
        self.flow = flow
        self.session_id: int | None = None
        self.state = "starting"
        self.topics: dict[int | None, MentorTopic] = {}
        self.pending_checkin: list[CheckinItem] = []
        self._topic_labels: dict[str, str] | None = None
        self._turn = 0  # numbers the turns, so late pieces of an old one are dropped
        self.send_when_open = False
        """ctrl+s came while the reflection was opening: send once it is open."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="reflection"):
            with Vertical(id="conversation-column"):
                yield Conversation(id="conversation")
                yield QuickChoices(id="quick-choices")
                yield TextArea(id="message-input", soft_wrap=True, show_line_numbers=False,
                               placeholder="Write here, as many lines as you like…")
                yield Static("", id="message-count", classes="hint")
                yield Static(HINT, id="turn-status", classes="hint")
            with Vertical(id="side-panel"):
                yield Static("Advice", classes="section-title")
                yield AdviceList(id="advice")
                yield Static("Topics for your mentor", classes="section-title")
                yield TopicList(id="topics")
                yield Static("a accept · e edit · d dismiss", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.flow.title or "Reflection"
        self.query_one(AdviceList).show([], {})
        self.query_one(TopicList).show([])
        self.query_one("#message-count", Static).display = False
        self.query_one(QuickChoices).show([])
        self.query_one("#message-input", TextArea).focus()
        self.start_session()

    def _status(self, text: str) -> None:
        self.query_one("#turn-status", Static).update(text or HINT)

    @work(exclusive=True, group="turn", exit_on_error=False)
    async def start_session(self) -> None:
        app = companion_app(self)
        loading = app.models_state == "loading"
        self._status("Opening the reflection (the models are still loading)…" if loading
                     else "Opening the reflection…")
        try:
            result = await app.api.start(self.flow.id)
            self._topic_labels = await app.api.topic_labels()  # once, not per turn
        except ServiceError as exc:
            app.report(exc, "starting the reflection")
            self._status("")
            return
        self.session_id = result.session_id
        if result.generator_problem:  # enabled but not loaded: say why, once per reflection
            self.notify(f"{result.generator_problem}\nReplies keep the reviewed wording.",
                        title="Generator", severity="warning", timeout=15, markup=False)
        await self.show_result(result)
        if self.send_when_open:
            self.send_when_open = False
            self.call_later(self.action_send)

    # -- sending -----------------------------------------------------------------
    def action_send(self) -> None:
        area = self.query_one("#message-input", TextArea)
        text = area.text.strip()
        if not text:
            return
        if self.state == "starting":
            self.send_when_open = True
            self._status("Opening the reflection… your message goes as soon as it is open.")
            return
        if self.session_id is None or self.state not in {"active"}:
            return
        self.send_message(text)

    @on(TextArea.Changed, "#message-input")
    def _count(self, event: TextArea.Changed) -> None:
        note = length_note(len(event.text_area.text.strip()))
        count = self.query_one("#message-count", Static)
        count.update(note)
        count.display = bool(note)
        count.set_class(len(event.text_area.text.strip()) > MAX_MESSAGE_CHARS, "over-limit")

    @on(QuickChoices.Picked)
    def _choice_picked(self, event: QuickChoices.Picked) -> None:
        if self.session_id is not None and self.state == "active":
            self.send_message(event.text, typed=False)

    @work(exclusive=True, group="turn", exit_on_error=False)
    async def send_message(self, text: str, typed: bool = True) -> None:
        """Send one message; ``typed`` is False for a quick choice (the box keeps its draft)."""
        from companion.tui.screens.privacy import PrivacyDialog

        app = companion_app(self)
        area = self.query_one("#message-input", TextArea)
        session_id = self.session_id
        if session_id is None:
            return
        privacy: PrivacyChoice | None = None
        area.read_only = True  # kept until the core accepts it
        try:
            while True:
                result = await self._one_turn(session_id, text, privacy)
                if result is None or result.state != "privacy":
                    break
                choice = await app.push_screen_wait(PrivacyDialog(text, result.identifiers))
                if choice not in {"redact", "keep"}:
                    area.focus()  # back to editing: nothing was saved
                    return
                privacy = "redact" if choice == "redact" else "keep"
        finally:
            area.read_only = False
        if result is None:
            return
        if typed:
            area.clear()
        if result.said:
            await self.query_one(Conversation).add("you", result.said)
        if privacy is None and result.privacy_applied == "redact":
            self.notify("Redacted possible patient identifier(s) before saving.")
        await self.show_result(result)

    async def _one_turn(self, session_id: int, text: str,
                        privacy: PrivacyChoice | None) -> TurnReply | None:
        """One request for the message; None (reported) when it failed."""
        app = companion_app(self)
        conversation = self.query_one(Conversation)
        waiting = app.models_state == "loading"
        self._status("Waiting for the models to finish loading…" if waiting else "Thinking…")
        self._turn += 1
        turn = self._turn
        placeholder = await conversation.start_reply()

        def streamed(piece: str) -> None:
            self.post_message(TokenStreamed(turn, piece))

        try:
            result = await app.api.turn(session_id, text, privacy, on_token=streamed)
        except ServiceError as exc:
            conversation.drop_pending(placeholder)
            app.report(exc, "answering your message")
            self._status("")
            return None
        except asyncio.CancelledError:
            conversation.drop_pending(placeholder)
            raise
        if result.state == "privacy":
            conversation.drop_pending(placeholder)
            self._status("")
        return result

    @on(TokenStreamed)
    def _token_streamed(self, message: TokenStreamed) -> None:
        if message.turn == self._turn:
            self.query_one(Conversation).stream(message.text)

    # -- showing a result --------------------------------------------------------
    async def show_result(self, result: TurnReply) -> None:
        conversation = self.query_one(Conversation)
        choices = result.choices if result.state == "active" else []
        self.query_one(QuickChoices).show(choices)
        if result.state == "crisis":
            conversation.drop_pending()
            await self._crisis(result)
            return
        if result.state == "check":
            conversation.drop_pending()
            await self._check(result)
            return
        self.state = result.state
        if result.reply:
            # Guardrails may have replaced the streamed words by the curated text.
            note = REVIEWED_NOTE if result.generator_fallback else ""
            await conversation.finish_reply(without_choices_line(result.reply, choices), note)
        else:
            conversation.drop_pending()
        if result.cards:
            self.query_one(AdviceList).show(result.cards, self._topic_labels or {})
        for topic in result.topics:
            known = self.topics.get(topic.id)
            if known is None or known.status == "suggested":
                self.topics[topic.id] = topic
        self.query_one(TopicList).show(list(self.topics.values()))
        self._status("")
        if self.state == "checkin":
            self.pending_checkin = result.checkin.items if result.checkin else []
            self.action_checkin()
        elif self.state == "closed":
            await self._show_summary(result.summary)

    async def _crisis(self, result: TurnReply) -> None:
        from companion.tui.screens.resources import ResourcesScreen

        app = companion_app(self)
        self.state = "crisis"
        self._status("")
        # The resident's own plan comes with the reply (no second round trip before the
        # hotlines show); None when the journal could not give it.
        choice = await app.push_screen_wait(
            ResourcesScreen(result.safety, result.reply, result.plan))
        if self.session_id is None:
            return
        try:
            after = await app.api.resume_after_crisis(self.session_id, choice == "continue")
        except ServiceError as exc:
            app.report(exc, "returning to the reflection")
            return
        await self.show_result(after)
        if choice == "end":
            self.app.call_later(self._go_home)

    async def _check(self, result: TurnReply) -> None:
        """Ask the direct question; the answer decides between resources and the flow."""
        from companion.tui.screens.safety_check import SafetyCheckDialog

        app = companion_app(self)
        self.state = "check"
        self._status("")
        await self.query_one(Conversation).add("companion", result.reply)
        answer = await app.push_screen_wait(SafetyCheckDialog(result.check))
        if self.session_id is None:
            return
        self._turn += 1
        turn = self._turn

        def streamed(piece: str) -> None:
            self.post_message(TokenStreamed(turn, piece))

        choice: CheckAnswerId = "yes" if answer == "yes" else "no" if answer == "no" \
            else "not_sure"
        try:
            after = await app.api.answer_check(self.session_id, choice, on_token=streamed)
        except ServiceError as exc:
            app.report(exc, "recording your answer")
            return
        await self.show_result(after)

    async def _show_summary(self, summary: SessionSummary | None) -> None:
        if summary is not None and summary.text:
            await self.query_one(Conversation).add("companion", "---\n\n" + summary.text)
        area = self.query_one("#message-input", TextArea)
        area.disabled = True
        self._status("This reflection has ended. Press escape to go home.")

    # -- check-in inside a flow --------------------------------------------------
    def action_checkin(self) -> None:
        if self.state == "checkin" and self.pending_checkin:
            self._run_checkin(self.pending_checkin)

    @work(exclusive=True, group="turn", exit_on_error=False)
    async def _run_checkin(self, items: list[CheckinItem]) -> None:
        from companion.tui.screens.checkin import CheckinDialog

        app = companion_app(self)
        answers = await app.push_screen_wait(CheckinDialog(items))
        if not answers or self.session_id is None:
            self._status(f"Press {CHECKIN_KEY} to answer the check-in when you are ready.")
            return
        try:
            result = await app.api.submit_checkin(self.session_id, answers)
        except ServiceError as exc:
            app.report(exc, "saving the check-in")
            return
        await self.show_result(result)
        from companion.tui.screens.plan_offer import offer_plan_if_due

        if await offer_plan_if_due(self):
            app.open_screen("plan")

    # -- topics and cards --------------------------------------------------------
    @on(AdviceList.Open)
    def _open_card(self, event: AdviceList.Open) -> None:
        from companion.tui.screens.card import CardScreen

        self.app.push_screen(CardScreen(event.card.id))

    @on(TopicList.Act)
    def _topic_action(self, event: TopicList.Act) -> None:
        self.change_topic(event.topic, event.action)

    @work(group="topics", exit_on_error=False)
    async def change_topic(self, topic: MentorTopic, action: str) -> None:
        from dataclasses import replace

        from companion.tui.screens.topic_edit import TopicEditDialog

        app = companion_app(self)
        if topic.id is None:
            return
        try:
            if action == "edit":
                wording = await app.push_screen_wait(TopicEditDialog(topic))
                if wording is None:
                    return
                updated = await app.api.update_topic(topic.id, title=wording.title,
                                                     rationale=wording.rationale)
            else:
                status = "accepted" if action == "accept" else "dismissed"
                updated = await app.api.update_topic(topic.id, status=status)
        except ServiceError as exc:
            app.report(exc, "updating the topic")
            return
        self.topics[topic.id] = replace(topic, title=updated.title, rationale=updated.rationale,
                                        status=updated.status)
        self.query_one(TopicList).show(list(self.topics.values()))
        if updated.status == "accepted" and action == "accept":
            self.notify(f"Added to your mentor agenda: {updated.title}")

    # -- leaving -----------------------------------------------------------------
    @property
    def session_open(self) -> bool:
        """A session has started and not ended: leaving should save its summary."""
        return self.session_id is not None and self.state not in {"closed", "starting"}

    def action_end(self) -> None:
        if self.session_open:
            self.end_session(leave=False)

    async def save_before_quit(self) -> bool:
        """ctrl+q mid-reflection: end the session so the journal keeps its summary.

        Returns False when the core did not answer in time (the messages are saved
        turn by turn either way; only the summary is missing then).
        """
        if not self.session_open or self.session_id is None:
            return True
        app = companion_app(self)
        try:
            await asyncio.wait_for(app.api.end(self.session_id), QUIT_SAVE_SECONDS)
        except (ServiceError, TimeoutError):
            return False
        self.state = "closed"
        return True

    def action_leave(self) -> None:
        if self.session_open:
            self.end_session(leave=True)
        else:
            self._go_home()

    def _go_home(self) -> None:
        if self.app.screen is self:
            self.app.pop_screen()

    @work(exclusive=True, group="turn", exit_on_error=False)
    async def end_session(self, leave: bool) -> None:
        app = companion_app(self)
        summary: SessionSummary | None = None
        if self.session_id is not None:
            try:
                summary = await app.api.end(self.session_id)
            except ServiceError as exc:
                app.report(exc, "ending the reflection")
        self.state = "closed"
        if leave:
            self.app.call_later(self._go_home)
        else:
            await self._show_summary(summary)
