"""`companion screen` and `companion eval safety` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from companion.cli import main

DEV_FILE = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev_crisis.jsonl"


def test_screen_json_shape_for_crisis(capsys):
    assert main(["screen", "--json", "I've been stockpiling pills and I know how many I need"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"level", "reasons", "resources", "evidence", "warning"}
    assert data["level"] == "crisis"
    assert data["reasons"] and all(isinstance(r, str) for r in data["reasons"])
    assert any("988" in r["contact"] for r in data["resources"])
    assert all(set(r) == {"name", "contact", "what", "when"} for r in data["resources"])


def test_screen_text_output_for_hyperbole(capsys):
    assert main(["screen", "this", "rotation", "is", "killing", "me"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "level: none"
    assert "988" not in out


def test_screen_history_option(capsys):
    main(["screen", "--json", "--history", "I want to die.", "I'm safe now."])
    result = json.loads(capsys.readouterr().out)
    assert result["level"] == "none" and result["resources"]  # answered: visible, not raised


def test_eval_safety_json_on_dev_file(capsys):
    if not DEV_FILE.is_file():
        pytest.skip("dev set not present")
    assert main(["eval", "safety", str(DEV_FILE), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report) == ["n", "recall", "false_alarm_rate", "concern_rate_crisis",
                            "concern_rate_noncrisis", "misses", "false_alarms",
                            "check_rate_crisis", "check_rate_noncrisis", "recall_with_check",
                            "misses_with_check", "checks_noncrisis"]
    assert report["recall"] == 1.0
    assert report["false_alarm_rate"] <= 0.05


def test_importing_the_screen_pulls_no_model_or_screen_library():
    import subprocess
    import sys

    code = ("import sys, companion.safety, companion.commands.screen; "
            "print(sorted(m for m in ('torch', 'sentence_transformers', 'textual') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
