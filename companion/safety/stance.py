"""Stance features of one unit of text (a sentence or two neighbouring sentences).

Why: in MiniLM space "the bridge", "the roof" and "a knife" pull ordinary text
toward crisis examples: cosine similarity measures topic, not stance. Whether a
sentence is risk depends on who (the resident or a patient), what (their own
death or harm), intent and time, negation and frame (teaching, a joke, a past
that has resolved). These hand features say that explicitly, and the
classifier in ``model.py`` weighs them together with the sentence vector.

Risk vocabulary comes from the Suicide Risk Lexicon (Low et al., Apache-2.0,
``knowledge/safety/suicide_risk_lexicon.json``): one count per construct.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from pathlib import Path

import numpy as np

from companion.paths import knowledge_dir
from companion.safety.lexicon import SentenceContext, sentence_context

FEATURE_VERSION = 2

_FIRST = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|im|ive|me|my|mine|myself)\b")
_REFLEXIVE = re.compile(r"\bmyself\b|\bmy (?:own )?(?:life|death|body|wrists?|arms?|legs?|skin)\b")
_OTHER = re.compile(
    r"\b(?:he|she|they|him|her|them|his|hers|their|himself|herself|themselves|patients?|pts?|"
    r"someone|somebody|people|family|mother|father|mom|dad|son|daughter|wife|husband|friend|"
    r"colleague|nurse|attending|senior|intern|resident|kid|child|man|woman|guy|team|everyone)\b")
_DEATH = re.compile(
    r"\b(?:die|dies|died|dying|dead|death|deaths|kill\w*|suicid\w*|end (?:it|things|my life)|"
    r"overdos\w*|od|jump\w*|hang\w*|noose|bridge|roof\w*|ledge|edge|tracks|train|gun\w*|pills?|"
    r"rope|knife|knives|blade|razor|cut\w*|bleed\w*|wrists?|poison\w*|lethal|funeral|goodbye|"
    r"gone|disappear\w*|exist\w*|alive|living|live|wake up|sleep forever|unalive\w*|kms|hurt\w*|"
    r"harm\w*|stab\w*|shoot\w*|weapon|pay)\b")
_INTENT = re.compile(
    r"\b(?:want|wanna|wanted|wish|wishing|hope|hoping|going to|gonna|plan\w*|ready|decided|"
    r"intend\w*|tempt\w*|urge\w*|need to|will|i'll|would rather|keep thinking|can't stop|"
    r"fantasi[sz]\w*|imagin\w*|picture\w*|on purpose|deliberately|intentionally)\b")
_TIME = re.compile(
    r"\b(?:tonight|today|right now|this (?:weekend|week|time)|tomorrow|soon|after (?:my|this) "
    r"(?:shift|call)|lately|again|these days|every (?:night|day)|anymore|any more|still)\b")
_PAST = re.compile(r"\b(?:used to|years? ago|back (?:in|when)|in (?:med|medical|high) school|"
                   r"in college|once|previously|in the past|when i was)\b")
_NEGATION = re.compile(r"\b(?:not|no|never|nothing|none|nobody|without)\b|n't\b")
_SECOND_PERSON = re.compile(r"\b(?:you|your|yourself|u|ur)\b")
_LITERAL = re.compile(r"\b(?:for real|seriously|not (?:a|the usual) joke|not joking|not kidding|"
                      r"i mean it|literally)\b")
# An ordinary plan: intent, then an everyday act aimed at a person or a job ("I'm going
# to tell my PD", "tonight I'll call my mum", "end things with him"). Intent and time
# words alone made such plans look like a plan to die (issue 14, false checks).
_EVERYDAY_PLAN = re.compile(
    r"\b(?:going to|gonna|will|i'll|planning to|plan to|want to|decided to|ready to|about to)\s+"
    r"(?:\w+\s+){0,2}?(?:tell|ask|call|text|email|e-mail|message|talk|speak|say sorry|"
    r"apologi[sz]e|meet|book|schedule|quit|resign|switch|transfer|move|leave (?:the|this|my) "
    r"(?:program|job|residency|apartment|hospital|specialty)|hand in|give (?:my )?notice|"
    r"study|submit|finish|swap|drop|sleep|eat|cook|pack|sell|buy|apply|write (?:to|an? email|"
    r"a letter to)|report|complain|escalate|sign up|take (?:a|the|my) (?:day|week|leave|"
    r"vacation|weekend|nap|break))\b"
    r"|\bend (?:it|things) with (?:him|her|them|my \w+)\b")
_CONTEXT_FLAGS = ("negated", "clinical", "education", "resolved", "hyperbole", "humour",
                  "literal", "benign_object")


_BLOCKING = ("negated", "resolved", "clinical", "education", "hyperbole", "humour",
             "benign_object")


def blocked(hand: np.ndarray) -> np.ndarray:
    """Units whose frame says "not the resident's own risk now" (negated, a patient,
    teaching, a resolved past, a figure of speech, a joke not insisted on): the model
    does not vote on them. Explicit phrases are the rules' job, which such frames
    never silence for first-person intent."""
    names = feature_names()
    hand = np.atleast_2d(hand)
    literal = hand[:, names.index("context_literal")] > 0
    out = np.zeros(len(hand), dtype=bool)
    for name in _BLOCKING:
        flag = hand[:, names.index(f"context_{name}")] > 0
        if name in ("hyperbole", "humour"):
            flag &= ~literal
        out |= flag
    return out


def lexicon_path() -> Path:
    return knowledge_dir() / "safety" / "suicide_risk_lexicon.json"


@functools.lru_cache(maxsize=4)
def _lexicon(path: str) -> tuple[tuple[str, ...], tuple[re.Pattern[str], ...], str]:
    raw = Path(path).read_bytes()
    data = json.loads(raw)
    names = tuple(sorted(data["constructs"]))
    patterns = []
    for name in names:
        tokens = sorted({t.strip().lower() for t in data["constructs"][name] if t.strip()},
                        key=len, reverse=True)
        alternatives = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in tokens)
        patterns.append(re.compile(rf"(?<![\w'])(?:{alternatives})(?![\w'])"))
    return names, tuple(patterns), hashlib.sha256(raw).hexdigest()[:16]


def lexicon_constructs() -> tuple[str, ...]:
    return _lexicon(str(lexicon_path()))[0]


def lexicon_hash() -> str:
    return _lexicon(str(lexicon_path()))[2]


def feature_names() -> list[str]:
    base = ["first_person", "reflexive", "other_person", "second_person", "death_word",
            "intent", "time", "past", "negation", "question", "literal",
            "first_x_death", "first_x_intent", "reflexive_x_death", "other_x_death",
            "negation_x_death", "log_words", "rule_crisis_active", "rule_crisis_set_aside",
            "rule_concern_active", "intent_x_death", "first_x_intent_x_death",
            "intent_without_death", "everyday_plan"]
    base += [f"context_{name}" for name in _CONTEXT_FLAGS]
    base += [f"srl:{name}" for name in lexicon_constructs()]
    return base


def _has(pattern: re.Pattern[str], text: str) -> float:
    return 1.0 if pattern.search(text) else 0.0


def hand_features(unit: str, ctx: SentenceContext | None = None,
                  rules: tuple[float, float, float] = (0.0, 0.0, 0.0)) -> np.ndarray:
    """Stance features of one normalised unit (lower case, straight quotes).

    Args:
        unit: the sentence (or pair) after ``sentences.normalise``.
        ctx: its context flags (computed if not given).
        rules: (crisis rule active, crisis rule set aside, concern rule active) in the unit.
    """
    ctx = ctx or sentence_context(unit, unit)
    first = _has(_FIRST, unit)
    reflexive = _has(_REFLEXIVE, unit)
    other = _has(_OTHER, unit)
    death = _has(_DEATH, unit)
    intent = _has(_INTENT, unit)
    negation = _has(_NEGATION, unit)
    words = max(1, len(unit.split()))
    values = [first, reflexive, other, _has(_SECOND_PERSON, unit), death, intent,
              _has(_TIME, unit), _has(_PAST, unit), negation, 1.0 if "?" in unit else 0.0,
              _has(_LITERAL, unit), first * death, first * intent, reflexive * death,
              other * death * (1.0 - first), negation * death, float(np.log1p(words)) / 4.0,
              *rules, intent * death, first * intent * death, intent * (1.0 - death),
              _has(_EVERYDAY_PLAN, unit)]
    values += [1.0 if getattr(ctx, name) else 0.0 for name in _CONTEXT_FLAGS]
    _, patterns, _ = _lexicon(str(lexicon_path()))
    values += [min(3.0, float(len(p.findall(unit)))) for p in patterns]
    return np.asarray(values, dtype=np.float32)


def rule_flags(unit: str) -> tuple[float, float, float]:
    """Whether a crisis rule fires (active / set aside) or a concern rule fires in the unit."""
    from companion.safety.lexicon import scan_sentences

    hits, _ = scan_sentences([unit], unit)
    crisis_active = any(h.active and h.level == "crisis" for h in hits)
    # a crisis rule the context downgraded to a question counts as set aside
    crisis_aside = any((not h.active and h.level == "crisis") or h.downgraded_by for h in hits)
    concern = any(h.active and h.level in ("concern", "check") and not h.downgraded_by
                  for h in hits)
    return float(crisis_active), float(crisis_aside), float(concern)


def unit_texts(sentences: list[str]) -> list[str]:
    """Each sentence, then each pair of neighbours (a meaning can span two sentences)."""
    return [*sentences, *(f"{a} {b}" for a, b in zip(sentences, sentences[1:], strict=False))]


def unit_vectors(vectors: np.ndarray) -> np.ndarray:
    """Sentence vectors, then each pair's normalised sum (the model mean-pools tokens, so
    this approximates embedding the pair at no extra cost)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if len(vectors) < 2:
        return vectors
    pairs = vectors[:-1] + vectors[1:]
    pairs = pairs / np.linalg.norm(pairs, axis=1, keepdims=True).clip(min=1e-9)
    return np.vstack([vectors, pairs])
