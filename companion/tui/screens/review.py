"""Mentor mode: review a resident's shared agenda and save a reviewed copy beside it.

`companion review FILE` opens the app on this screen. It works from the file alone:
no journal, no model process. For each topic the mentor reads the resident's
rationale and questions, opens the mentor advice cards for that topic (picked by
topic id from the card files, not by the model), marks it discussed or deferred
and writes notes; agreed follow-ups and overall notes go on the "Meeting" entry.
ctrl+s writes ``reviewed_path(original)``; the original file is never modified.
A banner warns when the agenda still holds possible patient identifiers.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from pathlib import Path
from typing import Literal

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import (
    ContentSwitcher,
    Footer,
    Header,
    Input,
    OptionList,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option

from companion.agenda import (
    LAST_TIME_TEXT,
    NEED_TEXT,
    OUTCOME,
    Agenda,
    AgendaError,
    AgendaTopic,
    FollowUpItem,
    Review,
    TopicReview,
    for_mentor,
    load_agenda,
    reviewed_path,
    since_last_time,
    write_new_file,
)
from companion.cards import Card, cards_for_topic
from companion.sharing import MAX_CARDS, IdentifierFinding, card_gist
from companion.textnorm import strip_controls
from companion.tui.screens.review_dialogs import (
    FollowUpDialog,
    MentorCardDialog,
    follow_up_text,
)

log = logging.getLogger("companion.tui.review")


def shown(text: str) -> str:
    """Text from the agenda file, for markup: no escape sequences, no markup of its own.

    The loader strips controls already; this holds even for an agenda built in memory.
    """
    return escape(strip_controls(text))

def ask_lines(topic: AgendaTopic) -> str:
    """Minutes, what the resident needs, the taxonomy label, and any decision (markup)."""
    when = f"{topic.minutes} min" if topic.minutes else "if time allows"
    lines = [f"{when} · needs from you: [b]{NEED_TEXT[topic.need]}[/b] · "
             f"[dim]{shown(topic.title)}[/dim]"]
    if topic.last_time:
        lines.append(f"[b]Before:[/b] {LAST_TIME_TEXT[topic.last_time]}")
    deadline = topic.deadline.isoformat() if topic.deadline else ""
    if topic.decision:
        due = f", by {deadline}" if deadline else ""
        lines.append(f"[b]Decision needed:[/b] {shown(topic.decision)}{due}")
    elif deadline:
        lines.append(f"[b]Deadline:[/b] {deadline}")
    return "\n".join(lines)


MEETING = "meeting"
Outcome = Literal["discussed", "deferred", "follow-up", "open"]
"""What the mentor marks a topic (``TopicReview.status``)."""
MARK: dict[Outcome, str] = {"discussed": "✓", "deferred": "→", "follow-up": "↻", "open": "•"}


def identifier_warning(findings: list[IdentifierFinding]) -> str:
    """One line per field naming the kinds of identifier found there (not the values)."""
    by_field: dict[str, list[str]] = defaultdict(list)
    for finding in findings:
        if finding.kind not in by_field[finding.field]:
            by_field[finding.field].append(finding.kind)
    where = "; ".join(f"{field}: {', '.join(kinds)}" for field, kinds in by_field.items())
    return (f"⚠ Possible patient identifiers in this agenda ({where}). "
            "Do not forward it; ask the resident to redact them.")


MARKS = Binding.Group("Mark", compact=True)
"""d discussed, f deferred, u needs follow-up (the help lists each)."""


class ReviewScreen(Screen):
    """Mentor review of one agenda file (``review_file``)."""

    CSS_PATH = "review.tcss"
    BINDINGS = [
        # one footer entry for the three marks, so every key fits at 80 columns
        Binding("d", "mark('discussed')", "Discussed", group=MARKS),
        Binding("f", "mark('deferred')", "Deferred", group=MARKS),
        Binding("u", "mark('follow-up')", "Needs follow-up", group=MARKS),
        Binding("n", "notes", "Notes"),
        Binding("a", "add_follow_up", "Follow-up"),
        Binding("m", "meeting", "Meeting"),
        Binding("delete", "remove_follow_up", "Remove", show=False),
        Binding("ctrl+s", "save", "Save"),  # not priority: queue behind the notes typed
        Binding("escape", "topics", "Topics", show=False),
    ]

    def __init__(self, review_file: str | Path):
        super().__init__()
        self.path = Path(review_file)
        self.error = ""
        self.agenda: Agenda | None = None
        try:
            self.agenda = load_agenda(self.path)
        except AgendaError as exc:
            self.error = str(exc)
        topics = self.agenda.topics if self.agenda else []
        earlier = self.agenda.review if self.agenda else None
        self.reviews: dict[str, TopicReview] = {
            t.id: (earlier.topics[t.id].model_copy() if earlier and t.id in earlier.topics
                   else TopicReview())
            for t in topics}
        self.follow_ups: list[FollowUpItem] = list(earlier.follow_ups) if earlier else []
        self.current: str | None = None
        self.cards: list[Card] = []
        self.saved_to: Path | None = None

    # -- layout ----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        if self.agenda is None:
            problem = strip_controls(self.error)
            yield Static(Content(f"This agenda cannot be opened.\n\n{problem}"),
                         id="review-error", classes="error")
            yield Footer()
            return
        earlier = self.agenda.review
        yield Static("", id="review-warning")
        yield Static(self._summary(), id="review-summary")
        with Horizontal(id="review-body"):
            with Vertical(id="review-side"):
                yield Static("Topics", classes="section-title")
                yield OptionList(id="review-topics")
            with ContentSwitcher(initial="review-topic", id="review-detail"):
                with VerticalScroll(id="review-topic"):
                    yield Static("", id="topic-title", classes="section-title")
                    yield Static("", id="topic-ask")
                    yield Static("Why (the resident's words)", classes="hint")
                    yield Static("", id="topic-rationale")
                    yield Static("", id="topic-questions")
                    yield Static("Advice for mentors · enter to read", classes="section-title")
                    yield OptionList(id="topic-cards")
                    yield Static("Your notes on this topic", classes="section-title")
                    yield TextArea(id="topic-notes")
                with VerticalScroll(id="review-meeting"):
                    yield Static("Mentor (optional)", classes="section-title")
                    yield Input(earlier.mentor if earlier else "", placeholder="your name",
                                id="mentor-name")
                    yield Static("Overall notes", classes="section-title")
                    yield TextArea(earlier.notes if earlier else "", id="meeting-notes")
                    yield Static("Agreed follow-ups · a add · delete remove",
                                 classes="section-title")
                    yield OptionList(id="follow-up-list")
                    yield Static(self._earlier_follow_ups(), id="earlier-follow-ups",
                                 classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Mentor review"
        if self.agenda is None:
            return
        self.sub_title = self.path.name
        self.query_one("#review-warning").display = False
        self._fill_topics()
        self._fill_follow_ups()
        topics = self.query_one("#review-topics", OptionList)
        topics.highlighted = 0
        topics.focus()
        self._check_identifiers(self.agenda)
        self._saved_review = self._review_state()

    def _summary(self) -> str:
        assert self.agenda is not None
        who = self.agenda.resident or "a resident"
        decisions = sum(1 for t in self.agenda.topics if t.decision)
        return (f"Agenda from [b]{shown(who)}[/b] for the meeting on "
                f"{self.agenda.date.isoformat()} · {self.agenda.meeting_minutes} min · "
                f"{len(self.agenda.topics)} ask(s)"
                + (f" · {decisions} decision(s) needed" if decisions else "")
                + (f" · last met {self.agenda.last_meeting.isoformat()}"
                   if self.agenda.last_meeting else ""))

    def _earlier_follow_ups(self) -> str:
        assert self.agenda is not None
        since = "".join(f"{shown(line)}\n" for line in since_last_time(self.agenda))
        if not self.agenda.follow_ups:
            return since + "No open follow-ups from the last meeting."
        return since + "Since the last meeting:\n" + "\n".join(
            f"{'✓' if f.status == 'done' else '•'} {shown(follow_up_text(f))}"
            + (f" — {f.status}" if f.status != "open" else "")
            for f in self.agenda.follow_ups)

    def _topic_prompt(self, number: int, topic: AgendaTopic) -> Text:
        status = self.reviews[topic.id].status
        prompt = Text(f"{MARK[status]} {number}. {strip_controls(topic.heading)}")
        prompt.append(f" · {topic.minutes} min" if topic.minutes else " · if time", style="dim")
        if status != "open":
            prompt.append(f" ({OUTCOME[status]})", style="dim")
        elif topic.last_time:
            prompt.append(" · again", style="dim")
        elif self.agenda is not None and self.agenda.last_meeting:
            prompt.append(" · new", style="dim")
        return prompt

    def _fill_topics(self) -> None:
        assert self.agenda is not None
        topics = self.query_one("#review-topics", OptionList)
        keep = topics.highlighted
        topics.clear_options()
        for number, topic in enumerate(self.agenda.topics, 1):
            topics.add_option(Option(self._topic_prompt(number, topic), id=topic.id))
        topics.add_option(Option(Text("≡ Meeting: notes and follow-ups", style="italic"),
                                 id=MEETING))
        if keep is not None:
            topics.highlighted = keep

    def _fill_follow_ups(self) -> None:
        items = self.query_one("#follow-up-list", OptionList)
        items.clear_options()
        for item in self.follow_ups:
            items.add_option(Option(Text(strip_controls(follow_up_text(item)))))
        if not self.follow_ups:
            items.add_option(Option(Text("None yet: press a to add one.", style="dim"),
                                    disabled=True))

    # -- background: identifiers and cards (privacy scan and card files are not instant)
    @work(thread=True, exclusive=True, group="review-check", exit_on_error=False)
    def _check_identifiers(self, agenda: Agenda) -> None:
        from companion.sharing import find_identifiers

        findings = find_identifiers(agenda)
        self.app.call_from_thread(self._show_findings, findings)

    def _show_findings(self, findings: list[IdentifierFinding]) -> None:
        banner = self.query_one("#review-warning", Static)
        banner.update(Content(strip_controls(identifier_warning(findings))) if findings else "")
        banner.display = bool(findings)

    @work(thread=True, exclusive=True, group="review-cards", exit_on_error=False)
    def _load_cards(self, topic_id: str, agenda_topic_id: str) -> None:
        from companion.cards import CardError

        try:
            cards, problem = cards_for_topic(topic_id, "mentor")[:MAX_CARDS], ""
        except CardError as exc:
            log.error("advice cards unavailable: %s", exc)
            cards, problem = [], f"Advice cards are unavailable: {exc}"
        self.app.call_from_thread(self._show_cards, agenda_topic_id, cards, problem)

    def _show_cards(self, agenda_topic_id: str, cards: list[Card], problem: str) -> None:
        if agenda_topic_id != self.current:
            return  # the mentor has moved on to another topic
        self.cards = cards
        listing = self.query_one("#topic-cards", OptionList)
        listing.clear_options()
        for card in cards:
            gist = card.now or card_gist(card.body)
            prompt = Text(strip_controls(card.title), style="bold")
            if gist:
                prompt.append(f"\n{strip_controls(gist)}", style="dim")
            listing.add_option(Option(prompt, id=card.id))
        if cards:
            listing.highlighted = 0
        else:
            listing.add_option(Option(Text(problem or "No mentor advice cards for this topic.",
                                           style="dim"), disabled=True))

    # -- following the highlighted topic ---------------------------------------
    @on(OptionList.OptionHighlighted, "#review-topics")
    def _topic_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show(str(event.option.id))

    def _show(self, key: str) -> None:
        assert self.agenda is not None
        switcher = self.query_one("#review-detail", ContentSwitcher)
        if key == MEETING:
            self.current = None
            switcher.current = "review-meeting"
            return
        switcher.current = "review-topic"
        if key == self.current:
            return
        number, topic = next((n, t) for n, t in enumerate(self.agenda.topics, 1) if t.id == key)
        self.current = key
        self.query_one("#topic-title", Static).update(f"{number}. {shown(topic.heading)}")
        self.query_one("#topic-ask", Static).update(ask_lines(topic))
        self.query_one("#topic-rationale", Static).update(
            shown(for_mentor(topic.rationale)) or "[dim](no rationale given)[/dim]")
        questions = self.query_one("#topic-questions", Static)
        questions.update(f"[b]Question:[/b] {shown(topic.questions[0])}"
                         if topic.questions else "")
        questions.display = bool(topic.questions)
        self.query_one("#topic-notes", TextArea).text = self.reviews[key].notes
        self.query_one("#topic-cards", OptionList).clear_options()
        self._load_cards(topic.topic_id, key)

    @on(OptionList.OptionSelected, "#review-topics")
    def _topic_selected(self, event: OptionList.OptionSelected) -> None:
        # enter on a topic moves into it: to its advice cards (or the meeting notes)
        target = "#meeting-notes" if event.option.id == MEETING else "#topic-cards"
        self.query_one(target).focus()

    @on(TextArea.Changed, "#topic-notes")
    def _notes_changed(self, event: TextArea.Changed) -> None:
        if self.current is not None:
            self.reviews[self.current].notes = event.text_area.text

    @on(OptionList.OptionSelected, "#topic-cards")
    def _open_card(self, event: OptionList.OptionSelected) -> None:
        card = next((c for c in self.cards if c.id == event.option.id), None)
        if card is not None:
            self.app.push_screen(MentorCardDialog(card))

    # -- actions ---------------------------------------------------------------
    def action_mark(self, status: Outcome) -> None:
        """Mark the current topic ``status``; marking it so again makes it open."""
        if self.agenda is None:
            return
        if self.current is None:
            self.notify("Choose a topic in the list first.", severity="warning")
            return
        review = self.reviews[self.current]
        review.status = status if status in MARK and review.status != status else "open"
        self._fill_topics()
        self.notify(f"Topic marked {OUTCOME[review.status]}.", timeout=3)

    def action_notes(self) -> None:
        if self.agenda is not None:
            target = "#topic-notes" if self.current else "#meeting-notes"
            self.query_one(target, TextArea).focus()

    def action_topics(self) -> None:
        if self.agenda is not None:
            self.query_one("#review-topics", OptionList).focus()

    def action_meeting(self) -> None:
        if self.agenda is not None:
            topics = self.query_one("#review-topics", OptionList)
            topics.highlighted = topics.option_count - 1
            self.query_one("#meeting-notes", TextArea).focus()

    def action_add_follow_up(self) -> None:
        if self.agenda is not None:
            self.app.push_screen(FollowUpDialog(), callback=self._follow_up_added)

    def _follow_up_added(self, item: FollowUpItem | None) -> None:
        if item is None:
            return
        self.follow_ups.append(item)
        self._fill_follow_ups()
        self.notify(f"Follow-up added: {follow_up_text(item)}", timeout=4)

    def action_remove_follow_up(self) -> None:
        items = self.query_one("#follow-up-list", OptionList)
        if (self.focused is items and items.highlighted is not None
                and items.highlighted < len(self.follow_ups)):
            del self.follow_ups[items.highlighted]
            self._fill_follow_ups()

    def reviewed_agenda(self) -> Agenda:
        """The agenda with this screen's review section (nothing written)."""
        assert self.agenda is not None
        review = Review(
            mentor=self.query_one("#mentor-name", Input).value.strip(),
            reviewed_on=dt.date.today(),
            topics={key: TopicReview(status=r.status, notes=r.notes.strip())
                    for key, r in self.reviews.items()},
            notes=self.query_one("#meeting-notes", TextArea).text.strip(),
            follow_ups=list(self.follow_ups),
        )
        return self.agenda.model_copy(update={"review": review})

    def _review_state(self) -> str:
        """The review as the mentor has it now (the date aside), to spot unsaved work."""
        review = self.reviewed_agenda().review
        return review.model_dump_json(exclude={"reviewed_on"}) if review else ""

    @property
    def unsaved_changes(self) -> bool:
        """True when notes, statuses or follow-ups changed since opening or saving."""
        if self.agenda is None or not hasattr(self, "_saved_review"):
            return False
        return self._review_state() != self._saved_review

    def action_save(self) -> None:
        if self.agenda is None:
            self.notify("Nothing to save: the agenda could not be opened.", severity="error")
            return
        # a second save in this session replaces the copy we wrote, never the original
        target = self.saved_to or reviewed_path(self.path)
        if target.resolve() == self.path.resolve():
            self.notify("Refusing to overwrite the original agenda.", severity="error")
            return
        try:
            write_new_file(target, self.reviewed_agenda().to_json(),
                           overwrite=self.saved_to is not None)
        except (AgendaError, OSError) as exc:
            log.error("saving the review failed: %s", exc)
            self.notify(f"The review was not saved: {exc}", severity="error", timeout=15)
            return
        self.saved_to = target
        self._saved_review = self._review_state()
        self.notify(f"Review saved to {target}\nSend this file back to the resident.",
                    title="Saved", timeout=12)
