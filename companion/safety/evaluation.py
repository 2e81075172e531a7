"""`companion eval safety FILE`: recall and false alarms on a labelled JSONL file.

Each line is ``{"id": ..., "text": ..., "crisis": true|false}`` (extra keys such as
``kind`` or ``history`` are allowed; ``history`` is a list of earlier messages).
Recall counts crisis items that got level *crisis*; ``recall_with_check`` counts
crisis items that got *crisis* or *check* (the screen asked); the false-alarm rate
counts non-crisis items that got level *crisis*. Check and concern rates are
reported for both.
"""

from __future__ import annotations

from pathlib import Path

from companion.labelled import EvalFileError, read_jsonl

__all__ = ["EvalFileError", "evaluate_safety", "format_report", "read_items"]


def read_items(path: Path | str) -> list[dict]:
    """Parse and validate the JSONL file."""
    fields: dict[str, type | tuple[type, ...]] = {"id": (str, int), "text": str,
                                                  "crisis": bool}
    return [item for _, item in read_jsonl(path, fields)]


def evaluate_safety(path: Path | str, screen=None) -> dict:
    """Screen every item and report the figures as a JSON-ready dict.

    Args:
        path: the JSONL file.
        screen: a ``SafetyScreen``; defaults to the process-wide one.
    """
    if screen is None:
        from companion.safety.screen import default_screen

        screen = default_screen()
    items = read_items(path)
    crisis_items = [item for item in items if item["crisis"]]
    safe_items = [item for item in items if not item["crisis"]]
    levels = {str(item["id"]): screen.screen(item["text"], item.get("history") or ()).level
              for item in items}
    misses = [str(i["id"]) for i in crisis_items if levels[str(i["id"])] != "crisis"]
    unasked = [str(i["id"]) for i in crisis_items
               if levels[str(i["id"])] not in ("crisis", "check")]
    checked = [str(i["id"]) for i in safe_items if levels[str(i["id"])] == "check"]
    false_alarms = [str(i["id"]) for i in safe_items if levels[str(i["id"])] == "crisis"]

    def rate(count: int, total: int) -> float:
        return round(count / total, 4) if total else 0.0

    return {
        "n": len(items),
        "recall": rate(len(crisis_items) - len(misses), len(crisis_items)),
        "false_alarm_rate": rate(len(false_alarms), len(safe_items)),
        "concern_rate_crisis": rate(
            sum(levels[str(i["id"])] == "concern" for i in crisis_items), len(crisis_items)),
        "concern_rate_noncrisis": rate(
            sum(levels[str(i["id"])] == "concern" for i in safe_items), len(safe_items)),
        "misses": misses,
        "false_alarms": false_alarms,
        "check_rate_crisis": rate(
            sum(levels[str(i["id"])] == "check" for i in crisis_items), len(crisis_items)),
        "check_rate_noncrisis": rate(len(checked), len(safe_items)),
        "recall_with_check": rate(len(crisis_items) - len(unasked), len(crisis_items)),
        "misses_with_check": unasked,
        "checks_noncrisis": checked,
    }


def format_report(report: dict) -> str:
    """Plain-text figures for a person reading the terminal."""
    lines = [
        f"items: {report['n']}",
        f"recall (crisis -> crisis):          {report['recall']:.2f}",
        f"recall with check (-> crisis/check): {report['recall_with_check']:.2f}",
        f"false-alarm rate (other -> crisis): {report['false_alarm_rate']:.2f}",
        f"concern rate, crisis items:         {report['concern_rate_crisis']:.2f}",
        f"concern rate, non-crisis items:     {report['concern_rate_noncrisis']:.2f}",
        f"check rate, crisis items:           {report['check_rate_crisis']:.2f}",
        f"check rate, non-crisis items:       {report['check_rate_noncrisis']:.2f}",
        f"misses: {', '.join(report['misses']) or 'none'}",
        f"false alarms: {', '.join(report['false_alarms']) or 'none'}",
        f"misses even with check: {', '.join(report['misses_with_check']) or 'none'}",
        f"checks on non-crisis: {', '.join(report['checks_noncrisis']) or 'none'}",
    ]
    return "\n".join(lines)
