"""The topic taxonomy: one list of topic ids read from ``knowledge/topics.yaml``.

Cards, retrieval, suggested mentor topics and evaluation all speak these ids;
nobody retypes the list.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from companion import paths


class TaxonomyError(ValueError):
    """The topics file is missing or malformed."""


@lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, str]:
    if not path.is_file():
        raise TaxonomyError(f"{path}: topics file not found")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TaxonomyError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(raw, dict) or not raw:
        raise TaxonomyError(f"{path}: expected a mapping of topic id to description")
    for key, value in raw.items():
        if not isinstance(key, str) or not isinstance(value, str) or not value.strip():
            raise TaxonomyError(f"{path}: topic {key!r} needs a one-line description")
    return dict(raw)


def load_topics(path: Path | None = None) -> dict[str, str]:
    """Topic id -> one-line description, in file order."""
    return dict(_load(path or paths.knowledge_dir() / "topics.yaml"))


def topic_ids(path: Path | None = None) -> list[str]:
    """The topic ids, in file order."""
    return list(load_topics(path))


_HYPHENATED = ("work-life",)  # hyphens that belong to the words, not to the slug


def topic_label(topic_id: str) -> str:
    """A human label for a topic id: 'work-life-balance' -> 'Work-life balance'."""
    text = topic_id
    for word in _HYPHENATED:
        text = text.replace(word, word.replace("-", "\0"))
    text = text.replace("-", " ").replace("\0", "-")
    return text[:1].upper() + text[1:]
