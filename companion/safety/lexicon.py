"""Curated phrase rules: the signal that never misses a plainly stated crisis.

Every rule has a *kind* (what it detects), a *level* (crisis or concern) and a
*strength*:

- ``explicit``: first-person intent, plan, means or self-harm ("kill myself",
  "stockpiling my pills", "hope I don't wake up"). Only a negation in the same
  clause, a quotation of someone else, or a resolved past silences it; clinical,
  teaching and humour context never do, so "my patient attempted suicide and I
  keep thinking about killing myself too" is a crisis.
- ``contextual``: words that are often about someone else or figurative
  ("suicidal ideation", "overdose", "going to kill him"); they also step aside
  for clinical talk, teaching, hyperbole and jokes.

The rules are deliberately about meaning (verbs + first person + object), not
single words, so "this rotation is killing me" or "I'd kill for sleep" never match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from companion.safety import context
from companion.safety.rules import RULES, Rule
from companion.safety.sentences import clause_start, normalise, split_sentences


@dataclass(frozen=True)
class LexiconHit:
    """A rule that fired on one sentence, and why it was kept or set aside."""

    rule: str
    kind: str
    level: str
    sentence: int
    phrase: str
    suppressed_by: str | None = None  # e.g. "negation", "clinical", "resolved-history"
    downgraded_by: str | None = None  # a crisis rule that only asks: "someone-else", ...

    @property
    def active(self) -> bool:
        return self.suppressed_by is None


@dataclass(frozen=True)
class SentenceContext:
    """What the context rules say about one sentence (shared with the semantic signal)."""

    text: str
    negated: bool
    clinical: bool
    education: bool
    resolved: bool
    hyperbole: bool
    humour: bool
    literal: bool
    benign_object: bool = False

    @property
    def figurative_or_other(self) -> str | None:
        """The first context that says 'not the resident's own crisis now', if any."""
        for name in ("negated", "resolved", "clinical", "education", "hyperbole", "humour",
                     "benign_object"):
            if getattr(self, name) and not (self.literal and name in ("hyperbole", "humour")):
                return name
        return None


def sentence_context(sentence: str, message: str) -> SentenceContext:
    """Apply every context rule to one normalised sentence."""
    return SentenceContext(
        text=sentence,
        negated=context.has_negated_statement(sentence),
        clinical=context.is_clinical(sentence),
        education=context.is_education(sentence),
        resolved=context.is_resolved_history(sentence, message),
        hyperbole=context.is_hyperbole(sentence),
        humour=context.is_humour(sentence),
        literal=context.is_literal(sentence),
        benign_object=context.is_benign_object(sentence),
    )


def _frame(rule: Rule, ctx: SentenceContext, match: re.Match[str],
           message: str) -> tuple[str | None, str | None]:
    """How the message frames one rule hit: ``(set_aside_by, downgraded_by)``.

    Set aside: the hit is not the resident's own present state (negated in its clause,
    quoted from someone else, a question the resident answered no, a past the message
    says is over); the stance head alone decides. Downgraded: a crisis rule that is
    probably not meant as said (someone else is the subject, a self-quote or figure of
    speech the message disowns) asks the one question (``check``) instead of the full
    screen. First-person present intent is never framed away: "I said I was fine but I
    want to die" stays a crisis.
    """
    sentence = ctx.text
    if context.is_negated(sentence, match.start()):
        return "negation", None
    speaker = context.quoted_speaker(sentence, match.start())
    if speaker == "other":
        return "reported-speech", None
    if context.in_answered_question(sentence, match.start(), message):
        return "answered-question", None
    if context.in_resolved_past(sentence, match.end(), message):
        return "resolved-history", None
    if rule.name in _GAP_RULES and context.is_negated(match.group(0), len(match.group(0))):
        return "negation", None
    first_person = _first_person(sentence, match)
    if rule.needs_first_person and not first_person:
        return "not-first-person", None
    # "who gets the payout when I'm dead" on a life-insurance form is paperwork, not a plan.
    if (rule.name == "plan" and re.match(r"(?:after|when|once) ", match.group(0))
            and _BENIGN_PLANNING.search(message)):
        return "benign-reason", None
    if rule.strength == "explicit" and first_person:
        if rule.level != "crisis" or ctx.literal or context.still_at_risk(message):
            return None, None
        if speaker == "first" and _DISOWNED.search(message):
            return None, "disowned-quote"
        if _HYPERBOLIC_CONDITIONAL.search(sentence):
            return None, "figure-of-speech"
        return None, None
    if rule.name in ("giving-away", "goodbye-notes") and _BENIGN_GIVING.search(message):
        return "benign-reason", None
    for name in ("clinical", "education", "hyperbole", "humour"):
        if getattr(ctx, name) and not (ctx.literal and name in ("hyperbole", "humour")):
            return name, None
    if rule.strength == "explicit" and rule.level == "crisis" and not first_person:
        return None, "someone-else"
    return None, None


