"""Collect the Windows (win_amd64, CPython 3.11) wheelhouse from a Linux machine.

``pip download --platform`` picks Windows wheels by tag but evaluates environment
markers for the machine it runs on, so a dependency needed only on Windows (for example
``colorama; platform_system == "Windows"``) would be silently left out. After pip is
done, this module reads every wheel's METADATA, evaluates each ``Requires-Dist`` marker
for Windows, and downloads whatever is still missing, until nothing is. PyPI's Windows
build of torch is the CPU one, so torch comes from PyPI here.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_ARGS = ["--only-binary=:all:", "--platform", "win_amd64", "--python-version", "3.11",
                 "--implementation", "cp", "--abi", "cp311"]
WINDOWS_MARKERS = {
    "os_name": "nt", "sys_platform": "win32", "platform_system": "Windows",
    "platform_machine": "AMD64", "platform_release": "10", "platform_version": "10.0.19045",
    "implementation_name": "cpython", "platform_python_implementation": "CPython",
    "python_version": "3.11", "python_full_version": "3.11.9",
    "implementation_version": "3.11.9", "extra": "",
}

try:
    from packaging.requirements import Requirement
except ImportError:  # a bare Python: pip vendors packaging
    from pip._vendor.packaging.requirements import Requirement


def _pip() -> list[str]:
    dev_python = ROOT / ".venv" / "bin" / "python"
    return [str(dev_python) if dev_python.exists() else sys.executable, "-m", "pip"]


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True, env=env)


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _metadata(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist()
                    if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
        return archive.read(name).decode("utf-8", "replace")


def windows_requirements(wheel: Path, extras: set[str]) -> list[Requirement]:
    """The wheel's requirements that apply on Windows, for the given extras of it."""
    found = []
    for line in _metadata(wheel).splitlines():
        if not line.startswith("Requires-Dist:"):
            continue
        requirement = Requirement(line.split(":", 1)[1].strip())
        marker = requirement.marker
        if marker is None or any(marker.evaluate({**WINDOWS_MARKERS, "extra": extra})
                                 for extra in {"", *extras}):
            found.append(requirement)
    return found


def _wheels(wheelhouse: Path) -> dict[str, Path]:
    return {_norm(p.name.split("-")[0]): p for p in wheelhouse.glob("*.whl")}


def _pins(constraints: Path | None) -> dict[str, str]:
    pins = {"torch": "2.13.0"}
    if constraints is not None:
        for line in constraints.read_text().splitlines():
            if "==" in line:
                name, version = line.split("==", 1)
                pins.setdefault(_norm(name), version.split("+")[0].strip())
    return pins


def collect(wheelhouse: Path, work: Path, source: Path, constraints: Path | None) -> None:
    """Build the project wheel, then walk its dependencies with Windows markers.

    Each round downloads (``--no-deps``) every requirement not yet present, pinned to the
    development venv's version when it has one, until a round finds nothing new.
    """
    _run([*_pip(), "wheel", "--no-deps", "--wheel-dir", str(wheelhouse), str(source)])
    pins = _pins(constraints)
    extras: dict[str, set[str]] = {"resident-companion": set()}
    seen: set[tuple[str, frozenset[str]]] = set()
    while True:
        wanted: dict[str, str] = {}
        for name, wheel in _wheels(wheelhouse).items():
            key = (name, frozenset(extras.get(name, set())))
            if key in seen:
                continue
            seen.add(key)
            for requirement in windows_requirements(wheel, extras.get(name, set())):
                dep = _norm(requirement.name)
                extras.setdefault(dep, set()).update(requirement.extras)
                if dep not in _wheels(wheelhouse):
                    wanted[dep] = (f"{dep}=={pins[dep]}" if dep in pins
                                   else f"{dep}{requirement.specifier}")
        if not wanted and all((n, frozenset(extras.get(n, set()))) in seen
                              for n in _wheels(wheelhouse)):
            return
        if wanted:
            _run([*_pip(), "download", "--no-deps", "--dest", str(wheelhouse), *PLATFORM_ARGS,
                  *sorted(wanted.values())])


def check_resolves(wheelhouse: Path) -> None:
    """Prove the folder is closed for Windows: every requirement met by a wheel present.

    (``pip install --dry-run --platform`` cannot prove it: it would evaluate torch's
    Linux-only CUDA markers for this Linux machine.)
    """
    wheels = _wheels(wheelhouse)
    versions = {name: path.name.split("-")[1] for name, path in wheels.items()}
    problems = []
    for name, wheel in wheels.items():
        for requirement in windows_requirements(wheel, set()):
            dep = _norm(requirement.name)
            if dep not in versions:
                problems.append(f"{name} needs {requirement}: no wheel")
            elif not requirement.specifier.contains(versions[dep], prereleases=True):
                problems.append(f"{name} needs {requirement}: have {versions[dep]}")
    bad_tags = [p.name for p in wheels.values()
                if not re.search(r"-(none-any|cp311-cp311-win_amd64|abi3-win_amd64|"
                                 r"py3-none-win_amd64)\.whl$", p.name)]
    if problems or bad_tags:
        raise SystemExit("Windows wheelhouse is not complete: "
                         + "; ".join(problems + [f"not a win_amd64 wheel: {t}" for t in bad_tags]))
    print(f"Windows wheelhouse closed: {len(wheels)} wheels, every requirement met")
