"""Street-address recognisers: numbered streets, "lives on Elm Street", PO boxes, ZIPs.

Street names must be Capitalised ("12 Main St", "lives on Elm Street"): with
lower-case words allowed, "3 admissions on the drive" would look like an
address. Lower-case addresses are therefore missed (documented in
``companion.privacy``). Hospital names and cities alone are not flagged.
"""

from __future__ import annotations

import re

from companion.privacy.recognizer import Recognizer

_SUFFIX = (
    r"(?:(?i:street|avenue|road|boulevard|lane|drive|court|place|terrace|circle|highway"
    r"|parkway|square|crescent|alley|trail|turnpike)"
    r"|(?:St|Ave|Rd|Blvd|Ln|Dr|Ct|Pl|Ter|Cir|Hwy|Pkwy|Way|Sq)\.?)"
)
_NAME_WORD = r"(?:\d+(?:st|nd|rd|th)|[A-Z][A-Za-z'’-]*\.?)"
_STREET = rf"(?:(?:[NSEW]\.?|North|South|East|West)\s+)?(?:{_NAME_WORD}\s+){{1,3}}{_SUFFIX}(?![\w])"
_UNIT = r"(?:,?\s+(?:Apt|Apartment|Unit|Suite|Ste|#)\.?\s*[\w-]+)?"
_CITY = r"(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?(?:,?\s+[A-Z]{2})?(?:\s+\d{5}(?:-\d{4})?)?)?"

_STATES = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC"
).split()

ADDRESS_RECOGNIZERS: tuple[Recognizer, ...] = (
    Recognizer(
        "street-numbered", "address",
        re.compile(rf"(?<![\w.,/-])\d{{1,6}}[A-Z]?\s+{_STREET}{_UNIT}{_CITY}"),
        0.85,
    ),
    Recognizer(
        "street-lives-on", "address",
        re.compile(rf"\b(?i:lives|living|lived|live|home|house|apartment|address|stays|staying"
                   rf"|moved|shelter)(?:\s+(?i:is|was))?\s+(?i:on|at|in|near|to|off)\s+(?:the\s+)?"
                   rf"(?P<v>{_STREET}{_UNIT}{_CITY})"),
        0.85, group="v",
    ),
    Recognizer(
        "po-box", "address",
        re.compile(r"\bP\.?\s?O\.?\s+Box\s+\d+\b", re.IGNORECASE),
        0.9,
    ),
    Recognizer(
        "state-zip", "address",
        re.compile(rf"\b(?:{'|'.join(_STATES)})\s+\d{{5}}(?:-\d{{4}})?\b"),
        0.8,
    ),
)
