"""Regex recognisers for identifiers that have a shape: numbers, dates, ages, contacts.

Each recogniser is anchored either by a distinctive format (an e-mail, a
dashed SSN, a full phone number) or by a label in front of the value ("MRN",
"DOB", "acct", "bed"). Bare numbers that merely look like identifiers are left
alone unless long (7+ digits), so "24-hour call", "3 admissions", "BP 120/80",
"K 3.2", "80 hours" and "PGY-2" are never flagged.

Span boundaries: the value only for labelled numbers ("MRN [MRN]", "DOB
[DATE]"), the whole phrase for room/bed ("in [ROOM]") and for glued ages
("a [AGE] man" from "a 93-year-old man"; "aged [AGE]" from "aged 91").
"""

from __future__ import annotations

import re
from dataclasses import replace

from companion.privacy.recognizer import DIGITS, OLD_AGE, Recognizer, anchored, words_pattern

I = re.IGNORECASE  # noqa: E741 - a flag, read as "ignore case"

# --- dates ------------------------------------------------------------------
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_NUMERIC_FULL = (
    r"(?:0?[1-9]|1[0-2])[/.-](?:0?[1-9]|[12]\d|3[01])[/.-](?:\d{4}|\d{2})"
    rf"|{_YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
)
_WORDY_FULL = rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}|{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}"
FULL_DATE = rf"(?:{_NUMERIC_FULL}|{_WORDY_FULL})"
PARTIAL_DATE = (
    rf"(?:(?:0?[1-9]|1[0-2])[/.-](?:0?[1-9]|[12]\d|3[01])"
    rf"|{_MONTH}\s+{_DAY}|{_DAY}\s+(?:of\s+)?{_MONTH})"
)
_BIRTH_LABEL = (
    r"(?:D\.?O\.?B\.?|date\s+of\s+birth|birth\s*date|birthday|born"
    r"(?:\s+(?:on|in))?)(?:\s*(?:is|was|of|:|-|=))?\s*"
)

DATE_CONTEXT = words_pattern([
    "admitted", "admission", "readmitted", "discharged", "discharge", "died", "death",
    "passed away", "expired", "presented", "presentation", "surgery", "operated", "procedure",
    "delivered", "coded", "intubated", "extubated", "diagnosed", "diagnosis", "transferred",
    "appointment", "follow-up", "biopsy", "patient", "pt", "Mr", "Mrs",
    "Ms", "daughter", "son", "wife", "husband", "family", "funeral", "autopsy", "overdose",
    "transplant", "DNR", "hospice", "brought in", "born", "seizure", "stroke",
    "colonoscopy", "endoscopy", "mammogram", "CT", "MRI", "scan", "dx", "path report",
    "pathology", "visit", "seen",
])

PHONE_CONTEXT = words_pattern([
    "phone", "cell", "mobile", "tel", "telephone", "fax", "number", "call", "called", "calling",
    "text", "texted", "reach", "reached", "voicemail", "contact", "landline", "dial", "dialled",
    "dialed", "pager", "beeper", "paged",
])

# --- ages over 89 -----------------------------------------------------------
_OLD_NUM = r"(?:9\d|1[01]\d|120)"
_OLD_WORD = (
    r"(?:ninety(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|(?:one\s+|a\s+)?hundred(?:\s+and\s+(?:one|two|three|four|five|six|seven|eight|nine|ten))?)"
)
_AGE_UNIT = (
    r"(?:[\s-]*(?:years?|yrs?|y)[\s-]*(?:old|of\s+age)|\s*y\.?\s?o\.?(?![a-z])|\s*y/o"
    r"|[\s-]*year[\s-]old|\s*yr[\s-]old)"
)

# --- recognisers ------------------------------------------------------------
_TEMPERATURE = re.compile(r"(?:temp|t\s?max|febrile|fever|°|degrees?|\bT)\W*$", re.IGNORECASE)


_STAFF_ROOM = re.compile(
    r"\b(?:call|conference|break|locker|team|residents?['’]?|lecture|sim|simulation|work|staff"
    r"|meeting|class|exam|lactation|supply|utility)\s*$",
    re.IGNORECASE,
)


