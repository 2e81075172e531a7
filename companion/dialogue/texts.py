"""Curated words of the companion: reflections, theme phrases, mentor-topic titles.

All of it lives in ``knowledge/understanding/reflections.yaml`` so that every word
the companion says comes from a reviewed file, and a bad file names what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from companion import paths
from companion.dialogue.flows import FEELINGS, FlowError
from companion.taxonomy import load_topics


@dataclass(frozen=True)
class CuratedTexts:
    feelings: dict[str, list[str]]
    themes: dict[str, str]
    mentor_topics: dict[str, str]
    rumination: list[str]
    concern: list[str]
    crisis: str
    crisis_resume: str
    crisis_end: str
    fallback_questions: list[str]

    def reflection(self, feeling: str, topic: str | None, turn: int) -> str:
        """A short reflection naming the feeling and the theme, rotating templates."""
        templates = self.feelings.get(feeling) or self.feelings["neutral"]
        template = templates[turn % len(templates)]
        theme = self.themes.get(topic or "", "what you described")
        return template.replace("{Theme}", theme[:1].upper() + theme[1:]).replace(
            "{theme}", theme)


def load_texts(path: Path | None = None) -> CuratedTexts:
    path = path or paths.knowledge_dir() / "understanding" / "reflections.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FlowError(f"{path.name}: cannot be read: {exc}") from exc
    topics = load_topics()
    problems = []
    if not isinstance(raw, dict):
        raise FlowError(f"{path.name}: expected a mapping")
    for feeling in FEELINGS:
        if not raw.get("feelings", {}).get(feeling):
            problems.append(f"field 'feelings.{feeling}' needs at least one template")
    for section in ("themes", "mentor_topics"):
        for topic in topics:
            if not (raw.get(section) or {}).get(topic):
                problems.append(f"field '{section}.{topic}' is missing")
    for section in ("rumination", "concern", "crisis", "crisis_resume", "crisis_end",
                    "fallback_questions"):
        if not raw.get(section):
            problems.append(f"field '{section}' needs at least one text")
    if problems:
        raise FlowError("\n".join(f"{path.name}: {p}" for p in problems))
    return CuratedTexts(
        feelings=raw["feelings"], themes=raw["themes"], mentor_topics=raw["mentor_topics"],
        rumination=list(raw["rumination"]), concern=list(raw["concern"]),
        crisis=raw["crisis"], crisis_resume=raw["crisis_resume"], crisis_end=raw["crisis_end"],
        fallback_questions=list(raw["fallback_questions"]),
    )
