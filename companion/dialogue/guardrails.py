"""Guardrails for the optional generator: its words replace curated text only if safe.

A rephrasing is rejected (and the curated text used instead) when it is too long,
gives medical or medication advice, mentions phone numbers, links or services that
the curated text did not, talks about crisis when the screen found none, or drops
the question the curated text asked (seen with SmolLM2-135M: "You might want to
take a break to get some rest.").
"""

from __future__ import annotations

import re

MAX_CHARS = 320
MAX_RATIO = 2.5

_MEDICAL = re.compile(
    r"\b(?:\d+\s?(?:mg|mcg|ml)\b|dose|dosage|prescri\w+|medicat\w+|antidepressant\w*|"
    r"ssri\w*|benzo\w*|melatonin|sleeping pills?|diagnos\w+|you (?:have|suffer from) "
    r"(?:depression|anxiety|ptsd|bipolar)|take (?:a |some )?(?:pill|tablet)s?)\b",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(?:\+?\d[\d\s().-]{5,}\d)|\b\d{3}\b")
_LINK = re.compile(r"https?://|www\.|\.(?:com|org|net|gov)\b", re.IGNORECASE)
_SERVICE = re.compile(r"\b(?:hotline|helpline|lifeline|crisis line|text line|call \w+ at)\b",
                      re.IGNORECASE)
_CRISIS_WORDS = re.compile(r"\b(?:suicid\w*|kill (?:yourself|myself)|self-harm|end (?:your|my) "
                           r"life|emergency|988|911)\b", re.IGNORECASE)


def rejection_reason(candidate: str, curated: str, safety_level: str = "none") -> str | None:
    """Why ``candidate`` may not replace ``curated``, or None if it may."""
    text = candidate.strip()
    if not text:
        return "empty"
    if len(text) > MAX_CHARS or len(text) > MAX_RATIO * max(len(curated), 40):
        return "too long"
    if _MEDICAL.search(text):
        return "medical or medication advice"
    curated_numbers = set(_PHONE.findall(curated))
    if any(number not in curated_numbers for number in _PHONE.findall(text)):
        return "invented phone number"
    if _LINK.search(text) and not _LINK.search(curated):
        return "invented link"
    if _SERVICE.search(text) and not _SERVICE.search(curated):
        return "invented resource"
    if safety_level == "none" and _CRISIS_WORDS.search(text) and not _CRISIS_WORDS.search(curated):
        return "contradicts the safety screen"
    if safety_level == "crisis":
        return "crisis messages never go to the generator"
    if "?" in curated and not text.endswith("?"):
        return "dropped the question"
    return None


def guarded(candidate: str, curated: str, safety_level: str = "none") -> tuple[str, str | None]:
    """The text to show and, when the curated text was used, the reason."""
    reason = rejection_reason(candidate, curated, safety_level)
    return (curated, reason) if reason else (candidate.strip(), None)
