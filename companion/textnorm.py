"""Text as it really arrives: strip terminal junk and Unicode tricks before use.

Why: pasted text and files can carry ANSI escapes, zero-width and bidi-override
characters, fullwidth or look-alike letters. Shown raw they can rewrite the
terminal; matched raw they hide "kill" from the safety screen and an MRN from
the privacy guard. Three entry points:

- :func:`strip_controls` — for display and at every file boundary: removes C0/C1
  controls (keeps ``\\n`` and ``\\t``; ``\\r\\n`` and ``\\r`` become ``\\n``), ANSI
  CSI/OSC/DCS escape sequences whole, and invisible format characters (zero-width
  space/joiners, bidi overrides and isolates, soft hyphen, BOM, tag characters).
  Visible text is never changed.
- :func:`normalise_for_matching` — for screening and understanding, never for
  the journal: NFKC (fullwidth and styled letters become plain), controls as
  above, combining marks dropped, look-alike Cyrillic/Greek/Armenian letters
  folded to Latin inside words that mix scripts or consist only of look-alikes
  (a real Russian or Greek word is left alone), digits of any script made ASCII
  ("٤٤٧" -> "447"; NFKC already does fullwidth and styled ones), a dash or minus
  sign between two digits made "-" ("555–0142"), and emphasis runs of three or
  more identical letters shortened ("sooooo" -> "so", "killll" -> "kill").
- :func:`normalise_with_map` — the same text plus, for each output character,
  the index of the original character it came from, so a scanner can search
  the normalised text and act (redact) on the original. Nothing is reordered:
  every step is a per-character replacement, expansion or deletion.

Case is kept (the privacy guard needs capitals); callers lower-case if they want.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["DIGIT_DASHES", "normalise_for_matching", "normalise_with_map", "strip_controls"]

# ANSI/ECMA-48 sequences, removed whole (7-bit ESC forms and 8-bit C1 forms).
_ESCAPE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"                      # CSI ... final byte
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"   # OSC ... BEL or ST
    r"|(?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\|\x9c)"  # DCS/SOS/PM/APC ... ST
    r"|\x1b[ -/]*[0-~]"                                       # two-byte escapes (ESC ( B, ESC 7)
)
# Invisible letters that render as nothing (Hangul fillers, Mongolian separator, Khmer).
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u180e\u17b4\u17b5")
_LINE_SEPARATORS = frozenset("\u2028\u2029\x85")
_CHEAP = re.compile(r"[^\n\t\x20-\x7e]")


def _drop(char: str) -> bool:
    """Controls and invisible format characters (everything in Cc/Cf but tab and newline)."""
    if char in "\n\t":
        return False
    if char in _INVISIBLE_LETTERS:
        return True
    return unicodedata.category(char) in ("Cc", "Cf")


def _escape_spans(text: str) -> list[tuple[int, int]]:
    if "\x1b" not in text and not re.search(r"[\x90-\x9f]", text):
        return []
    return [match.span() for match in _ESCAPE.finditer(text)]


def _clean_chars(text: str) -> list[tuple[str, int]]:
    """(character, original index) after controls and escapes are removed."""
    out: list[tuple[str, int]] = []
    spans = iter(_escape_spans(text))
    skip = next(spans, None)
    i = 0
    n = len(text)
    while i < n:
        if skip is not None and i == skip[0]:
            i = skip[1]
            skip = next(spans, None)
            continue
        char = text[i]
        if char == "\r":
            if i + 1 < n and text[i + 1] == "\n":
                i += 1
                continue
            out.append(("\n", i))
        elif char in _LINE_SEPARATORS:
            out.append(("\n", i))
        elif unicodedata.category(char) == "Cs":  # a lone surrogate cannot be displayed
            out.append(("\ufffd", i))
        elif not _drop(char):
            out.append((char, i))
        i += 1
    return out


def strip_controls(text: str) -> str:
    """The text without controls, escape sequences or invisible format characters.

    Keeps newline and tab; visible characters are never changed. Use it on
    everything read from a file, an argument or a paste before showing it.
    """
    if not _CHEAP.search(text):
        return text
    return "".join(char for char, _ in _clean_chars(text))


# Look-alikes of Latin letters (Unicode confusables, the common ones in homoglyph tricks).
_CONFUSABLES = str.maketrans({
    # Cyrillic
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "һ": "h", "ԛ": "q", "ԝ": "w", "ӏ": "l", "к": "k", "ү": "y", "ь": "b",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "Ԁ": "D", "Ԛ": "Q", "Ԝ": "W",
    "Ӏ": "I",
    # Greek
    "α": "a", "ο": "o", "ρ": "p", "ν": "v", "ι": "i", "κ": "k", "τ": "t", "υ": "u", "χ": "x",
    "ε": "e", "ϲ": "c", "ϳ": "j", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I",
    "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "Ϲ": "C",
    # Armenian
    "օ": "o", "ս": "u", "ո": "n", "հ": "h", "ց": "g", "ք": "f",
    # Latin extensions and small capitals that NFKC leaves alone
    "ı": "i", "ȷ": "j", "ɑ": "a", "ɡ": "g", "ɩ": "i", "ʟ": "l", "ɪ": "i", "ɴ": "n", "ʀ": "r",
    "ʏ": "y", "ʜ": "h", "ʙ": "b", "ᴀ": "a", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ᴊ": "j", "ᴋ": "k",
    "ᴍ": "m", "ᴏ": "o", "ᴘ": "p", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ᴢ": "z", "ꜱ": "s",
    "ꜰ": "f", "ɢ": "g",
})
_CONFUSABLE_CHARS = frozenset(chr(code) for code in _CONFUSABLES)


def _is_latin_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _fold_confusables(chars: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Fold look-alikes inside words that mix them with Latin or consist only of them."""
    if all(char.isascii() for char, _ in chars):
        return chars
    out = list(chars)
    start = None
    for index in range(len(chars) + 1):
        letter = index < len(chars) and chars[index][0].isalpha()
        if letter and start is None:
            start = index
        elif not letter and start is not None:
            word = [char for char, _ in chars[start:index]]
            if any(c in _CONFUSABLE_CHARS for c in word) and (
                    any(_is_latin_letter(c) for c in word)
                    or all(c in _CONFUSABLE_CHARS for c in word)):
                for pos in range(start, index):
                    char, origin = out[pos]
                    out[pos] = (char.translate(_CONFUSABLES), origin)
            start = None
    return out


