"""Reading labelled JSONL files (evaluation sets) with errors that name file, line and field.

Every evaluator (retrieval, safety, suggestions, privacy) reads the same kind of
file; this is the one reader, so a malformed line is reported the same way everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path


class EvalFileError(ValueError):
    """A labelled file is missing, empty or has a malformed line."""


def read_jsonl(path: str | Path, fields: Mapping[str, type | tuple[type, ...]],
               error: type[ValueError] = EvalFileError) -> Iterator[tuple[str, dict]]:
    """Yield ``(where, item)`` for each non-blank line, ``where`` being ``path:line``.

    Args:
        fields: required field -> accepted type(s); strings must also be non-empty.
        error: the exception to raise (a caller's own subclass of ValueError).

    Raises:
        error: naming the file and line (and the field) of the first problem.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise error(f"{path}: file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot be read: {exc}") from exc
    count = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise error(f"{where}: not valid JSON ({exc.msg})") from exc
        if not isinstance(item, dict):
            raise error(f"{where}: expected a JSON object")
        for name, kind in fields.items():
            value = item.get(name)
            if not isinstance(value, kind):
                kinds = kind if isinstance(kind, tuple) else (kind,)
                names = " or ".join(k.__name__ for k in kinds)
                raise error(f"{where}: field '{name}' must be a {names}")
            if isinstance(value, str) and not value.strip():
                raise error(f"{where}: field '{name}' must not be empty")
        count += 1
        yield where, item
    if not count:
        raise error(f"{path}: no items")