def _a_patient_location(match: re.Match[str], text: str) -> bool:
    """"bed 12", "room 4B" are where a patient is; "call room 3" is where residents sleep."""
    if re.match(r"\s+of\s+the\s+(?:conference|education|simulation|library|hotel|building"
                r"|convention|office|school)", text[match.end():match.end() + 30], re.IGNORECASE):
        return False
    return not _STAFF_ROOM.search(text[max(0, match.start() - 16):match.start()])


_OTHER_NUMBER_LABEL = re.compile(
    r"\b(?:account|acct|member|policy|medicaid|medicare|record|chart|MRN|ID|insurance|licen[cs]e"
    r"|plan|group|claim|case|serial|plate|encounter|subscriber)\s*$",
    re.IGNORECASE,
)


def _a_phone_label(match: re.Match[str], text: str) -> bool:
    """"number 555-0198" is a phone; "account number 3308812" is an account."""
    return not _OTHER_NUMBER_LABEL.search(text[max(0, match.start() - 20):match.start()])


def _not_a_temperature(match: re.Match[str], text: str) -> bool:
    """"93F with CHF" is an age; "T 101F", "febrile to 101 F" are temperatures."""
    before = text[max(0, match.start() - 20):match.start()]
    after = text[match.end():match.end() + 12].lower()
    if match.group("v").endswith("F"):
        if _TEMPERATURE.search(before) or re.search(r"\bto\s*$", before):
            return False
        if after.lstrip().startswith(("fever", "temp", "and ", "overnight")):
            return False
    return True


_ID_VALUE = (r"(?-i:[A-Z]{1,4}[-\s]?)?\d(?:[\d-]|[ ](?=\d{3})){3,24}\d(?-i:[A-Z]{0,2})"
             r"(?:[ ]\d{1,2}(?![\w.,:/-]))?")  # a check digit after a space: "XJP 449 2018 3"
"""A record or account number: optional letter prefix, digits in groups, optional letter suffix."""

_DIGIT = re.compile(r"\d")

_ROOM_PREPOSITION = re.compile(
    r"(?:\b(?:in|into|to|from|at|of|near|across|next\s+door|beside|moved|bed|room|rm|the\s+(?:guy"
    r"|man|woman|lady|kid|boy|girl|patient|pt|family)|patient|pt)\s*)$",
    re.IGNORECASE,
)


def _a_bare_room(match: re.Match[str], text: str) -> bool:
    """"12B" is a bed after "in", "the man in", "moved to"; "18G", "2L", "40F" never match."""
    return bool(_ROOM_PREPOSITION.search(text[max(0, match.start() - 24):match.start()]))

