"""One broken card or flow file: the rest still work, and everyone is told which file.

A copy of the real knowledge base with one card missing its title and one flow
pointing to a step that does not exist: cards and flows load without them,
reflections still start, `kb check` and `doctor` fail naming file and field, and
the app shows the same as a warning.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tui_support import fake_api, fake_models, until

from companion.cards import load_cards
from companion.cli import main
from companion.dialogue.flows import load_flows
from companion.knowledge import knowledge_problems

REPO_KNOWLEDGE = Path(__file__).resolve().parents[1] / "knowledge"
BROKEN_CARD = "burnout-three-dimensions.md"
BROKEN_FLOW = "career-crossroads.yaml"


@pytest.fixture
def broken_knowledge(tmp_path, monkeypatch) -> Path:
    fake_models()  # the shared fake index is built from the real cards, before we break any
    root = tmp_path / "knowledge"
    shutil.copytree(REPO_KNOWLEDGE, root)
    card = next(root.joinpath("cards").rglob(BROKEN_CARD))
    text = card.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    card.write_text(text.replace(title + "\n", "", 1), encoding="utf-8")
    flow = root / "flows" / BROKEN_FLOW
    flow.write_text(flow.read_text(encoding="utf-8").replace("start: ", "start: nowhere-", 1),
                    encoding="utf-8")
    monkeypatch.setenv("COMPANION_KNOWLEDGE", str(root))
    return root


def test_the_valid_cards_and_flows_still_load(broken_knowledge):
    real_cards = load_cards(REPO_KNOWLEDGE / "cards")
    cards = load_cards()
    assert len(cards) == len(real_cards) - 1
    assert "burnout-three-dimensions" not in {c.id for c in cards}
    flows = load_flows()
    assert "career-crossroads" not in flows
    assert {"after-hard-shift", "weekly-check-in"} <= set(flows)
    problems = knowledge_problems()
    assert any(BROKEN_CARD in p and "field 'title'" in p for p in problems), problems
    assert any(BROKEN_FLOW in p and "field 'start'" in p for p in problems), problems


def test_kb_check_fails_and_names_file_and_field(broken_knowledge, capsys):
    assert main(["kb", "check"]) == 1
    captured = capsys.readouterr()
    assert f"error: {BROKEN_CARD}: field 'title': is required" in captured.err
    assert f"error: flow {BROKEN_FLOW}: field 'start': unknown step" in captured.err
    assert "1 error(s)" in captured.out


def test_kb_check_passes_on_the_real_knowledge(capsys):
    assert main(["kb", "check"]) == 0
    assert "0 error(s)" in capsys.readouterr().out


def test_doctor_reports_the_broken_files(broken_knowledge, capsys):
    assert main(["doctor", "--no-load"]) == 1
    captured = capsys.readouterr()
    assert "2 problem(s), those files are skipped" in captured.out
    assert f"PROBLEM: knowledge files: card {BROKEN_CARD}: field 'title'" in captured.err
    assert f"PROBLEM: knowledge files: flow {BROKEN_FLOW}: field 'start'" in captured.err


async def test_reflections_still_start_and_the_app_warns(broken_knowledge):
    from companion.tui.app import make_app

    api = fake_api()
    try:
        app = make_app(api=api)
        async with app.run_test(size=(100, 32)) as pilot:
            await until(pilot, lambda: app.flows)
            assert "career-crossroads" not in {f.id for f in app.flows}
            assert "after-hard-shift" in {f.id for f in app.flows}

            def warned() -> bool:
                return any(BROKEN_CARD in n.message and BROKEN_FLOW in n.message
                           for n in app._notifications)

            await until(pilot, warned)
            started = await api.start("after-hard-shift")
            assert started.session_id
    finally:
        await api.close()
