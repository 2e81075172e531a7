"""Pilot tests of the plan for hard days and of grounding, on the in-process fakes.

Write a plan on its screen, see it first on the crisis screen (after a crisis
message and after a safety check answered "yes" or "not sure"), edit it, delete
it; the words stay out of the raw database, its WAL and the logs when a
passphrase is set; grounding starts and stops by key with the resources on
screen; the one-time offer after a hard week's check-in comes once and never
after "no".
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Markdown, RadioSet, Static, TextArea
from tui_support import screen_name, until

import companion.tui.app as tui_app
from companion import paths
from companion.journal.plan import PLAN_PARTS
from companion.safety.resources import load_resources
from companion.service.results import PlanPart, ResourceInfo, SafetyPlanView, SafetyView
from companion.tui.app import make_app
from companion.tui.screens.resources import ResourcesScreen

APP_CSS = Path(tui_app.__file__).with_name("app.tcss")

MARKER = "Quokka-plan-marker hand the pills to Sam"
CRISIS = "I can't do this anymore. I want to kill myself tonight."
CHECK = "kms"  # the lexicon alone only asks the check question for this


async def opened(pilot, app) -> None:
    await until(pilot, lambda: app.flows and app.journal_state == "open")


async def open_plan(pilot, app):
    await opened(pilot, app)
    await pilot.press("p")
    await until(pilot, lambda: screen_name(app) == "PlanScreen"
                and app.screen.query("#part-warning_signs"))
    return app.screen


async def type_into(pilot, screen, part: str, text: str) -> None:
    area = screen.query_one(f"#part-{part}", TextArea)
    area.focus()
    area.clear()
    area.insert(text)
    await pilot.pause()


async def stored_plan(api) -> dict[str, str]:
    return await api.safety_plan()


async def crisis_screen_after(pilot, app, text: str, answer: str | None = None):
    app.open_screen("reflection", flow=next(f for f in app.flows if f.id == "after-hard-shift"))
    await until(pilot, lambda: screen_name(app) == "ReflectionScreen"
                and app.screen.state == "active")
    area = app.screen.query_one("#message-input", TextArea)
    area.focus()
    area.insert(text)
    await pilot.press("ctrl+s")
    if answer is not None:
        await until(pilot, lambda: screen_name(app) == "SafetyCheckDialog")
        await pilot.press(answer)
    await until(pilot, lambda: screen_name(app) == "ResourcesScreen")
    await pilot.pause()
    return app.screen


def shown_plan(screen) -> str:
    return str(screen.query_one("#your-plan-text", Static).render())


async def test_write_a_plan_and_see_it_first_on_the_crisis_screen(api):
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_plan(pilot, app)
        assert "does not replace care" in str(screen.query_one("#plan-purpose").render())
        prefilled = screen.query_one("#part-professionals", TextArea).text
        assert "Physician Support Line" in prefilled, "services come from resources.yaml"
        await type_into(pilot, screen, "warning_signs", MARKER)
        await pilot.press("ctrl+s")  # from inside the TextArea
        await until(pilot, lambda: "Saved" in str(screen.query_one("#plan-status").render()))
        plan = await stored_plan(api)
        assert plan["warning_signs"] == MARKER and "Physician Support Line" in plan["professionals"]
        await pilot.press("escape")
        await until(pilot, lambda: screen_name(app) == "HomeScreen")
        crisis = await crisis_screen_after(pilot, app, CRISIS)
        assert MARKER in shown_plan(crisis)
        plan_box = crisis.query_one("#your-plan")
        hotlines = crisis.query_one("#resources-list")
        assert plan_box.region.y < hotlines.region.y, "the plan comes above the hotlines"
        words = crisis.query_one("#your-plan-text").outer_size.height
        assert plan_box.region.height == max(3, words), "no taller than its words"
        assert "988" in crisis.query_one("#resources-list Markdown", Markdown).source
        assert hotlines.region.height > 0 and hotlines.region.bottom <= 32
        await grounding_starts_and_stops_by_key(pilot, app)


async def grounding_starts_and_stops_by_key(pilot, app) -> None:
    """From the crisis screen: breathing starts with its timer, stops by key, goes back."""
    await pilot.press("g")
    await until(pilot, lambda: screen_name(app) == "GroundingScreen")
    screen = app.screen
    resources = screen.query_one("#grounding-resources Markdown", Markdown).source
    assert "988" in resources and "911" in resources
    await pilot.press("b")
    assert screen.exercise == "breathing" and screen.breath_timer is not None
    assert "Breathe in" in prompt(app)
    await until(pilot, lambda: screen.breath_elapsed > 0.3)
    assert "left" in str(screen.query_one("#grounding-clock").render())
    await pilot.press("space")
    assert screen.exercise == "" and screen.breath_timer is None
    assert "Stopped" in prompt(app)
    elapsed = screen.breath_elapsed
    await pilot.pause(0.3)
    assert screen.breath_elapsed == elapsed, "the timer is stopped"
    assert screen.query_one("#grounding-resources").region.height > 0
    await pilot.press("escape")
    await until(pilot, lambda: screen_name(app) == "ResourcesScreen")


@pytest.mark.parametrize("answer", ["y", "s"])
async def test_the_plan_shows_after_a_check_answered_yes_or_not_sure(api, answer):
    await api.save_safety_plan({"ask_for_help": MARKER})
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        await opened(pilot, app)
        crisis = await crisis_screen_after(pilot, app, CHECK, answer=answer)
        assert crisis.safety.level == "crisis"
        assert MARKER in shown_plan(crisis)


class Host(App):
    """A bare app showing one screen (no core needed)."""

    def __init__(self, screen):
        super().__init__(css_path=APP_CSS)
        self.to_show = screen

    def on_mount(self) -> None:
        self.push_screen(self.to_show)


def crisis_with(plan: SafetyPlanView | None) -> ResourcesScreen:
    safety = SafetyView("crisis", resources=[ResourceInfo(**r.to_dict())
                                             for r in load_resources()])
    return ResourcesScreen(safety, "I'm really glad you told me. What you wrote sounds "
                           "serious, and you deserve support from a person right now. You "
                           "don't have to go through this alone.", plan)


@pytest.mark.parametrize("written", [False, True])
async def test_every_hotline_fits_at_80x24_with_or_without_a_plan(written):
    parts = {"warning_signs": "no sleep\nshort with everyone", "on_my_own": "a walk, a shower",
             "ask_for_help": MARKER}
    plan = SafetyPlanView([PlanPart(key, heading, "", parts.get(key, ""))
                           for key, heading, _ in PLAN_PARTS], saved=written)
    app = Host(crisis_with(plan))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        listing = screen.query_one("#resources-list")
        assert listing.max_scroll_y == 0, "the hotlines must not scroll, plan or not"
        assert listing.region.bottom <= 24 and listing.region.height > 0
        assert bool(screen.query("#your-plan")) is written
        if written:
            assert screen.query_one("#your-plan").region.height >= 3
            assert screen.query_one("#your-plan").region.y < listing.region.y


def test_crisis_screen_with_a_plan_snapshot(snap_compare):
    """The README's picture at 80x24, on a bare host (no core): the plan, then every line."""
    parts = {"warning_signs": "Third night alone after call, not eating.",
             "on_my_own": "Shower, eat something, ten minutes of slow breathing.",
             "ask_for_help": "Maya (co-resident) 555-0142"}
    plan = SafetyPlanView([PlanPart(key, heading, "", parts.get(key, ""))
                           for key, heading, _ in PLAN_PARTS], saved=True)

    async def shown(pilot) -> None:
        await pilot.pause(0.3)

    assert snap_compare(Host(crisis_with(plan)), terminal_size=(80, 24), run_before=shown)