# English never writes a letter three times running, so such a run is emphasis.
# Letters that double in common words keep two ("killll" -> "kill", "feeeel" ->
# "feel"); letters that almost never double keep one ("tiiired" -> "tired"); a
# stretched vowel at the end of a word keeps one ("sooooo" -> "so", "dieee" -> "die").
_SINGLE = frozenset("aiuyhwjkqvx")
_END_VOWELS = frozenset("eo")


def _collapse_runs(chars: list[tuple[str, int]]) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    i = 0
    n = len(chars)
    while i < n:
        low = chars[i][0].lower()
        j = i + 1
        if low.isalpha():
            while j < n and chars[j][0].lower() == low:
                j += 1
        if j - i < 3:
            out.extend(chars[i:j])
        else:
            at_end = j >= n or not chars[j][0].isalpha()
            keep = 1 if (low in _SINGLE or (low in _END_VOWELS and at_end)) else 2
            out.extend(chars[i:i + keep])
        i = j
    return out


def _decompose(chars: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """NFKC per character, then drop combining marks (accents, strike-through, zalgo)."""
    out: list[tuple[str, int]] = []
    for char, origin in chars:
        if char.isascii():
            out.append((char, origin))
            continue
        for part in unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", char)):
            if unicodedata.category(part) in ("Mn", "Me"):
                continue
            if _drop(part):  # NFKC can produce nothing invisible, but be sure
                continue
            out.append((part, origin))
    return out


# Dashes a word processor or a phone's keyboard puts between digits ("617–555–0142").
DIGIT_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")
_DIGITS = frozenset("0123456789")


def _plain_digits(chars: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Any script's decimal digits as ASCII, and a dash between two digits as "-"."""
    out = [(str(unicodedata.decimal(char)), origin)
           if not char.isascii() and char.isdecimal() else (char, origin)
           for char, origin in chars]
    for pos in range(1, len(out) - 1):
        if (out[pos][0] in DIGIT_DASHES and out[pos - 1][0] in _DIGITS
                and out[pos + 1][0] in _DIGITS):
            out[pos] = ("-", out[pos][1])
    return out


def normalise_with_map(text: str) -> tuple[str, list[int]]:
    """Normalised text and, for each of its characters, the original index it came from.

    ``original[mapping[i]]`` is the character that produced ``normalised[i]``; a
    match spanning ``normalised[a:b]`` covers ``original[mapping[a]:mapping[b-1] + 1]``.
    """
    chars = _clean_chars(text) if _CHEAP.search(text) else [(c, i) for i, c in enumerate(text)]
    chars = _decompose(chars)
    chars = _fold_confusables(chars)
    if not all(char.isascii() for char, _ in chars):
        chars = _plain_digits(chars)
    chars = _collapse_runs(chars)
    return "".join(char for char, _ in chars), [origin for _, origin in chars]


def normalise_for_matching(text: str) -> str:
    """The text a pattern or model should see: plain letters, no tricks, no emphasis runs.

    Never store or show this instead of what the resident wrote.
    """
    return normalise_with_map(text)[0]
