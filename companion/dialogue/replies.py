"""What kind of reply the resident just gave: explicit, high-precision patterns only.

Each recogniser answers one narrow question (is this a clinical-judgement question?
a plan? an admission of an error? a one-word feeling correction?) and is used only
where a wrong answer costs little: the engine falls back to the ordinary turn.
"""

from __future__ import annotations

import re

from companion.dialogue.feelings import FEELINGS

SHORT_WORDS = 5
"""Replies under this many words are short: quick choices, no mentor topic, no cards."""
RAMBLING_WORDS = 110
"""A message at least this long, touching several topics, gets a one-line summary."""

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+|;\s+")
_WORD = re.compile(r"[\w'’-]+")


def words(text: str) -> int:
    return len(_WORD.findall(text))


def split_sentences(text: str) -> list[str]:
    """Sentences (and semicolon clauses) of a message, stripped, at least two words."""
    return [s.strip() for s in _SENTENCE.split(text) if words(s) >= 2]


def is_short(text: str) -> bool:
    return words(text) < SHORT_WORDS


# --------------------------------------------------------------- clinical judgement
_CALLS = (r"(?:waited|called|given|gave|ordered|started|stopped|intubated|admitted|discharged|"
          r"escalated|pushed|held|transfused|scanned|paged|gone|stayed|done|said|checked|"
          r"treated|sent)")
_CLINICAL = re.compile(
    r"\b(?:did i (?:do|make) the right (?:thing|call|decision|choice)"
    r"|was (?:it|that|i) (?:the )?(?:right|wrong|okay|ok|reasonable|safe) "
    r"(?:call|thing|decision|choice|to)\b"
    r"|was that (?:the )?(?:right|wrong|correct) (?:call|decision|thing|choice)"
    r"|should i have (?:\w+ ){0,3}" + _CALLS
    + r"|would you have (?:\w+ ){0,3}" + _CALLS
    + r"|was (?:waiting|calling|giving|holding|discharging|admitting) .{0,40}(?:right|wrong|"
    r"a mistake|the right call)"
    r"|what should i have done"
    r"|did i miss something clinically)",
    re.IGNORECASE)


def clinical_question(text: str) -> str | None:
    """The sentence asking for a judgement on a clinical call, if there is one."""
    for sentence in split_sentences(text) or [text]:
        if _CLINICAL.search(sentence):
            return sentence
    return None


# --------------------------------------------------------------- explicit asks
_ASK = re.compile(
    r"\b(?:i'?d (?:like to |want to |love to )?ask|i would (?:like to )?ask|i want to (?:ask|know|"
    r"learn|understand|figure out)|i'?d (?:like|want|love) to (?:know|learn|understand|hear)|"
    r"i (?:need|want) (?:help|advice) (?:with|on)|should i\b|how do (?:i|you|people)\b|"
    r"how did (?:she|he|they|you)\b|i wonder (?:if|whether|how)|i'?m wondering|"
    r"ask (?:my |her |him |them )?(?:mentor|senior|attending|pd|chief|program director)?\s?"
    r"(?:how|whether|what|if|about|for)\b|what'?s the best way to|is it (?:ok|okay|normal) to)",
    re.IGNORECASE)


def explicit_asks(text: str) -> list[str]:
    """Sentences in which the resident states a question or something they want to learn."""
    return [s for s in split_sentences(text) if _ASK.search(s) or s.rstrip().endswith("?")]


_ASK_LEAD = re.compile(
    r"^(?:and |also |so |but )?(?:i'?d (?:like to |want to |love to )?ask (?:my \w+ |her |him |"
    r"them )?|i would (?:like to )?ask (?:my \w+ |her |him |them )?|i want to ask (?:my \w+ |"
    r"her |him |them )?|i want to know |i'?d (?:like|want|love) to know )",
    re.IGNORECASE)


def as_question(sentence: str) -> str:
    """The resident's own words as one question for the mentor ("I'd ask how..." -> "How...?")."""
    text = _ASK_LEAD.sub("", sentence.strip()).strip().rstrip(".!")
    if not text:
        text = sentence.strip().rstrip(".!")
    text = text[:1].upper() + text[1:]
    return text if text.endswith("?") else text + "?"


# --------------------------------------------------------------- plans
_PLAN = re.compile(
    r"\b(?:i'?ll|i will|i'?m going to|i am going to|i'?m gonna|my plan is|the plan is|plan:|"
    r"next step(?: is)?:?|tomorrow i|tonight i|tonight,|this week:|i'?m (?:telling|calling|"
    r"booking|emailing|texting)|i need to actually|going to (?:call|email|ask|text|book|tell))",
    re.IGNORECASE)


def plan_statement(text: str) -> str | None:
    """The sentence in which the resident names something they will do, if any."""
    for sentence in split_sentences(text) or [text]:
        if _PLAN.search(sentence) and words(sentence) >= 3:
            return sentence
    return None


