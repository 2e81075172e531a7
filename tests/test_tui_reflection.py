"""Pilot tests of a reflection: most on the in-process API with small fakes, two end to end.

Start a flow, send a message, see advice and a suggested topic, accept it and find
it on the agenda (one request per message); identifiers are caught before a
message is saved; a crisis message brings the resources screen at once. Plus
snapshots of the main screens. The fakes (``tui_support.fake_api``) are a hashing
embedder and the lexicon-only safety screen, so the advice differs from the real
model's; the last two tests run the same paths on the real model process.
"""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import DataTable, Input, Markdown, Static, TextArea
from tui_support import fake_api, screen_name, until

from companion.service.proxy import ProcessCompanion
from companion.tui.app import make_app

HARD_SHIFT = ("My attending yelled at me in front of the whole team this morning and now "
              "I keep thinking I am not good enough to be a doctor.")
CRISIS = "I can't do this anymore. I want to kill myself tonight."


@pytest.fixture
async def service():
    """The typed API in this process, on the fakes; a fresh journal per test."""
    api = fake_api()
    yield api
    await api.close()


@pytest.fixture
def real_service(generator_service):
    """The suite's one real model process (real embedder, index and safety screen; the
    tiny generator on, which guardrails mostly replace by the reviewed words)."""
    return ProcessCompanion(generator_service[0])


async def open_flow(pilot, app, flow_id: str = "after-hard-shift"):
    await until(pilot, lambda: app.flows and app.journal_state == "open")
    app.open_screen("reflection", flow=next(f for f in app.flows if f.id == flow_id))
    await until(pilot, lambda: screen_name(app) == "ReflectionScreen"
                and app.screen.state == "active")
    return app.screen


async def saved_resident_messages(pilot, app, session_id, timeout: float = 120.0) -> list[str]:
    """The resident's messages in the journal, once the turn has saved one."""
    for _ in range(int(timeout / 0.1)):
        stored = await app.api.session(session_id)
        said = [m.text for m in stored.messages if m.role == "resident"]
        if said:
            return said
        await pilot.pause(0.1)
    raise AssertionError("no resident message was saved")


async def send(pilot, screen, text: str) -> None:
    area = screen.query_one("#message-input", TextArea)
    area.focus()
    area.insert(text)
    await pilot.press("ctrl+s")


def conversation_text(screen) -> str:
    return "\n".join(block.source for block in screen.query("#conversation Markdown")
                     if isinstance(block, Markdown))


async def test_message_gives_advice_and_a_topic_that_reaches_the_agenda(service):
    await advice_topic_and_agenda(make_app(api=service), one_request=True)


async def advice_topic_and_agenda(app, one_request: bool) -> None:
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_flow(pilot, app)
        before = len(app.api.requests)
        await send(pilot, screen, HARD_SHIFT)
        await until(pilot, lambda: screen.topics and screen.state == "active"
                    and "yelled" in conversation_text(screen))
        if one_request:
            assert app.api.requests[before:] == ["turn"], "one message, one round trip"
        advice = screen.query_one("#advice")
        assert len(advice.cards) >= 1 and all(c.title and c.now for c in advice.cards)
        listed = str(advice.query(Static).first().content)
        assert advice.cards[0].now in listed  # what to do right now, under the title
        assert screen.query_one("#message-input", TextArea).text == ""
        advice.focus()
        await pilot.press("enter")  # Enter opens the whole card
        await until(pilot, lambda: screen_name(app) == "CardScreen")
        body = app.screen.query_one("#card-body", Markdown)
        await until(pilot, lambda: advice.cards[0].title in body.source)
        assert f"**Right now:** {advice.cards[0].now}" in body.source
        await pilot.press("escape")
        topic = next(iter(screen.topics.values()))
        screen.query_one("#topics").focus()
        await pilot.press("a")
        await until(pilot, lambda: screen.topics[topic.id].status == "accepted")
        await pilot.press("escape")  # ends the session and goes home
        await until(pilot, lambda: screen_name(app) == "HomeScreen")
        await pilot.press("a")
        await until(pilot, lambda: screen_name(app) == "AgendaScreen")
        table = app.screen.query_one("#agenda", DataTable)
        await until(pilot, lambda: table.row_count >= 1)
        titles = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert topic.title in titles


async def test_identifiers_are_redacted_before_the_message_is_saved(service):
    app = make_app(api=service)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_flow(pilot, app, "free-reflection")
        await send(pilot, screen, "Mr. Jones in bed 12 (MRN 4471823) died on my shift.")
        await until(pilot, lambda: screen_name(app) == "PrivacyDialog")
        assert "turn-you" not in str([b.classes for b in screen.query("#conversation Markdown")])
        assert service.requests[-1] == "turn"  # the core said "needs the resident's choice"
        assert await service.session(screen.session_id) is not None
        assert not [m for m in (await service.session(screen.session_id)).messages
                    if m.role == "resident"], "nothing is saved before the choice"
        await pilot.press("r")
        await until(pilot, lambda: "[MRN]" in conversation_text(screen))
        said = conversation_text(screen)
        assert "Jones" not in said and "4471823" not in said and "[PATIENT]" in said
        resident = await saved_resident_messages(pilot, app, screen.session_id)
        assert resident and all("Jones" not in text for text in resident)


