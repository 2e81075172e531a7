"""Hand-made knowledge cards for the retrieval tests (not a test module itself)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from companion.cards import Card

REPO = Path(__file__).resolve().parent.parent

FILLER = ("Notice what the pattern costs you, name one small change you can test this week, "
          "and bring what you learn to someone you trust so it becomes a habit rather than "
          "a single good intention that fades when the next busy rotation starts.")


def make_card(card_id: str, title: str, topic: str, body: str, *, topics=(), tags=(),
              audience: str = "resident", reflect=("What would you try next time?",)) -> Card:
    """A valid Card; the body is padded to the 60-word minimum with neutral filler."""
    if len(body.split()) < 60:
        body = f"{body}\n\n{FILLER}"
    return Card(
        id=card_id, title=title, topic=topic, topics=tuple(topics), audience=audience,
        sources=(f"Test source for {card_id}",), tags=tuple(tags), reflect=tuple(reflect),
        ask_mentor=("How did you handle this?",), body=body, path=Path(f"{card_id}.md"),
        now=f"Right now, try one step about {title.lower()}.",
    )


def sample_cards() -> list[Card]:
    return [
        make_card("nights-recovery", "Recovering after a run of night shifts", "burnout",
                  "Several nights in a row of charting until two in the morning leave you "
                  "exhausted and short-tempered. Protect sleep after nights, eat before the "
                  "shift, and plan one restful thing on your day off.",
                  tags=("nights", "sleep")),
        make_card("mm-presenting", "Presenting your case at M&M", "emotional-support",
                  "Being asked to present at M&M after a complication feels exposing. The "
                  "morbidity and mortality conference is about systems, not blame; prepare "
                  "a clear timeline and say what you would change.", tags=("M&M",)),
        make_card("sign-out-handoff", "Safer sign-out at the end of a shift", "skill-development",
                  "A rushed sign-out drops tasks. Use a structured handoff, state the "
                  "contingencies for each patient, and ask the receiving resident to read "
                  "back the to-do list.", tags=("sign-out", "handoff")),
        make_card("finding-first-mentor", "Approaching a possible mentor", "finding-a-mentor",
                  "Look for someone whose career you admire, send a short email asking for "
                  "twenty minutes, and explain what you hope to learn from them."),
        make_card("after-snapping", "Repairing things after snapping at a nurse",
                  "conflict-resolution",
                  "Tired residents sometimes snap at a nurse. Apologise directly and soon, "
                  "acknowledge the impact, and talk about how to communicate under pressure.",
                  topics=("burnout",)),
        make_card("writing-idp", "Writing your individual development plan", "career-planning",
                  "An IDP lists your goals for the year, the skills you need and who can "
                  "help. Review it with your PD or mentor every few months.", tags=("IDP",)),
        make_card("hard-feedback", "Taking in hard feedback", "feedback-evaluation",
                  "Critical feedback stings. Listen first, ask for one concrete example, and "
                  "decide afterwards what to act on.", audience="both"),
        make_card("mentor-silence", "When your mentor stops replying", "mentoring-relationship",
                  "If your mentor does not answer emails for weeks, send one short note with "
                  "a specific question and a proposed time, then consider a second mentor.",
                  audience="mentor"),
    ]


def card_markdown(card: Card) -> str:
    meta = {"id": card.id, "title": card.title, "now": card.now, "topic": card.topic,
            "topics": list(card.topics), "audience": card.audience,
            "sources": list(card.sources), "tags": list(card.tags),
            "reflect": list(card.reflect), "ask_mentor": list(card.ask_mentor)}
    return f"---\n{yaml.safe_dump(meta, sort_keys=False)}---\n\n{card.body}\n"


def write_knowledge(directory: Path, cards: list[Card]) -> Path:
    """A knowledge folder (real topics.yaml + these cards) for COMPANION_KNOWLEDGE."""
    (directory / "cards").mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "knowledge" / "topics.yaml", directory / "topics.yaml")
    for card in cards:
        (directory / "cards" / f"{card.id}.md").write_text(card_markdown(card), encoding="utf-8")
    return directory