# --------------------------------------------------------------- admissions of an error
_ADMISSION = re.compile(
    r"\b(?:i (?:gave|ordered|put in|wrote|prescribed|pushed|hung|charted|entered|placed|signed) "
    r"(?:\w+ ){0,6}?(?:wrong|instead of|too much|double|twice|extra|the other)"
    r"|i (?:missed|overlooked|forgot|didn'?t (?:check|see|notice|go|look|catch|call|order|"
    r"examine|review)|failed to|never (?:checked|called|looked))"
    r"|(?:my|it was my|that was my) (?:mistake|error|fault|order)"
    r"|i (?:made|caused) (?:a|the|an) (?:mistake|error|med(?:ication)? error)"
    r"|i said (?:to )?(?:give|push|hold|increase|decrease)"
    r"|wrong (?:dose|patient|drug|med\w*|site|side|units?)"
    r"|extra zero|(?:ten|10)[- ]?fold|instead of going to (?:look|see)"
    r"|\d+\s?(?:units?|mg|mcg|ml)\b.{0,20}\binstead of\b)",
    re.IGNORECASE)


def admission_sentences(text: str) -> list[str]:
    """Sentences that admit or describe an error: never quoted, never a mentor topic."""
    return [s for s in split_sentences(text) or [text] if _ADMISSION.search(s)]


def is_admission(sentence: str) -> bool:
    return bool(_ADMISSION.search(sentence))


# --------------------------------------------------------------- what happened (adverse event)
_DIED = re.compile(r"\b(?:died|dead|passed away|passed overnight|death|didn'?t make it|"
                   r"we lost (?:him|her|them|the (?:patient|baby|kid))|coded and|called the code|"
                   r"pronounced|stillbirth|withdrew care)\b", re.IGNORECASE)
_NEAR_MISS = re.compile(r"\b(?:near miss|nearly (?:gave|gotten|got|went)|almost (?:gave|went|"
                        r"happened|got)|caught it before|before it (?:was given|got to|reached|"
                        r"went)|before (?:he|she|they) got it|never reached|didn'?t reach|"
                        r"pharmacist caught|pharmacy caught|stopped it in time|caught in time)",
                        re.IGNORECASE)
_ERROR = re.compile(r"\b(?:mistake|error|wrong|missed|forgot|instead of|should have|"
                    r"my fault|overdose|extra zero|tenfold|delay(?:ed)?|didn'?t (?:check|go|look))",
                    re.IGNORECASE)
_HARM = re.compile(r"\b(?:harm(?:ed)?|hurt|injur\w+|icu|transferred|intubated|emergency surgery|"
                   r"fasciotomy|compartment|permanent|damage|brain|arrest(?:ed)?|coded|"
                   r"got worse|deteriorated|seizure|bleed|lost (?:the|his|her) (?:leg|foot|eye))",
                   re.IGNORECASE)
_NO_HARM = re.compile(r"\b(?:no harm|(?:is|he'?s|she'?s|they'?re|totally|completely) (?:fine|ok|"
                      r"okay|stable)|unharmed|recovered|no lasting|nothing happened)\b",
                      re.IGNORECASE)


def event_kind(text: str) -> str | None:
    """What happened (one of ``flows.EVENTS``) for the adverse-event flow, or None."""
    if _DIED.search(text):
        return "died"
    if _NEAR_MISS.search(text):
        return "near_miss"
    if _ERROR.search(text) or admission_sentences(text):
        if _NO_HARM.search(text):
            return "no_harm"
        if _HARM.search(text):
            return "harm"
        return "no_harm" if re.search(r"\bcaught\b", text, re.IGNORECASE) else "harm"
    return None


# --------------------------------------------------------------- feeling corrections
_FEELING_WORDS = {
    "exhausted": ("exhausted", "tired", "drained", "wiped", "knackered", "worn out"),
    "frustrated": ("frustrated", "angry", "annoyed", "irritated", "mad", "furious", "pissed"),
    "anxious": ("anxious", "worried", "scared", "nervous", "afraid", "stressed"),
    "sad": ("sad", "down", "low", "heartbroken", "upset", "grieving"),
    "guilty": ("guilty", "ashamed", "shame", "bad about it", "responsible"),
    "numb": ("numb", "empty", "flat", "nothing", "blank", "hollow"),
    "lonely": ("lonely", "alone", "isolated"),
    "overwhelmed": ("overwhelmed", "swamped", "drowning", "too much"),
    "hopeful": ("hopeful", "good", "proud", "happy", "relieved", "excited", "better"),
    "neutral": ("fine", "ok", "okay", "neutral", "calm"),
}
# A bare "ok" answers "Did I get that right?" (a yes); "I'm ok" still names a feeling.
_CONFIRM = re.compile(r"^\s*(?:(?:yes|yeah|yep|yup)(?:\W+(?:ok|okay))?|ok|okay|sure|right|"
                      r"exactly|spot on|that'?s (?:right|it)|pretty much|sort of|kind of|"
                      r"i guess|you did)\W*$", re.IGNORECASE)


def feeling_correction(text: str) -> str | None:
    """A feeling named in a word or two ("more guilty", "no, numb"), "same" for a yes, or None."""
    if words(text) > 4:
        return None
    if _CONFIRM.match(text):
        return "same"
    lowered = re.sub(r"^(?:no|nah|not really|more|mostly|actually|i'?m|i feel|just)[,\s]+", "",
                     text.strip().lower())
    lowered = re.sub(r"^(?:more|mostly|just|really|kind of|i'?m|i feel)\s+", "", lowered)
    lowered = lowered.strip(" .!")
    for feeling in FEELINGS:
        if lowered in _FEELING_WORDS[feeling]:
            return feeling
    return None


def brief(text: str, limit: int = 160) -> str:
    """``text`` on one line, cut at a word to at most ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
