"""Recognisers for patient names: a title, or a clinical context, makes a name a patient's.

A capitalised word is only reported as a patient name when something around it
says "this is a patient":

- a courtesy title: "Mr. Jones", "Mrs Maria Lopez", "Ms. K." (title included in the span);
- "pt"/"patient" right before it: "my patient Maria", "pt Jones", "patient named Ruth Ames";
- a person noun + "named/called": "an elderly man named Walter";
- a bed or room right after it: "Maria in bed 4";
- a patient event right after it: "Walter was admitted", "Jones coded", "Rosa is my patient",
  "Tom, a 67-year-old ...".

Deliberately NOT flagged: clinicians ("Dr. Patel", "Nurse Kelly", "my attending Sam",
"Mr. Freeman, the social worker", "Ms. Thompson from pharmacy",
"PT Sarah" in capitals means physical therapy), eponyms ("Parkinson's disease",
"Glasgow Coma Scale", "Apgar"), days, months, drug brand names, and bare first names
with no clinical context ("Maria cried when I told her" is missed: a capitalised
word alone is no evidence of a patient, and flagging every name would bury the
resident in false alarms).
"""

from __future__ import annotations

import re

from companion.privacy.recognizer import Recognizer, anchored

# Capitalised words that start sentences or name things that are not patients.
_FUNCTION_WORDS = """
I I'm I've Im He She They We You It Its It's This That These Those There Here Then Than The A
An And But Or So If When While After Before Since Until Because Though Although Also Still Yet
Just Even Only Now Later Next Last First Finally Afterwards Meanwhile Today Tonight Tomorrow
Yesterday Morning Evening Night Nobody Everyone Someone Anyone Everybody Somebody Nothing All
Both Each Every Some Many Most No Not None Our My His Her Their Your Who Whom Whose What Which
Why How Where Was Were Is Are Be Been Had Has Have Did Do Does Got Will Would Could Should Can
May Might Must In On At Of For From To With Without By As Into About Over Under Around Through
During Again Once Maybe Perhaps Well Yes Oh Ok Okay Sure Thanks Please Sorry Hi Hello Dear
""".split()
_NOT_PATIENTS = """
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April June
July August September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov
Dec Dr Doctor Doc Prof Professor Nurse Attending Resident Intern Fellow Chief Student Tech
Pharmacist Chaplain Therapist Mom Mum Dad Grandma Grandpa Nana Papa Auntie Uncle God Jesus Lord
English Spanish French Portuguese Mandarin Cantonese Arabic Russian Haitian Creole Vietnamese
Korean Hindi Polish Somali Hispanic Latina Latino Jehovah Catholic Muslim Jewish Christian
Covid Medicaid Medicare Hospital Clinic Unit Ward Floor Service Team Code Rapid Response Stat
Parkinson Parkinsons Cushing Addison Crohn Hodgkin Alzheimer Alzheimers Graves Hashimoto Bell
Guillain Barre Kawasaki Wilson Huntington Glasgow Apgar Wells Murphy Babinski Kussmaul Cheyne
Trendelenburg Down Tourette Raynaud Sjogren Meniere Paget Virchow Whipple Wernicke Korsakoff
Marfan Brugada Kaposi Burkitt Ewing Wilms Osler Romberg Chvostek Trousseau Duchenne Lyme Bells
Lasix Tylenol Zosyn Vanc Vanco Coumadin Eliquis Xarelto Keppra Ativan Haldol Narcan Dilaudid
Toradol Zofran Protonix Lovenox Heparin Insulin Lantus Norco Percocet Bactrim Cipro Flagyl
Augmentin Rocephin Solumedrol Decadron Benadryl Motrin Advil Aspirin Plavix Lipitor Seroquel
Zyprexa Precedex Levophed Narcotics Epic Cerner Uber Lyft Zoom Teams Slack Google
Pt Pts Patient Patients Zero Education Safety Care Experience Advocate Advocacy Portal
Relations Satisfaction Services Centered Centred Day Week Month Access Navigator Transport
""".split()
_CLINICIANS = (
    r"(?:Dr|Doctor|Doc|Prof|Professor|Nurse|RN|NP|PA|PT|OT|SLP|RT|CNA|MA|SW|attending|resident"
    r"|intern|fellow|colleague|co-resident|senior|junior|chief|pharmacist|tech|charge nurse"
    r"|social worker|chaplain|therapist|preceptor|mentor|PD|APD|program director|scribe)"
)
_CLINICIAN_BEFORE = re.compile(rf"\b{_CLINICIANS}\.?\s*$", re.IGNORECASE)
_EPONYM_AFTER = (
    r"(?!['’]?s?\s+(?i:disease|syndrome|sign|scale|score|criteria|triad|palsy|phenomenon|reflex"
    r"|test|maneuver|manoeuvre|law|rule|lymphoma|sarcoma|tumou?r|ulcer|fracture|classification"
    r"|equation|formula|catheter|procedure|operation|repair|node|dementia|chorea|ataxia))"
)