async def test_edit_and_delete_the_plan(api):
    await api.save_safety_plan({"on_my_own": "a walk"})
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_plan(pilot, app)
        assert screen.query_one("#part-on_my_own", TextArea).text == "a walk"
        assert screen.query_one("#part-professionals", TextArea).text == "", \
            "a saved plan is not prefilled again"
        await type_into(pilot, screen, "on_my_own", "a walk by the river")
        await pilot.click("#save")
        await until(pilot, lambda: "Saved" in str(screen.query_one("#plan-status").render()))
        assert await stored_plan(api) == {"on_my_own": "a walk by the river"}
        await pilot.click("#delete")
        await until(pilot, lambda: screen_name(app) == "ConfirmDelete")
        await pilot.press("y")
        await until(pilot, lambda: "deleted" in str(app.screen.query_one("#plan-status").render()))
        assert await stored_plan(api) == {}
        assert app.screen.query_one("#part-on_my_own", TextArea).text == ""


async def test_leaving_with_unsaved_words_warns_once(api):
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_plan(pilot, app)
        await type_into(pilot, screen, "on_my_own", "music")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running and screen_name(app) == "PlanScreen", "ctrl+q warns first"
        assert any("plan is not saved" in str(n.message) for n in app._notifications)
        await pilot.press("escape")
        assert screen_name(app) == "PlanScreen"
        assert "not saved" in str(screen.query_one("#plan-status").render())
        await pilot.press("escape")
        await until(pilot, lambda: screen_name(app) == "HomeScreen")
        assert await stored_plan(api) == {}