RECOGNIZERS: tuple[Recognizer, ...] = (
    Recognizer(
        "email", "email",
        re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
                   r"\.[A-Za-z]{2,}\b"),
        0.95,
    ),
    Recognizer(
        "ssn-dashed", "ssn",
        re.compile(r"(?<![\d-])(?!000|666)\d{3}[- ](?!00)\d{2}[- ](?!0000)\d{4}(?![\d-])"),
        0.85,
    ),
    Recognizer(
        "ssn-labelled", "ssn",
        re.compile(r"\b(?:SSN|SS#|social(?:\s+security)?(?:\s+(?:number|no\.?|#))?)"
                   r"\s*(?:is|was|of|:|#)?\s*(?P<v>\d{3}[- ]?\d{2}[- ]?\d{4}|\d{4})\b", I),
        0.95, group="v",
    ),
    Recognizer(
        "phone-nanp", "phone",
        re.compile(r"(?<![\w/.-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}"
                   r"(?:,?\s*(?:ext\.?|extension|x)\s*\d{1,5})?(?![\w/-])", I),
        0.8,
    ),
    Recognizer(
        # a national number with a trunk zero: "020 7946 0958", "0161 496 0000"
        "phone-trunk", "phone",
        re.compile(r"(?<![\w/.+-])0\d{2,4}[\s-]\d{3,4}[\s-]\d{3,4}(?![\w/-])"),
        0.4, context=PHONE_CONTEXT, context_boost=0.4, window=40,
    ),
    Recognizer(
        "phone-international", "phone",
        re.compile(r"(?<![\w+])\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}(?![\w-])"),
        0.8,
    ),
    Recognizer(
        "phone-labelled", "phone",
        re.compile(r"\b(?:phone|cell|mobile|tel|telephone|fax|pager|landline|number|call(?:ed)?"
                   r"|text(?:ed)?|reach(?:ed)?)(?:\s+(?:number|no\.?|#|him|her|them|me|at|on|is|was))*"
                   r"\s*[:#,]?\s*(?P<v>\d{3}[\s.-]?\d{4}|\d{10})(?![\w/-])", I),
        0.9, group="v", validate=_a_phone_label,
    ),
    Recognizer(
        "pager", "phone",
        re.compile(r"\b(?:pager|beeper|pgr|pager\s+(?:number|no\.?|#)|ext(?:ension)?\.?|x)"
                   r"\s*(?:is|was|:|#)?\s*(?P<v>\d(?:-?\d){3,7})(?![\w/.-])", I),
        0.85, group="v", trigger=_DIGIT,
    ),
    Recognizer(
        "phone-local", "phone",
        re.compile(r"(?<![\w/.$-])\d{3}[-.]\d{4}(?![\w/-]|\.\d)"),
        0.4, context=PHONE_CONTEXT, context_boost=0.4, window=40,
    ),
    Recognizer(
        "mrn-labelled", "mrn",
        re.compile(r"\b(?:MRN|MR\s?#|MR\s+(?:number|no\.?)|medical\s+record(?:\s+(?:number|no\.?|#))?"
                   r"|chart\s*(?:number|no\.?|#)|record\s*(?:number|no\.?|#)|hospital\s+(?:number|no\.?|#)"
                   r"|unit\s+(?:number|no\.?))\s*(?:is|was|of|as|ending\s+in|:|#|=|,)*\s*"
                   rf"(?P<v>{_ID_VALUE}|\d{{4,}})\b", I),
        0.95, group="v",
    ),
    Recognizer(
        "mrn-hash", "mrn",
        re.compile(r"(?<![\w#])#\s?(?P<v>\d{5,})\b"),
        0.85, group=0,
    ),
    Recognizer(
        "id-labelled", "id",
        re.compile(r"\b(?:acct|account|insurance|member|policy|subscriber|medicaid|medicare|encounter"
                   r"|CSN|FIN|case|claim|license|licence|passport|ID|identifier|health\s+plan|plan|group"
                   r"|beneficiary|HICN|MBI|certificate|permit|DEA|NPI|driver['’]?s\s+licen[cs]e"
                   r"|accession|specimen|requisition)"
                   r"(?:\s+(?:number|no\.?|num|#|ID|id))?\s*(?:is|was|of|:|#|=)*\s*"
                   rf"(?P<v>{_ID_VALUE})\b", I),
        0.9, group="v",
    ),
    Recognizer(
        "long-number", "id",
        re.compile(r"(?<![\w.,/#$£€-])\d{7,}(?![\w]|[.,/-]\d)(?!\s*(?:dollars|USD|euros?)\b)"),
        0.6,
    ),
    Recognizer(
        "date-of-birth", "date",
        re.compile(rf"\b{_BIRTH_LABEL}(?P<v>{FULL_DATE}|{PARTIAL_DATE}|{_YEAR})\b", I),
        0.95, group="v",
    ),
    Recognizer(
        "full-date", "date",
        re.compile(rf"(?<![\w/.-])(?:{FULL_DATE})(?![\w/]|[.-]\d)", I),
        0.4, context=DATE_CONTEXT, context_boost=0.4, window=80,
    ),
    Recognizer(
        "age-phrase", "age",
        re.compile(rf"(?<![\w.])(?:{_OLD_NUM}|{_OLD_WORD}){_AGE_UNIT}(?![a-z])", I),
        0.9,
    ),
    Recognizer(
        "age-labelled", "age",
        re.compile(rf"\b(?:aged?|age:|turned|turning)\s+(?P<v>{_OLD_NUM}|{_OLD_WORD})\b"
                   r"(?!\s*(?:%|percent|degrees|°))", I),
        0.9, group="v",
    ),
    Recognizer(
        # a decade over 89 is an age Safe Harbor removes: "in her late nineties"
        "age-decade", "age",
        re.compile(r"\b(?:in|into)\s+(?:his|her|their)\s+(?P<v>(?:(?:early|mid|late)[\s-]+)?"
                   r"(?:nineties|90s|90['’]s|hundreds))\b", I),
        0.85, group="v",
    ),
    Recognizer(
        "age-sex-shorthand", "age",
        re.compile(rf"(?<![\w.])(?P<v>{_OLD_NUM}\s?(?:yo\s?)?[MF])\b"),
        0.75, group="v", validate=_not_a_temperature,
    ),
    Recognizer(
        "age-pronoun", "age",
        re.compile(rf"(?:\b(?:he|she|they)|\b(?:Mr|Mrs|Ms|Miss)\.?\s+[A-Z][a-z]+"
                   r"|\b(?:my|our|the|this|that|a)\s+(?:patient|pt|lady|man|woman|gentleman))"
                   rf"(?:\s+(?:is|was|were)|['’]s)\s+(?P<v>{_OLD_NUM}|{_OLD_WORD})"
                   r"(?=\s*(?:[,.;!?)]|$|\s(?:and|but|so|when|yet|now)\b))", I),
        0.8, group="v",
    ),
    Recognizer(
        "room-number-letter", "room",
        re.compile(r"(?<![\w/.-])\d{3,4}[A-D](?![\w-])"),
        0.75, validate=_a_patient_location, trigger=_DIGIT,
    ),
    Recognizer(
        "room-short-letter", "room",
        re.compile(r"(?<![\w/.-])\d{1,2}[A-D](?![\w-])"),
        0.75, validate=_a_bare_room, trigger=_DIGIT,
    ),
    Recognizer(
        "room-unit-bed", "room",
        re.compile(r"(?<![\w/.-])\d{1,2}(?:[NSEW]|North|South|East|West)-?\s?\d{1,3}[A-D]?(?![\w-])"
                   r"|(?<![\w/.-])\d{1,2}\s(?:North|South|East|West|[NSEW])\s?(?:-|bed|room|rm|#)\s?"
                   r"\d{1,3}[A-D]?(?![\w-])"),
        0.85, trigger=_DIGIT,
    ),
    Recognizer(
        "age-at", "age",
        re.compile(rf"\b(?:[Aa]t|[Aa]ged?|[Nn]ow)\s+(?P<v>{_OLD_NUM})(?=,?\s+(?:she|he|they|the|my|our"
                   r"|this|that|Mr|Mrs|Ms|Miss|years?|yrs?)\b)"),
        0.85, group="v", trigger=_DIGIT,
    ),
    Recognizer(
        # "Mr. Halloran, 97, asked", "Mrs. Choi (92, sharp as anything)", "Mrs. Achebe,
        # ninety-two, asked": an age over 89 set off after a person, in digits or words
        "age-apposition", "age",
        re.compile(rf"\b(?:patient|pt|man|woman|lady|gentleman|grandmother|grandfather|veteran"
                   rf"|widow|widower|mother|father|grandma|grandpa"
                   rf"|(?:Mr|Mrs|Ms|Miss)\.?\s+[\w'’-]+)(?:,\s+|\s*\()"
                   rf"(?P<v>{_OLD_NUM}|{_OLD_WORD})(?=\s*[,;)])", I),
        0.85, group="v",
    ),
    Recognizer(
        # "the guy in 14", "the lady in 7": a person placed in a bare number
        "room-person-in", "room",
        re.compile(r"\b(?:guy|man|woman|lady|gentleman|kid|boy|girl|patient|pt|baby|one)\s+in\s+"
                   r"(?P<v>\d{1,4}[A-D]?)\b(?![.,:/]\d|\s*(?:%|mg|hours?|hrs?|days?|weeks?|months?"
                   r"|years?|min|minutes|am|pm|a\.m|p\.m|o'clock|times|x\b|of\b))", I),
        0.8, group="v",
    ),
    Recognizer(
        # "room 918 instead of 981", "bed 4 or 5": the other number is a room as well
        "room-instead", "room",
        re.compile(r"\b(?:bed|room|rm|bay)\s*\d{1,4}[A-D]?\s+(?:instead\s+of|not|or|and|then"
                   r"|rather\s+than)\s+(?P<v>\d{1,4}[A-D]?)\b(?![.,:/]\d|\s*(?:%|mg|hours?"
                   r"|days?|weeks?|min|times|x\b))", I),
        0.8, group="v", validate=_a_patient_location,
    ),
    Recognizer(
        "room-bed", "room",
        re.compile(r"\b(?:bed|room|rm|bay|cubicle|stretcher|isolette|crib)\s*(?:#|no\.?|number)?\s*"
                   r"(?:\d{1,4}-\d{1,3}[A-Za-z]?|\d{1,4}[A-Za-z]?|[A-Za-z]-?\d{1,3}[A-Za-z]?)\b"
                   r"(?!\s*(?:%|mg|hours?|hrs?|days?|weeks?|min|times|x\b))", I),
        0.85, validate=_a_patient_location,
    ),
)

