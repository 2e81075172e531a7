"""Real faults for tests: a tiny disk that fills up, a read-only folder or file.

Each runs Python in a child process inside a Linux user namespace (``unshare``),
which needs no privileges: a tmpfs of a few MiB mounted there gives genuine
``ENOSPC`` errors, a read-only bind mount gives a genuinely read-only data
folder (``EROFS``, even for root), and a process without a mapped user cannot
write a file whose owner-write bit is off, even when the tests run as root.
Where ``unshare`` is missing or refused, tests using these are skipped; the
same faults are also injected in-process by tests that always run.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def _works(*flags: str) -> bool:
    if shutil.which("unshare") is None or not sys.platform.startswith("linux"):
        return False
    probe = ["unshare", *flags, "true"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    env["COMPANION_HOME"] = str(home)
    return env


def run_on_small_disk(script: str, mount: Path, size: str = "4m",
                      timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``script`` with a fresh tmpfs of ``size`` at ``mount`` (its first argument)."""
    if not _works("-Urm"):
        pytest.skip("unprivileged user namespaces (unshare -Urm) are not available here")
    mount.mkdir(parents=True, exist_ok=True)
    code = textwrap.dedent(script)
    command = (f'mount -t tmpfs -o size={size} tmpfs "{mount}" && '
               f'exec "{sys.executable}" -c "$0" "{mount}"')
    return subprocess.run(["unshare", "-Urm", "sh", "-c", command, code],
                          capture_output=True, text=True, timeout=timeout, env=_env(mount))


def run_read_only_folders(args: list[str], folders: list[Path],
                          timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``python args...`` with each of ``folders`` mounted read-only."""
    if not _works("-Urm"):
        pytest.skip("unprivileged user namespaces (unshare -Urm) are not available here")
    mounts = " && ".join(f'mount --bind "{f}" "{f}" && mount -o remount,bind,ro "{f}"'
                         for f in folders)
    command = f'{mounts} && exec "{sys.executable}" "$@"'
    return subprocess.run(["unshare", "-Urm", "sh", "-c", command, "sh", *args],
                          capture_output=True, text=True, timeout=timeout,
                          env=_env(folders[0]))


def run_unprivileged(args: list[str], home: Path,
                     timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``python args...`` as a user who cannot override file permissions."""
    command = [sys.executable, *args]
    if os.geteuid() == 0:
        if not _works("-U"):
            pytest.skip("running as root without unshare: permissions cannot be enforced")
        command = ["unshare", "-U", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          env=_env(home))