async def test_write_the_plan_to_a_markdown_file(api, tmp_path):
    target = tmp_path / "my-plan.md"
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_plan(pilot, app)
        await type_into(pilot, screen, "safer_surroundings", MARKER)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: screen_name(app) == "InputDialog")
        field = app.screen.query_one("#field-0")
        field.value = str(target)
        await pilot.press("enter")
        await until(pilot, lambda: target.exists())
        assert MARKER in target.read_text() and (await stored_plan(api))


async def test_plan_words_stay_out_of_the_raw_database_wal_and_logs(api, caplog):
    caplog.set_level(logging.DEBUG)
    await api.set_passphrase("correct horse battery")
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_plan(pilot, app)
        await type_into(pilot, screen, "safer_surroundings", MARKER)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Saved" in str(screen.query_one("#plan-status").render()))
        assert (await stored_plan(api))["safer_surroundings"] == MARKER
        journal = paths.journal_path()
        files = [p for p in journal.parent.glob(journal.name + "*") if p.is_file()]
        assert any(p.name.endswith("-wal") for p in files), "the WAL is checked while open"
        raw = b"".join(p.read_bytes() for p in files)
        assert MARKER.encode() not in raw
        logs = b"".join(p.read_bytes() for p in paths.data_dir().rglob("*.log"))
        assert MARKER.encode() not in logs and MARKER not in caplog.text


async def test_plan_is_in_the_palette_and_on_the_resources_panel(api):
    await api.save_safety_plan({"distractions": MARKER})
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        await opened(pilot, app)
        await pilot.press("f2")
        await until(pilot, lambda: screen_name(app) == "ResourcesPanel"
                    and app.screen.query("#your-plan-text"))
        assert MARKER in shown_plan(app.screen)
        await pilot.press("p")
        await until(pilot, lambda: screen_name(app) == "PlanScreen")
        await pilot.press("escape")
        await until(pilot, lambda: screen_name(app) == "HomeScreen")
        await pilot.press("ctrl+p")
        await until(pilot, lambda: screen_name(app) == "CommandPalette")
        await pilot.press(*"plan for hard")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "PlanScreen")


# -- grounding ---------------------------------------------------------------------
def prompt(app) -> str:
    return str(app.screen.query_one("#grounding-prompt", Static).render())


async def test_grounding_senses_from_the_palette_step_by_step(api):
    app = make_app(api=api)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot, app)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: screen_name(app) == "CommandPalette")
        await pilot.press(*"grounding")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "GroundingScreen")
        await pilot.press("f")
        assert "5 things you can see" in prompt(app)
        await pilot.press("n")
        assert "4 things" in prompt(app)
        await pilot.press("x")
        assert app.screen.exercise == "" and "Stopped" in prompt(app)
        assert app.screen.query_one("#grounding-resources").region.bottom <= 24


# -- the one-time offer ------------------------------------------------------------
async def hard_week_checkin(pilot, app) -> None:
    await pilot.press("c")
    await until(pilot, lambda: len(app.screen.query(RadioSet)) > 0)
    burnout = app.screen.query_one("#item-burnout", RadioSet)
    burnout.focus()
    await pilot.press("down", "down", "down", "down", "enter")  # "entirely burned out"
    await pilot.press("ctrl+s")


async def test_the_offer_comes_once_after_a_hard_week_and_not_after_no(api):
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        await opened(pilot, app)
        await hard_week_checkin(pilot, app)
        await until(pilot, lambda: screen_name(app) == "PlanOfferDialog")
        assert "It stays on this machine" in str(
            app.screen.query_one("#plan-offer-question").render())
        await pilot.press("n")
        await until(pilot, lambda: screen_name(app) == "TrendsScreen")
        app.action_home()
        await until(pilot, lambda: screen_name(app) == "HomeScreen")
        await hard_week_checkin(pilot, app)
        await until(pilot, lambda: screen_name(app) == "TrendsScreen")
        await pilot.pause(0.3)
        assert screen_name(app) == "TrendsScreen", "never offered again after no"
        assert len(await api.checkins()) == 2


async def test_yes_to_the_offer_opens_the_plan(api):
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        await opened(pilot, app)
        await hard_week_checkin(pilot, app)
        await until(pilot, lambda: screen_name(app) == "PlanOfferDialog")
        await pilot.press("y")
        await until(pilot, lambda: screen_name(app) == "PlanScreen")
        assert await api.plan_offer() is False
