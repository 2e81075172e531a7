"""Crisis resources: loaded from ``knowledge/resources.yaml``, which an institution edits.

The screen must never show an empty list because of a typo. ``load_resources``
is strict: every problem (unreadable file, bad YAML, wrong shape, missing or empty
field, empty list) is a :class:`ResourcesError` naming the file and the field, for
``kb check`` and ``doctor``. The app and the screen use :func:`resources_or_fallback`,
which never fails: on any such problem it returns the built-in national resources
with a warning to show beside them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from companion.paths import knowledge_dir

REQUIRED_FIELDS = ("name", "contact", "what", "when")


class ResourcesError(ValueError):
    """The resources file is missing or malformed; the message names file and field."""

    def __init__(self, path: Path, field: str, problem: str):
        self.path = Path(path)
        self.field = field
        self.problem = problem
        super().__init__(f"{self.path}: {field}: {problem}")


@dataclass(frozen=True)
class Resource:
    """One place a resident in crisis can turn to."""

    name: str
    contact: str
    what: str
    when: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


FALLBACK_RESOURCES: tuple[Resource, ...] = (
    Resource("988 Suicide & Crisis Lifeline", "Call or text 988",
             "Free, confidential, 24/7.", "Thoughts of suicide, or you need to talk now."),
    Resource("Physician Support Line", "Call 1-888-409-0141",
             "Free, confidential, by volunteer psychiatrists.", "To talk with a physician."),
    Resource("Crisis Text Line", "Text HOME to 741741",
             "Free, 24/7, by text message.", "When talking out loud is too hard."),
    Resource("Emergency services", "Call 911",
             "Police, fire and ambulance.", "Immediate danger, or you cannot stay safe."),
)
"""Shown when knowledge/resources.yaml is missing or malformed (US national lines)."""


def resources_or_fallback(path: Path | str | None = None) -> tuple[list[Resource], str]:
    """The institution's resources, or the built-in ones and a warning saying why.

    Never raises: a crisis screen must always have somewhere to send the resident.
    """
    try:
        return load_resources(path), ""
    except ResourcesError as exc:
        return list(FALLBACK_RESOURCES), (
            f"The resources file could not be used ({exc}); showing the built-in national "
            "resources. Ask your program to fix it (companion kb check).")
    except Exception as exc:  # noqa: BLE001 - nothing may stop the resources showing
        return list(FALLBACK_RESOURCES), (
            f"The resources file could not be read ({exc.__class__.__name__}); showing the "
            "built-in national resources.")


def resources_path() -> Path:
    """The editable resources file in the knowledge directory."""
    return knowledge_dir() / "resources.yaml"


def load_resources(path: Path | str | None = None) -> list[Resource]:
    """Read and validate the crisis resources.

    Args:
        path: the YAML file; defaults to ``knowledge/resources.yaml``.

    Returns:
        The resources in file order (never empty).

    Raises:
        ResourcesError: naming the file and the field at fault.
    """
    import yaml

    path = Path(path) if path is not None else resources_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ResourcesError(path, "(file)", "not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourcesError(path, "(file)", f"cannot be read: {exc}") from exc
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ResourcesError(path, "(yaml)", f"not valid YAML{where}: {exc}") from exc
    if not isinstance(data, dict) or "resources" not in data:
        raise ResourcesError(path, "resources", "missing: expected a top-level 'resources:' list")
    items = data["resources"]
    if not isinstance(items, list):
        raise ResourcesError(path, "resources", "must be a list of resources")
    if not items:
        raise ResourcesError(path, "resources", "is empty: at least one resource is required")
    resources = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ResourcesError(path, f"resources[{index}]", "must be a mapping of fields")
        values = {}
        for field in REQUIRED_FIELDS:
            value = item.get(field)
            if value is None:
                raise ResourcesError(path, f"resources[{index}].{field}", "missing")
            if not isinstance(value, str | int) or not str(value).strip():
                raise ResourcesError(path, f"resources[{index}].{field}",
                                     "must be a non-empty string")
            values[field] = str(value).strip()
        resources.append(Resource(**values))
    return resources
