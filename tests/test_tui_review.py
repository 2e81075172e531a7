"""Pilot tests of the mentor review screen: from a shared agenda file to a reviewed copy.

The screen works from the file alone, so a tiny host app pushes it: no model
process, no journal.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import OptionList, Static, TextArea

import companion.tui
from companion.agenda import Agenda, AgendaTopic, CardRef, FollowUpItem, load_agenda
from companion.cards import cards_for_topic, load_cards
from companion.tui.screens.review import ReviewScreen
from companion.tui.screens.review_dialogs import FollowUpDialog, MentorCardDialog, parse_due

APP_CSS = Path(companion.tui.__file__).parent / "app.tcss"


class ReviewHost(App):
    """The smallest app that opens the review screen the way `companion review` does."""

    CSS_PATH = APP_CSS

    def __init__(self, review_file: Path):
        super().__init__()
        self.review_file = review_file

    def on_mount(self) -> None:
        self.push_screen(ReviewScreen(str(self.review_file)))


CLEAN = "Nights are wearing me down and I dread the next block."


def make_agenda(rationale: str = CLEAN) -> Agenda:
    return Agenda(
        resident="J.D.", date=dt.date(2026, 11, 20),
        topics=[
            AgendaTopic(id="7", topic_id="burnout", title="Running on empty",
                        rationale=rationale,
                        cards=[CardRef(id="burnout-three-dimensions", title="Three dimensions")],
                        questions=["How did you get through your hardest rotation?"],
                        ask="I dread the next block", need="listen", minutes=30),
            AgendaTopic(id="9", topic_id="career-planning", title="Fellowship or job?",
                        rationale="I keep changing my mind about cardiology.",
                        ask="Cardiology or a hospitalist job?", minutes=20,
                        decision="Which to apply for", deadline=dt.date(2026, 12, 31)),
            AgendaTopic(id="12", topic_id="leadership", title="Chief year",
                        rationale="Thinking about applying to be chief.", need="sponsor",
                        minutes=5),
        ],
        follow_ups=[FollowUpItem(text="Draft the abstract", owner="resident")],
    )


@pytest.fixture
def agenda_file(tmp_path) -> Path:
    path = tmp_path / "agenda.json"
    path.write_text(make_agenda().to_json(), encoding="utf-8")
    return path


BODY = " ".join(["Ask what the last month has been like and listen before advising."] * 7)


def write_card(folder: Path, card_id: str, title: str, topic: str, audience: str,
               topics: tuple[str, ...] = ()) -> None:
    extra = "".join(f"- {t}\n" for t in topics)
    folder.joinpath(f"{card_id}.md").write_text(
        f"---\nid: {card_id}\ntitle: '{title}'\n"
        "now: 'Ask what would help most this month, then listen.'\n"
        f"topic: {topic}\n"
        + (f"topics:\n{extra}" if topics else "")
        + f"audience: {audience}\nsources:\n- 'Source of {title}'\n"
        "reflect:\n- What helps?\nask_mentor:\n- What would you do?\n---\n" + BODY + "\n",
        encoding="utf-8")


@pytest.fixture
def small_knowledge(tmp_path, monkeypatch) -> Path:
    """A knowledge folder of four cards, so screens do not change when real cards do."""
    root = tmp_path / "knowledge"
    cards = root / "cards"
    cards.mkdir(parents=True)
    real = Path(companion.tui.__file__).parents[2] / "knowledge" / "topics.yaml"
    (root / "topics.yaml").write_text(real.read_text(encoding="utf-8"), encoding="utf-8")
    write_card(cards, "zz-mentor-burnout", "Noticing a struggling resident", "burnout", "mentor")
    write_card(cards, "aa-both-support", "After a hard night", "emotional-support", "both",
               topics=("burnout",))
    write_card(cards, "resident-burnout", "Resting on nights", "burnout", "resident")
    write_card(cards, "mentor-career", "Talking about fellowships", "career-planning", "mentor")
    monkeypatch.setenv("COMPANION_KNOWLEDGE", str(root))
    return root


async def type_text(pilot, text: str) -> None:
    await pilot.press(*["space" if ch == " " else ch for ch in text])


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def highlighted_topic(screen: ReviewScreen) -> str | None:
    topics = screen.query_one("#review-topics", OptionList)
    return topics.get_option_at_index(topics.highlighted).id


async def test_mentor_reviews_and_saves_without_touching_the_original(agenda_file, tmp_path):
    original = agenda_file.read_bytes()
    app = ReviewHost(agenda_file)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        summary = str(screen.query_one("#review-summary", Static).render())
        assert "J.D." in summary and "2026-11-20" in summary
        assert highlighted_topic(screen) == "7"
        assert "Nights are wearing me down" in str(
            screen.query_one("#topic-rationale", Static).render())

        await pilot.press("d")  # topic 1 discussed
        await pilot.press("n")
        await type_text(pilot, "Talked about sleep")
        await pilot.press("escape", "down")
        await settle(pilot)
        assert highlighted_topic(screen) == "9"
        assert screen.query_one("#topic-notes", TextArea).text == ""  # its own notes
        assert "cardiology" in str(screen.query_one("#topic-rationale", Static).render())
        await pilot.press("f")  # topic 2 deferred
        await pilot.press("n")
        await type_text(pilot, "Next time")
        await pilot.press("escape", "up")
        await settle(pilot)
        assert screen.query_one("#topic-notes", TextArea).text == "Talked about sleep"
        prompts = [str(screen.query_one("#review-topics", OptionList).get_option_at_index(i)
                       .prompt) for i in range(3)]
        assert "discussed" in prompts[0] and "deferred" in prompts[1] and "(" not in prompts[2]

        # a bad due date is refused with a clear message; nothing is added or saved
        await pilot.press("a")
        assert isinstance(app.screen, FollowUpDialog)
        await type_text(pilot, "Book a sleep clinic visit")
        await pilot.press("enter", "ctrl+u")
        await type_text(pilot, "mentor")
        await pilot.press("enter")
        await type_text(pilot, "2026-13-40")
        await pilot.press("enter")
        error = str(app.screen.query_one("#follow-up-error", Static).render())
        assert "2026-13-40" in error and "YYYY-MM-DD" in error
        assert isinstance(app.screen, FollowUpDialog)
        assert screen.follow_ups == []
        await pilot.press("ctrl+u")
        await type_text(pilot, "2026-12-15")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert list(tmp_path.glob("*.reviewed*")) == []

        await pilot.press("m")
        await type_text(pilot, "Good meeting")
        await pilot.press("shift+tab")  # back to the mentor name field
        assert screen.focused is screen.query_one("#mentor-name")
        await type_text(pilot, "Dr Okafor")
        await pilot.press("ctrl+s")
        await pilot.pause()

    saved = tmp_path / "agenda.reviewed.json"
    assert saved.is_file()
    assert agenda_file.read_bytes() == original
    reviewed = load_agenda(saved)
    review = reviewed.review
    assert review is not None
    assert review.reviewed_on == dt.date.today()
    assert review.mentor == "Dr Okafor"
    assert review.notes == "Good meeting"
    assert review.topics["7"].status == "discussed"
    assert review.topics["7"].notes == "Talked about sleep"
    assert review.topics["9"].status == "deferred"
    assert review.topics["9"].notes == "Next time"
    assert review.topics["12"].status == "open"
    assert [(f.text, f.owner, f.due) for f in review.follow_ups] == [
        ("Book a sleep clinic visit", "mentor", dt.date(2026, 12, 15))]
    # the resident's part is carried over unchanged
    assert reviewed.model_dump(exclude={"review"}) == load_agenda(agenda_file).model_dump(
        exclude={"review"})


async def test_saving_twice_rewrites_the_reviewed_copy_only(agenda_file, tmp_path):
    original = agenda_file.read_bytes()
    app = ReviewHost(agenda_file)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s", "d")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert sorted(p.name for p in tmp_path.glob("agenda*")) == [
        "agenda.json", "agenda.reviewed.json"]
    assert load_agenda(tmp_path / "agenda.reviewed.json").review.topics["7"].status == "discussed"
    assert agenda_file.read_bytes() == original


async def test_existing_reviewed_file_is_never_overwritten(agenda_file, tmp_path):
    earlier = tmp_path / "agenda.reviewed.json"
    earlier.write_text("an earlier review\n", encoding="utf-8")
    app = ReviewHost(agenda_file)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("f", "ctrl+s")
        await pilot.pause()
    assert earlier.read_text(encoding="utf-8") == "an earlier review\n"
    second = load_agenda(tmp_path / "agenda.reviewed-2.json")
    assert second.review.topics["7"].status == "deferred"


async def test_reviewing_a_reviewed_agenda_keeps_the_earlier_review(agenda_file, tmp_path):
    app = ReviewHost(agenda_file)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("d", "ctrl+s")
        await pilot.pause()
    first = tmp_path / "agenda.reviewed.json"
    first_bytes = first.read_bytes()
    app = ReviewHost(first)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert "discussed" in str(app.screen.query_one("#review-topics", OptionList)
                                  .get_option_at_index(0).prompt)
        await pilot.press("down", "f", "ctrl+s")
        await pilot.pause()
    assert first.read_bytes() == first_bytes
    again = load_agenda(tmp_path / "agenda.reviewed-2.json").review
    assert again.topics["7"].status == "discussed" and again.topics["9"].status == "deferred"


async def test_identifier_warning_names_kinds_and_fields(tmp_path):
    path = tmp_path / "agenda.json"
    path.write_text(make_agenda("After the code on MRN 4471823 I froze.").to_json(),
                    encoding="utf-8")
    app = ReviewHost(path)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        banner = app.screen.query_one("#review-warning", Static)
        assert banner.display and banner.region.height > 0
        text = str(banner.render())
        assert "mrn" in text and "topic 1 rationale" in text
        assert "4471823" not in text  # the banner names kinds, it does not repeat them


async def test_no_warning_for_a_clean_agenda(agenda_file):
    app = ReviewHost(agenda_file)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#review-warning", Static).display


async def test_mentor_cards_match_the_topic_and_audience(agenda_file):
    cards = {c.id: c for c in load_cards()}
    app = ReviewHost(agenda_file)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        for topic_id in ("burnout", "career-planning", "leadership"):
            listing = screen.query_one("#topic-cards", OptionList)
            shown = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
            expected = [c.id for c in cards_for_topic(topic_id, "mentor")][:2]
            assert shown and shown == expected, topic_id  # at most two, ranked
            for card_id in shown:
                assert cards[card_id].audience in {"mentor", "both"}
            await pilot.press("down")
            await settle(pilot)

        await pilot.press("up", "up", "up")  # back to the first topic
        await settle(pilot)
        listing = screen.query_one("#topic-cards", OptionList)
        first = cards[listing.get_option_at_index(0).id]
        assert first.topic == "burnout"  # cards on the primary topic come first
        assert first.now and first.now in str(listing.get_option_at_index(0).prompt)
        await pilot.press("enter")  # into the topic: focus on its advice cards
        assert screen.focused is listing
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MentorCardDialog)
        assert app.screen.card.id == first.id
        await pilot.press("escape")
        assert app.screen is screen


async def test_bad_file_is_explained_and_never_written(tmp_path):
    path = tmp_path / "agenda.json"
    text = make_agenda().to_json()[:-40]  # truncated in transit
    path.write_text(text, encoding="utf-8")
    app = ReviewHost(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        message = str(app.screen.query_one("#review-error", Static).render())
        assert "agenda.json" in message and "truncated" in message
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert path.read_text(encoding="utf-8") == text
    assert list(tmp_path.glob("agenda*")) == [path]


async def test_everything_reachable_at_80x24(tmp_path):
    path = tmp_path / "agenda.json"
    path.write_text(make_agenda("Bed 12, MRN 4471823, scared me.").to_json(), encoding="utf-8")
    app = ReviewHost(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        for selector in ("#review-warning", "#review-topics", "#topic-rationale"):
            region = screen.query_one(selector).region
            assert region.height > 0 and region.right <= 80, selector
        await pilot.press("n")
        notes = screen.query_one("#topic-notes", TextArea)
        assert screen.focused is notes
        await pilot.pause()
        assert notes.region.height > 0 and notes.region.bottom <= 24  # scrolled into view


async def test_follow_up_form_refuses_empty_text_and_can_be_cancelled_or_removed(agenda_file):
    app = ReviewHost(agenda_file)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("a", "ctrl+s")  # nothing typed
        assert isinstance(app.screen, FollowUpDialog)
        assert "cannot be empty" in str(app.screen.query_one("#follow-up-error", Static).render())
        await pilot.press("escape")
        assert app.screen is screen and screen.follow_ups == []
        for text in ("Read the card", "Email the chief"):
            await pilot.press("a")
            await type_text(pilot, text)
            await pilot.press("ctrl+s")
            await pilot.pause()
        assert [f.text for f in screen.follow_ups] == ["Read the card", "Email the chief"]
        assert all(f.owner == "resident" and f.due is None for f in screen.follow_ups)
        await pilot.press("m", "tab")  # from the overall notes to the follow-up list
        listing = screen.query_one("#follow-up-list", OptionList)
        assert screen.focused is listing
        listing.highlighted = 0
        await pilot.press("delete")
        assert [f.text for f in screen.follow_ups] == ["Email the chief"]
        assert listing.option_count == 1


@pytest.mark.parametrize("text,expected", [
    ("2026-12-15", dt.date(2026, 12, 15)), ("  ", None), ("", None)])
def test_parse_due_accepts_iso_dates_or_nothing(text, expected):
    assert parse_due(text) == expected


@pytest.mark.parametrize("text", ["2026-02-30", "15/12/2026", "20261215", "next week"])
def test_parse_due_rejects_anything_else_clearly(text):
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_due(text)


async def test_cards_are_picked_by_topic_and_audience_primary_first(agenda_file,
                                                                   small_knowledge):
    app = ReviewHost(agenda_file)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        listing = app.screen.query_one("#topic-cards", OptionList)
        shown = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
        # the resident-only card is left out; the primary-topic card comes before the
        # card that has burnout only as a secondary topic, whatever their titles
        assert shown == ["zz-mentor-burnout", "aa-both-support"]
        await pilot.press("down", "down")  # leadership: no card in this folder
        await settle(pilot)
        assert listing.option_count == 1 and listing.get_option_at_index(0).disabled
        assert "No mentor advice" in str(listing.get_option_at_index(0).prompt)


def test_review_snapshot(snap_compare, tmp_path, small_knowledge):
    path = tmp_path / "agenda.json"
    path.write_text(make_agenda("Bed 12 kept coding; MRN 4471823 stays with me.").to_json(),
                    encoding="utf-8")

    async def ready(pilot) -> None:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)

    assert snap_compare(ReviewHost(path), run_before=ready, terminal_size=(100, 32))


async def test_the_page_leads_with_asks_and_records_needs_follow_up(agenda_file, tmp_path):
    app = ReviewHost(agenda_file)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        summary = str(screen.query_one("#review-summary", Static).render())
        assert "60 min" in summary and "3 ask(s)" in summary
        first = str(screen.query_one("#review-topics", OptionList).get_option_at_index(0)
                    .prompt)
        assert "I dread the next block" in first and "30 min" in first
        assert "Running on empty" not in first  # the label is not the heading
        ask = str(screen.query_one("#topic-ask", Static).render())
        assert "listen" in ask and "Running on empty" in ask
        await pilot.press("down")
        await settle(pilot)
        ask = str(screen.query_one("#topic-ask", Static).render())
        assert "Decision needed: Which to apply for, by 2026-12-31" in ask
        await pilot.press("u")
        prompt = str(screen.query_one("#review-topics", OptionList).get_option_at_index(1)
                     .prompt)
        assert "needs follow-up" in prompt
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = load_agenda(tmp_path / "agenda.reviewed.json")
    assert saved.review is not None and saved.review.topics["9"].status == "follow-up"


@pytest.mark.parametrize("width", [80, 100])
async def test_every_key_of_the_review_screen_shows_whole_in_its_footer(tmp_path, width):
    """`companion review FILE` in the whole app: each footer key is on screen, none cut."""
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey
    from tui_support import fake_api, screen_name, until

    from companion.tui.app import make_app

    path = tmp_path / "agenda.json"
    path.write_text(make_agenda().to_json(), encoding="utf-8")
    api = fake_api()
    try:
        app = make_app(review_file=str(path), api=api)
        async with app.run_test(size=(width, 30)) as pilot:
            await until(pilot, lambda: screen_name(app) == "ReviewScreen")
            footer = app.screen.query_one(Footer)

            def shown_keys() -> dict[str, FooterKey]:
                return {key.key: key for key in footer.query(FooterKey)
                        if key.display and key.region.width}

            expected = {"d", "f", "u", "n", "a", "m", "ctrl+s", "f1", "f2"}
            # The footer recomposes when focus settles; wait for a laid-out footer
            # holding every key rather than reading one that is being rebuilt.
            await until(pilot, lambda: expected <= set(shown_keys()))
            wanted = {active.binding.action for active in app.screen.active_bindings.values()
                      if active.binding.show}  # f1 and ? are one action, shown once
            keys = shown_keys()
            assert expected <= set(keys)
            missing = wanted - {key.action for key in keys.values()}
            assert not missing, sorted(missing)
            cut = [name for name, key in keys.items() if key.region.right > footer.region.right]
            assert cut == [] and footer.virtual_size.width <= footer.size.width, cut
    finally:
        await api.close()


async def test_the_review_screen_says_what_changed_since_last_time(tmp_path):
    """An agenda after an earlier meeting: when it was, which asks are new or back again."""
    agenda = make_agenda()
    agenda.last_meeting = dt.date(2026, 10, 22)
    agenda.topics[1].last_time = "deferred"
    path = tmp_path / "agenda.json"
    path.write_text(agenda.to_json(), encoding="utf-8")
    app = ReviewHost(path)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        summary = str(screen.query_one("#review-summary", Static).render())
        assert "last met 2026-10-22" in summary
        topics = screen.query_one("#review-topics", OptionList)
        prompts = [str(topics.get_option_at_index(i).prompt) for i in range(3)]
        assert prompts[0].endswith("· new") and prompts[1].endswith("· again")
        await pilot.press("down")
        await settle(pilot)
        ask = str(screen.query_one("#topic-ask", Static).render())
        assert "Before: deferred last time" in ask
        since = str(screen.query_one("#earlier-follow-ups", Static).render())
        assert "Last meeting: 2026-10-22; follow-ups 1 open." in since
        assert "New since then: asks 1 and 3." in since
        assert "Back from before: ask 2 (deferred last time)." in since
        assert "Draft the abstract" in since


async def test_a_first_meeting_marks_no_ask_new(agenda_file):
    app = ReviewHost(agenda_file)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        topics = app.screen.query_one("#review-topics", OptionList)
        first = str(topics.get_option_at_index(0).prompt)
        assert "new" not in first and "again" not in first
        since = str(app.screen.query_one("#earlier-follow-ups", Static).render())
        assert "Last meeting" not in since
