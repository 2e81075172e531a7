"""Pilot: the adverse-event flow shows its one plain warning about where case details are
safe, before the resident writes anything, and not again after the first message."""

from __future__ import annotations

import pytest
from test_tui_reflection import conversation_text, open_flow, send
from tui_support import fake_api, until

from companion.tui.app import make_app

WARNING = ("case details written here, in personal notes or in shared files are usually not "
           "protected the way peer-review and incident-reporting channels are")


@pytest.fixture
async def service():
    api = fake_api()
    yield api
    await api.close()


async def test_the_discoverability_warning_is_shown_once_before_writing(service):
    app = make_app(api=service)
    async with app.run_test(size=(110, 40)) as pilot:
        screen = await open_flow(pilot, app, "after-adverse-event")
        await until(pilot, lambda: WARNING in " ".join(conversation_text(screen).split()))
        await send(pilot, screen, "A patient died on my shift last night.")
        await until(pilot, lambda: "has someone from the team been in touch with the family"
                    in conversation_text(screen))
        text = " ".join(conversation_text(screen).split())
        assert text.count(WARNING) == 1
