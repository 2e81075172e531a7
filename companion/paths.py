"""Where Resident Companion keeps its files.

Every path is computed when asked, never at import time, and nothing here creates
directories as a side effect except :func:`ensure_data_dir`. ``COMPANION_HOME``
overrides the platform data directory (tests always point it at a temporary one).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "companion"


def data_dir() -> Path:
    """The one directory holding the index, the journal, settings and logs."""
    override = os.environ.get("COMPANION_HOME")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def ensure_data_dir() -> Path:
    """Create the data directory (private to the user) and return it."""
    path = data_dir()
    path.mkdir(parents=True, exist_ok=True)
    try:
        path.chmod(0o700)
    except OSError:  # pragma: no cover - e.g. a directory owned by someone else
        pass
    return path


def index_dir() -> Path:
    """The persisted FAISS index and its manifest."""
    return data_dir() / "index"


def journal_path() -> Path:
    """The SQLite journal."""
    return data_dir() / "journal.sqlite3"


def settings_path() -> Path:
    """The resident's settings file."""
    return data_dir() / "settings.yaml"


def log_path() -> Path:
    """Full tracebacks of errors the app showed as friendly messages."""
    return data_dir() / "companion.log"


def models_cache_dir() -> Path:
    """Converted generator models, so a second load is fast."""
    return data_dir() / "models"


def knowledge_dir() -> Path:
    """The editable knowledge base: cards, topics, flows, resources, examples.

    ``COMPANION_KNOWLEDGE`` overrides it. Otherwise the checkout's ``knowledge/``
    folder is used, or the copy a wheel installed under ``<prefix>/share``.
    """
    override = os.environ.get("COMPANION_KNOWLEDGE")
    if override:
        return Path(override).expanduser()
    checkout = Path(__file__).resolve().parent.parent / "knowledge"
    if checkout.is_dir():
        return checkout
    # A wheel ships knowledge/ as data files (pyproject [tool.setuptools.data-files]):
    # into the venv's prefix normally, into the user base for `pip install --user`.
    import site

    shipped = Path("share") / "resident-companion" / "knowledge"
    candidates = [Path(sys.prefix) / shipped, Path(site.getuserbase()) / shipped]
    return next((path for path in candidates if path.is_dir()), candidates[0])
