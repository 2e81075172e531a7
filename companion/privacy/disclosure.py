"""Quotes that should not leave the machine as written: admissions of error and case facts.

A reflection may say "I gave the wrong dose and he coded". In the journal that
is the resident's own business; in an agenda sent to a mentor or an exported
file it sits outside any protected peer-review channel, and such notes are
usually discoverable. Before an agenda or export leaves the machine the export
paths call :func:`find_disclosures` and warn, suggesting the resident reword to
how it felt and what they need ("I'm shaken by a mistake this week and want
help with how to talk about it").

Two kinds, per sentence:

- ``admission``: the resident (first person) says they made an error: "I gave
  the wrong dose", "I missed the potassium", "it was my fault", "I should
  have checked". Fears and hypotheticals are not admissions ("I'm afraid I'll
  give the wrong dose", "what if I miss something"), nor are general truths
  ("everyone makes mistakes").
- ``case-facts``: clinical specifics (a dose, a lab value, a clock time) next
  to an adverse event (died, coded, transferred to the ICU, a bleed, an
  overdose): "his potassium was 6.8 at 3 am and by 5 he had coded".

For other callers (the dialogue engine's mentor topics): :func:`admits_error`
is the yes/no question, :func:`find_disclosures` gives the sentences.
Rules only, no model: each is an explicit, high-precision pattern, and a miss
costs a warning not shown, never data leaving without the resident's choice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ADMISSION = "admission"
CASE_FACTS = "case-facts"

SUGGESTIONS: dict[str, str] = {
    ADMISSION: (
        "This reads as an admission of an error. Outside a protected peer-review or "
        "risk-management channel, notes like this are usually discoverable. Consider saying "
        "how it felt and what you need instead, for example: \"I'm struggling after a "
        "mistake this week and want to talk about coping and about disclosing it well.\""
    ),
    CASE_FACTS: (
        "This gives the facts of a case (doses, values, times, the outcome). Keep those for a "
        "protected channel and share how it felt and what you need, for example: \"A case "
        "this week went badly and I keep replaying my part in it; I'd like help processing "
        "it.\""
    ),
}
"""What to tell the resident for each kind (one place, so every export path says the same)."""

I = re.IGNORECASE  # noqa: E741 - a flag, read as "ignore case"

_SENTENCE = re.compile(r"(?:[^.!?\n]|[.!?](?=[^\s.!?]))+(?:[.!?]+|$)")
"""A sentence ends at . ! ? followed by a space or the end ("6.8" and "e.g" do not end one)."""

_EXPLICIT = re.compile(
    r"\b(?:(?:it\s+(?:was|is)|that\s+(?:was|is)|all)\s+(?:totally\s+|entirely\s+|completely\s+)?"
    r"my\s+(?:fault|mistake|error|doing)|my\s+(?:mistake|error|fault)\s+(?:was|caused|led|meant)"
    r"|because\s+of\s+(?:me|my\s+(?:mistake|error|order))|I\s+(?:really\s+)?(?:messed|screwed|"
    r"fucked)\s+up|I\s+made\s+(?:a|an|the|another|my)\s+(?:\w+\s+){0,2}(?:mistake|error)"
    r"|I\s+(?:caused|harmed|hurt|killed)\s+(?:him|her|them|the\s+patient|my\s+patient)"
    r"|I(?:['’]d|\s+had)?\s+(?:accidentally|mistakenly|inadvertently)\s+\w+)",
    I,
)
_I_DID = (
    r"\bI(?:['’]d|\s+had|\s+have|['’]ve|\s+must\s+have)?\s+(?:(?:accidentally|mistakenly|"
    r"completely|totally|just|never|somehow|also)\s+)?"
)
_ERROR_ACT = re.compile(
    _I_DID + r"(?:gave|given|give|ordered|wrote|written|prescribed|pushed|hung|started|dosed"
    r"|charted|documented|sent|discharged|labell?ed|drew|transfused|injected|bolused|titrated"
    r"|cut|nicked|perforated|punctured|placed|removed|stopped|held|restarted|switched|entered"
    r"|signed|put)\b[^.!?\n]{0,60}?\b(?:wrong|instead\s+of|too\s+(?:much|fast|high|early|late"
    r"|soon)|twice\s+the|double|(?:ten|\d+)\s*(?:times|x)\s+the|10x"
    r"|without\s+(?:checking|looking|reading|asking)"
    r"|by\s+(?:accident|mistake)|in\s+error|the\s+other\s+patient|to\s+the\s+wrong)",
    I,
)
_MISS = re.compile(
    _I_DID + r"(?:missed|forgot|overlooked|misread|misheard|mislabell?ed|mixed\s+up|confused"
    r"|ignored|dismissed|skipped)\b(?!\s+(?:my|our|lunch|dinner|breakfast|home|sleep|class"
    r"|the\s+(?:bus|train|shuttle|lecture|meeting|deadline)|to\s+(?:eat|drink|sleep|pee|call\s+my"
    r"|text\s+my)|him|her|them|it|being|having|you|how))",
    I,
)
_FAILED_TO = re.compile(
    _I_DID + r"(?:didn['’]t|did\s+not|never|failed\s+to|forgot\s+to|should\s+have|should\s+not"
    r"\s+have|shouldn['’]t\s+have)\s+(?:\w+\s+)?(?:check(?:ed)?|call(?:ed)?|page[d]?|follow(?:ed)?"
    r"|look(?:ed)?|repeat(?:ed)?|recheck(?:ed)?|read|order(?:ed)?|examine[d]?|notice[d]?|catch"
    r"|caught|verif(?:y|ied)|confirm(?:ed)?|review(?:ed)?|escalate[d]?|listen(?:ed)?|ask(?:ed)?"
    r"|wait(?:ed)?|reassess(?:ed)?|document(?:ed)?|held|hold|stop(?:ped)?|give|given|gave|act(?:ed)?"
    r"|sent|send|consult(?:ed)?|transfuse[d]?|intubate[d]?|trust(?:ed)?\s+(?:my|the)\s+(?:gut"
    r"|nurse))\b",
    I,
)
_HYPOTHETICAL = re.compile(
    r"\b(?:what\s+if|if\s+I|in\s+case|afraid|scared|worr(?:y|ied|ying)|fear(?:ful)?|terrified"
    r"|nervous|anxious|might|could|would|will|['’]ll|going\s+to|gonna|don['’]t\s+want\s+to"
    r"|never\s+want|hope\s+I|so\s+that\s+I|everyone|everybody|we\s+all|nobody|someone"
    r"|residents|interns|people)\b",
    I,
)
_QUANTITY = re.compile(
    r"\b\d+(?:\.\d+)?\s*(?:mg|mcg|µg|ug|g|units?|u|mL|ml|cc|L|mEq|mmol|meq|mg/kg|mcg/kg|%)"
    r"(?![\w/])"
    r"|\b(?:K|potassium|Na|sodium|glucose|sugar|INR|troponin|trop|lactate|Hgb|hemoglobin"
    r"|haemoglobin|Hb|platelets|plt|creatinine|Cr|pH|pCO2|sats?|SpO2|O2\s+sat|BP|HR|MAP|temp"
    r"|GCS|bili|ammonia|ammonia|tox|level)\s*(?:was|of|at|is|:|came\s+back(?:\s+at)?|=)?\s*"
    r"\d+(?:\.\d+)?"
    r"|\bat\s+(?:[01]?\d|2[0-3])(?::[0-5]\d)?\s*(?:am|pm|a\.m\.|p\.m\.)"
    r"|\b(?:[01]\d|2[0-3])[0-5]\d\s*(?:hours|hrs|h)\b",
    I,
)
_ADVERSE = re.compile(
    r"\b(?:died|death|dead|passed\s+away|coded|code\s+blue|arrest(?:ed)?|intubated|crashed"
    r"|transferred\s+to\s+the\s+(?:ICU|unit)|went\s+to\s+the\s+ICU|to\s+the\s+ICU|rapid(?:ed)?"
    r"|rapid\s+response|desatted|seized|seizure|bled|bleed|hemorrhage|haemorrhage|overdose"
    r"|anaphyla\w+|reaction|harm(?:ed)?|injur\w+|fell|fall|aspirated|arrhythmia|v-?fib|v-?tach"
    r"|hypoglycemi\w+|hypoglycaemi\w+|hyperkalemi\w+|hyperkalaemi\w+|wrong|error|mistake"
    r"|missed|delay(?:ed)?|sentinel|incident\s+report|lawsuit|sued)\b",
    I,
)


@dataclass(frozen=True)
class Disclosure:
    """A sentence that admits an error or gives case facts: ``text == source[start:end]``."""

    start: int
    end: int
    kind: str
    text: str

    @property
    def suggestion(self) -> str:
        return SUGGESTIONS[self.kind]

    def to_dict(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "kind": self.kind, "text": self.text,
                "suggestion": self.suggestion}


def _admits(sentence: str) -> bool:
    if _EXPLICIT.search(sentence):
        return True
    act = (_ERROR_ACT.search(sentence) or _MISS.search(sentence)
           or _FAILED_TO.search(sentence))
    if act is None:
        return False
    before = sentence[:act.start()]
    return not _HYPOTHETICAL.search(before + " " + act.group())


def find_disclosures(text: str) -> list[Disclosure]:
    """Sentences of ``text`` that admit an error or give case facts, in order.

    Linear in the text: one pass for sentences, a few bounded regexes per sentence.
    """
    if not isinstance(text, str):
        raise TypeError(f"find_disclosures() expects text as str, got {type(text).__name__}")
    found: list[Disclosure] = []
    for match in _SENTENCE.finditer(text):
        sentence = match.group()
        stripped = sentence.strip()
        if not stripped:
            continue
        start = match.start() + (len(sentence) - len(sentence.lstrip()))
        end = start + len(stripped)
        if _admits(stripped):
            found.append(Disclosure(start, end, ADMISSION, stripped))
        elif _QUANTITY.search(stripped) and _ADVERSE.search(stripped):
            found.append(Disclosure(start, end, CASE_FACTS, stripped))
    return found


def admits_error(text: str) -> bool:
    """True when some sentence of ``text`` is the resident admitting an error."""
    return any(d.kind == ADMISSION for d in find_disclosures(text))


def export_note(text: str) -> str | None:
    """One warning for a whole exported file, or None when nothing in it needs one.

    For exports the resident keeps for themselves (the journal), where blocking
    would be wrong but the file may still travel: how many sentences admit an
    error or give case facts, and why that matters.
    """
    found = find_disclosures(text)
    if not found:
        return None
    admissions = sum(1 for d in found if d.kind == ADMISSION)
    facts = len(found) - admissions
    parts = []
    if admissions:
        parts.append(f"{admissions} sentence(s) admit an error")
    if facts:
        parts.append(f"{facts} give case facts")
    first = found[0].text if len(found[0].text) <= 80 else found[0].text[:77] + "..."
    return (f"Before this file leaves your machine: {' and '.join(parts)} (first: \"{first}\"). "
            "Outside a protected peer-review channel such notes are usually discoverable; "
            "keep the file private, or reword those passages to how it felt and what you need.")
