"""The house's boundaries, checked by importing modules in a fresh interpreter.

The core (``companion`` outside ``tui``) never imports Textual, and importing it
pulls in none of the heavy model libraries (they load inside the functions that
need them); the app side holds only the typed API, so it never loads the
dialogue engine or a model either. Each module is imported in its own
subprocess, as harlequin's ``test_import_hygiene.py`` does, so one module's
imports cannot hide another's.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import companion

HEAVY = ("torch", "sentence_transformers", "transformers", "faiss")
CORE = [
    "companion", "companion.cli", "companion.settings", "companion.checkin",
    "companion.cards", "companion.agenda", "companion.sharing", "companion.privacy",
    "companion.safety", "companion.journal", "companion.dialogue.engine",
    "companion.retrieval.retriever", "companion.service.local", "companion.service.server",
    "companion.service.api", "companion.safety_plan",
]
LAUNCHERS = {"commands/app.py"}
"""The CLI's way into the app: it opens the TUI, inside its handler only."""
APP = ["companion.tui.app", "companion.tui.screens.reflection", "companion.service.proxy"]


def loaded_after(module: str) -> set[str]:
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_textual_and_no_model_library(module):
    loaded = loaded_after(module)
    assert "textual" not in loaded
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


@pytest.mark.parametrize("module", APP)
def test_app_side_holds_the_api_not_the_engine_or_a_model(module):
    loaded = loaded_after(module)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    assert "companion.dialogue.engine" not in loaded
    assert "companion.service.local" not in loaded


def test_no_core_file_imports_textual_anywhere():
    """Also imports inside functions, which importing a module does not run."""
    root = Path(companion.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        if "tui" in relative.parts or relative.as_posix() in LAUNCHERS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n == "textual" or n.startswith(("textual.", "companion.tui")) for n in names):
                offenders.append(f"{relative}:{node.lineno}")
    assert offenders == []
