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
    assert not [m for m in loaded if m.startswith("companion.retrieval")], "the index is the core's"


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


# -- the app and the command line hold the typed API, not the store or the index ------
STORAGE_MODULES = ("companion.journal.", "companion.retrieval")
"""The journal's modules (its package face is allowed for records and errors) and the
retrieval package: opening the database file or the card index is the core's job."""
ALLOWED_JOURNAL_MODULES = {"companion.journal.records", "companion.journal.errors",
                           "companion.journal.display"}
"""Records, errors and how a record reads: values the typed API returns or raises."""
STORAGE_NAMES = {"Journal", "move_aside", "move_aside_unless_open", "remove_files",
                 "journal_files"}
"""What ``companion.journal`` hands on that opens or moves the journal's files."""
JUSTIFIED = {
    "commands/kb_build.py": "the index build command: building the index is its job",
    "commands/doctor.py": "diagnoses the installed index files themselves (index_status)",
}


def storage_imports(path: Path) -> list[str]:
    """Every import in ``path`` that reaches past the API into the store or the index."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules = [(a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules = [(node.module, [a.name for a in node.names])]
        else:
            continue
        for module, names in modules:
            if module == "companion.journal" and STORAGE_NAMES & set(names):
                found.append(f"{node.lineno}: {module} {sorted(STORAGE_NAMES & set(names))}")
            elif (module.startswith(STORAGE_MODULES) and module not in ALLOWED_JOURNAL_MODULES
                  or module == "companion.retrieval"):
                found.append(f"{node.lineno}: {module}")
            elif module == "companion" and {"retrieval"} & set(names):
                found.append(f"{node.lineno}: companion.retrieval")
    return found


def boundary_files() -> list[str]:
    root = Path(companion.__file__).parent
    return sorted(p.relative_to(root).as_posix()
                  for folder in ("commands", "tui") for p in (root / folder).rglob("*.py"))


@pytest.mark.parametrize("relative", boundary_files())
def test_commands_and_the_app_never_open_the_store_or_the_index(relative):
    """Including imports inside functions; the exceptions say why in JUSTIFIED."""
    found = storage_imports(Path(companion.__file__).parent / relative)
    if relative in JUSTIFIED:
        assert found, f"{relative} no longer needs its exception: drop it from JUSTIFIED"
        return
    assert found == [], f"{relative} reaches past the typed API: {found}"


def test_the_boundary_check_catches_each_way_past_the_api(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text("from companion.journal import Journal, Topic\n"
                      "def f():\n"
                      "    from companion.retrieval.retriever import Retriever\n"
                      "    import companion.journal.store\n"
                      "    from companion import retrieval\n"
                      "    from companion.journal import JournalError, SessionRecord\n"
                      "    from companion.journal.display import local_time\n")
    assert storage_imports(source) == [
        "1: companion.journal ['Journal']", "3: companion.retrieval.retriever",
        "4: companion.journal.store", "5: companion.retrieval"]


def test_every_operation_of_the_local_core_is_on_the_typed_api():
    """The command line uses LocalCompanion, the app the API: one set of operations."""
    import inspect

    from companion.service import wire
    from companion.service.local import LocalCompanion

    public = {name for name, _ in inspect.getmembers(LocalCompanion, inspect.isfunction)
              if not name.startswith("_")}
    assert public - LocalCompanion.NOT_ON_WIRE == set(wire.methods())


def test_no_module_hides_behind_a_package_of_the_same_name():
    """``x.py`` beside ``x/__init__.py`` is dead code (the package wins): a merge that
    brought back a file since split into a package would go unnoticed otherwise."""
    root = Path(companion.__file__).parent
    shadowed = [init.parent.with_suffix(".py").relative_to(root).as_posix()
                for init in root.rglob("__init__.py") if init.parent.with_suffix(".py").exists()]
    assert shadowed == []
