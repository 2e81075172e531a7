"""How a session reads for a person: local dates, flow titles, the summary in words.

The journal stores UTC ISO timestamps, flow ids and a summary dict; the resident
reads local times, the flow's title and sentences (`companion journal show` and
the app's journal view both use these, so they read the same). Nothing here
strips control characters: callers display the result and strip it there.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from companion.journal.records import SessionRecord

TOPICS_LINE = "Topics for your mentor:"
"""How the engine's summary text names the topics (the live list replaces that line)."""


def local_time(timestamp: str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored timestamp in this computer's time zone; "" for none, as-is if unreadable."""
    if not timestamp:
        return ""
    try:
        moment = datetime.fromisoformat(timestamp)
    except ValueError:
        return timestamp
    return moment.astimezone().strftime(fmt)


def local_date(timestamp: str | None) -> str:
    return local_time(timestamp, "%Y-%m-%d")


def flow_title(flow_id: str, titles: Mapping[str, str]) -> str:
    """The flow's title; for a flow no longer installed, its id made readable."""
    return titles.get(flow_id) or flow_id.replace("-", " ").capitalize()


def summary_sentences(session: SessionRecord) -> list[str]:
    """The summary's lines without Markdown emphasis and without its topic line.

    The topic line is left out because the session's topics are shown from the
    journal as they are now (accepted, edited, discussed since the summary was
    written).
    """
    text = str(session.summary.get("text") or "")
    if not text:  # an older or hand-made summary: its short text fields, in order
        text = "\n".join(v for k, v in session.summary.items()
                         if isinstance(v, str) and k in {"headline", "title", "summary"})
    lines = [line.replace("**", "").strip() for line in text.splitlines()]
    return [line for line in lines if line and not (session.topics
                                                    and line.startswith(TOPICS_LINE))]


def speaker(role: str) -> str:
    return "You" if role == "resident" else "Companion"
