"""The weekly well-being check-in: the instrument, validation, scores and trend.

A domain module, not storage: the journal stores answers and scores it computes,
the dialogue engine and the app ask its items.

Only items that are free to use. The burnout question follows the single-item
burnout measure used in the Mini-Z survey (five answer levels; the labels here
are our own wording); the other items are our own plain, non-clinical questions.
No Maslach Burnout Inventory items are used (they are licensed).

This is a reflection aid, not a diagnosis: scores describe how the week felt so
the resident can notice a trend and bring it to a mentor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class CheckinError(ValueError):
    """Answers that do not fit the instrument (names the item or the value)."""


CHECKIN_NOTE = (
    "A short, private check-in about the past week. It is not a diagnosis. "
    "Burnout item: Mini-Z single-item burnout measure (answer labels in our own words)."
)


@dataclass(frozen=True)
class Choice:
    value: int
    label: str


@dataclass(frozen=True)
class CheckinItem:
    """One question with its answer choices (value 1..5)."""

    id: str
    question: str
    choices: tuple[Choice, ...]
    source: str
    higher_is_better: bool

    def label(self, value: int) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        raise KeyError(value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "question": self.question, "source": self.source,
            "higher_is_better": self.higher_is_better,
            "choices": [{"value": c.value, "label": c.label} for c in self.choices],
        }


def _choices(*labels: str) -> tuple[Choice, ...]:
    return tuple(Choice(i, label) for i, label in enumerate(labels, start=1))


OWN_ITEM = "Resident Companion (own non-clinical item)"

CHECKIN_ITEMS: tuple[CheckinItem, ...] = (
    CheckinItem(
        id="burnout",
        question="Using your own idea of what burnout means, which statement fits you best "
        "right now?",
        choices=_choices(
            "I like my work and notice no signs of burnout.",
            "Work is stressful now and then and my energy is lower than it used to be, "
            "but I would not call it burnout.",
            "I am beginning to burn out: I notice at least one sign, such as feeling "
            "drained physically or emotionally.",
            "My signs of burnout are not going away, and frustrations at work fill much "
            "of my thinking.",
            "I feel entirely burned out and may need to change something or reach out "
            "for help.",
        ),
        source="Mini-Z single-item burnout measure",
        higher_is_better=False,
    ),
    CheckinItem(
        id="sleep",
        question="Over the past week, how rested did you feel after sleeping?",
        choices=_choices(
            "Not rested at all", "Rarely rested", "Sometimes rested", "Mostly rested",
            "Well rested",
        ),
        source=OWN_ITEM,
        higher_is_better=True,
    ),
    CheckinItem(
        id="support",
        question="How supported did you feel by colleagues, supervisors or people close to you?",
        choices=_choices(
            "Not supported", "A little supported", "Somewhat supported", "Well supported",
            "Very well supported",
        ),
        source=OWN_ITEM,
        higher_is_better=True,
    ),
    CheckinItem(
        id="meaning",
        question="How often did your work feel meaningful or bring you some joy?",
        choices=_choices("Never", "Rarely", "Sometimes", "Often", "Almost always"),
        source=OWN_ITEM,
        higher_is_better=True,
    ),
    CheckinItem(
        id="workload",
        question="How manageable did your workload feel this week?",
        choices=_choices(
            "Not manageable at all", "Hardly manageable", "Just about manageable",
            "Mostly manageable", "Comfortably manageable",
        ),
        source=OWN_ITEM,
        higher_is_better=True,
    ),
)

ITEMS_BY_ID = {item.id: item for item in CHECKIN_ITEMS}
BURNOUT_THRESHOLD = 3  # Mini-Z convention: level 3 or higher means symptoms of burnout


def validate_answers(answers: Mapping[str, Any]) -> dict[str, int]:
    """Check answers against :data:`CHECKIN_ITEMS`; return them as ``{id: int}``.

    Items may be skipped, but at least one must be answered.

    Raises:
        CheckinError: naming the unknown item or the out-of-range answer.
    """
    if not isinstance(answers, Mapping):
        raise CheckinError("check-in answers must be a mapping of item id to 1..5")
    clean: dict[str, int] = {}
    for key, value in answers.items():
        item = ITEMS_BY_ID.get(key)
        if item is None:
            known = ", ".join(ITEMS_BY_ID)
            raise CheckinError(f"check-in answer {key!r} is not an item (known: {known})")
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise CheckinError(f"check-in answer {key!r} must be an integer, got {value!r}")
        valid = [c.value for c in item.choices]
        if value not in valid:
            raise CheckinError(
                f"check-in answer {key!r} must be between {valid[0]} and {valid[-1]}, "
                f"got {value}"
            )
        clean[key] = value
    if not clean:
        raise CheckinError("a check-in needs at least one answer")
    return clean


def score(answers: Mapping[str, int]) -> dict[str, Any]:
    """Scores of one check-in.

    Returns:
        ``burnout`` (1-5 or None), ``burnout_symptoms`` (level >= 3, or None),
        ``wellbeing`` (0-100 mean of the answered own items, higher is better, or
        None), and ``answered`` (number of items answered).
    """
    clean = validate_answers(answers)
    burnout = clean.get("burnout")
    own = [
        (value - 1) / 4 * 100
        for key, value in clean.items()
        if ITEMS_BY_ID[key].higher_is_better
    ]
    return {
        "burnout": burnout,
        "burnout_symptoms": None if burnout is None else burnout >= BURNOUT_THRESHOLD,
        "wellbeing": round(sum(own) / len(own), 1) if own else None,
        "answered": len(clean),
    }


def trend(checkins: list[Any]) -> list[tuple[str, dict[str, Any]]]:
    """``[(date, scores), ...]`` oldest first, from objects with ``date`` and ``scores``."""
    ordered = sorted(checkins, key=lambda c: (c.date, getattr(c, "id", 0)))
    return [(c.date, dict(c.scores)) for c in ordered]
