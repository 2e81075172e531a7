"""The settings screen after a passphrase change whose clean-up failed (a nearly full disk).

The change is committed, so the screen must say the journal is encrypted and
show the message that says so, not a failure that would send the resident
back to the old passphrase.
"""

from __future__ import annotations

import sqlite3

from tui_support import fake_api, screen_name, text_of, until

from companion.journal import store as store_module
from companion.service.local import LocalCompanion
from companion.tui.app import make_app

PASSPHRASE = "blue lantern"


async def test_a_committed_passphrase_with_a_failed_clean_up_shows_as_on(monkeypatch):
    def full(conn):
        raise sqlite3.OperationalError("database or disk is full")

    api = fake_api()
    app = make_app(api=api)
    # a local context: monkeypatch.undo() would also undo the COMPANION_HOME fixture
    with monkeypatch.context() as patch:
        patch.setattr(store_module, "_vacuum", full)
        await change_the_passphrase(app)
    await api.close()
    assert LocalCompanion().status().state == "needs_passphrase"


async def change_the_passphrase(app) -> None:
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.journal_state == "open")
        await pilot.press("s")
        await until(pilot, lambda: screen_name(app) == "SettingsScreen")
        await pilot.press("p")
        await until(pilot, lambda: screen_name(app) == "InputDialog")
        await pilot.press(*PASSPHRASE, "enter", *PASSPHRASE, "enter")
        await until(pilot, lambda: "Passphrase: on" in text_of(app, "#passphrase-state"))
        await until(pilot, lambda: any("The passphrase is set" in n.message
                                       for n in app._notifications))
        told = " ".join(n.message for n in app._notifications)
        assert "companion journal compact" in told and "Passphrase saved" not in told
        assert app.encrypted is True
