"""Render the resident's journal as Markdown or JSON: the copy the resident owns.

Export works on the plain data of :meth:`Journal.dump`, so it never touches the
database or the keys. The output is plaintext by nature; the CLI writes files
with mode 0600.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from companion.checkin import ITEMS_BY_ID

FORMATS = ("md", "json")
EXPORT_FORMAT = "resident-companion-journal"
EXPORT_VERSION = 1


def render(data: dict[str, Any], format: str) -> str:  # noqa: A002
    if format == "json":
        return to_json(data)
    return to_markdown(data)


def to_json(data: dict[str, Any]) -> str:
    document = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **data,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def to_markdown(data: dict[str, Any]) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = ["# My reflection journal", "", f"_Exported {stamp}. Private: keep it safe._", ""]
    lines += _sessions(data["sessions"])
    lines += _checkins(data["checkins"])
    lines += _topics(data["topics"])
    lines += _meetings(data["meetings"], data["open_follow_ups"])
    lines += _plan(data.get("safety_plan") or {})
    return "\n".join(lines).rstrip() + "\n"


def _sessions(sessions: list[dict[str, Any]]) -> list[str]:
    lines = ["## Reflection sessions", ""]
    if not sessions:
        return lines + ["_No sessions yet._", ""]
    for session in sessions:
        started = _local(session["started_at"])
        lines += [f"### Session {session['id']}: {session['flow']} ({started})", ""]
        summary = session.get("summary") or {}
        if summary:
            lines.append("**Summary**")
            lines.append("")
            for key, value in summary.items():
                lines.append(f"- {key}: {_inline(value)}")
            lines.append("")
        for message in session.get("messages", []):
            level = message["safety_level"]
            flag = f" _(safety: {level})_" if level != "none" else ""
            lines.append(f"**{message['role']}** ({_local(message['created_at'])[11:]}){flag}:")
            lines += [f"> {line}" if line else ">" for line in message["text"].splitlines() or [""]]
            lines.append("")
        for event in session.get("safety_events", []):
            lines.append(f"- Safety note ({event['level']}): {', '.join(event['reasons'])}")
        if session.get("safety_events"):
            lines.append("")
    return lines


def _checkins(checkins: list[dict[str, Any]]) -> list[str]:
    lines = ["## Check-ins", ""]
    if not checkins:
        return lines + ["_No check-ins yet._", ""]
    lines += ["| Date | Burnout (1-5) | Well-being (0-100) | Answers |", "|---|---|---|---|"]
    for checkin in checkins:
        scores = checkin["scores"]
        answers = "; ".join(
            f"{key}: {ITEMS_BY_ID[key].label(value) if key in ITEMS_BY_ID else value}"
            for key, value in checkin["answers"].items()
        )
        lines.append(
            f"| {checkin['date']} | {_blank(scores.get('burnout'))} | "
            f"{_blank(scores.get('wellbeing'))} | {answers} |"
        )
    return lines + [""]


def _topics(topics: list[dict[str, Any]]) -> list[str]:
    lines = ["## Topics for my mentor", ""]
    if not topics:
        return lines + ["_No topics yet._", ""]
    for topic in topics:
        lines.append(f"- **{topic['title']}** [{topic['status']}] ({topic['topic_id']})")
        if topic["rationale"]:
            lines.append(f"  - Why: {topic['rationale']}")
        for words in topic["resident_words"]:
            lines.append(f"  - In my words: \"{words}\"")
        for question in topic["questions"]:
            lines.append(f"  - Question: {question}")
        if topic["card_ids"]:
            lines.append(f"  - Cards: {', '.join(topic['card_ids'])}")
    return lines + [""]


def _meetings(meetings: list[dict[str, Any]], open_items: list[dict[str, Any]]) -> list[str]:
    lines = ["## Mentor meetings", ""]
    if not meetings:
        lines += ["_No meetings yet._", ""]
    for meeting in meetings:
        lines += [f"### Meeting on {meeting['date']}", ""]
        for key, value in (meeting.get("agenda") or {}).items():
            lines.append(f"- Agenda {key}: {_inline(value)}")
        if meeting["notes"]:
            lines += ["", meeting["notes"], ""]
        for item in meeting["follow_ups"]:
            box = "x" if item["done"] else " "
            due = f" (due {item['due_date']})" if item["due_date"] else ""
            lines.append(f"- [{box}] {item['text']} ({item['owner']}){due}")
        lines.append("")
    if open_items:
        lines += ["### Open follow-ups", ""]
        for item in open_items:
            due = f" (due {item['due_date']})" if item["due_date"] else ""
            lines.append(f"- [ ] {item['text']} ({item['owner']}){due}")
        lines.append("")
    return lines


def _plan(plan: dict[str, str]) -> list[str]:
    from companion.journal.plan import PLAN_PARTS

    if not plan:
        return []
    lines = ["## My safety plan", ""]
    for key, heading, _ in PLAN_PARTS:
        if plan.get(key):
            lines += [f"### {heading}", "", plan[key], ""]
    return lines


def _local(timestamp: str) -> str:
    """A stored UTC timestamp as local ``YYYY-MM-DD HH:MM``."""
    return datetime.fromisoformat(timestamp).astimezone().strftime("%Y-%m-%d %H:%M")


def _inline(value: Any) -> str:
    if isinstance(value, str):
        return value.replace("\n", " ")
    if isinstance(value, list):
        return "; ".join(_inline(v) for v in value)
    return json.dumps(value, ensure_ascii=False)


def _blank(value: Any) -> str:
    return "" if value is None else str(value)
