"""Word tokens for the names finder: shape, possessive, sentence position, gazetteer entry.

One regex pass over the text; every later decision in ``people.py`` reads these tokens
(never the text again, except the gap between two neighbours), which is what keeps the
names finder linear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from companion.privacy import people_words as words
from companion.privacy.gazetteer import NameInfo, is_word, lookup
from companion.privacy.recognizer import ScanWork

_LETTER = "A-Za-zÀ-ÖØ-öø-ÿ\u0100-\u024f\u1e00-\u1eff"  # Latin with accents: "Wałęsa", "Nguyễn"
_TOKEN = re.compile(rf"[{_LETTER}]+(?:['’-][{_LETTER}]+)*")
_SENTENCE_BREAK = re.compile(r"[.!?;:\"“”()\[\]\n]|--|—|–")
_ABBREVIATIONS = frozenset("dr mr mrs ms mx st vs prof jr sr no e.g i.e feb jan aug sept oct "
                           "nov dec apr mar jun jul".split())



@dataclass
class Token:
    start: int
    end: int
    text: str
    base: str        # without a possessive 's
    low: str
    possessive: bool
    shape: str       # "title", "upper", "lower", "other"
    sentence_start: bool
    info: NameInfo | None


def _shape(base: str) -> str:
    if len(base) > 1 and base.isupper():
        return "upper"
    if base[0].isupper() and not base[1:].isupper():
        return "title"
    if base.islower():
        return "lower"
    return "other"


def tokenize(text: str, work: ScanWork | None = None) -> list[Token]:
    """Word tokens with their shape, possessive, sentence position and gazetteer entry."""
    tokens: list[Token] = []
    append = tokens.append
    previous_end = 0
    previous_low = ""
    breaker = _SENTENCE_BREAK.search
    for match in _TOKEN.finditer(text):
        word = match.group()
        start = match.start()
        possessive = len(word) > 2 and (word.endswith("'s") or word.endswith("’s"))
        base = word[:-2] if possessive else word
        low = base.lower()
        if start == previous_end + 1 and text[previous_end] == " ":
            breaks = False  # the usual case: one space between two words
        else:
            gap = text[previous_end:start]
            breaks = bool(breaker(gap)) and not (gap.strip() == "."
                                                 and previous_low in _ABBREVIATIONS)
        shape = "lower" if base.islower() else _shape(base)
        append(Token(start, start + len(base), word, base, low, possessive, shape,
                      not tokens or breaks, lookup(base) if shape == "title" else None))
        previous_end = match.end()
        previous_low = low
    if work is not None:
        work.tokens += len(tokens)
    return tokens


def name_like(token: Token) -> bool:
    """Could be part of a person's name: capitalised, not a known non-name word."""
    return (token.shape == "title" and len(token.base) > 1 and token.low not in words.NOT_NAMES
            and token.low not in words.CLINICIAN_CUES and token.low not in words.FAMILY)


def gazetteer_name(token: Token) -> bool:
    return token.info is not None and (token.info.is_first or token.info.is_last)


def name_head(head: Token, rest: list[Token]) -> bool:
    """A sentence's capitalised first word starts a name: a first name ("Maria Lopez"), or a
    surname followed by another known name ("Nguyen Van Minh", "Okafor Chidi" written family
    name first); "Helping Mateo Rivas" starts with a word."""
    if head.info is None:
        # "Fatoumata Diallo signed out", "Harpreet Kaur's son": no listed name, but no
        # English word either ("Helping", "Discharged" are), and a known name follows.
        return (head.low not in words.NOT_NAMES and not is_word(head.low)
                and any(gazetteer_name(t) for t in rest))
    return head.info.is_first or (head.info.is_last and any(gazetteer_name(t) for t in rest))


def joined(text: str, left: Token, right: Token) -> bool:
    """Two tokens written as parts of one name: separated by one space, no possessive between."""
    return not left.possessive and text[left.end:right.start] == " "
