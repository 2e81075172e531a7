"""Quick choices: the core's offered answers reach the reflection screen as options.

On the in-process fakes: a two-word reply gets quick choices in the typed result,
the screen lists them (and not as a line of text in the reply), and picking one
sends it as the resident's next message while the box keeps its draft.
"""

from __future__ import annotations

import pytest
from test_tui_reflection import conversation_text, open_flow, saved_resident_messages, send
from textual.widgets import TextArea
from tui_support import fake_api, until

from companion.tui.app import make_app
from companion.tui.widgets.quick_choices import QuickChoices, without_choices_line


@pytest.fixture
async def service():
    api = fake_api()
    yield api
    await api.close()


async def test_a_short_reply_carries_its_choices_in_the_typed_result(service):
    start = await service.start("free-reflection")
    reply = await service.turn(start.session_id, "ok")
    assert reply.choices, "a short reply is offered quick choices"
    assert reply.reply.endswith(" · ".join(reply.choices))  # the command line still reads them


async def test_choices_are_options_on_screen_and_picking_one_sends_it(service):
    app = make_app(api=service)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_flow(pilot, app, "free-reflection")
        choices = screen.query_one(QuickChoices)
        assert not choices.display, "no choices before the core offers some"
        await send(pilot, screen, "ok")
        await until(pilot, lambda: choices.display and choices.option_count > 0)
        offered = [str(choices.get_option_at_index(i).prompt)
                   for i in range(choices.option_count)]
        assert " · ".join(offered) not in conversation_text(screen)
        area = screen.query_one("#message-input", TextArea)
        area.insert("a draft I have not sent")
        choices.focus()
        await pilot.press("down", "enter")  # the second choice
        await until(pilot, lambda: offered[1] in conversation_text(screen))
        said = await saved_resident_messages(pilot, app, screen.session_id)
        await until(pilot, lambda: screen.state == "active" and len(service.requests) > 0)
        assert area.text == "a draft I have not sent"
        stored = [m.text for m in (await service.session(screen.session_id)).messages
                  if m.role == "resident"]
        assert said[0] == "ok" and stored[-1] == offered[1]


def test_only_a_last_paragraph_that_lists_the_choices_is_left_out():
    assert without_choices_line("Thanks.\n\nYes · No", ["Yes", "No"]) == "Thanks."
    assert without_choices_line("Thanks.\n\nYes · No", []) == "Thanks.\n\nYes · No"
    assert without_choices_line("Yes or no?", ["Yes", "No"]) == "Yes or no?"
