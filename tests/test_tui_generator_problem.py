"""A generator that is enabled but cannot load says why: when a reflection opens and in
Settings, not only in the log file.

On the in-process API with small fakes; the generator folder is a copy of the tiny
test model with its weights file cut short, so the real loading code fails.
"""

from __future__ import annotations

import shutil

import pytest
from textual.widgets import Static
from tui_support import fake_api, screen_name, until

from companion.settings import Settings
from companion.tui.app import make_app


@pytest.fixture
def corrupt_model_dir(tiny_model_dir, tmp_path):
    folder = tmp_path / "corrupt-tiny-llama"
    shutil.copytree(tiny_model_dir, folder)
    weights = next(folder.glob("*.safetensors"))
    weights.write_bytes(weights.read_bytes()[:64])  # a download cut short
    return folder


async def test_a_generator_that_fails_to_load_says_why_in_the_reflection_and_settings(
        corrupt_model_dir):
    Settings.load().update({"generator_enabled": True,
                            "generator_path": str(corrupt_model_dir)}).save()
    api = fake_api()
    try:
        app = make_app(api=api)
        async with app.run_test(size=(100, 32)) as pilot:
            await until(pilot, lambda: app.flows and app.journal_state == "open")
            app.open_screen("reflection", flow=app.flows[0])
            await until(pilot, lambda: screen_name(app) == "ReflectionScreen"
                        and app.screen.session_id is not None)

            def said() -> list[str]:
                return [n.message for n in app._notifications if n.title == "Generator"]

            await until(pilot, said)
            assert str(corrupt_model_dir) in said()[0]
            assert "could not load the generator" in said()[0]
            app.action_home()
            await until(pilot, lambda: screen_name(app) == "HomeScreen")
            app.open_screen("settings")

            def state() -> Static | None:
                found = app.screen.query("#generator-state")
                return found.first(Static) if found else None

            await until(pilot, lambda: (shown := state()) is not None and shown.display)
            shown = str(state().render())
            assert "could not load the generator" in shown and str(corrupt_model_dir) in shown
    finally:
        await api.close()


async def test_settings_say_nothing_about_a_generator_that_is_off():
    api = fake_api()
    try:
        app = make_app(api=api)
        async with app.run_test(size=(100, 32)) as pilot:
            await until(pilot, lambda: app.flows and app.journal_state == "open")
            app.open_screen("settings")
            await until(pilot, lambda: app.screen.query("#generator-state"))
            await app.workers.wait_for_complete()
            await pilot.pause(0.1)
            assert not app.screen.query_one("#generator-state", Static).display
    finally:
        await api.close()
