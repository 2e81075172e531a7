"""The `check` outcome: one direct, kind question, and what the resident's answers mean.

Why: weaker evidence (the model alone, ambiguous slang, a single euphemism) is
often not risk, and a full crisis screen on it teaches residents to ignore the
screen. Clinicians are taught to ask directly instead; asking does not plant the
idea. Yes or not sure -> the crisis resources; no -> the reflection goes on and
the same evidence does not ask again in this session. The crisis screen's
"I'm safe" is an answer too: the history may keep the resources visible, but
only new, stronger evidence raises the full screen again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

CHECK_QUESTION = ("Some of what you wrote sounds heavy. Are you having thoughts of ending "
                  "your life, or of hurting someone?")
CHECK_NOTE = "Whatever you answer, the support resources stay one key away (f2)."
Answer = Literal["yes", "no", "not_sure"]
ANSWERS: tuple[tuple[Answer, str], ...] = (
    ("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure"))
CHECK_NO_REPLY = "Thank you for telling me. Let's go on."
# Model evidence asks again only when clearly stronger than what was answered.
STRONGER_BY = 0.15


def check_payload() -> dict:
    """What a `check` turn carries: the question and the answers as buttons."""
    return {"question": CHECK_QUESTION, "note": CHECK_NOTE,
            "answers": [{"id": key, "label": label} for key, label in ANSWERS]}


def parse_answer(answer: str) -> Answer:
    """Accept the answer ids (and their obvious spellings); anything else is an error."""
    key = str(answer).strip().lower().replace(" ", "_").replace("-", "_")
    key = {"y": "yes", "n": "no", "unsure": "not_sure", "notsure": "not_sure",
           "maybe": "not_sure"}.get(key, key)
    if key not in {"yes", "no", "not_sure"}:
        raise ValueError(f"the answer must be yes, no or not_sure, got {answer!r}")
    return key  # type: ignore[return-value]


def model_evidence_key(statement: str) -> str:
    """The memory key of model evidence: the statement that scored (a short digest).

    Why per statement: a "no" to a check answers what the resident wrote then. One key
    for all model evidence let an early false check silence a later, different
    statement of real risk scored about as high (two dev conversations lost their
    crisis turn that way). The digest keeps the words themselves out of the memory.
    """
    digest = hashlib.sha256(" ".join(statement.lower().split()).encode("utf-8"))
    return "model:" + digest.hexdigest()[:16]


@dataclass
class SafetyMemory:
    """What the resident has answered in this session (kept by the dialogue session).

    ``answered`` maps an evidence key ("rule:not-be-here", ``model_evidence_key(...)``)
    to the strongest
    evidence the resident has already answered "no" or "I'm safe" to.
    """

    answered: dict[str, float] = field(default_factory=dict)
    crisis_answered: bool = False
    pending: dict[str, float] | None = None  # the evidence of a question not yet answered
    pending_turn: tuple | None = None  # (text, history, SafetyResult) of a check to answer

    def record(self, evidence: dict[str, float]) -> None:
        for key, strength in evidence.items():
            self.answered[key] = max(strength, self.answered.get(key, 0.0))

    def already_answered(self, evidence: dict[str, float]) -> bool:
        """True when every piece of this evidence was answered and none is clearly stronger."""
        if not evidence:
            return False
        return all(key in self.answered and strength < self.answered[key] + STRONGER_BY
                   for key, strength in evidence.items())
