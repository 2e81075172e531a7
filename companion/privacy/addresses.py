"""Street-address recognisers: numbered streets, "lives on Elm Street", PO boxes, ZIPs.

Street names must be Capitalised ("12 Main St", "lives on Elm Street"): with
lower-case words allowed, "3 admissions on the drive" would look like an
address. Lower-case addresses are therefore missed (documented in
``companion.privacy``). Hospital names and cities alone are not flagged.
"""

from __future__ import annotations

import re

from companion.privacy.dates import tied_to_a_patient
from companion.privacy.people_words import CALENDAR, ORGANISATION_NOUNS, ORGANISATIONS, PLACES
from companion.privacy.recognizer import DIGITS, Recognizer, anchored

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

_PLACE_WORD = r"(?-i:[A-Z][a-z]+(?:['’-][A-Za-z]+)?)"
_PLACE_TAIL = (
    r"(?-i:Falls|Creek|Springs?|Junction|Crossing|Ridge|Valley|Hollow|Mills?|Harbor|Harbour"
    r"|Bay|Point|Lake|Hills?|Heights|Grove|Station|Landing|Bluff|Gap|Fork|Forks|Corner|Corners"
    r"|Center|Centre|City|Park|Beach|Township|Village|Town|County|Parish|Borough)"
)
_PLACE = rf"{_PLACE_WORD}(?:\s+{_PLACE_WORD}){{0,2}}"
_FROM_A_PLACE = re.compile(
    rf"\b(?:(?i:lives|living|lived|live|from|home|moved|moving|grew\s+up|raised|farm|ranch"
    rf"|drove(?:\s+in)?|came(?:\s+in)?|born|hometown|back)\s+(?:(?i:in|from|to|near|outside"
    rf"|outside\s+of|of|at)\s+)?|(?i:town|village|city|county|township|parish|hamlet)"
    rf"\s+of\s+)(?P<v>{_PLACE})(?![\w'’])"
)
_PLACE_WITH_TAIL = re.compile(rf"(?<![\w'’])(?P<v>{_PLACE_WORD}\s+{_PLACE_TAIL})(?![\w'’])")

_NOT_SMALL_PLACES = frozenset("""
alabama alaska arizona arkansas california colorado connecticut delaware florida georgia hawaii
idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan
minnesota mississippi missouri montana nebraska nevada new hampshire jersey mexico york
carolina dakota ohio oklahoma oregon pennsylvania rhode island tennessee texas utah vermont
virginia washington wisconsin wyoming america canada mexico england britain scotland wales
ireland europe asia africa india china japan korea vietnam philippines nigeria kenya ghana
haiti cuba brazil colombia peru guatemala honduras germany france italy spain poland russia
ukraine iran iraq syria israel egypt pakistan australia the a an my our his her their this that
home work here there school church medical residency college university hospital clinic icu
er ed rehab hospice jail prison shelter midwest south north east west
""".split())
_RESIDENT_SUBJECT = re.compile(r"\b(?:I|I'm|I’m|I've|I’ve|we|my|our)\b[^.!?\n]{0,30}$")


def _a_small_place(match: re.Match[str], text: str) -> bool:
    """A town tied to a patient: not a state or country, not the resident's own story."""
    words = match.group("v").lower().split()
    if words[0] in _NOT_SMALL_PLACES or (
            len(words) == 1 and words[0] in PLACES | ORGANISATIONS | CALENDAR):
        return False  # a state, a big city, a university, "back Monday"
    if _RESIDENT_SUBJECT.search(text[max(0, match.start() - 40):match.start()]):
        return False
    return tied_to_a_patient(text, match.start(), match.end())


_SCHOOL = re.compile(
    rf"(?<![\w'’])(?P<v>{_PLACE_WORD}(?:\s+{_PLACE_WORD}){{0,2}}\s+(?-i:Elementary(?:\s+School)?"
    r"|Middle\s+School|Junior\s+High|High\s+School|Primary\s+School|Preschool|Montessori"
    r"|Day\s?care|Academy))(?![\w'’])"
)
_BUSINESS = re.compile(
    rf"(?<![\w'’])(?P<v>{_PLACE_WORD}(?:\s+{_PLACE_WORD}){{0,2}}\s+(?-i:Co-op|Coop|Farms|Roofing"
    r"|Plumbing|Construction|Lumber|Trucking|Motors|Foods|Dairy|Cannery|Factory|Plant|Warehouse"
    r"|Inc\.?|LLC|Company|Grain(?:\s+(?:Co-op|Elevator))?))(?![\w'’-])"
)
_WORKPLACE = re.compile(
    r"\b(?i:works?|worked|working|job|boss|janitor|cashier|manager|employed|shifts?|register"
    r"|foreman|owns|owner|clerk|mechanic|cook|driver|stocker)\b[^.!?\n]{0,30}?\bat\s+(?:the\s+)?"
    rf"(?P<v>{_PLACE_WORD}(?:\s+{_PLACE_WORD}){{0,2}}(?:\s+in\s+{_PLACE_WORD})?)(?![\w'’])"
)


