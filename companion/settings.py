"""The resident's settings: a typed dataclass stored as YAML in the data directory."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

import yaml
from typing_extensions import TypedDict

from companion import paths


class SettingsError(ValueError):
    """The settings file exists but cannot be read."""


class SettingsChanges(TypedDict, total=False):
    """Some settings to change, by name (see :class:`Settings` for each one)."""

    resident_name: str
    generator_enabled: bool
    generator_path: str
    auto_redact: bool
    colleagues: list[str]
    idle_lock_minutes: int
    theme: str


@dataclass
class Settings:
    resident_name: str = ""
    """Name or initials printed on an exported agenda, as the resident types it."""

    generator_enabled: bool = False
    """Use a local generative model to rephrase reflections and questions (guarded)."""

    generator_path: str = ""
    """A local model directory or a ``.gguf`` file for the optional generator."""

    auto_redact: bool = False
    """Replace detected patient identifiers with tags without asking."""

    colleagues: list[str] = field(default_factory=list)
    """Colleagues' names ("Priya", "Okafor") the privacy guard never flags on their own;
    a name anchored as a patient's ("Mrs. Okafor", "pt Okafor") is still caught."""

    idle_lock_minutes: int = 5
    """With a passphrase set, lock the app after this many idle minutes (0 = never)."""

    theme: str = "textual-dark"
    """The app's colour theme."""

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """Read settings, falling back to defaults when there is no file yet."""
        path = path or paths.settings_path()
        if not path.exists():
            return cls()
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise SettingsError(f"{path}: not valid YAML ({exc})") from exc
        if not isinstance(raw, dict):
            raise SettingsError(f"{path}: expected a mapping of setting names to values")
        try:
            return cls().update(raw)
        except SettingsError as exc:
            raise SettingsError(f"{path}: {exc}") from exc

    def update(self, changes: Mapping[str, object]) -> Settings:
        """A copy with ``changes`` applied; every name and type is checked first.

        Raises:
            SettingsError: naming the unknown setting or the value of the wrong type.
        """
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise SettingsError(f"unknown setting(s): {', '.join(unknown)}")
        for name, value in changes.items():
            expected = type(getattr(self, name))
            if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                raise SettingsError(f"setting '{name}' must be {expected.__name__}, got {value!r}")
            if isinstance(value, list) and not all(isinstance(v, str) for v in value):
                raise SettingsError(f"setting '{name}' must be a list of names, got {value!r}")
            if name == "idle_lock_minutes" and isinstance(value, int) and value < 0:
                raise SettingsError(f"setting '{name}' must be 0 or more, got {value}")
        return replace(self, **changes)  # type: ignore[arg-type]

    def save(self, path: Path | None = None) -> Path:
        """Write settings atomically (temp file + rename)."""
        path = path or paths.settings_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(yaml.safe_dump(asdict(self), sort_keys=True), encoding="utf-8")
        tmp.replace(path)
        return path
