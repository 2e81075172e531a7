"""Dates of service: the day and month of a patient's admission, discharge, death, procedure.

Safe Harbor removes every element of a date except the year when the date
relates to the patient, so "admitted 9/9", "Aug 21st", "3/18" and "11/02 to
11/05" are identifiers even without a year. The resident's own calendar is not
("On 3/4 I worked nights", "my vacation is Aug 21st", "the exam is on Jan
24"): a partial date is dropped when its sentence talks about the resident's
schedule and nothing in it points at a patient. Clinical fractions and scores
that share the shape ("pain 8/10", "5/5 strength", "1/2 tab", "3/4 of my
patients", "BP 90/60") are refused by their neighbours. Full dates of birth
and calendar dates with a year stay in ``patterns.py``.
"""

from __future__ import annotations

import re

from companion.privacy.recognizer import DIGITS, Recognizer, anchored

I = re.IGNORECASE  # noqa: E741 - a flag, read as "ignore case"

_MONTH_NAME = (
    r"(?-i:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY_NUM = r"(?:0?[1-9]|[12]\d|3[01])"
_ORDINAL = r"(?:st|nd|rd|th)"

_SENTENCE_END = re.compile(
    r"(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bSt)(?<!\bvs)(?<!\bNo)(?<!\bProf)"
    r"[.!?;]\s+(?=[A-Z\"“(])|\n"
)
SENTENCE_WINDOW = 160

SCHEDULE = re.compile(
    r"\b(?:work(?:ed|ing|s)?|shifts?|nights?|call|vacation|holiday|days?\s+off|weeks?\s+off|off"
    r"|PTO|leave|rotations?|rotating|block|exams?|boards|step\s*[123]|ITE|in-training|lectures?"
    r"|conference|meeting|meets|retreat|interviews?|orientation|schedule[ds]?|deadline|due"
    r"|committee|grand\s+rounds|rollout|wedding|graduation|start(?:s|ing)?|begins?|ends?"
    r"|moving|move|flight|trip|residency|fellowship|application|match|report|anniversary"
    r"|celebrat\w*|party|dinner|concert|date\s+night|covering|cover)\b",
    I,
)
PATIENT = re.compile(
    r"\b(?:he|she|him|his|her|hers|patient|patients|pt|pts|Mr|Mrs|Ms|Miss"
    r"|family|daughter|son|wife|husband|mother|father|mom|dad|sister|brother|baby|child"
    r"|admit(?:ted)?|admission|readmit(?:ted)?|discharged?|died|death|dead|coded"
    # "he passed on the 9th", not "I think I passed" (an exam)
    r"|(?<!\bI\s)(?<!\bwe\s)passed(?!\s+(?:the|my|step|boards|it)\b)"
    r"|intubated|extubated|surgery|operation|procedure|biopsy|scan|transferred"
    r"|transfer|brought|came\s+(?:in|back)|presented|diagnosed|delivered|born|seen|saw|visit"
    r"|funeral|hospice|overdose|fell|septic|arrest(?:ed)?|stroke|seizure)\b",
    I,
)


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence holding ``text[start:end]``, read within a bounded window."""
    lo = max(0, start - SENTENCE_WINDOW)
    hi = min(len(text), end + SENTENCE_WINDOW)
    left = lo
    for cut in _SENTENCE_END.finditer(text, lo, start):
        left = cut.end()
    after = _SENTENCE_END.search(text, end, hi)
    right = after.start() if after else hi
    return text[left:start] + " " + text[end:right]


_OWN_PEOPLE = re.compile(
    r"\b(?:my|our)\s+(?:\w+\s+)?(?:mom|mum|mother|dad|father|parents?|aunt|uncle|sister|brother"
    r"|wife|husband|partner|son|daughter|kids?|children|family|grand\w+|cousin|friends?)\b",
    I,
)


_PRONOUNS = re.compile(r"\b(?:he|she|him|his|her|hers)\b", I)


def _patient_words(sentence: str, pronouns: bool = True) -> bool:
    """A word pointing at a patient, once the resident's own people are set aside."""
    rest = _OWN_PEOPLE.sub(" ", sentence)
    if not pronouns:
        rest = _PRONOUNS.sub(" ", rest)
    return bool(PATIENT.search(rest))


_THEIR = re.compile(r"\b(?:his|her|their|patient['’]s|pt['’]s)\s+(?:\w+\s+)?$", I)


def _resident_schedule(sentence: str) -> bool:
    """A schedule word that is not the patient's own ("her wedding was 9/21" is hers)."""
    return any(not _THEIR.search(sentence[max(0, m.start() - 24):m.start()])
               for m in SCHEDULE.finditer(sentence))


def _about_a_patient(match: re.Match[str], text: str) -> bool:
    """Keep a partial date unless its sentence is about the resident's own schedule or people
    and nothing but a pronoun points at a patient ("my mentor ... on the 3rd, and she")."""
    sentence = sentence_around(text, match.start(), match.end())
    if _resident_schedule(sentence) or _OWN_PEOPLE.search(sentence):
        return _patient_words(sentence, pronouns=False)
    return True


def _patient_event(match: re.Match[str], text: str) -> bool:
    """A holiday or a bare ordinal is a date of service only next to a patient event."""
    sentence = sentence_around(text, match.start(), match.end())
    return _patient_words(sentence) and _about_a_patient(match, text)


def tied_to_a_patient(text: str, start: int, end: int) -> bool:
    """A place or date near a patient, not in a passage about the resident's own people."""
    sentence = sentence_around(text, start, end)
    if not _patient_words(sentence):
        return False
    before = text[max(0, start - 2 * SENTENCE_WINDOW):start]
    if _OWN_PEOPLE.search(before + " " + sentence):
        return _patient_words(sentence, pronouns=False)
    return True


_NOT_A_DATE_BEFORE = re.compile(
    r"(?:pain|strength|power|motor|score|scored|GCS|rated|rate|ratio|BP|pressure|vision|acuity"
    r"|out\s+of|x|about|nearly|almost|over|under|only|D5|NS|dose|doses|give|gave|take|took)"
    r"(?:\s+(?:was|is|of|at|score|level|rated|scale|now|still|down|up|to))*\W*$",
    I,
)
_NOT_A_DATE_AFTER = re.compile(
    r"^\s*(?:%|mg|mcg|ml|mL|g\b|units?|tabs?|tablets?|pills?|doses?|cups?|of\b|strength|pain"
    r"|scale|motor|power|vision|NS\b|normal|saline|time|times|chance|odds|split|rule|in\s+the"
    r"|ratio|sec|s\b|min|hours?|days?|weeks?|patients?|nurses?|beds?|residents?)",
    I,
)


_RATING = re.compile(r"\b(?:evals?|evaluations?|ratings?|rated|rate|scores?|scored|stars?"
                     r"|milestones?|feedback|review|reviews|out\s+of)\b", I)


def _numeric_partial(match: re.Match[str], text: str) -> bool:
    before = text[max(0, match.start() - 20):match.start()]
    after = text[match.end():match.end() + 16]
    if _NOT_A_DATE_BEFORE.search(before) or _NOT_A_DATE_AFTER.search(after):
        return False
    month, day = match.group("m"), match.group("d")
    if int(day) in (4, 5, 10) and int(month) <= int(day) and _RATING.search(
            sentence_around(text, match.start(), match.end())):
        return False  # "eval 5/5 from one attending, 2/5 from another"
    if month == day and int(month) <= 5 and re.search(r"strength|motor|reflex", after + before, I):
        return False
    return _about_a_patient(match, text)


_WEEKDAY = (r"(?-i:Mon|Tue|Tues|Wed|Weds|Thu|Thur|Thurs|Fri|Sat|Sun)(?:\.|(?<=Mon|Fri|Sun)day"
            r"|(?<=Tues)day|(?<=Wed)nesday|(?<=Thurs)day|(?<=Sat)urday)?")
_SPELLED_ORDINAL = (r"(?:(?:twenty|thirty)[\s-](?:first|second|third|fourth|fifth|sixth|seventh"
                    r"|eighth|ninth)|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
                    r"|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth"
                    r"|twentieth|thirtieth)")

DATE_RECOGNIZERS: tuple[Recognizer, ...] = (
    Recognizer(
        # "Sat 10/19", "Thurs 1/18", "Tuesday the 3rd", "Fri, Aug 9": the weekday goes with it
        "date-weekday", "date",
        re.compile(rf"\b{_WEEKDAY},?\s+(?:the\s+(?P<o>{_DAY_NUM}{_ORDINAL})\b"
                   rf"|(?P<m>0?[1-9]|1[0-2])/(?P<d>{_DAY_NUM})(?![\w/%]|[.,]\d)"
                   rf"|{_MONTH_NAME}\s+{_DAY_NUM}{_ORDINAL}?(?![\w]))"),
        0.75, validate=_about_a_patient,
    ),
    Recognizer(
        # "transfused on the twenty-first": a spelled day of the month (not "first", "second",
        # "third" alone: "on the second floor", "on the third try")
        "date-ordinal-word", "date",
        re.compile(rf"\b(?:on|since|until|till|by|from|to|and)\s+(?P<v>the\s+{_SPELLED_ORDINAL})"
                   r"\b(?!\s+(?:time|day|hour|floor|week|admission|patient|round|try|attempt|dose"
                   r"|cycle|grade|year|month|night|shift|call|one"
                   r"|of\s+(?:the|my|his|her|them)))", I),
        0.7, group="v", validate=_patient_event,
    ),
    Recognizer(
        "date-numeric-partial", "date",
        re.compile(rf"(?<![\w/.:,$])(?P<m>0?[1-9]|1[0-2])/(?P<d>{_DAY_NUM})(?![\w/%]|[.,]\d)"),
        0.7, validate=_numeric_partial, trigger=re.compile(r"\d/\d"),
    ),
    Recognizer(
        # "booked for 22/08": day first, unambiguous only when the day is over 12
        "date-numeric-day-first", "date",
        re.compile(r"(?<![\w/.:,$])(?P<d>1[3-9]|2\d|3[01])/(?P<m>0?[1-9]|1[0-2])(?![\w/%]|[.,]\d)"),
        0.7, validate=_numeric_partial, trigger=re.compile(r"\d/\d"),
    ),
    Recognizer(
        "date-month-day", "date",
        re.compile(rf"(?<![\w])(?:{_MONTH_NAME}\s+(?:the\s+)?{_DAY_NUM}{_ORDINAL}?"
                   rf"|{_DAY_NUM}{_ORDINAL}?\s+(?:of\s+)?{_MONTH_NAME})(?![\w])"),
        0.75, validate=_about_a_patient,
        trigger=re.compile(r"(?-i:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"),
    ),
    Recognizer(
        "date-ordinal-day", "date",
        re.compile(rf"\b(?:on|since|until|till|by|from|to)\s+(?P<v>the\s+{_DAY_NUM}{_ORDINAL})\b"
                   rf"(?!\s+(?:of\s+)?{_MONTH_NAME}|\s+(?:time|day|hour|floor|percentile|week"
                   r"|admission|patient|round|try|attempt|dose|cycle)\b)", I),
        0.7, group="v", validate=_patient_event, trigger=re.compile(r"\d(?:st|nd|rd|th)\b", I),
    ),
    Recognizer(
        "date-holiday", "date",
        re.compile(r"\b(?:on|over|at|before|after|since)\s+(?P<v>(?-i:Christmas(?:\s+(?:Eve|Day))?"
                   r"|Thanksgiving(?:\s+Day)?|New\s+Year['’]s(?:\s+(?:Eve|Day))?|Easter(?:\s+Sunday)?"
                   r"|Halloween|Valentine['’]s\s+Day|Independence\s+Day|the\s+Fourth\s+of\s+July"
                   r"|Mother['’]s\s+Day|Father['’]s\s+Day|Memorial\s+Day|Labor\s+Day))", I),
        0.7, group="v", validate=_patient_event,
        anchor=re.compile(r"Christmas|Thanksgiving|Year|Easter|Halloween|Valentine|Independence"
                          r"|Fourth|Mother|Father|Memorial|Labor"), before=16, after=40,
    ),
)

DATE_RECOGNIZERS = anchored(DATE_RECOGNIZERS, {
    "date-numeric-partial": (DIGITS, -1),
    "date-month-day": (f"{DIGITS} jan january feb february mar march apr april may jun june jul "
                       "july aug august sep sept september oct october nov november dec "
                       "december", -1),
    "date-ordinal-day": ("on since until till by from to", -1),
    "date-weekday": ("mon monday tue tues tuesday wed weds wednesday thu thur thurs thursday fri "
                     "friday sat saturday sun sunday", -1),
    "date-ordinal-word": ("on since until till by from to and", -1),
})
