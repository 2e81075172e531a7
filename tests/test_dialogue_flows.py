"""Flow files: the real ones load, and malformed ones name the file and the step."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from companion.dialogue.cleaning import MAX_MESSAGE_CHARS, MessageError, clean_message
from companion.dialogue.flows import FlowError, load_flow, load_flows

REQUIRED = {"after-hard-shift", "weekly-check-in", "career-crossroads", "prepare-mentor-meeting",
            "finding-a-mentor", "feedback-or-conflict", "after-adverse-event", "free-reflection"}

GOOD = """\
id: tiny
title: Tiny flow
description: A flow for tests.
start: opening
steps:
  opening:
    ask: "How was today?"
    next: closing
  closing:
    kind: closing
    say: "Thanks."
"""


def write(tmp_path: Path, text: str, name: str = "tiny.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_every_required_flow_loads_and_checkin_flow_has_a_checkin():
    flows = load_flows()
    assert REQUIRED <= set(flows)
    assert any(s.kind == "checkin" for s in flows["weekly-check-in"].steps.values())
    assert any(s.kind == "plan" for s in flows["finding-a-mentor"].steps.values())


def test_a_good_flow_loads(tmp_path):
    flow = load_flow(write(tmp_path, GOOD))
    assert flow.start == "opening" and flow.step("closing").kind == "closing"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("next: closing", "next: nowhere",
         "step 'opening': 'next' points to unknown step 'nowhere'"),
        ("start: opening", "start: begin", "field 'start': unknown step 'begin'"),
        ('    ask: "How was today?"\n', "", "step 'opening': a prompt step needs 'ask'"),
        ("kind: closing", "kind: finale", "step 'closing' field 'kind'"),
        ('    say: "Thanks."', "    next: opening",
         "step 'closing': a closing step cannot lead anywhere"),
        ("title: Tiny flow\n", "", "field 'title': Field required"),
        ("    next: closing\n", "    next: closing\n    topics: [astrology]\n",
         "step 'opening': unknown topic 'astrology'"),
        ("    next: closing\n", "    next: closing\n    colour: red\n",
         "step 'opening' field 'colour'"),
    ],
)
def test_malformed_flow_names_file_and_step(tmp_path, old, new, expected):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(FlowError) as info:
        load_flow(path)
    assert "tiny.yaml" in str(info.value)
    assert expected in str(info.value)


def test_invalid_yaml_and_missing_closing(tmp_path):
    with pytest.raises(FlowError, match="tiny.yaml: not valid YAML"):
        load_flow(write(tmp_path, "id: [unclosed\n"))
    no_closing = GOOD.replace("kind: closing", "kind: prompt").replace(
        '    say: "Thanks."', '    ask: "x?"\n    next: opening')
    with pytest.raises(FlowError, match="no step of kind 'closing'"):
        load_flow(write(tmp_path, no_closing))


def test_load_flows_reports_every_broken_file_and_duplicates(tmp_path):
    shutil.copy(write(tmp_path, GOOD), tmp_path / "copy.yaml")
    write(tmp_path, GOOD.replace("next: closing", "next: gone"), "broken.yaml")
    with pytest.raises(FlowError) as info:
        load_flows(tmp_path, strict=True)
    message = str(info.value)
    assert "broken.yaml" in message and "duplicate flow id 'tiny'" in message


def test_one_broken_flow_is_skipped_with_a_warning_and_the_rest_load(tmp_path, caplog):
    write(tmp_path, GOOD)
    write(tmp_path, GOOD.replace("id: tiny", "id: other").replace("next: closing", "next: gone"),
          "broken.yaml")
    write(tmp_path, "id: [unclosed\n", "garbled.yaml")
    with caplog.at_level("WARNING", logger="companion.dialogue.flows"):
        flows = load_flows(tmp_path)
    assert list(flows) == ["tiny"]
    assert "reflection flow skipped: broken.yaml: step 'opening': 'next' points to unknown " \
        "step 'gone'" in caplog.text
    assert "garbled.yaml: not valid YAML" in caplog.text


def test_no_valid_flow_at_all_still_raises(tmp_path):
    write(tmp_path, GOOD.replace("next: closing", "next: gone"))
    with pytest.raises(FlowError, match="tiny.yaml: step 'opening'"):
        load_flows(tmp_path)


def test_escape_sequences_in_a_flow_are_stripped_on_load(tmp_path):
    evil = "\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\x1b]0;pwned\x07"
    flow = load_flow(write(tmp_path, GOOD.replace("How was today?", f"How was{evil} today?")))
    assert flow.step("opening").ask == ["How was today?"]


def test_yaml_yes_is_read_as_an_answer(tmp_path):
    text = GOOD.replace("    next: closing\n", "    branches:\n      - when: {answer: yes}\n"
                        "        next: closing\n    next: closing\n", 1)
    flow = load_flow(write(tmp_path, text))
    assert flow.step("opening").branches[0].when.answer == "yes"


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "empty"), ("   \n\t ", "empty"), ("\x00\x07\x1b", "empty"),
     ("x" * (MAX_MESSAGE_CHARS + 1), "limit is")],
)
def test_unusable_messages_get_specific_errors(text, message):
    with pytest.raises(MessageError, match=message):
        clean_message(text)


def test_control_characters_are_removed_and_text_kept():
    assert clean_message("I\x00 am\u200b tired\r\nreally") == "I am tired\nreally"
