"""Ranking mentors on a program's roster for one resident, and saying why.

Each mentor is scored by meaning (embedding similarity between the resident's
accepted topics and goals and the mentor's specialty, interests and free-text
fields) plus the words they share, and every match is explained by those topics
and words. Protected attributes (gender, race, religion and the like) never count,
unless the resident states a preference in plain words, and then only that.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from companion.textnorm import strip_controls

REQUIRED_COLUMNS = ("name", "specialty", "interests", "capacity")
PROTECTED = {
    "gender", "sex", "race", "ethnicity", "religion", "age", "sexual_orientation",
    "orientation", "disability", "nationality", "pronouns", "marital_status", "pregnancy",
}
STOP = set("a an and the of in on for to with my me i about at or is are be as by how what my "
           "want would like more get".split())
_WORD = re.compile(r"[a-z][a-z&'-]+")


class RosterError(ValueError):
    """The mentors CSV cannot be used; the message names the file, row and column."""


@dataclass
class Mentor:
    name: str
    specialty: str
    interests: str
    capacity: int
    extra: dict[str, str] = field(default_factory=dict)  # free-text fields the program chose
    protected: dict[str, str] = field(default_factory=dict)

    @property
    def profile(self) -> str:
        return " ".join([self.specialty, self.interests, *self.extra.values()])


@dataclass
class Match:
    mentor: Mentor
    score: float
    topics: list[str]
    words: list[str]
    preference: str = ""

    def explanation(self) -> str:
        parts = []
        if self.topics:
            parts.append("fits your topics: " + ", ".join(self.topics))
        if self.words:
            parts.append("shared words: " + ", ".join(self.words))
        if self.preference:
            parts.append(f"matches your stated preference ({self.preference})")
        if self.mentor.capacity <= 0:
            parts.append("has no capacity left this year")
        return "; ".join(parts) or "general fit"

    def to_dict(self) -> dict:
        return {"name": self.mentor.name, "specialty": self.mentor.specialty,
                "score": round(self.score, 4), "capacity": self.mentor.capacity,
                "topics": self.topics, "words": self.words, "why": self.explanation()}


MAX_ROSTER_BYTES = 5_000_000
DELIMITERS = (",", ";", "\t")
"""Comma (CSV), semicolon (Excel where the decimal mark is a comma), tab ("Unicode Text")."""


def _delimiter(header_line: str) -> str:
    """The delimiter that splits the header into the most required columns (then most cells)."""
    def fit(delimiter: str) -> tuple[int, int]:
        cells = {c.strip().strip('"').lower() for c in header_line.split(delimiter)}
        return (sum(c in cells for c in REQUIRED_COLUMNS), len(cells))

    return max(DELIMITERS, key=fit)


def load_roster(path: str | Path) -> list[Mentor]:
    """Read a program's mentor roster as Excel and others save it.

    Any of UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode Text") or cp1252
    (Excel's plain "CSV" on Windows); comma, semicolon or tab between cells.
    Every cell is stripped of control characters (the names are shown later).

    Raises:
        RosterError: naming the file, and the row and column when one is wrong.
    """
    from companion.textio import TextFileError, read_text_file

    path = Path(path)
    try:
        decoded = read_text_file(path, max_bytes=MAX_ROSTER_BYTES, what="a roster (CSV)")
    except TextFileError as exc:
        raise RosterError(str(exc)) from exc
    name = strip_controls(path.name)
    lines = strip_controls(decoded.text).splitlines()
    header_line = next((line for line in lines if line.strip()), "")
    reader = csv.DictReader(lines, delimiter=_delimiter(header_line), restkey=_EXTRA)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise RosterError(f"{name}: line {reader.line_num}: not readable as CSV ({exc})") from exc
    if not rows:
        raise RosterError(f"{name}: no mentors listed (a header row and one row per mentor)")
    header = {h.strip().lower() for h in (reader.fieldnames or []) if h}
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise RosterError(f"{name}: missing column(s): {', '.join(missing)} (the first row "
                          "must name the columns: name, specialty, interests, capacity)")
    return [_mentor(row, name, number) for number, row in enumerate(rows, 2)]


_EXTRA = "\x00extra"  # DictReader's key for cells beyond the header (never a real column)


def _mentor(row: dict, name: str, number: int) -> Mentor:
    extra = [cell for cell in row.pop(_EXTRA, None) or [] if cell.strip()]
    if extra:
        raise RosterError(f"{name}: row {number}: has more cells than the header row "
                          f"(extra: {', '.join(repr(c[:30]) for c in extra[:3])}); a comma "
                          "inside a cell needs quotes")
    clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
    if not clean["name"]:
        raise RosterError(f"{name}: row {number}: column 'name' is empty")
    try:
        capacity = int(clean["capacity"] or 0)
    except ValueError as exc:
        raise RosterError(f"{name}: row {number}: column 'capacity' must be a whole "
                          f"number, got {clean['capacity'][:30]!r}") from exc
    others = {k: v for k, v in clean.items() if k not in REQUIRED_COLUMNS and v}
    return Mentor(
        name=clean["name"], specialty=clean["specialty"], interests=clean["interests"],
        capacity=capacity,
        extra={k: v for k, v in others.items() if k not in PROTECTED},
        protected={k: v for k, v in others.items() if k in PROTECTED},
    )


def _words(text: str) -> set[str]:
    return {w.strip("'-") for w in _WORD.findall(text.lower()) if w not in STOP and len(w) > 2}


def _stated_preference(mentor: Mentor, preference: str) -> str:
    wanted = _words(preference)
    for column, value in mentor.protected.items():
        if value and _words(value) & wanted:
            return f"{column}: {value}"
    return ""


def rank_mentors(mentors: list[Mentor], topics: list[tuple[str, str]], goals: str = "",
                 preference: str = "", embedder=None) -> list[Match]:
    """Rank mentors for the resident's topics ``[(topic_id, title)]`` and goals."""
    if embedder is None:
        from companion.retrieval.embedding import get_embedder

        embedder = get_embedder()
    needs = [f"{tid.replace('-', ' ')}: {title}" for tid, title in topics]
    if goals.strip():
        needs.append(goals)
    if not needs:
        raise RosterError("nothing to match on: accept some topics or state your goals")
    need_vectors = embedder.encode(needs)
    mentor_vectors = embedder.encode([m.profile for m in mentors])
    similarity = mentor_vectors @ need_vectors.T  # mentors x needs
    need_words = _words(" ".join(needs))
    matches = []
    for row, mentor in enumerate(mentors):
        shared = sorted(need_words & _words(mentor.profile))
        score = float(similarity[row].mean()) + 0.05 * len(shared)
        fitting = [topics[i][1] for i in np.argsort(-similarity[row][: len(topics)])
                   if similarity[row][i] >= 0.25][:3]
        preferred = _stated_preference(mentor, preference) if preference else ""
        if preferred:
            score += 0.1
        if mentor.capacity <= 0:
            score -= 1.0
        matches.append(Match(mentor, score, fitting, shared[:6], preferred))
    return sorted(matches, key=lambda m: m.score, reverse=True)
