"""``companion.log``: codes, kinds and code locations go in; the resident's words never do.

The log is a plain file beside the (possibly encrypted) journal, kept for
diagnosing faults. An exception's text is not safe to write there: the
privacy guard's ``IdentifiersFound`` quotes the patient name and MRN it found,
a validation error quotes the value it refused, a journal error may quote a
sealed value. So the handler installed here formats every exception as its
class, its error code or kinds where it has them, and the frames of its
traceback (file, line, function), never its message; an exception passed as a
logging argument is rewritten the same way. Callers log codes and counts, not
text: :func:`describe` is the one way to mention an exception.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from types import TracebackType

FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def describe(exc: BaseException) -> str:
    """``Class [code] kinds=...``: what failed, without a word of what it was about."""
    parts = [type(exc).__name__]
    code = getattr(exc, "code", None)
    if isinstance(code, str):
        parts.append(f"[{code}]")
    errno = getattr(exc, "errno", None)
    if isinstance(errno, int):
        parts.append(f"errno={errno}")
    sqlite_name = getattr(exc, "sqlite_errorname", None)
    if isinstance(sqlite_name, str):
        parts.append(f"sqlite={sqlite_name}")
    findings = getattr(exc, "findings", None)
    if isinstance(findings, list):
        kinds = sorted({str(getattr(f, "kind", "?")) for f in findings})
        parts.append(f"{len(findings)} finding(s) kinds={','.join(kinds)}")
    return " ".join(parts)


def _frames(tb: TracebackType | None) -> list[str]:
    return [f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}'
            for frame in traceback.extract_tb(tb)]


class PrivateFormatter(logging.Formatter):
    """A formatter that writes exceptions as class, code and frames, never their text."""

    def format(self, record: logging.LogRecord) -> str:
        # Another handler may have cached the full traceback text on the record.
        saved = record.msg, record.args, record.exc_text
        record.exc_text = None
        if isinstance(record.msg, BaseException):
            record.msg = describe(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(describe(a) if isinstance(a, BaseException) else a
                                for a in record.args)
        try:
            return super().format(record)
        finally:
            record.msg, record.args, record.exc_text = saved

    def formatException(self, ei: ExcInfo | tuple[None, None, None]) -> str:  # noqa: N802
        exc = ei[1]
        if exc is None:
            return ""
        chain: list[BaseException] = []
        seen: set[int] = set()
        current: BaseException | None = exc
        while current is not None and id(current) not in seen:
            seen.add(id(current))
            chain.append(current)
            current = current.__cause__ or current.__context__
        lines: list[str] = []
        for position, item in enumerate(reversed(chain)):
            if position:
                lines.append("which led to:")
            lines.append("Traceback (most recent call last), message withheld:")
            lines.extend(_frames(item.__traceback__))
            lines.append(describe(item))
        return "\n".join(lines)


def install(path: Path | None = None, level: int | None = None) -> logging.Handler:
    """Send the root logger to ``path`` (default :func:`companion.paths.log_path`), privately.

    Args:
        path: the log file; its folder is created.
        level: set on the root logger when given.
    """
    from companion import paths

    if path is None:
        paths.ensure_data_dir()
        path = paths.log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(PrivateFormatter(FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    if level is not None:
        root.setLevel(level)
    return handler
