"""The state of one reflection session and what one turn returns."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from companion.dialogue.flows import Flow
from companion.dialogue.suggestions import SuggestedTopic
from companion.safety.check import SafetyMemory

State = Literal["active", "checkin", "check", "crisis", "closed", "privacy"]


@dataclass
class Session:
    """Everything the engine remembers during one conversation (in memory)."""

    id: int
    flow: Flow
    step: str
    state: State = "active"
    visits: Counter = field(default_factory=Counter)
    resident_turns: list[str] = field(default_factory=list)
    feelings: list[str] = field(default_factory=list)
    main_topics: list[str | None] = field(default_factory=list)
    vectors: list[np.ndarray] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)
    said: list[str] = field(default_factory=list)  # reflections and notes, never twice
    shown_cards: dict[str, str] = field(default_factory=dict)  # id -> title, in order shown
    topics: dict[str, SuggestedTopic] = field(default_factory=dict)  # by topic id
    plans: list[str] = field(default_factory=list)
    ruminations: int = 0
    turn_count: int = 0
    responded: set[int] = field(default_factory=set)  # resident turns that got a reflection
    previous_feelings: np.ndarray | None = None  # the last turn's own feeling probabilities
    event: str | None = None  # what happened (adverse-event flow), once known
    branch_topics: list[str] = field(default_factory=list)  # of the last branch taken that
    branch_cards: list[str] = field(default_factory=list)  # declares them (flow data)
    pending: dict | None = None  # what the last reply waits for: a feeling check, an offer...
    deferred: bool = False  # the current step's question is still owed
    last_feeling_check: int = -10
    rumination_from: int = 0  # repetition counts only from this turn on
    strained: bool = False  # the weekly check-in showed high burnout or little support
    safety: SafetyMemory = field(default_factory=SafetyMemory)  # the resident's answers

    @property
    def current(self):
        return self.flow.step(self.step)


@dataclass
class Summary:
    """What a session was about, saved to the journal at the end."""

    flow: str
    themes: list[str]
    feelings: list[str]
    cards: list[dict]
    topics: list[dict]
    plans: list[str]
    text: str

    def to_dict(self) -> dict:
        return {"flow": self.flow, "themes": self.themes, "feelings": self.feelings,
                "cards": self.cards, "topics": self.topics, "plans": self.plans,
                "text": self.text}


@dataclass
class TurnResult:
    """What the companion answers to one resident turn."""

    session_id: int
    reply: str
    state: State
    reflection: str = ""
    question: str = ""
    cards: list[dict] = field(default_factory=list)
    topics: list[dict] = field(default_factory=list)
    safety: dict = field(default_factory=lambda: {"level": "none", "reasons": [],
                                                  "resources": []})
    feeling: str | None = None
    understood_topics: list[str] = field(default_factory=list)
    checkin: dict | None = None
    summary: dict | None = None
    generator_fallback: str | None = None
    choices: list[str] = field(default_factory=list)
    """Quick answers the resident can pick instead of typing (also listed in ``reply``)."""
    check: dict | None = None  # state "check": {"question", "note", "answers": [{id, label}]}
    privacy: dict | None = None  # identifiers: {"spans", "applied": None|keep|redact, "text"}

    def to_dict(self) -> dict:
        return {
            "session_id": self.session_id, "reply": self.reply, "state": self.state,
            "reflection": self.reflection, "question": self.question, "cards": self.cards,
            "topics": self.topics, "safety": self.safety, "feeling": self.feeling,
            "understood_topics": self.understood_topics, "checkin": self.checkin,
            "summary": self.summary, "generator_fallback": self.generator_fallback,
            "check": self.check, "privacy": self.privacy, "choices": self.choices,
        }
