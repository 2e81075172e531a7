"""LocalCompanion in-process, on the real journal and privacy guard (no models)."""

from __future__ import annotations

import json

import pytest

from companion.service.local import LocalCompanion


@pytest.fixture
def core():
    core = LocalCompanion()
    yield core
    core.lock()


def test_passphrase_lock_and_unlock(core):
    assert core.status() == {"journal": "open", "encrypted": False, "generator_problem": ""}
    core.set_passphrase("correct horse")
    assert core.status()["encrypted"] is True
    core.lock()
    assert core.status()["journal"] == "locked"
    with pytest.raises(Exception) as wrong:
        core.unlock("wrong horse")
    assert wrong.type.__name__ == "WrongPassphraseError"
    assert core.unlock("correct horse")["journal"] == "open"
    fresh = LocalCompanion()  # another window: the journal is in use
    assert fresh.status()["journal"] == "in_use"
    core.lock()
    assert fresh.status()["journal"] == "needs_passphrase"


def test_flows_are_listed_without_building_the_engine(core):
    flows = core.flows()
    assert {"id", "title", "description"} <= set(flows[0])
    assert core._engine is None


def test_agenda_export_is_checked_for_identifiers(core, tmp_path):
    journal = core._open_journal()
    topic = journal.add_topic("burnout", "Nights are wearing me down",
                              rationale="After caring for Mr. Jones in bed 12", status="accepted")
    found = core.agenda_identifiers([topic.id])
    assert {f["kind"] for f in found} >= {"patient", "room"}
    target = tmp_path / "agenda.json"
    with pytest.raises(Exception) as blocked:
        core.export_agenda("json", str(target), [topic.id])
    assert blocked.type.__name__ == "IdentifiersFound"
    assert not target.exists()
    written = core.export_agenda("json", str(target), [topic.id], redact=True)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert written == {"path": str(target), "topics": 1}
    assert "Jones" not in target.read_text(encoding="utf-8")
    assert data["topics"][0]["title"] == "Nights are wearing me down"
    assert core.topics("shared")[0]["id"] == topic.id


def test_delete_all_needs_the_word(core):
    core._open_journal().add_checkin({"burnout": 2})
    with pytest.raises(ValueError, match="DELETE"):
        core.delete_all("yes")
    assert len(core.checkins()) == 1
    core.delete_all("DELETE")
    assert core.checkins() == []
