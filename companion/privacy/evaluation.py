"""Score a scanner on a labelled set of reflection sentences (JSON lines).

Each line: ``{"id", "text", "identifiers": [{"kind", "text"}, ...]}``; an empty
``identifiers`` list marks a clean sentence. A kind may be written with a common
other name ("name", "serial", "town": see ``spans.ALIASES``), so sets written by
other authors load without being edited. An identifier counts as *caught*
when the detected spans cover every non-space character of it (the redacted
text no longer contains it); *kind_correct* also needs an overlapping span of
the labelled kind. A clean sentence counts as *changed* when anything in it is
flagged. Used by ``tests/test_privacy_quality.py`` and
``benchmarks/bench_privacy.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from companion.labelled import read_jsonl
from companion.privacy.spans import ALIASES, KINDS, Span


class PrivacySetError(ValueError):
    """A labelled set file is malformed; the message names the file, line and field."""


@dataclass(frozen=True)
class LabelledSentence:
    id: str
    text: str
    identifiers: tuple[tuple[str, int, int], ...]  # kind, start, end


@dataclass
class PrivacyScore:
    identifiers: int = 0
    caught: int = 0
    kind_correct: int = 0
    clean: int = 0
    clean_changed: int = 0
    missed: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.caught / self.identifiers if self.identifiers else 1.0

    @property
    def kind_accuracy(self) -> float:
        return self.kind_correct / self.identifiers if self.identifiers else 1.0

    @property
    def clean_changed_rate(self) -> float:
        return self.clean_changed / self.clean if self.clean else 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "identifiers": self.identifiers, "caught": self.caught,
            "recall": round(self.recall, 4), "kind_accuracy": round(self.kind_accuracy, 4),
            "clean": self.clean, "clean_changed": self.clean_changed,
            "clean_changed_rate": round(self.clean_changed_rate, 4),
            "missed": self.missed, "false_alarms": self.false_alarms,
        }


def load_labelled_set(path: Path, strict_kinds: bool = True) -> list[LabelledSentence]:
    """Read and validate a labelled set; every problem names ``path:line`` and the field.

    Args:
        strict_kinds: refuse a kind that is neither a known kind nor an alias; with
            False (sets written by other authors) it is kept as written and only
            counts against kind accuracy, never against recall.
    """
    items: list[LabelledSentence] = []
    seen: set[str] = set()
    fields = {"id": str, "text": str, "identifiers": list}
    for where, raw in read_jsonl(path, fields, error=PrivacySetError):
        if raw["id"] in seen:
            raise PrivacySetError(f"{where}: field 'id' {raw['id']!r} is duplicated")
        seen.add(raw["id"])
        items.append(LabelledSentence(raw["id"], raw["text"], _locate(raw, where, strict_kinds)))
    return items


def _locate(raw: dict, where: str, strict_kinds: bool = True) -> tuple[tuple[str, int, int], ...]:
    located: list[tuple[str, int, int]] = []
    cursor: dict[str, int] = {}
    for index, ident in enumerate(raw["identifiers"]):
        field_name = f"identifiers[{index}]"
        if not isinstance(ident, dict) or not isinstance(ident.get("text"), str):
            raise PrivacySetError(f"{where}: field '{field_name}.text' must be a string")
        kind = ident.get("kind")
        kind = ALIASES.get(kind, kind) if isinstance(kind, str) else kind
        if kind not in KINDS and (strict_kinds or not isinstance(kind, str) or not kind):
            raise PrivacySetError(
                f"{where}: field '{field_name}.kind' is {ident.get('kind')!r}; "
                f"expected one of {', '.join(KINDS)}"
            )
        start = raw["text"].find(ident["text"], cursor.get(ident["text"], 0))
        if start < 0 or not ident["text"]:
            raise PrivacySetError(
                f"{where}: field '{field_name}.text' {ident['text']!r} does not occur in 'text'"
            )
        cursor[ident["text"]] = start + len(ident["text"])
        located.append((kind, start, start + len(ident["text"])))
    return tuple(located)


def evaluate(
    items: Sequence[LabelledSentence], scan_fn: Callable[[str], list[Span]]
) -> PrivacyScore:
    """Run ``scan_fn`` over every sentence and count catches, kinds and false alarms."""
    score = PrivacyScore()
    for item in items:
        spans = scan_fn(item.text)
        if not item.identifiers:
            score.clean += 1
            if spans:
                score.clean_changed += 1
                score.false_alarms.append(f"{item.id}: {[s.text for s in spans]}")
            continue
        covered = {i for s in spans for i in range(s.start, s.end)}
        for kind, start, end in item.identifiers:
            score.identifiers += 1
            needed = {i for i in range(start, end) if not item.text[i].isspace()}
            if needed <= covered:
                score.caught += 1
                if any(s.kind == kind and s.start < end and start < s.end for s in spans):
                    score.kind_correct += 1
            else:
                score.missed.append(f"{item.id}: {kind} {item.text[start:end]!r}")
    return score


def evaluate_privacy(path: str | Path) -> dict[str, object]:
    """Figures of ``companion.privacy.scan`` on a labelled file (for ``companion eval privacy``)."""
    from companion.privacy import scan

    items = load_labelled_set(Path(path), strict_kinds=False)
    score = evaluate(items, scan)
    report = score.to_dict()
    report["file"] = str(path)
    report["sentences"] = len(items)
    missed_kinds: dict[str, int] = {}
    for line in score.missed:
        kind = line.split(": ", 1)[1].split(" ", 1)[0]
        missed_kinds[kind] = missed_kinds.get(kind, 0) + 1
    report["missed_by_kind"] = missed_kinds
    return report


def format_report(report: dict[str, object]) -> str:
    """The figures only: a held-out set's lines are not printed (nobody should tune on them)."""
    return "\n".join([
        f"privacy guard on {report['file']}: {report['sentences']} sentences, "
        f"{report['identifiers']} identifiers, {report['clean']} clean sentences",
        f"  identifiers caught   {report['recall']:.3f}  (target >= 0.97)",
        f"  kind correct         {report['kind_accuracy']:.3f}",
        f"  clean touched        {report['clean_changed_rate']:.3f}  (target < 0.03; "
        f"{report['clean_changed']} sentence(s))",
        f"  missed by kind       {report['missed_by_kind'] or 'none'}",
        "  (--json lists the missed identifiers and false alarms)",
    ])
