"""A session's summary tells the topics as the resident left them, not as first suggested.

The resident accepts, edits or dismisses suggested topics while the reflection
runs; the summary saved at the end (and shown in the journal) must carry the
edited titles and the statuses, and leave dismissed topics out of its text.
On the typed core in this process, with the small fake models.
"""

from __future__ import annotations

import pytest
from tui_support import fake_models

from companion.service.local import LocalCompanion

TURNS = [
    "My attending yelled at me in front of the whole team this morning and now I keep "
    "thinking I am not good enough to be a doctor.",
    "I am so tired, and I have no idea who to ask about my career or research plans.",
]


@pytest.fixture
def core():
    local = LocalCompanion(**fake_models())  # type: ignore[arg-type]
    local.warm_up()
    yield local
    local.close()


def session_with_topics(core: LocalCompanion, minimum: int):
    reply = core.start("free-reflection")
    for text in TURNS:
        reply = core.turn(reply.session_id, text, "keep")
    topics = core.topics()
    if len(topics) < minimum:
        pytest.skip(f"the fakes suggested {len(topics)} topic(s); this test needs {minimum}")
    return reply.session_id, topics


def test_summary_carries_the_accepted_and_edited_topics(core):
    session_id, topics = session_with_topics(core, 1)
    first = topics[0]
    core.update_topic(first.id, status="accepted")
    core.update_topic(first.id, title="Asking for feedback without dread")
    summary = core.end(session_id)
    saved = {t.id: t for t in summary.topics}
    assert saved[first.id].status == "accepted"
    assert saved[first.id].title == "Asking for feedback without dread"
    assert "Asking for feedback without dread (accepted)" in summary.text
    stored = core.session(session_id)
    assert "Asking for feedback without dread" in stored.summary["text"]
    assert {t["id"]: t["status"] for t in stored.summary["topics"]}[first.id] == "accepted"


def test_a_dismissed_topic_is_left_out_of_the_summary_text(core):
    session_id, topics = session_with_topics(core, 1)
    dropped = topics[0]
    core.update_topic(dropped.id, status="dismissed")
    summary = core.end(session_id)
    assert dropped.title not in summary.text
    assert {t.id: t.status for t in summary.topics}[dropped.id] == "dismissed"
