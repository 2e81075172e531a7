"""Pilot tests of the safety screens on the in-process API with small fake models (fast).

The resources key works from any screen, even while the message box (a TextArea)
has focus and the models are not loaded; all resources, 911 included, fit at 80x24
without scrolling; the check question answers with its buttons and keys.
"""

from __future__ import annotations

import pytest
from textual.app import App
from textual.widgets import Markdown, TextArea
from tui_support import screen_name, until

from companion.safety.resources import FALLBACK_RESOURCES, load_resources
from companion.service.results import CheckAnswer, ResourceInfo, SafetyCheck, SafetyView
from companion.tui.app import make_app
from companion.tui.screens.resources import ResourcesPanel, ResourcesScreen
from companion.tui.screens.safety_check import SafetyCheckDialog


def fits_without_scrolling(screen) -> None:
    shown = screen.query_one("#resources-list Markdown", Markdown).source
    for needed in ("988", "1-888-409-0141", "741741", "911"):
        assert needed in shown
    listing = screen.query_one("#resources-list")
    assert listing.max_scroll_y == 0, "the resources list scrolls at 80x24"
    assert listing.region.bottom <= 24
    assert screen.query_one("#resources-list Markdown").region.height


async def test_f2_shows_the_resources_while_the_message_box_has_focus(api):
    app = make_app(api=api)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.flows and app.journal_state == "open")
        app.open_screen("reflection", flow=app.flows[0])
        await until(pilot, lambda: screen_name(app) == "ReflectionScreen"
                    and app.screen.query("#message-input"))
        area = app.screen.query_one("#message-input", TextArea)
        area.focus()
        await pilot.press("h", "i")
        await pilot.press("f2")
        await until(pilot, lambda: screen_name(app) == "ResourcesPanel")
        await pilot.pause()
        fits_without_scrolling(app.screen)
        await pilot.press("escape")
        await until(pilot, lambda: screen_name(app) == "ReflectionScreen")
        assert area.text == "hi", "the key must not eat or add characters"


async def test_resources_are_in_the_command_palette(api):
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.journal_state == "open")
        await pilot.press("ctrl+p")
        await until(pilot, lambda: screen_name(app) == "CommandPalette")
        await pilot.press(*"resources")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "ResourcesPanel")


class Host(App):
    """A bare app to show one screen at a given size."""

    def __init__(self, screen):
        super().__init__()
        self.to_show = screen
        self.result = "unset"

    def on_mount(self) -> None:
        self.push_screen(self.to_show, callback=self._done)

    def _done(self, result) -> None:
        self.result = result


async def test_crisis_screen_fits_80x24_with_every_resource():
    safety = SafetyView("crisis", resources=[ResourceInfo(**r.to_dict())
                                             for r in load_resources()])
    reply = ("I'm really glad you told me. What you wrote sounds serious, and you deserve "
             "support from a person right now. You don't have to go through this alone.\n\n- x")
    app = Host(ResourcesScreen(safety, reply))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        fits_without_scrolling(app.screen)


async def test_fallback_resources_show_a_visible_warning():
    safety = SafetyView("crisis", resources=[ResourceInfo(**r.to_dict())
                                             for r in FALLBACK_RESOURCES],
                        warning="The resources file could not be used; showing the built-in ones.")
    app = Host(ResourcesScreen(safety))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        warning = app.screen.query_one(".resources-warning")
        assert "built-in" in str(warning.render())
        fits_without_scrolling(app.screen)


@pytest.mark.parametrize(("key", "answer"), [("y", "yes"), ("n", "no"), ("s", "not_sure"),
                                             ("escape", "not_sure")])
async def test_check_dialog_answers_with_keys(key, answer):
    check = SafetyCheck("Are you having thoughts of ending your life, or of hurting someone?",
                        answers=[CheckAnswer("yes", "Yes"), CheckAnswer("no", "No"),
                                 CheckAnswer("not_sure", "Not sure")])
    app = Host(SafetyCheckDialog(check))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(key)
        await until(pilot, lambda: app.result != "unset")
        assert app.result == answer


async def test_check_dialog_buttons_answer():
    app = Host(SafetyCheckDialog(None))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.click("#no")
        await until(pilot, lambda: app.result != "unset")
        assert app.result == "no"


def test_the_panel_is_a_modal_over_any_screen():
    assert issubclass(ResourcesPanel, __import__("textual.screen").screen.ModalScreen)
