"""Turn domain objects into JSON-serialisable values for the protocol.

The facade returns plain data only; this module knows the few shapes the core
uses (objects with ``to_dict``, dataclasses, dates, paths, tuples).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import Enum
from pathlib import Path
from typing import Any


def to_jsonable(value: Any) -> Any:
    """A JSON-serialisable copy of ``value`` (recursively)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_jsonable(to_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(item) for item in value]
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Enum):
        return to_jsonable(value.value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)
