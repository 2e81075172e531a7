"""Identifiers of what a patient owns or uses: devices, vehicles, web pages, network addresses.

Safe Harbor lists device identifiers and serial numbers, vehicle identifiers
(licence plates, VINs), URLs and IP addresses. Each is anchored by its label
("serial", "plate", "VIN") or by an unmistakable shape (a URL with a scheme or
a path, a dotted quad). Reference sites a resident names while studying
("UpToDate", "mdcalc.com", "nejm.org") say nothing about a patient and are
left alone unless the address goes on to a page of its own.
"""

from __future__ import annotations

import re
from dataclasses import replace

from companion.privacy.recognizer import DIGITS, Recognizer, anchored

I = re.IGNORECASE  # noqa: E741 - a flag, read as "ignore case"

_VALUE = r"(?=[A-Z0-9-]*\d)[A-Z0-9](?:[A-Z0-9]|-(?=[A-Z0-9])){3,24}"
"""An upper-case code with at least one digit (letters, digits, inner dashes)."""

_TLD = (
    r"(?:com|org|net|edu|gov|io|co|us|uk|ca|au|de|fr|me|info|ly|app|page|site|online|health"
    r"|care|link|tv|biz|news|blog)"
)
_REFERENCE_SITES = re.compile(
    r"^(?:https?://)?(?:www\.)?(?:uptodate|mdcalc|nejm|jamanetwork|thelancet|bmj|medscape"
    r"|pubmed|ncbi\.nlm\.nih|nih|cdc|who|fda|acgme|aamc|nrmp|amboss|statpearls|radiopaedia"
    r"|lifeinthefastlane|litfl|wikipedia|google|youtube|epocrates|lexicomp|aafp|acponline"
    r"|heart|acc|idsa|nccn|cochranelibrary)\.[a-z.]+/?$",
    I,
)


def _not_a_reference_site(match: re.Match[str], text: str) -> bool:
    return not _REFERENCE_SITES.match(match.group(0))


def _dotted_quad(match: re.Match[str], text: str) -> bool:
    """An IP, not a version number ("version 10.2.1.4") or a list of decimals."""
    before = text[max(0, match.start() - 16):match.start()]
    return not re.search(r"(?:version|ver|v|release|build)\s*$", before, I)


MACHINE_RECOGNIZERS: tuple[Recognizer, ...] = (
    Recognizer(
        "device-serial", "device",
        re.compile(r"\b(?:serial(?:\s+(?:number|no\.?|num|#))?|S/N|SN|device\s+(?:ID|number|no\.?)"
                   r"|UDI|IMEI|lot(?:\s+(?:number|no\.?|#))|model\s+(?:number|no\.?)"
                   r"|implant\s+(?:ID|number))\s*(?:is|was|of|:|#|=|,)*\s*"
                   # "read the serial out loud — MDT-4Z9913K": a few words, then a dash or colon
                   r"(?:(?:(?-i:[a-z]+)\s+){1,3}[—–:-]\s*)?"
                   rf"(?P<v>(?i:{_VALUE}))\b", I),
        0.92, group="v", trigger=re.compile(r"\d"),
    ),
    Recognizer(
        "vehicle-plate", "vehicle",
        re.compile(r"\b(?:licen[cs]e\s+plates?|plates?|tags?|registration)"
                   r"(?:\s+(?:number|no\.?|#))?\s*(?:is|was|reads?|read|of|:|#|=|,)*\s*"
                   r"(?P<v>(?-i:(?=[A-Z0-9 -]{0,9}\d)(?=[A-Z0-9 -]{0,9}[A-Z])"
                   r"[A-Z0-9]{1,4}(?:[ -]?[A-Z0-9]{1,4}){1,2}))(?![\w-])", I),
        0.9, group="v", trigger=re.compile(r"\d"),
    ),
    Recognizer(
        "vehicle-vin", "vehicle",
        re.compile(r"(?<![\w-])(?-i:(?=[A-HJ-NPR-Z0-9]{17}\b)(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])"
                   r"[A-HJ-NPR-Z0-9]{17})(?![\w-])"),
        0.85, trigger=re.compile(r"\d"),
    ),
    Recognizer(
        "url-scheme", "url",
        re.compile(r"\b(?:https?://|www\.)[^\s<>\"'()]{2,200}[^\s<>\"'().,;:!?]", I),
        0.95, validate=_not_a_reference_site, trigger=re.compile(r"://|www\.", I),
    ),
    Recognizer(
        "url-path", "url",
        re.compile(rf"(?<![\w@./-])[a-z0-9][a-z0-9-]{{0,62}}(?:\.[a-z0-9-]{{1,63}}){{0,3}}\.{_TLD}"
                   r"(?:/[^\s<>\"'()]{0,200}[^\s<>\"'().,;:!?])?(?![\w@-])", I),
        0.7, validate=_not_a_reference_site, trigger=re.compile(rf"\.{_TLD}\b", I),
    ),
    Recognizer(
        "ip-v4", "ip",
        re.compile(r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}"
                   r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w.]|\.\d)"),
        0.85, validate=_dotted_quad, trigger=re.compile(r"\d\.\d+\.\d"),
    ),
    Recognizer(
        "ip-v6", "ip",
        re.compile(r"(?<![\w:])(?:[0-9a-f]{1,4}:){3,7}[0-9a-f]{1,4}(?![\w:])", I),
        0.8, trigger=re.compile(r"[0-9a-f]:[0-9a-f]", I),
    ),
)

MACHINE_RECOGNIZERS = anchored(MACHINE_RECOGNIZERS, {
    "device-serial": ("serial s sn device udi imei lot model implant", -1),
    "vehicle-plate": ("license licence plate plates tag tags registration", -1),
    "vehicle-vin": (DIGITS, 17, 17),
    "ip-v4": (DIGITS, -1),
})
_ANCHORS = {
    "url-path": (re.compile(rf"\.{_TLD}\b", I), 260, 210),
    "url-scheme": (re.compile(r"://|www\.", I), 8, 210),
    "ip-v6": (re.compile(r"[0-9a-f]:[0-9a-f]", I), 40, 40),
}
MACHINE_RECOGNIZERS = tuple(
    replace(r, anchor=_ANCHORS[r.name][0], before=_ANCHORS[r.name][1],
            after=_ANCHORS[r.name][2], trigger=None) if r.name in _ANCHORS else r
    for r in MACHINE_RECOGNIZERS
)
