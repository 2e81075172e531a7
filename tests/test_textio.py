"""Text as it arrives: files in any common encoding, arguments and stdin that are not UTF-8.

The command-line tests pass real bytes through a real process (``argv`` and
stdin as the terminal would hand them over), since that is where the crash was.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from companion.textio import TextFileError, decode_argument, read_stdin, read_text_file

REPO = Path(__file__).resolve().parents[1]
BAD = b"\xff\xfe"  # never valid UTF-8


def run(*argv: bytes | str, stdin: bytes = b"", home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COMPANION_HOME": str(home),
           "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "companion", *argv], input=stdin,
                          capture_output=True, env=env, timeout=300, check=False)


# -- files --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"\xef\xbb\xbfZo\xc3\xab", "UTF-8 (with BOM)"),
        (b"\xff\xfeZ\x00o\x00\xeb\x00", "UTF-16 LE (with BOM)"),
        (b"\xfe\xff\x00Z\x00o\x00\xeb", "UTF-16 BE (with BOM)"),
        (b"Z\x00o\x00\xeb\x00!\x00", "UTF-16 LE"),
        (b"Zo\xc3\xab", "UTF-8"),
        (b"Zo\xeb", "cp1252"),
    ],
)
def test_files_are_read_in_the_encoding_they_were_saved_in(tmp_path, data, encoding):
    path = tmp_path / "f.txt"
    path.write_bytes(data)
    decoded = read_text_file(path, max_bytes=100)
    assert decoded.text.startswith("Zoë") and decoded.encoding == encoding


def test_unicode_only_files_refuse_cp1252_plainly(tmp_path):
    path = tmp_path / "agenda.json"
    path.write_bytes(b"Zo\xeb")
    with pytest.raises(TextFileError, match=r"agenda.json: is not readable as UTF-8, UTF-16 "
                                            r"text \(byte 2 is 0xeb\)"):
        read_text_file(path, max_bytes=100, fallback=None)


def test_a_broken_bom_file_and_a_too_large_file_are_named(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"\xef\xbb\xbfok \xff")
    with pytest.raises(TextFileError, match="starts with a UTF-8 \\(with BOM\\) mark but is not"):
        read_text_file(path, max_bytes=100)
    path.write_bytes(b"x" * 101)
    with pytest.raises(TextFileError, match="is 101 bytes; a text file is at most 100 bytes"):
        read_text_file(path, max_bytes=100)


# -- arguments and stdin -------------------------------------------------------------------
def test_decode_argument_replaces_the_bytes_python_could_not_decode():
    raw = b"tired \xff of \xfe nights".decode("utf-8", "surrogateescape")
    assert decode_argument(raw) == ("tired \ufffd of \ufffd nights", 2)
    assert decode_argument("plain é") == ("plain é", 0)


def test_read_stdin_counts_replacements_but_not_a_real_replacement_character():
    text, count = read_stdin(io.BytesIO("a \ufffd b ".encode() + b"\xff"))
    assert text == "a \ufffd b \ufffd" and count == 1


def test_redact_takes_invalid_utf8_in_argv_and_stdin(tmp_path):
    done = run("redact", b"patient \xff MRN 4471823", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "redacted: patient \ufffd MRN [MRN]" in done.stdout.decode()
    assert b"not valid UTF-8 in 1 place(s)" in done.stderr and b"Traceback" not in done.stderr
    piped = run("redact", "-", stdin=b"call 617-555-0142 " + BAD + b"\n", home=tmp_path)
    assert piped.returncode == 0, piped.stderr
    assert "[PHONE]" in piped.stdout.decode() and b"not valid UTF-8" in piped.stderr


@pytest.mark.slow
def test_screen_still_sees_a_crisis_around_invalid_bytes(tmp_path):
    done = run("screen", b"I want to " + BAD + b" kill myself", "--json", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert b'"level": "crisis"' in done.stdout
    assert b"not valid UTF-8 in 2 place(s)" in done.stderr and b"Traceback" not in done.stderr


@pytest.mark.slow
def test_ask_and_suggest_take_invalid_utf8_in_argv_and_stdin(tmp_path):
    asked = run("ask", b"nights " + BAD + b" and no sleep", "--k", "1", home=tmp_path)
    assert asked.returncode == 0, asked.stderr
    assert b"1. " in asked.stdout and b"TypeError" not in asked.stderr
    assert b"companion ask: note: the text was not valid UTF-8" in asked.stderr
    suggested = run("suggest", "-", "--k", "1", "--json",
                    stdin=b"so tired of nights " + BAD + b" on call", home=tmp_path)
    assert suggested.returncode == 0, suggested.stderr
    assert b'"topics"' in suggested.stdout
    assert b"companion suggest: note: the text was not valid UTF-8" in suggested.stderr
