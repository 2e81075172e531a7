"""Safety screen: find crisis language in every message before anything else sees it.

Why: residents have high rates of depression and suicidal thoughts. Missing
"everyone would be better off without me" is dangerous; alarming at "this rotation
is killing me" teaches people to ignore the alarm. ``screen(text, history, memory)``
runs first on every message (normalised first: fullwidth, look-alike letters,
zero-width characters and escapes cannot hide a phrase, see ``companion.textnorm``)
and returns ``SafetyResult(level, reasons, resources, evidence, warning)``.

Three outcomes (plus a quiet fourth):

- ``crisis``: a curated rule fired (explicit or clearly indirect: intent, plan,
  means, method or timing research, goodbye behaviour, self-harm, harm to others
  with intent, slang such as "unalive myself"). Resources at once.
- ``check``: weaker evidence (the stance model alone, ambiguous slang such as a bare
  "kms", one euphemism such as "not be here", "final", a high place with "I").
  The companion asks one direct question (yes / no / not sure, ``check.py``); yes or
  not sure is a crisis, no lets the reflection go on and the same evidence does not
  ask again in the session.
- ``concern``: distress without risk signs; one supportive line, nothing interrupts.
- ``none``.

Signals (combined in ``screen.py``):

1. **Lexicon** (``rules.py``, ``lexicon.py``, ``context.py``): phrase families on
   meaning (verb + first person + object), set aside when negated in the clause,
   about a patient, teaching, a resolved past, hyperbole or a joke; explicit
   first-person intent is never set aside by clinical, teaching or humour context.
2. **Stance model** (``stance.py``, ``model.py``, trained by ``train.py``): a
   logistic head over the MiniLM vector of every sentence and neighbouring pair plus
   stance features (first person, own death or harm vs another's, intent, time,
   negation, frame, Suicide Risk Lexicon construct counts). It replaced nearest-
   neighbour similarity, which measures topic ("the bridge", "a knife") rather than
   stance. Its probability only ever asks (``check``); units framed as negated,
   clinical, teaching, resolved, figurative or benign do not vote. If its file is
   missing or stale the screen falls back to nearest neighbours (``semantic.py``) and
   ``kb check`` / ``doctor`` say so.
3. **Conversation** (last four turns) and **answers** (``SafetyMemory``): a crisis the
   resident answered ("I'm safe", or "no" to the check) keeps the resources visible but
   never raises the screen again without new, stronger evidence; an unanswered crisis
   plus new distress asks the check question.

Resources come from ``knowledge/resources.yaml``; when it is missing or malformed the
built-in national resources (988, Physician Support Line, Crisis Text Line, 911) are
used with a visible warning, and ``kb check`` / ``doctor`` exit non-zero.

What callers must do on crisis (dialogue, TUI): pause the reflection, show the
resources first in plain words, let the resident say they are safe and continue
or end; never send the message to a generative model; record the event in the
local journal only.

Limits (read before trusting it; figures in the README, held-out first):

- English only. A screen, not an assessment.
- Measured out of fold on 600 statements written by a separate author for training
  (knowledge/safety/train.jsonl), rules and model together caught about three in four
  crisis statements as crisis or check while asking on about one in ten non-crisis
  statements: novel indirect wording is still missed. The resources stay one key (f2)
  away in the app regardless.
- Negation and who the subject is come from rules and hand features; unusual syntax
  or long-range negation can fool both.
- Without the model (``SafetyScreen(embedder=False)``) only lexicon and history run.
"""

from __future__ import annotations

from companion.safety.resources import Resource, ResourcesError, load_resources
from companion.safety.screen import SafetyResult, SafetyScreen, default_screen, screen

__all__ = ["Resource", "ResourcesError", "SafetyResult", "SafetyScreen", "default_screen",
           "load_resources", "screen"]