_OLD_AGE = re.compile(r"(?<!\d)(?:9\d|1[01]\d|120)(?!\d)|ninety|hundred", re.IGNORECASE)

_MONTHS = ("jan january feb february mar march apr april may jun june jul july aug august sep "
           "sept september oct october nov november dec december")

RECOGNIZERS = anchored(RECOGNIZERS, {
    "ssn-labelled": ("ssn ss social", -1),
    "phone-labelled": ("phone cell mobile tel telephone fax pager landline number call called text "
                       "texted reach reached", -1),
    "pager": ("pager beeper pgr ext extension x", -1),
    "mrn-labelled": ("mrn mr medical chart record hospital unit", -1),
    "id-labelled": ("acct account insurance member policy subscriber medicaid medicare encounter "
                    "csn fin case claim license licence passport id identifier health plan group "
                    "beneficiary hicn mbi certificate permit dea npi driver accession specimen "
                    "requisition", -1),
    "room-person-in": ("guy man woman lady gentleman kid boy girl patient pt baby one", -1),
    "room-instead": ("bed room rm bay", -1),
    "date-of-birth": ("d dob date birth birthdate birthday born", -1),
    "room-bed": ("bed room rm bay cubicle stretcher isolette crib", -1),
    # numbers: tried only where digits stand (windows reach back over "+1 (" and labels)
    "ssn-dashed": (DIGITS, -1),
    "phone-nanp": (DIGITS, 4, 16),
    "phone-local": (DIGITS, -1),
    "long-number": (DIGITS, -1),
    "full-date": (f"{DIGITS} {_MONTHS}", -1),
    "room-number-letter": (DIGITS, -1),
    "room-short-letter": (DIGITS, -1),
    "room-unit-bed": (DIGITS, -1),
    "age-phrase": (f"{OLD_AGE} ninety hundred", 8, 40),
    "age-labelled": (OLD_AGE, 16, 12),
    "age-sex-shorthand": (OLD_AGE, -1),
    "age-pronoun": (f"{OLD_AGE} ninety hundred", 60, 16),
    "age-decade": ("nineties hundreds <digits>", 24, 12),
    "age-at": (OLD_AGE, 12, 24),
    "age-apposition": (f"{OLD_AGE} ninety hundred", 40, 24),
})
_ANCHORS = {
    "email": (re.compile("@"), 64, 256),
    "mrn-hash": (re.compile("#"), 0, 24),
    "phone-international": (re.compile(r"\+"), 0, 32),
}
RECOGNIZERS = tuple(
    replace(r, anchor=_ANCHORS[r.name][0], before=_ANCHORS[r.name][1],
            after=_ANCHORS[r.name][2], trigger=None) if r.name in _ANCHORS else r
    for r in RECOGNIZERS
)
