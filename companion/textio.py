"""Reading text the way people really save and type it.

Why: program coordinators export rosters from Excel (cp1252, or "Unicode Text",
which is UTF-16 with a BOM), mentors edit agendas in Notepad (a UTF-8 BOM), and
a terminal can hand us arguments or stdin that are not UTF-8 at all. Each of
these used to end in a traceback. This module promises:

- :func:`read_text_file` decodes a file by its BOM (UTF-8, UTF-16, UTF-32), then
  UTF-16 without a BOM (recognised by its zero bytes), then UTF-8, then cp1252,
  and otherwise raises :class:`TextFileError` naming the file and the problem
  (a folder, an empty file, an Excel workbook, a binary file, too large).
- :func:`decode_argument` and :func:`read_stdin` turn bytes that are not UTF-8
  into U+FFFD and report how many there were, so the command can say so.

No control characters are removed here: callers pass the text through
:func:`companion.textnorm.strip_controls` at their own boundary.
"""

from __future__ import annotations

import codecs
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

__all__ = ["DecodedText", "TextFileError", "decode_argument", "read_stdin", "read_text_file"]

_BOMS = (  # longest first: a UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 (with BOM)"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 (with BOM)"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8 (with BOM)"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE (with BOM)"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE (with BOM)"),
)
_SIGNATURES = (
    (b"PK\x03\x04", "an Excel workbook or other zip archive, not text: "
                    "save it as CSV (File > Save As > CSV UTF-8)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) or Word file, not text: save it as CSV"),
    (b"%PDF", "a PDF, not a text file"),
)


class TextFileError(ValueError):
    """A file cannot be read as text; the message names the file and says why."""


@dataclass(frozen=True)
class DecodedText:
    """A file's text and the encoding it was read in (for messages and tests)."""

    text: str
    encoding: str


def _utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" when zero bytes sit in every other place, as in UTF-16 text."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    zeros_even, zeros_odd = even.count(0), odd.count(0)
    half = len(data) // 2
    if zeros_odd > 0.4 * half and zeros_even < 0.05 * half:
        return "utf-16-le"
    if zeros_even > 0.4 * half and zeros_odd < 0.05 * half:
        return "utf-16-be"
    return None


def read_text_file(path: str | Path, *, max_bytes: int, what: str = "a text",
                   fallback: str | None = "cp1252") -> DecodedText:
    """The text of ``path`` in whichever common encoding it was saved.

    Args:
        max_bytes: refuse larger files (a roster or an agenda is a few kilobytes).
        what: what the file should be, with its article, for messages ("a roster",
            "an agenda").
        fallback: the 8-bit encoding tried last (cp1252, as Excel and Notepad
            write on Windows); None to accept only Unicode encodings.

    Raises:
        TextFileError: naming the file and the problem.
    """
    path = Path(path)
    name = str(path)
    if path.is_dir():
        raise TextFileError(f"{name}: is a folder, not {what} file; give the file inside it")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise TextFileError(f"{name}: is {size:,} bytes; {what} file is at most "
                                f"{max_bytes:,} bytes")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError as exc:
        raise TextFileError(f"{name}: file not found") from exc
    except PermissionError as exc:
        raise TextFileError(f"{name}: cannot be read (permission denied)") from exc
    except OSError as exc:
        raise TextFileError(f"{name}: cannot be read ({exc.strerror or exc})") from exc
    if len(data) > max_bytes:  # grew while we looked, or a special file
        raise TextFileError(f"{name}: is larger than {max_bytes:,} bytes; {what} file is "
                            "smaller")
    return decode_bytes(data, name, what=what, fallback=fallback)


def decode_bytes(data: bytes, name: str, *, what: str = "a text",
                 fallback: str | None = "cp1252") -> DecodedText:
    """:func:`read_text_file` for bytes already read (``name`` is used in messages)."""
    for bom, encoding, label in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            try:
                return DecodedText(body.decode(encoding), label)
            except UnicodeDecodeError as exc:
                raise TextFileError(f"{name}: starts with a {label} mark but is not valid "
                                    f"{label.split(' (')[0]} at byte {exc.start + len(bom)}; "
                                    "save it again as CSV UTF-8 or UTF-8 text") from exc
    if not data.strip():
        raise TextFileError(f"{name}: is empty; expected {what} file")
    for signature, meaning in _SIGNATURES:
        if data.startswith(signature):
            raise TextFileError(f"{name}: is {meaning}")
    wide = _utf16_without_bom(data)
    if wide is not None:
        try:
            label = "UTF-16 LE" if wide.endswith("le") else "UTF-16 BE"
            return DecodedText(data.decode(wide), label)
        except UnicodeDecodeError:
            pass
    try:
        return DecodedText(data.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if b"\x00" in data:
        raise TextFileError(f"{name}: is not a text file (it holds zero bytes); expected "
                            f"{what} file saved as text")
    if fallback is not None:
        try:
            return DecodedText(data.decode(fallback), fallback)
        except UnicodeDecodeError:
            pass
    tried = "UTF-8, UTF-16" + (f" or {fallback}" if fallback else "")
    raise TextFileError(
        f"{name}: is not readable as {tried} text (byte {utf8_error.start} is "
        f"0x{data[utf8_error.start]:02x}); save it again as CSV UTF-8 or UTF-8 text"
    ) from utf8_error


def decode_argument(text: str) -> tuple[str, int]:
    """A command-line argument with its undecodable bytes as U+FFFD, and how many there were.

    Python hands a non-UTF-8 byte in ``argv`` over as a lone surrogate
    (``surrogateescape``); the tokenizer and the privacy scan cannot take those.
    """
    if not any("\udc80" <= char <= "\udcff" for char in text):
        return text, 0
    raw = text.encode("utf-8", "surrogateescape")
    fixed = raw.decode("utf-8", "replace")
    return fixed, sum(1 for char in text if "\udc80" <= char <= "\udcff")


def read_stdin(stream: BinaryIO | None = None) -> tuple[str, int]:
    """All of stdin as text (bad bytes as U+FFFD), and how many places were not UTF-8."""
    if stream is None:
        binary = getattr(sys.stdin, "buffer", None)
        if binary is None:  # already text (a test's StringIO, an embedding host)
            return decode_argument(sys.stdin.read())
        stream = binary
    data = stream.read()
    text = data.decode("utf-8", "replace")
    if "\ufffd" not in text:
        return text, 0
    replaced = text.count("\ufffd") - data.decode("utf-8", "ignore").count("\ufffd")
    return text, replaced


def text_from_arguments(parts: list[str], command: str) -> str:
    """The words of a command's TEXT arguments (``-`` alone reads stdin), bad bytes replaced.

    Prints one note on stderr when some bytes were not UTF-8, so the resident
    knows the text seen is not exactly what was typed.
    """
    if parts == ["-"]:
        text, replaced = read_stdin()
        text = text.rstrip("\n")
    else:
        fixed = [decode_argument(part) for part in parts]
        text = " ".join(part for part, _ in fixed)
        replaced = sum(count for _, count in fixed)
    if replaced:
        print(f"companion {command}: note: the text was not valid UTF-8 in {replaced} "
              "place(s); those bytes were read as \ufffd. Is your terminal set to UTF-8?",
              file=sys.stderr)
    return text
