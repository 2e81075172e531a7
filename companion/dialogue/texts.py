"""Curated words of the companion: reflections, theme phrases, mentor-topic titles, prompts.

All of it lives in ``knowledge/understanding/reflections.yaml`` so that every word
the companion says comes from a reviewed file, and a bad file names what is missing.
Reflections name a feeling only; no topic phrase is slotted into them, so none can
read like "annoyed about building your skills".
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import yaml

from companion import paths
from companion.dialogue.feelings import FEELINGS
from companion.dialogue.flows import FlowError
from companion.taxonomy import load_topics

SINGLE = ("rumination_step", "feeling_check", "feeling_corrected", "go_on", "clinical",
          "clinical_added", "clinical_declined", "short_ack", "rambling", "rambling_ask",
          "rambling_pick", "plan_known", "crisis", "crisis_resume",
          "crisis_end")
LISTS = ("rumination", "concern", "short_choices", "so_what", "fallback_questions")


@dataclass(frozen=True)
class CuratedTexts:
    feelings: dict[str, list[str]]
    feeling_names: dict[str, str]
    themes: dict[str, str]
    mentor_topics: dict[str, str]
    lines: dict[str, str]
    lists: dict[str, list[str]]

    def reflection(self, feeling: str, used: Collection[str] = ()) -> str:
        """A short reflection of the feeling, the first one not yet said in this session."""
        templates = self.feelings.get(feeling) or self.feelings["neutral"]
        return next((t for t in templates if t not in used), templates[0])

    def line(self, name: str, **values: str) -> str:
        text = self.lines[name]
        for key, value in values.items():
            text = text.replace("{" + key + "}", value)
        return text

    # The names older callers use.
    @property
    def rumination(self) -> list[str]:
        return self.lists["rumination"]

    @property
    def concern(self) -> list[str]:
        return self.lists["concern"]

    @property
    def fallback_questions(self) -> list[str]:
        return self.lists["fallback_questions"]

    @property
    def crisis(self) -> str:
        return self.lines["crisis"]

    @property
    def crisis_resume(self) -> str:
        return self.lines["crisis_resume"]

    @property
    def crisis_end(self) -> str:
        return self.lines["crisis_end"]


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
        if not (raw.get("feelings") or {}).get(feeling):
            problems.append(f"field 'feelings.{feeling}' needs at least one reflection")
        if not (raw.get("feeling_names") or {}).get(feeling):
            problems.append(f"field 'feeling_names.{feeling}' is missing")
    for feeling, templates in (raw.get("feelings") or {}).items():
        for template in templates or []:
            if "{" in str(template):
                problems.append(f"field 'feelings.{feeling}': reflections take no "
                                f"placeholders: {template!r}")
    for section in ("themes", "mentor_topics"):
        for topic in topics:
            if not (raw.get(section) or {}).get(topic):
                problems.append(f"field '{section}.{topic}' is missing")
    for section in (*SINGLE, *LISTS):
        if not raw.get(section):
            problems.append(f"field '{section}' needs at least one text")
    if problems:
        raise FlowError("\n".join(f"{path.name}: {p}" for p in problems))
    return CuratedTexts(
        feelings={f: [str(t) for t in raw["feelings"][f]] for f in FEELINGS},
        feeling_names={f: str(raw["feeling_names"][f]) for f in FEELINGS},
        themes=raw["themes"], mentor_topics=raw["mentor_topics"],
        lines={name: str(raw[name]) for name in SINGLE},
        lists={name: [str(x) for x in raw[name]] for name in LISTS},
    )
