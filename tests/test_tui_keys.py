"""Keys as the resident meets them: the help lists each key once, every footer fits at
80 and 110 columns, and "/" typed in the knowledge search box is a character.

On the in-process API with small fakes (``tui_support.fake_api``).
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Footer, Input
from tui_support import screen_name, text_of, until

from companion.tui.app import make_app

MAIN_SCREENS = ["home", "agenda", "journal", "knowledge", "settings", "trends", "checkin", "plan",
                "grounding",
                "reflection"]


async def opened(pilot, app) -> None:
    await until(pilot, lambda: app.flows and app.journal_state == "open")


def help_rows(app) -> list[tuple[str, str]]:
    table = app.screen.query_one("#help-table", DataTable)
    return [(str(table.get_row_at(i)[0]), str(table.get_row_at(i)[1]))
            for i in range(table.row_count)]


def keys_of(rows: list[tuple[str, str]]) -> list[str]:
    return [part.strip() for key, _ in rows for part in key.split("/")]


async def test_help_lists_each_key_once_on_home_and_in_a_reflection(api):
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        await opened(pilot, app)
        await pilot.press("f1")
        await until(pilot, lambda: screen_name(app) == "HelpScreen")
        rows = help_rows(app)
        keys = keys_of(rows)
        assert sorted(keys) == sorted(set(keys)), rows
        assert {"ctrl+p", "ctrl+t", "ctrl+l", "ctrl+q", "c", "j", "a"} <= set(keys)
        await pilot.press("escape")
        app.open_screen("reflection", flow=app.flows[0])
        await until(pilot, lambda: screen_name(app) == "ReflectionScreen"
                    and app.screen.state == "active")
        await pilot.press("f1")  # from the message box, which has focus
        await until(pilot, lambda: screen_name(app) == "HelpScreen")
        rows = help_rows(app)
        keys = keys_of(rows)
        assert sorted(keys) == sorted(set(keys)), rows
        assert ("ctrl+g", "End session") in rows
        assert dict(rows)["escape"] == "Home", "the screen's own meaning of a basic key wins"


@pytest.mark.parametrize("width", [80, 110])
async def test_every_main_screen_footer_fits(api, width):
    app = make_app(api=api)
    async with app.run_test(size=(width, 30)) as pilot:
        await opened(pilot, app)
        cut = []
        for name in MAIN_SCREENS:
            if name != "home":
                app.open_screen(name, **({"flow": app.flows[0]} if name == "reflection"
                                         else {}))
                await until(pilot, lambda: screen_name(app) != "HomeScreen")
            await pilot.pause(0.2)
            footer = app.screen.query_one(Footer)

            def laid_out(footer: Footer = footer) -> list:
                return [c for c in footer.children if c.display and c.region.width]

            await until(pilot, lambda: laid_out())
            shown = laid_out()
            right = max(c.region.right for c in shown)
            if footer.virtual_size.width > footer.size.width or right > footer.region.right:
                cut.append(f"{name}: {footer.virtual_size.width} > {footer.size.width}")
            assert any("Help" in str(getattr(c, "description", "")) for c in shown), name
            if name != "home":
                app.action_home()
                await until(pilot, lambda: screen_name(app) == "HomeScreen")
        assert cut == []


async def test_slash_in_the_knowledge_search_box_is_typed_and_the_footer_does_not_promise_it(
        api):
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        await opened(pilot, app)
        await pilot.press("k")
        await until(pilot, lambda: screen_name(app) == "KnowledgeScreen")
        box = app.screen.query_one("#kb-search", Input)
        assert app.focused is box
        await pilot.pause(0.2)
        footer = app.screen.query_one(Footer)
        assert not [c for c in footer.children if getattr(c, "description", "") == "Search"], \
            "no '/ Search' while the box has focus: there '/' types a slash"
        await pilot.press(*"/feedback", "enter")
        await until(pilot, lambda: "for “feedback”" in text_of(app, "#kb-count"))
        box.value = ""
        box.focus()
        await pilot.press(*"icu/ward")
        assert box.value == "icu/ward"