_TOKEN = r"(?:Mc|Mac|O['’]|D['’])?[A-Z][a-z]+(?:-[A-Z][a-z]+)*(?![\w-])"
_INITIALS = r"[A-Z]\.(?:\s?[A-Z]\.)+"


def _guarded(words: list[str]) -> str:
    """A name token that is not one of ``words``."""
    return rf"(?!(?:{'|'.join(sorted(set(words), key=len, reverse=True))})(?![\w-])){_TOKEN}"


_TITLE_TOKEN = _guarded(_FUNCTION_WORDS)
_CONTEXT_TOKEN = _guarded(_FUNCTION_WORDS + _NOT_PATIENTS)
_CONTEXT_NAME = (
    rf"(?<![\w'’-])(?=[A-Z])"  # fail fast anywhere but the start of a Capitalised word
    rf"(?:{_CONTEXT_TOKEN}(?:\s+{_CONTEXT_TOKEN}){{0,2}}{_EPONYM_AFTER}|{_INITIALS})"
)

_EVENTS = (
    r"(?:(?:was|is|got|had\s+been|has\s+been|was\s+being|is\s+being|just|finally|eventually)\s+)?"
    r"(?:admitted|readmitted|re-admitted|discharged|intubated|extubated|diagnosed|transferred"
    r"|coded|died|passed\s+away|crashed|arrested|decompensated|desatted|seized|rapid(?:ed)?"
    r"|brought\s+in|sent\s+to\s+hospice|made\s+DNR|made\s+comfort\s+care|went\s+to\s+the\s+ICU)\b"
)


_STAFF_ROLE_AFTER = re.compile(
    rf"^\s*(?:,|\(|-|–|—)?\s*(?:(?:the|our|my|a|an|one\s+of\s+(?:the|our))\s+)?"
    rf"(?:(?:night|day|unit|floor|ward|ICU|ED|charge|new|senior)\s+)?(?:{_CLINICIANS}|nurse"
    r"|case\s+manager|manager|coordinator|interpreter|volunteer|secretary|clerk|porter"
    r"|educator|dietitian|physio|physiotherapist|midwife|doula|surgeon|anaesthetist"
    r"|anesthesiologist|from\s+(?:case\s+management|social\s+work|pharmacy|nursing|PT|OT"
    r"|admin|IT|HR|GME|the\s+\w+\s+(?:team|office|department)))\b",
    re.IGNORECASE,
)


_STAFF_ROLE_BEFORE = re.compile(
    rf"\b(?:{_CLINICIANS}|nurse|case\s+manager|manager|coordinator|interpreter|secretary|clerk"
    r"|educator|dietitian|surgeon|director|administrator|chair)\s*[,(]?\s*$",
    re.IGNORECASE,
)


def _titled_patient(match: re.Match[str], text: str) -> bool:
    """"Mr. Freeman, the social worker", "our social worker, Ms. Rivera": staff, not patients."""
    if _STAFF_ROLE_BEFORE.search(text[max(0, match.start() - 30):match.start()]):
        return False
    return not _STAFF_ROLE_AFTER.search(text[match.end():match.end() + 60])


def _not_a_clinician(match: re.Match[str], text: str) -> bool:
    start = match.start("v") if "v" in match.groupdict() else match.start()
    return not _CLINICIAN_BEFORE.search(text[max(0, start - 24):start])


