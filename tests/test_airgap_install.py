"""packaging/install.sh on a tiny wheelhouse built in tmp_path: no network, a few seconds.

The real wheelhouse (400 MB) is proven by scripts/airgap_check.sh; these tests pin the
behaviour hospital IT relies on: a changed or missing wheel is refused by name before
anything is installed, and a good wheelhouse installs with pip --no-index.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INSTALL_SH = ROOT / "packaging" / "install.sh"
WHEEL_NAME = "tinypkg-0.1-py3-none-any.whl"


def make_wheel(folder: Path, requires: tuple[str, ...] = ()) -> Path:
    """A minimal valid pure-Python wheel of project 'tinypkg' 0.1."""
    path = folder / WHEEL_NAME
    meta = "Metadata-Version: 2.1\nName: tinypkg\nVersion: 0.1\n"
    meta += "".join(f"Requires-Dist: {r}\n" for r in requires)
    files = {
        "tinypkg/__init__.py": "VALUE = 42\n",
        "tinypkg-0.1.dist-info/METADATA": meta,
        "tinypkg-0.1.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\n"
        "Root-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(f"{name},,\n" for name in files) + "tinypkg-0.1.dist-info/RECORD,,\n"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
        archive.writestr("tinypkg-0.1.dist-info/RECORD", record)
    return path


def make_wheelhouse(tmp_path: Path, requires: tuple[str, ...] = ()) -> Path:
    house = tmp_path / "wheelhouse"
    house.mkdir()
    wheel = make_wheel(house, requires)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    (house / "requirements.txt").write_text(
        f"# test wheelhouse\ntinypkg==0.1 --hash=sha256:{digest}\n")
    shutil.copy2(INSTALL_SH, house / "install.sh")
    return house


def run_install(house: Path, target: Path, *options: str,
                **env: str) -> subprocess.CompletedProcess:
    """Run install.sh with a clean environment, inside `unshare -n` when that works.

    The test interpreter usually lives under a private home, so ``--private-python`` is
    passed unless the caller gives its own options (the permission check has its own test).
    """
    environment = {"PATH": os.environ["PATH"], "HOME": str(target.parent),
                   "PYTHON": sys.executable, "SKIP_DOCTOR": "1",
                   "PIP_INDEX_URL": "http://127.0.0.1:9/simple", **env}
    command = ["bash", str(house / "install.sh"), *(options or ("--private-python",)),
               str(target)]
    if os.geteuid() == 0 and shutil.which("unshare") and subprocess.run(
            ["unshare", "-n", "true"], capture_output=True).returncode == 0:
        command = ["unshare", "-n", "--", *command]
    return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=120)


def test_one_changed_byte_is_refused_naming_the_wheel(tmp_path):
    house = make_wheelhouse(tmp_path)
    wheel = house / WHEEL_NAME
    data = bytearray(wheel.read_bytes())
    data[len(data) // 2] ^= 0x01
    wheel.write_bytes(bytes(data))
    target = tmp_path / "venv"

    result = run_install(house, target)

    assert result.returncode == 2, result.stderr
    assert f"MISMATCH wheel: {WHEEL_NAME}" in result.stderr
    assert hashlib.sha256(bytes(data)).hexdigest() in result.stderr
    assert not target.exists(), "nothing may be installed from a tampered wheelhouse"


def test_missing_wheel_is_named(tmp_path):
    house = make_wheelhouse(tmp_path)
    (house / WHEEL_NAME).unlink()

    result = run_install(house, tmp_path / "venv")

    assert result.returncode == 2
    assert "MISSING wheel: tinypkg==0.1" in result.stderr


def test_unhashed_requirement_line_is_named(tmp_path):
    house = make_wheelhouse(tmp_path)
    with (house / "requirements.txt").open("a") as handle:
        handle.write("otherpkg==1.0\n")

    result = run_install(house, tmp_path / "venv")

    assert result.returncode == 2
    assert "requirements.txt line 3" in result.stderr
    assert "otherpkg==1.0" in result.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="install.sh targets Linux")
def test_good_wheelhouse_installs_offline_and_a_missing_dependency_is_named(tmp_path):
    house = make_wheelhouse(tmp_path)
    target = tmp_path / "venv"

    result = run_install(house, target)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "installed in" in result.stdout
    imported = subprocess.run([str(target / "bin" / "python"), "-c",
                               "import tinypkg; print(tinypkg.VALUE)"],
                              capture_output=True, text=True)
    assert imported.stdout.strip() == "42"

    # A wheel whose dependency is absent from the wheelhouse: pip fails, the name shows.
    (tmp_path / "second").mkdir()
    broken = make_wheelhouse(tmp_path / "second", requires=("absentdep>=1",))
    failed = run_install(broken, tmp_path / "second" / "venv")
    assert failed.returncode == 3
    assert "absentdep" in failed.stderr


def test_an_interpreter_other_users_cannot_run_is_refused_with_the_reason(tmp_path):
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    private.chmod(0o700)
    subprocess.run([sys.executable, "-m", "venv", "--copies", "--without-pip",
                    str(private / "py")], check=True)
    house = make_wheelhouse(tmp_path)
    target = tmp_path / "venv"

    result = run_install(house, target, "--python", str(private / "py" / "bin" / "python"))

    assert result.returncode == 3, result.stdout + result.stderr
    assert "other users cannot run it" in result.stderr
    assert str(private) in result.stderr and "--private-python" in result.stderr
    assert not target.exists()


def test_python_given_as_an_option_wins_over_the_environment(tmp_path):
    house = make_wheelhouse(tmp_path)

    result = run_install(house, tmp_path / "venv", "--private-python", "--python",
                         "/nonexistent/python3.11", PYTHON=sys.executable)

    assert result.returncode == 3
    assert "'/nonexistent/python3.11' not found" in result.stderr
