"""Safety screen: find crisis language in every message before anything else sees it.

Why: residents have high rates of depression and suicidal thoughts. Missing
"everyone would be better off without me" is dangerous; alarming at "this rotation
is killing me" teaches people to ignore the alarm. ``screen(text, history)`` runs
first on every message and returns ``SafetyResult(level, reasons, resources)``
with ``level`` one of ``none`` / ``concern`` / ``crisis``.

Design (three signals, combined in ``screen.py``):

1. **Lexicon** (``lexicon.py``, ``context.py``): curated rules on meaning (verb +
   first person + object), e.g. "kill myself", "hope I don't wake up", "stockpiling
   pills", "urges to hurt the people on my team". Context rules set a phrase aside
   when it is negated in its clause ("no thoughts of hurting myself"), about a
   patient ("sutured her after she cut herself"), teaching ("suicide prevention
   workshop"), a resolved past (past-time marker in the sentence + recovery words
   in the message, not undone by "lately"/"came back"), hyperbole ("killing me",
   "dead on my feet", "I'd kill for") or a joke. *Explicit* first-person intent,
   plan, means or self-harm is never set aside by clinical, teaching or humour
   context: crisis wins.
2. **Semantic similarity** (``semantic.py``): each sentence, and each pair of
   neighbouring sentences, is embedded with the bundled all-MiniLM-L6-v2 and compared
   with labelled statements in ``knowledge/safety/*.yaml`` (crisis, concern, safe;
   vectors computed once and cached per model). Crisis needs a clear nearest-
   neighbour margin over the safe set; sentences the context rules flagged are
   skipped. Splitting matters: a crisis sentence is often buried in an ordinary
   reflection about rounds and notes.
3. **Conversation** (last four turns): concern earlier plus a near-crisis statement
   now escalates to crisis; after a crisis not yet answered by "I'm safe", a
   concern-level message stays crisis and an ordinary one is concern; "I'm safe"
   after a crisis becomes concern, so the resources stay visible while the
   resident continues. An explicit crisis phrase skips the model (no latency).

Concern is hopelessness, severe distress or not coping without crisis signs.
Resources come from ``knowledge/resources.yaml`` (institution-editable); a
malformed file raises :class:`ResourcesError` naming the file and field at
start-up — never a silent empty list.

What callers must do on crisis (dialogue, TUI): pause the reflection, show the
resources first in plain words, let the resident say they are safe and continue
or end; never send the message to a generative model; record the event in the
local journal only.

Limits (read before trusting it):

- English only; tuned for how residents write, not for every register or slang.
- A screen, not an assessment: it errs toward crisis, so explicit wording in a
  joke ("lol I want to die") is still a crisis, and a novel indirect phrasing far
  from every example can be missed. Measured on batches written after the rules,
  each scored before it was used to add rules: recall 0.58, 0.60, 0.90, then 0.70
  (ten crisis statements per batch), false alarms 0 to 2 in ten (objects that share
  a word with a means: "rope ladder", "potassium dosing quiz"). Expect misses on
  unseen indirect wording; the resources stay one key away in the app regardless.
- MiniLM does not understand negation or who the subject is; those come only from
  the rules, which cover common forms ("not", "no thoughts of", "never would") and
  can be fooled by unusual syntax or long-range negation.
- History uses only the last four turns and the same signals; it does not model
  time between messages.
- Without the model (``SafetyScreen(embedder=False)``) only lexicon and history run.
"""

from __future__ import annotations

from companion.safety.resources import Resource, ResourcesError, load_resources
from companion.safety.screen import SafetyResult, SafetyScreen, default_screen, screen

__all__ = ["Resource", "ResourcesError", "SafetyResult", "SafetyScreen", "default_screen",
           "load_resources", "screen"]