NAME_RECOGNIZERS: tuple[Recognizer, ...] = (
    Recognizer(
        "name-title", "patient",
        re.compile(rf"(?<![\w.])(?:Mr|Mrs|Ms|Miss|Mx|Mister|mr|mrs)\.?\s+"
                   rf"(?:{_TITLE_TOKEN}(?:\s+{_TITLE_TOKEN}){{0,2}}|[A-Z]\.?(?![\w]))"),
        0.9, validate=_titled_patient,
    ),
    Recognizer(
        "name-after-patient", "patient",
        re.compile(rf"\b(?:[Pp]ts?\.?|[Pp]atients?|PATIENT)(?:['’]s\s+(?:first\s+|last\s+)?name)?"
                   rf"[,:]?\s+(?:(?:named|called|is|was|by\s+the\s+name\s+of)\s+)?"
                   rf"(?P<v>{_CONTEXT_NAME})"),
        0.85, group="v",
    ),
    Recognizer(
        "name-person-named", "patient",
        re.compile(rf"\b(?i:man|woman|lady|gentleman|guy|boy|girl|kid|child|baby|infant|toddler"
                   rf"|teen|teenager|veteran|vet|widow|widower|grandmother|grandfather|mother"
                   rf"|father|dad|mom|son|daughter|wife|husband|gent|fella)"
                   rf"\s+(?i:named|called|by\s+the\s+name\s+of)\s+(?P<v>{_CONTEXT_NAME})"),
        0.85, group="v", validate=_not_a_clinician,
    ),
    Recognizer(
        "name-baby", "patient",
        re.compile(rf"\bBaby\s+(?:Boy\s+|Girl\s+)?(?P<v>{_CONTEXT_TOKEN})"),
        0.8, group=0,
    ),
    Recognizer(
        "name-in-bed", "patient",
        re.compile(rf"(?P<v>{_CONTEXT_NAME})\s*(?:,\s*|\()?(?:in|from|on|at)?\s*(?i:bed|room|rm|bay)"
                   r"\s*#?\s*[A-Za-z]?\d"),
        0.85, group="v", validate=_not_a_clinician,
    ),
    Recognizer(
        "name-event", "patient",
        re.compile(rf"(?P<v>{_CONTEXT_NAME})(?:['’]s\s+(?:family|daughter|son|wife|husband))?"
                   rf"\s+{_EVENTS}"),
        0.8, group="v", validate=_not_a_clinician,
    ),
    Recognizer(
        "name-is-patient", "patient",
        re.compile(rf"(?P<v>{_CONTEXT_NAME})(?:,|\s+(?:is|was))\s+(?:(?:my|our|a|the|his|her)\s+)"
                   r"(?:\w+\s+){0,2}(?:patient|pt)\b"),
        0.85, group="v", validate=_not_a_clinician,
    ),
    Recognizer(
        "name-age-apposition", "patient",
        re.compile(rf"(?P<v>{_CONTEXT_NAME}),\s+(?:a|an|our|my)\s+\d{{1,3}}[\s-]*"
                   r"(?:years?|yrs?|yo|y/o|months?|weeks?|days?)\b"),
        0.85, group="v", validate=_not_a_clinician,
    ),
)

NAME_RECOGNIZERS = anchored(NAME_RECOGNIZERS, {
    "name-title": ("mr mrs ms miss mx mister", -1),
    "name-after-patient": ("pt pts patient patients", -1),
    "name-person-named": ("man woman lady gentleman guy boy girl kid child baby infant toddler "
                          "teen teenager veteran vet widow widower grandmother grandfather mother "
                          "father dad mom son daughter wife husband gent fella", -1),
    "name-baby": ("baby", -1),
    "name-in-bed": ("bed room rm bay", 60, 12),
    "name-event": ("admitted readmitted re discharged intubated extubated diagnosed transferred "
                   "coded died passed crashed arrested decompensated desatted seized rapid rapided "
                   "brought sent made went", 80, 40),
    "name-is-patient": ("patient pt", 80, 8),
    "name-age-apposition": ("years year yrs yo y months month weeks week days day", 60, 8),
})