# A self-quote ("I yelled 'I want to die'") the message itself takes back.
_DISOWNED = re.compile(
    r"\b(?:i don'?t(?: really)?(?: mean it)?[,.]|i didn'?t mean (?:it|that)|not serious|"
    r"(?:just )?a (?:thing|figure of speech|saying) (?:people say|everyone says)|"
    r"just an expression|as a joke)"
)
# "if I have to write one more discharge summary I'll throw myself off the roof": a
# complaint; it asks the question rather than raising the screen. Jokes and "lol" alone
# never downgrade (young residents in crisis often write both).
_HYPERBOLIC_CONDITIONAL = re.compile(
    r"\bif i (?:have|had|'?ve got) to (?:\w+ ){1,2}(?:one more|another|more|again)\b"
)


_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|my|myself)\b")
# Rules with a word gap inside the pattern, where a negation can hide in the match itself.
_GAP_RULES = frozenset({"suicidal-self", "overdose-self", "harm-others-urge", "means",
                        "thoughts-of-dying", "method-thoughts"})


def _first_person(sentence: str, match: re.Match[str]) -> bool:
    """Is the resident the subject? The phrase itself, else the nearest subject before it."""
    if _FIRST_PERSON.search(match.group(0)):
        return True
    subject = context.subject_before(sentence[clause_start(sentence, match.start()):match.start()])
    if subject is None:
        subject = context.subject_before(sentence[:match.start()])
    return subject != "other"
_BENIGN_PLANNING = re.compile(
    r"\b(?:term life|life insurance (?:application|policy|form|quote)|application wants|"
    r"beneficiar\w*|payout|estate (?:lawyer|attorney|planning)|do(?:ing)? (?:the|a|my) will|"
    r"write (?:a|my) will|newborn|\d+-week-old|the baby|our baby|pension|401k|retirement plan)\b"
)
_BENIGN_GIVING = re.compile(
    r"\b(?:since i'?m|since i got|because i'?m|moving|move|fellowship|graduat\w*|new one|"
    r"upgrad\w*|incoming|donat\w*|declutter\w*|last day|end of (?:the )?(?:rotation|block|year)|"
    r"retir\w*|baby|wedding|farewell party|transferr?\w*|new job|"
    r"leaving (?:the|this|my) (?:program|hospital|city|job|practice))\b"
)


def _weight(hit: LexiconHit) -> int:
    """Full hit over downgraded hit over set-aside hit."""
    return 0 if not hit.active else 1 if hit.downgraded_by else 2


def scan_sentences(sentences: list[str], message: str) -> tuple[list[LexiconHit],
                                                                 list[SentenceContext]]:
    """Run every rule on every (already split) sentence of a message.

    Returns:
        All hits (active and suppressed) and the context of each sentence.
    """
    norm_message = normalise(message)
    hits: list[LexiconHit] = []
    contexts: list[SentenceContext] = []
    for index, raw in enumerate(sentences):
        sentence = normalise(raw)
        ctx = sentence_context(sentence, norm_message)
        contexts.append(ctx)
        for rule in RULES:
            if rule.requires is not None and not rule.requires.search(sentence):
                continue
            if (rule.message_requires is not None
                    and not rule.message_requires.search(norm_message)):
                continue
            best: LexiconHit | None = None
            for match in rule.pattern.finditer(sentence):
                reason, downgrade = _frame(rule, ctx, match, norm_message)
                level = "check" if downgrade else rule.level
                hit = LexiconHit(rule.name, rule.kind, level, index, match.group(0), reason,
                                 downgrade)
                if best is None or _weight(hit) > _weight(best):
                    best = hit
                if hit.active and hit.downgraded_by is None:
                    break  # one full hit per rule and sentence is enough
            if best is not None:
                hits.append(best)
    return hits, contexts


def scan(message: str) -> list[LexiconHit]:
    """Convenience: split a message and return its lexicon hits."""
    hits, _ = scan_sentences(split_sentences(message), message)
    return hits
