"""No test may touch the resident's real data folder.

Every test gets its own ``COMPANION_HOME`` (``conftest.companion_home``); this module
closes the gaps around it: code that runs outside a test (collection, session
fixtures) gets a session-wide ``COMPANION_HOME`` too, a child process started with
an explicit environment that leaves it out inherits the current one, and the real
folder (platformdirs' data dir for "companion") is compared before and after each
test and the whole run, so a test that escapes fails by name.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

HOME_VARIABLE = "COMPANION_HOME"
Footprint = tuple[tuple[str, int, int], ...] | None


def real_data_dir() -> Path:
    """Where the app keeps the resident's data when ``COMPANION_HOME`` is not set."""
    from platformdirs import user_data_dir

    from companion.paths import APP_NAME

    return Path(user_data_dir(APP_NAME, appauthor=False))


def footprint(folder: Path) -> Footprint:
    """Every entry under ``folder`` with its size and modification time; None if absent."""
    if not folder.exists():
        return None
    entries = []
    for path in folder.rglob("*"):
        try:
            stat = path.lstat()
        except FileNotFoundError:  # removed while we looked: it changed anyway
            continue
        entries.append((path.relative_to(folder).as_posix(), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(entries))


def what_changed(folder: Path, before: Footprint, after: Footprint) -> str:
    """One line saying how the folder changed ("" when it did not)."""
    if before == after:
        return ""
    if before is None:
        return f"{folder} was created"
    if after is None:
        return f"{folder} was removed"
    old, new = dict((p, (s, m)) for p, s, m in before), dict((p, (s, m)) for p, s, m in after)
    touched = sorted(p for p in old.keys() | new.keys() if old.get(p) != new.get(p))
    return f"{folder} changed: {', '.join(touched[:5])}"


_original_popen_init = subprocess.Popen.__init__


def _popen_init_with_home(self, args, *positional, env=None, **kwargs):
    home = os.environ.get(HOME_VARIABLE)
    if env is not None and HOME_VARIABLE not in env and home:
        env = {**env, HOME_VARIABLE: home}
    _original_popen_init(self, args, *positional, env=env, **kwargs)


def children_inherit_home() -> None:
    """A child started with ``env=`` that leaves out COMPANION_HOME gets the current one."""
    subprocess.Popen.__init__ = _popen_init_with_home


def restore_popen() -> None:
    subprocess.Popen.__init__ = _original_popen_init
