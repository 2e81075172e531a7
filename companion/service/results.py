"""What the typed API returns where the core has no record type of its own.

Journal records (:class:`~companion.journal.Topic`, :class:`~companion.journal.Checkin`,
:class:`~companion.journal.SessionRecord`...), check-in items, settings, privacy
spans and identifier findings cross the boundary as the core's own dataclasses.
The dialogue engine answers with dicts inside its ``TurnResult``; :class:`TurnReply`
is the typed shape of that answer, validated field by field when it is built
(:func:`companion.service.wire.convert`), so a renamed or missing field fails
loudly in the core instead of as a ``KeyError`` in a screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from companion.checkin import CheckinItem
from companion.journal import Checkin, FollowUp
from companion.privacy import Span

JournalState = Literal["open", "needs_passphrase", "locked", "in_use", "broken"]
"""open; needs_passphrase (encrypted, not unlocked yet); locked (the app's idle lock);
in_use (another window holds it); broken (damaged, newer version, unreadable)."""

TurnState = Literal["active", "checkin", "crisis", "check", "closed", "privacy"]
"""What the screen does next: go on, ask the check-in, show the resources, ask the
safety check question, show the summary, or ask the resident's choice about
identifiers ("privacy": nothing was saved)."""

PrivacyChoice = Literal["redact", "keep"]
"""The resident's answer when a message holds possible patient identifiers."""

SafetyLevel = Literal["none", "concern", "check", "crisis"]

CheckAnswerId = Literal["yes", "no", "not_sure"]
"""The resident's answer to the safety check question."""


@dataclass(frozen=True)
class JournalStatus:
    """The journal's state as the app needs it."""

    state: JournalState
    message: str = ""
    encrypted: bool = False
    generator_problem: str = ""
    """Why the optional generator is off although enabled ("" when it is fine or off)."""


@dataclass(frozen=True)
class HomeInfo:
    """What the home screen shows besides the flows."""

    days_since_meeting: int | None
    follow_ups: list[FollowUp]
    resident_name: str


@dataclass(frozen=True)
class FlowInfo:
    """A reflection flow the resident can start."""

    id: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class CardHit:
    """An advice card in a list: retrieved for a turn or a search, or listed by topic."""

    id: str
    title: str
    topic: str
    topics: list[str] = field(default_factory=list)
    audience: str = ""
    sources: list[str] = field(default_factory=list)
    score: float | None = None
    """Relevance for a search or turn; None in a plain listing."""
    text: str = ""
    """The passage that matched ("" in a listing)."""
    now: str = ""
    """The card's "right now" line: what to do right now, in one sentence."""


@dataclass(frozen=True)
class CardView:
    """One card in full, to read."""

    id: str
    title: str
    topic: str
    topics: list[str]
    audience: str
    sources: list[str]
    reflect: list[str]
    ask_mentor: list[str]
    body: str
    now: str = ""
    """What to do right now, in one sentence: shown before the body."""


@dataclass(frozen=True)
class CardLink:
    """A card named by a mentor topic or a summary."""

    id: str
    title: str


@dataclass(frozen=True)
class MentorTopic:
    """A topic suggested for the mentor agenda during a reflection."""

    topic_id: str
    title: str
    rationale: str
    id: int | None = None
    """The journal's topic id once saved (None for a session kept in memory)."""
    status: str = "suggested"
    score: float = 0.0
    resident_words: str = ""
    cards: list[CardLink] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ResourceInfo:
    """Where a resident in crisis can turn."""

    name: str
    contact: str
    what: str = ""
    when: str = ""


@dataclass(frozen=True)
class SafetyView:
    """The safety screen's verdict on the message, with the resources to show."""

    level: SafetyLevel = "none"
    reasons: list[str] = field(default_factory=list)
    resources: list[ResourceInfo] = field(default_factory=list)
    evidence: dict[str, float] = field(default_factory=dict)
    """What fired ("rule:<name>", "model:<statement digest>") and how strongly (1.0 for a rule)."""
    warning: str = ""
    """Set when the resources file is broken and the built-in resources are shown."""


@dataclass(frozen=True)
class CheckAnswer:
    """One answer button of the safety check question."""

    id: CheckAnswerId
    label: str


@dataclass(frozen=True)
class SafetyCheck:
    """State "check": one direct, kind question, asked before anything else."""

    question: str
    note: str = ""
    answers: list[CheckAnswer] = field(default_factory=list)


@dataclass(frozen=True)
class CheckinPrompt:
    """The check-in inside a flow: the items to ask, or the check-in just saved."""

    items: list[CheckinItem] = field(default_factory=list)
    saved: Checkin | None = None


@dataclass(frozen=True)
class SessionSummary:
    """What a reflection was about, shown at its end and kept in the journal."""

    flow: str
    text: str
    themes: list[str] = field(default_factory=list)
    feelings: list[str] = field(default_factory=list)
    cards: list[CardLink] = field(default_factory=list)
    topics: list[MentorTopic] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TurnReply:
    """The companion's answer to one message (or to the start of a reflection)."""

    session_id: int
    state: TurnState
    reply: str = ""
    said: str = ""
    """The resident's message as saved (cleaned, redacted if chosen); "" if not saved."""
    reflection: str = ""
    question: str = ""
    cards: list[CardHit] = field(default_factory=list)
    topics: list[MentorTopic] = field(default_factory=list)
    safety: SafetyView = field(default_factory=SafetyView)
    feeling: str | None = None
    understood_topics: list[str] = field(default_factory=list)
    checkin: CheckinPrompt | None = None
    summary: SessionSummary | None = None
    generator_fallback: str | None = None
    """Why guardrails replaced the generator's words by the reviewed ones, if they did."""
    generator_problem: str = ""
    """At the start of a reflection: why the optional generator is off although it is
    enabled (it could not load); "" when it is fine or off."""
    check: SafetyCheck | None = None
    """With state "check": the question to ask (answer with ``answer_check``)."""
    identifiers: list[Span] = field(default_factory=list)
    """Possible patient identifiers found in the message; with state "privacy" nothing
    was saved and the message goes again with the resident's choice."""
    privacy_applied: PrivacyChoice | None = None
    """What was done with the identifiers ("redact" or "keep"), None when there were none."""
    choices: list[str] = field(default_factory=list)
    """Quick answers the resident can pick instead of typing (a short reply, a feeling
    check, an offer); the reply's text lists them too, for the command line."""
    plan: SafetyPlanView | None = None
    """With state "crisis": the resident's own plan, to show before the hotlines with no
    second round trip; None on other states or when the journal could not give it."""


@dataclass(frozen=True)
class PlanPart:
    """One part of the resident's safety plan, with the words that introduce it."""

    id: str
    heading: str
    hint: str
    text: str = ""


@dataclass(frozen=True)
class SafetyPlanView:
    """The safety plan to read or edit: every part in order, written or not."""

    parts: list[PlanPart]
    saved: bool
    """True when a plan is stored; False: nothing written yet (the professionals part
    is then prefilled from the resources file, for the resident to keep or change)."""
    purpose: str = ""
    """What the plan is for, and that it does not replace care."""

    def written(self) -> list[PlanPart]:
        """The parts with words in them (what the crisis screen shows)."""
        return [part for part in self.parts if part.text.strip()] if self.saved else []


@dataclass(frozen=True)
class AgendaText:
    """An agenda rendered for sharing (its topics are now marked shared)."""

    text: str
    topics: int


@dataclass(frozen=True)
class ExportResult:
    """An agenda written to a file."""

    path: str
    topics: int


@dataclass(frozen=True)
class ReviewImport:
    """A mentor's reviewed agenda recorded in the journal."""

    meeting_id: int
    discussed: int
    follow_ups: int
    already_imported: bool = False
    """True when this review was recorded before: nothing changed."""
    skipped: list[str] = field(default_factory=list)
    """Topics the review marked discussed that were left alone, with the reason."""
    message: str = ""
    """One sentence saying what happened, for the resident."""