async def test_a_burst_of_keys_then_send_keeps_every_character(service):
    """A paste or a fast typist: ctrl+s queued right behind the characters it follows."""
    app = make_app(api=service)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_flow(pilot, app, "free-reflection")
        screen.query_one("#message-input", TextArea).focus()
        await pilot.pause()
        text = "typed fast and sent at once"
        for char in text:  # posted without waiting, as a terminal delivers a burst
            app.post_message(events.Key("space" if char == " " else char, char))
        app.post_message(events.Key("ctrl+s", None))
        await until(pilot, lambda: "sent at once" in conversation_text(screen))
        assert await saved_resident_messages(pilot, app, screen.session_id) == [text]


async def test_crisis_message_shows_resources_at_once(service):
    app = make_app(api=service)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_flow(pilot, app)
        await send(pilot, screen, CRISIS)
        await until(pilot, lambda: screen_name(app) == "ResourcesScreen")
        shown = app.screen.query_one("#resources-list Markdown", Markdown).source
        assert app.screen.safety.level == "crisis"
        assert all(r.contact in shown for r in app.screen.safety.resources)
        assert not screen.query_one("#advice").cards  # no advice beside a crisis
        await pilot.press("c")  # "I'm safe, continue"
        await until(pilot, lambda: screen_name(app) == "ReflectionScreen"
                    and screen.state == "active")
        assert not screen.query_one("#message-input", TextArea).disabled


async def test_weekly_check_in_inside_a_flow_saves_answers(service):
    from textual.widgets import RadioSet

    app = make_app(api=service)
    async with app.run_test(size=(100, 32)) as pilot:
        before = len(await app.api.checkins())
        screen = await open_flow(pilot, app, "weekly-check-in")
        await send(pilot, screen, "Mostly the long clinic days and a good talk with my chief.")
        await until(pilot, lambda: screen_name(app) == "CheckinDialog")
        radios = list(app.screen.query(RadioSet))
        for radio in radios:
            radio.focus()
            await pilot.press("down", "enter")  # the second choice of each item
        await pilot.press("ctrl+s")
        # "a little supported" is low support: the one-time offer of a plan comes first
        await until(pilot, lambda: screen_name(app) == "PlanOfferDialog")
        await pilot.press("n")
        await until(pilot, lambda: screen_name(app) == "ReflectionScreen"
                    and screen.state == "active"
                    and "check-in is saved" in conversation_text(screen))
        checkins = await app.api.checkins()
        assert len(checkins) == before + 1
        assert set(checkins[-1].answers.values()) == {2}


async def test_knowledge_search_filter_and_read(service):
    app = make_app(api=service)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.journal_state == "open")
        await pilot.press("k")
        await until(pilot, lambda: screen_name(app) == "KnowledgeScreen")
        table = app.screen.query_one("#kb-results", DataTable)
        await until(pilot, lambda: table.row_count > 50)  # empty search lists every card
        everything = table.row_count
        app.screen.query_one("#kb-audience").value = "mentor"
        await until(pilot, lambda: 0 < table.row_count < everything)
        assert {str(table.get_row_at(i)[2]) for i in range(table.row_count)} <= {"mentor", "both"}
        app.screen.query_one("#kb-search", Input).focus()
        await pilot.press(*"how to give hard feedback", "enter")
        await until(pilot, lambda: "for “how to give hard feedback”"
                    in str(app.screen.query_one("#kb-count").render()))
        assert 0 < table.row_count <= 15
        first = str(table.get_row_at(0)[0])
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "CardScreen")
        body = app.screen.query_one("#card-body", Markdown)
        await until(pilot, lambda: first in body.source)


def test_reflection_snapshot(service, snap_compare):
    app = make_app(api=service)

    async def opened(pilot):
        await open_flow(pilot, app)
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=(100, 32), run_before=opened)


def test_resources_snapshot(service, snap_compare):
    app = make_app(api=service)

    async def crisis(pilot):
        screen = await open_flow(pilot, app)
        await send(pilot, screen, CRISIS)
        await until(pilot, lambda: screen_name(app) == "ResourcesScreen")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=(80, 24), run_before=crisis)


@pytest.mark.slow
async def test_end_to_end_on_the_real_model_process(real_service):
    await advice_topic_and_agenda(make_app(api=real_service), one_request=True)


@pytest.mark.slow
async def test_crisis_end_to_end_on_the_real_model_process(real_service):
    app = make_app(api=real_service)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_flow(pilot, app)
        await send(pilot, screen, "Honestly everyone would be better off without me around.")
        await until(pilot, lambda: screen_name(app) == "ResourcesScreen")
        assert app.screen.safety.level == "crisis" and app.screen.safety.resources
        await pilot.press("e")  # end the session
        await until(pilot, lambda: screen_name(app) == "HomeScreen")
