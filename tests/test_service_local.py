"""LocalCompanion in-process, on the real journal and privacy guard (no models)."""

from __future__ import annotations

import json

import pytest

from companion.journal import Journal, JournalLockedError, WrongPassphraseError
from companion.service.errors import AppLockedError
from companion.service.local import LocalCompanion
from companion.service.results import JournalStatus
from companion.sharing import IdentifiersFound


@pytest.fixture
def core():
    core = LocalCompanion()
    yield core
    core.close()


def test_passphrase_lock_and_unlock(core):
    assert core.status() == JournalStatus("open", encrypted=False)
    core.set_passphrase("correct horse")
    assert core.status().encrypted is True
    core.lock()
    assert core.status().state == "locked"
    with pytest.raises(AppLockedError):
        core.topics()
    with pytest.raises(WrongPassphraseError):
        core.unlock("wrong horse")
    assert core.unlock("correct horse").state == "open"
    fresh = LocalCompanion()  # another window: the journal is in use
    assert fresh.status().state == "in_use"
    with pytest.raises(JournalLockedError):
        fresh.topics()
    core.lock()
    assert fresh.status().state == "needs_passphrase"


def test_flows_are_listed_without_building_the_engine(core):
    flows = core.flows()
    assert flows and all(f.id and f.title for f in flows)
    assert core._engine is None


def test_agenda_export_is_checked_for_identifiers(core, tmp_path):
    topic = core._open_journal().add_topic(
        "burnout", "Nights are wearing me down",
        rationale="After caring for Mr. Jones in bed 12", status="accepted")
    found = core.agenda_identifiers([topic.id])
    assert {f.kind for f in found} >= {"patient", "room"}
    target = tmp_path / "agenda.json"
    with pytest.raises(IdentifiersFound):
        core.export_agenda("json", str(target), [topic.id])
    assert not target.exists()
    written = core.export_agenda("json", str(target), [topic.id], redact=True)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert (written.path, written.topics) == (str(target), 1)
    assert "Jones" not in target.read_text(encoding="utf-8")
    assert data["topics"][0]["title"] == "Nights are wearing me down"
    assert core.topics("shared")[0].id == topic.id


def test_delete_all_counts_what_went(core):
    core.add_checkin({"burnout": 2})
    assert len(core.checkins()) == 1
    assert core.delete_all()["checkins"] == 1
    assert core.checkins() == []


def test_settings_update_checks_names_and_types(core):
    from companion.settings import Settings, SettingsError

    assert core.update_settings({"idle_lock_minutes": 7}).idle_lock_minutes == 7
    assert Settings.load().idle_lock_minutes == 7
    with pytest.raises(SettingsError, match="idle_lock_minutes"):
        core.update_settings({"idle_lock_minutes": True})  # type: ignore[typeddict-item]
    with pytest.raises(SettingsError, match="unknown setting"):
        core.update_settings({"colour": "red"})  # type: ignore[typeddict-unknown-key]
    with pytest.raises(SettingsError, match="0 or more"):
        core.update_settings({"idle_lock_minutes": -1})


def test_moving_a_topic_renumbers_the_agenda_in_one_transaction(core):
    journal: Journal = core._open_journal()
    first, hidden, second, third = (
        journal.add_topic("burnout", title, status=status, position=1)  # positions clash
        for title, status in (("First", "accepted"), ("Hidden", "dismissed"),
                              ("Second", "accepted"), ("Third", "shared")))
    order = core.move_topic(first.id, 1)  # down past "Second", over the hidden one
    shown = [t.title for t in order if t.status in {"accepted", "shared"}]
    assert shown == ["Second", "First", "Third"]
    assert [t.position for t in order] == [1, 2, 3, 4]
    moved = core.move_topic(third.id, -5)  # past the top: it stops first
    assert [t.title for t in moved if t.status != "dismissed"] == ["Third", "Second", "First"]
    assert sorted(t.position for t in moved) == [1, 2, 3, 4]
    assert {t.id for t in moved} == {first.id, hidden.id, second.id, third.id}


def test_a_failed_write_inside_a_transaction_leaves_nothing(core):
    journal: Journal = core._open_journal()
    session = journal.start_session("free-reflection")
    with pytest.raises(RuntimeError), journal.transaction():
        journal.add_message(session, "resident", "kept only if all is kept")
        journal.record_safety_event(session, "concern", ["test"])
        raise RuntimeError("the turn failed half-way")
    assert journal.messages(session) == [] and journal.safety_events(session) == []
    with journal.transaction():
        journal.add_message(session, "resident", "saved")
        with pytest.raises(Exception):  # noqa: B017 - a bad write undoes only itself
            journal.add_message(session, "resident", "x", safety_level="nope")
    assert [m.text for m in journal.messages(session)] == ["saved"]


def test_the_typed_api_and_the_local_implementation_have_one_signature_per_operation():
    import inspect
    import typing

    from companion.service import wire
    from companion.service.api import CompanionAPI

    for name, spec in wire.methods().items():
        local = getattr(LocalCompanion, name)
        remote = getattr(CompanionAPI, name)
        local_params = {p: v for p, v in inspect.signature(local).parameters.items()
                        if p not in {"self", "on_token", "cancel"}}
        remote_params = {p: v for p, v in inspect.signature(remote).parameters.items()
                         if p not in {"self", "on_token"}}
        assert [(p, v.default) for p, v in local_params.items()] == \
            [(p, v.default) for p, v in remote_params.items()], name
        local_hints, remote_hints = typing.get_type_hints(local), typing.get_type_hints(remote)
        assert {p: local_hints[p] for p in local_params} == spec.params, name
        assert local_hints["return"] == remote_hints["return"] == spec.returns, name
        assert ("on_token" in inspect.signature(local).parameters) == spec.streams, name


def test_an_export_that_cannot_write_its_file_marks_nothing_shared(core, tmp_path):
    from companion.agenda import AgendaError

    topic = core._open_journal().add_topic("burnout", "Nights", status="accepted")
    taken = tmp_path / "agenda.md"
    taken.write_text("the mentor's copy", encoding="utf-8")
    with pytest.raises(AgendaError):
        core.export_agenda("md", str(taken), [topic.id])  # never overwrites
    assert core.topics("accepted")[0].id == topic.id and core.topics("shared") == []
    assert core.agenda_text("md", [topic.id]).topics == 1
    assert core.topics("shared")[0].id == topic.id


async def test_journal_export_and_delete_travel_typed_through_the_api():
    from companion.service.inprocess import InProcessCompanion

    api = InProcessCompanion(LocalCompanion())
    try:
        with Journal.open() as journal:
            kept = journal.start_session("free-reflection")
            gone = journal.start_session("free-reflection")
            journal.add_message(gone, "resident", "to be deleted")
        assert await api.delete_session(gone) == {"sessions": 1, "messages": 1, "topics": 0,
                                                  "safety_events": 0}
        data = json.loads(await api.export_journal("json"))
        assert [s["id"] for s in data["sessions"]] == [kept]
        assert await api.compact_journal() is None
        await api.delete_all()
        removed = await api.remove_journal_files()
        assert any(name.endswith("journal.sqlite3") for name in removed)
    finally:
        await api.close()
