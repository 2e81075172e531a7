"""Combine the lexicon, the semantic signal and the conversation into one decision.

Order of precedence, most specific first:

1. An active lexicon crisis rule (explicit first-person intent, plan, means,
   self-harm, harm to others) is a crisis whatever else the message says.
2. A sentence (or a pair of neighbouring sentences, since meaning can span two)
   that is semantically much closer to crisis examples than to safe ones is a
   crisis, unless that sentence is negated, clinical, teaching, a resolved past,
   hyperbole or a joke.
3. The conversation (last four turns): after a concern, a near-crisis sentence
   now (weaker semantic evidence) is escalated to crisis. After a crisis not yet
   answered by "I'm safe", a concern or near-crisis message is a crisis and an
   ordinary one a concern; "I'm safe" after a crisis is a concern, so the
   resources stay in view while the resident continues.
4. Concern phrases or semantic closeness to concern examples give ``concern``.

Anything else is ``none``. Resources are attached for crisis and concern.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, cast

import numpy as np

from companion.safety.check import SafetyMemory, model_evidence_key
from companion.safety.lexicon import LexiconHit, SentenceContext, scan_sentences
from companion.safety.resources import Resource, resources_or_fallback
from companion.safety.sentences import normalise, split_sentences
from companion.textnorm import normalise_for_matching

log = logging.getLogger(__name__)

Level = Literal["none", "concern", "check", "crisis"]
_RANK = {"none": 0, "concern": 1, "check": 2, "crisis": 3}

# Semantic thresholds (cosine, all-MiniLM-L6-v2), chosen on leave-one-out runs
# over knowledge/safety; see the module docstring of companion.safety for limits.
CRISIS_MARGIN = 0.08
CRISIS_FLOOR = 0.38
NEAR_MARGIN = 0.03
NEAR_FLOOR = 0.33
CONCERN_MARGIN = 0.02
CONCERN_FLOOR = 0.42
HISTORY_TURNS = 4
NEAR_BELOW = 0.15  # a stance this close under the check threshold counts as "near"
# A message this many turns after the screen or the question may be the answer in words.
ANSWER_TURNS = 2

_SAID_SAFE = re.compile(
    r"\b(?:i'?m|i am|i feel|i'?ll be|i will be) (?:safe|okay|ok|alright|all right|fine)\b"
    r"|\bnot going to (?:do|act on|go through with) (?:anything|it)\b"
    r"|\bi won'?t (?:do|act on|go through with) (?:anything|it)\b"
    r"|\bi'?m not in danger\b|\bno (?:plan|intent)\b"
)


@dataclass
class SafetyResult:
    """The screen's verdict on one message.

    ``level``: ``crisis`` (resources at once), ``check`` (ask the direct question),
    ``concern`` (distress without risk signs: a supportive line, nothing interrupts)
    or ``none``. ``resources`` is non-empty whenever they should stay visible, which
    after an answered crisis can be true at level ``none``. ``evidence`` maps what
    fired in this message ("rule:<name>", "model:<statement digest>") to its strength
    (1.0 for a rule).
    """

    level: Level
    reasons: list[str] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    evidence: dict[str, float] = field(default_factory=dict)
    warning: str = ""  # e.g. the resources file is broken and the built-in ones are shown

    @property
    def is_crisis(self) -> bool:
        return self.level == "crisis"

    def to_dict(self) -> dict:
        return {"level": self.level, "reasons": list(self.reasons),
                "resources": [resource.to_dict() for resource in self.resources],
                "evidence": dict(self.evidence), "warning": self.warning}


@dataclass
class _Signals:
    """Everything the screen learned about one message before looking at history."""

    level: Level
    reasons: list[str]
    near_crisis: bool
    evidence: dict[str, float] = field(default_factory=dict)


class SafetyScreen:
    """Holds the example vectors and the resources; ``screen`` is cheap per message.

    Args:
        embedder: anything with ``encode``; defaults to the bundled model. Pass
            ``False`` to run the lexicon and history signals only (no model).
        resources: override the resources (else read from knowledge/resources.yaml).
        model: a :class:`~companion.safety.model.StanceModel`; default the shipped one;
            ``False`` to use nearest neighbours instead (the old, topical signal).
    """

    def __init__(self, embedder=None, resources: Sequence[Resource] | None = None,
                 examples=None, model=None):
        self.resources_warning = ""
        if resources is not None:
            self.resources = list(resources)
        else:
            self.resources, self.resources_warning = resources_or_fallback()
        if not self.resources:
            from companion.safety.resources import FALLBACK_RESOURCES

            self.resources = list(FALLBACK_RESOURCES)
            self.resources_warning = "No resources were given; showing the built-in ones."
        self.semantic = None
        self.model = None
        self.model_problem = ""
        if embedder is not False:
            from companion.safety.model import StanceModelError, load_model
            from companion.safety.semantic import SemanticSignal

            if embedder is None:
                from companion.retrieval.embedding import get_embedder

                embedder = get_embedder()
            self.semantic = SemanticSignal(embedder, examples)
            if model is not False:
                try:
                    self.model = model or load_model(embedder.fingerprint)
                except StanceModelError as exc:  # nearest neighbours ask instead (weaker)
                    self.model_problem = str(exc)
                    log.warning("stance model not used: %s", exc)

    def screen(self, text: str, history: Sequence[str] = (),
               memory: SafetyMemory | None = None) -> SafetyResult:
        """Screen one message, given the resident's earlier messages (oldest first).

        The text is normalised for matching first (fullwidth, look-alike letters,
        zero-width characters and escape sequences cannot hide a phrase); callers
        keep and store the resident's original. ``memory`` holds the resident's
        answers in this session (the crisis screen's "I'm safe", a check's "no"):
        answered evidence never raises the screen again unless clearly stronger.
        """
        text = normalise_for_matching(text)
        current = self._signals(text)
        level, reasons = current.level, list(current.reasons)
        recent = [normalise_for_matching(turn) for turn in list(history)[-HISTORY_TURNS:]
                  if turn and turn.strip()]
        keep_resources = False
        asked_before = False
        if level != "crisis":
            level, reasons, keep_resources, asked_before = self._apply_history(
                text, current, recent, level, reasons, memory)
        if (level == "check" and asked_before and _answered(memory)
                and _model_only(current.evidence) and _SAID_SAFE.search(normalise(text))):
            reasons.append("answered: right after the question the resident says in words that "
                           "they are safe; the model alone does not ask again")
            level, keep_resources = "none", True
        if level == "check" and memory is not None and memory.already_answered(current.evidence):
            reasons.append("answered: the resident already said no to this evidence")
            level, keep_resources = "none", True
        resources = list(self.resources) if level != "none" or keep_resources else []
        return SafetyResult(level, reasons, resources, dict(current.evidence),
                            self.resources_warning if resources else "")

    def _apply_history(self, text: str, current: _Signals, recent: list[str], level: Level,
                       reasons: list[str], memory: SafetyMemory | None
                       ) -> tuple[Level, list[str], bool, bool]:
        """History can keep resources in view or pair two weak signals; it never repeats
        a crisis the resident has answered. The last flag: one of the last two messages
        raised the screen or the question (so this message may be the answer in words)."""
        if not recent:
            return level, reasons, False, False
        earlier = [self._signals(turn) for turn in recent]
        asked = any(s.level in ("check", "crisis") for s in earlier[-ANSWER_TURNS:])
        level, reasons, keep = self._history_level(text, current, recent, earlier, level,
                                                   reasons, memory)
        return level, reasons, keep, asked

    def _history_level(self, text: str, current: _Signals, recent: list[str],
                       earlier: list[_Signals], level: Level, reasons: list[str],
                       memory: SafetyMemory | None) -> tuple[Level, list[str], bool]:
        """The level after the earlier messages' signals (and whether resources stay)."""
        crisis_at = max((i for i, s in enumerate(earlier) if s.level == "crisis"), default=None)
        if crisis_at is not None:
            said_safe = (bool(_SAID_SAFE.search(normalise(text)))
                         or any(_SAID_SAFE.search(normalise(turn))
                                for turn in recent[crisis_at + 1:]))
            if said_safe or (memory is not None and memory.crisis_answered):
                reasons.append("history: crisis earlier, the resident said they are safe; "
                               "resources stay visible")
                return level, reasons, True
            reasons.append("history: crisis earlier in the conversation, not yet answered")
            if _RANK[level] >= _RANK["check"]:
                return "crisis", reasons, True
            if current.near_crisis or level == "concern":
                return "check", reasons, True
            return level, reasons, True
        if (level in ("none", "concern") and current.near_crisis
                and any(s.level in ("concern", "check") for s in earlier)):
            reasons.append("history: distress earlier and an indirect statement now")
            return "check", reasons, False
        return level, reasons, False

    def _signals(self, text: str) -> _Signals:
        sentences = split_sentences(text)
        hits, contexts = scan_sentences(sentences, text)
        reasons: list[str] = []
        level: Level = "none"
        evidence: dict[str, float] = {}
        for hit in hits:
            if hit.active:
                reasons.append(f"lexicon:{hit.rule} ({hit.kind}): \"{hit.phrase}\"")
                level = _max(level, cast(Level, hit.level))
                if hit.level in ("crisis", "check"):
                    evidence[f"rule:{hit.rule}"] = 1.0
        near = False
        # An explicit phrase already decided crisis; the model would only add latency.
        if self.semantic is not None and sentences and level != "crisis":
            sem_level, sem_reasons, near, strength, unit = self._semantic(
                sentences, contexts, hits)
            level = _max(level, sem_level)
            reasons.extend(sem_reasons)
            if sem_level == "check":
                evidence[model_evidence_key(unit)] = strength
        if level != "crisis":
            suppressed = [hit for hit in hits if not hit.active and hit.level == "crisis"]
            reasons.extend(f"set aside:{hit.rule} ({hit.suppressed_by})" for hit in suppressed)
        return _Signals(level, reasons, near or _RANK[level] >= _RANK["check"], evidence)

    def _semantic(self, sentences: list[str], contexts: list[SentenceContext],
                  hits: list[LexiconHit]) -> tuple[Level, list[str], bool, float, str]:
        """Model evidence alone never decides crisis: at most it asks (``check``).

        Also returns the sentence (or pair) that scored highest: a "no" answers that
        statement, not whatever the model flags later in the session.
        """
        units: list[tuple[str, tuple[int, ...]]] = [(s, (i,)) for i, s in enumerate(sentences)]
        units += [(f"{a} {b}", (i, i + 1))
                  for i, (a, b) in enumerate(zip(sentences, sentences[1:], strict=False))]
        assert self.semantic is not None, "only called when the model signal is on"
        normalised = [normalise(sentence) for sentence in sentences]
        scores = self.semantic.score_sentences(normalised)
        if self.model is not None:
            return self._stance(normalised, scores)
        level: Level = "none"
        reasons: list[str] = []
        near = False
        strength = 0.0
        unit_text = ""
        # A sentence where a phrase rule fired but was set aside (negated, a patient,
        # a benign reason) is not re-flagged by its mere resemblance to crisis talk.
        set_aside = {hit.sentence for hit in hits if not hit.active and hit.level == "crisis"}
        for (unit, members), score in zip(units, scores, strict=True):
            reason = next((contexts[i].figurative_or_other for i in members
                           if contexts[i].figurative_or_other), None)
            if reason or any(i in set_aside for i in members):
                continue
            if score.margin >= CRISIS_MARGIN and score.crisis >= CRISIS_FLOOR:
                if level != "check":
                    reasons.append(f"semantic: close to crisis example \"{score.nearest_crisis}\" "
                                   f"(margin {score.margin:.2f})")
                level = "check"
                if min(1.0, score.margin / 0.3) > strength:
                    strength, unit_text = min(1.0, score.margin / 0.3), unit
            elif score.margin >= NEAR_MARGIN and score.crisis >= NEAR_FLOOR:
                near = True
            if (score.concern - score.safe >= CONCERN_MARGIN and score.concern >= CONCERN_FLOOR
                    and level == "none"):
                level = "concern"
                reasons.append(f"semantic: close to concern examples ({score.concern:.2f})")
        return level, reasons, near, strength, unit_text


    def _stance(self, sentences: list[str], scores
                ) -> tuple[Level, list[str], bool, float, str]:
        """The trained head over every sentence and pair: its probability can only ask."""
        from companion.safety.stance import (
            blocked,
            hand_features,
            rule_flags,
            unit_texts,
            unit_vectors,
        )

        semantic, model = self.semantic, self.model
        assert semantic is not None and model is not None  # callers check both first
        texts = unit_texts(sentences)
        vectors = unit_vectors(semantic.embedder.encode(sentences))
        hand = np.stack([hand_features(text, rules=rule_flags(text)) for text in texts])
        probs = model.probabilities(vectors, hand)
        probs[blocked(hand)] = 0.0
        best = int(np.argmax(probs))
        strength = float(probs[best])
        threshold = model.check_threshold
        level: Level = "none"
        reasons: list[str] = []
        if strength >= threshold:
            level = "check"
            reasons.append(f"model: stance {strength:.2f} >= {threshold:.2f} on \"{texts[best]}\"")
        for score in scores:
            if (level == "none" and score.concern - score.safe >= CONCERN_MARGIN
                    and score.concern >= CONCERN_FLOOR):
                level = "concern"
                reasons.append(f"semantic: close to concern examples ({score.concern:.2f})")
        return level, reasons, strength >= threshold - NEAR_BELOW, strength, texts[best]


def _answered(memory: SafetyMemory | None) -> bool:
    """The resident has answered the screen or the question in this session."""
    return memory is not None and (memory.crisis_answered or bool(memory.answered))


def _model_only(evidence: dict[str, float]) -> bool:
    """Only the stance head asks (no phrase rule): the weakest evidence there is."""
    return bool(evidence) and all(key.startswith("model:") for key in evidence)


def _max(a: Level, b: Level) -> Level:
    return a if _RANK[a] >= _RANK[b] else b


_default: SafetyScreen | None = None
_lock = threading.Lock()


def default_screen() -> SafetyScreen:
    """The process-wide screen (bundled model, default resources), built on first use."""
    global _default
    with _lock:
        if _default is None:
            _default = SafetyScreen()
        return _default


def screen(text: str, history: Sequence[str] = (),
           memory: SafetyMemory | None = None) -> SafetyResult:
    """Screen one message with the process-wide :class:`SafetyScreen`."""
    return default_screen().screen(text, history, memory)