def _a_patients_school(match: re.Match[str], text: str) -> bool:
    """"Kid goes to Lincoln Elementary": a school, unless the resident is speaking of their own."""
    if match.group("v").split()[0].lower() in _NOT_SMALL_PLACES:
        return False
    return not _RESIDENT_SUBJECT.search(text[max(0, match.start() - 40):match.start()])


def _a_patients_workplace(match: re.Match[str], text: str) -> bool:
    """"his boss at Hendricks Roofing", "works the register at the Dollar General in
    Hartsburg": a patient's employer (and town); not a hospital, a known institution or
    the resident's own job."""
    words = match.group("v").lower().split()
    if words[0] in _NOT_SMALL_PLACES or words[0] in PLACES | ORGANISATIONS | CALENDAR:
        return False
    if any(w in ORGANISATION_NOUNS for w in words):
        return False  # "worked at Mercy Hospital": where clinicians work
    if _RESIDENT_SUBJECT.search(text[max(0, match.start() - 60):match.start()]):
        return False
    return tied_to_a_patient(text, match.start(), match.end())


def _a_patients_business(match: re.Match[str], text: str) -> bool:
    """"Injured at the Whitfield Grain Co-op": a small employer, named in a reflection, is
    nearly always the patient's (the resident's own is told with "I", "my", "our")."""
    if match.group("v").split()[0].lower() in _NOT_SMALL_PLACES | PLACES | ORGANISATIONS:
        return False
    return not _RESIDENT_SUBJECT.search(text[max(0, match.start() - 40):match.start()])


ADDRESS_RECOGNIZERS: tuple[Recognizer, ...] = (
    Recognizer(
        "business", "location", _BUSINESS, 0.7, group="v", validate=_a_patients_business,
    ),
    Recognizer(
        "school", "location", _SCHOOL, 0.7, group="v", validate=_a_patients_school,
    ),
    Recognizer(
        "workplace", "location", _WORKPLACE, 0.7, group="v", validate=_a_patients_workplace,
    ),
    Recognizer(
        "town-from", "location", _FROM_A_PLACE, 0.75, group="v", validate=_a_small_place,
    ),
    Recognizer(
        "town-named", "location", _PLACE_WITH_TAIL, 0.7, group="v", validate=_a_small_place,
    ),
    Recognizer(
        "street-numbered", "address",
        re.compile(rf"(?<![\w.,/-])\d{{1,6}}[A-Z]?\s+{_STREET}{_UNIT}{_CITY}"),
        0.85,
    ),
    Recognizer(
        "street-lives-on", "address",
        re.compile(rf"\b(?i:lives|living|lived|live|home|house|apartment|address|stays|staying"
                   rf"|moved|shelter)(?:\s+(?i:is|was))?(?:\s+(?i:alone|together|now|still|by\s+(?:herself|himself|themselves)))?\s+(?i:on|at|in|near|to|off)\s+(?:the\s+)?"
                   rf"(?P<v>{_STREET}{_UNIT}{_CITY})"),
        0.85, group="v",
    ),
    Recognizer(
        "po-box", "address",
        # with the town after it: "P.O. Box 412, Elk Rapids"
        re.compile(r"\bP\.?\s?O\.?\s+Box\s+\d+\b(?:,\s*(?-i:[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)"
                   r"(?:,?\s+(?-i:[A-Z]{2}))?(?:\s+\d{5})?)?", re.IGNORECASE),
        0.9,
    ),
    Recognizer(
        "state-zip", "address",
        re.compile(rf"\b(?:{'|'.join(_STATES)})\s+\d{{5}}(?:-\d{{4}})?\b"),
        0.8,
    ),
)

ADDRESS_RECOGNIZERS = anchored(ADDRESS_RECOGNIZERS, {
    "town-from": ("lives living lived live from home moved moving grew raised farm ranch drove "
                  "came born hometown back town village city county township parish hamlet", -1),
    "town-named": ("falls creek spring springs junction crossing ridge valley hollow mill mills "
                   "harbor harbour bay point lake hills hill heights grove station landing bluff "
                   "gap fork forks corner corners center centre city park beach township village "
                   "town county parish borough", 40, 12),
    "street-lives-on": ("lives living lived live home house apartment address stays staying "
                        "moved shelter", -1),
    "po-box": ("p po", -1),
    "business": ("co coop farms roofing plumbing construction lumber trucking motors foods dairy "
                 "cannery factory plant warehouse inc llc company grain", 60, 24),
    "school": ("elementary middle junior high primary preschool montessori daycare day academy",
               60, 24),
    "workplace": ("works work worked working job boss janitor cashier manager employed shift "
                  "shifts register foreman owns owner clerk mechanic cook driver stocker", -1),
    "street-numbered": (DIGITS, -1),
    "state-zip": (DIGITS, 4, 12),
})
