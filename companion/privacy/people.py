"""Patient names without a title: a names gazetteer plus capitalisation, position and context.

Residents write "I'm the one who told Delphine Arsenault she has ALS", "Samuel
Otieno held my hand", "Maria Gonzalez's husband", "pt otieno": no "Mr." and no
"patient named". A capitalised word is a name here when:

- it and its neighbours look like a person's name: a run of one to three
  capitalised words, at least one of them a first name or surname in the
  census gazetteer that is not also an ordinary word ("Will", "Hope"), none of
  them a month, an eponym, a place, an institution or a clinical abbreviation;
- its position says so: mid-sentence (a sentence's first word is capitalised
  anyway, so there it needs more evidence), and for a single word a sentence
  that is about a patient ("told", "her family", "admitted", "bed");
- nothing around it says otherwise: a clinician or the resident's own people
  before it ("Dr. Patel", "Nurse Kelly", "my co-resident Priya", "my wife
  Anna"), a role after it ("Denise, the charge nurse"), an eponym noun after it
  ("Parkinson's disease", "Whipple procedure", "Murphy's sign"), or a capitalised
  word after its possessive ("Grey's Anatomy").

Strong anchors make even a lower-case name a patient's: "mrs arsenault", "pt
otieno", "her dad, Walter Kowalski", "Maria Gonzalez's husband", "the Okafor
twins". A name once known to be a patient's is caught everywhere in the
message; a name once introduced as a colleague's is left alone everywhere
(unless it is also anchored as a patient's). Work is one pass over the tokens
with bounded look-behind and look-ahead, so the finder is linear in the text.

Modules: ``name_tokens.py`` (tokens), ``people_context.py`` (what surrounds a run),
``people_words.py`` (word lists); this one finds and judges the runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from companion.privacy import people_words as words
from companion.privacy.gazetteer import common_first_names, first_names_not_words, is_word, lookup
from companion.privacy.name_tokens import gazetteer_name, joined, name_head, name_like, tokenize
from companion.privacy.people_context import (
    NAMED,
    PATIENT_NOUNS,
    PLACE_PREPOSITIONS,
    TITLES,
    NameContext,
)
from companion.privacy.recognizer import ScanWork
from companion.privacy.spans import Span

_WORD_ENDINGS = ("ly", "ed", "ing", "ful", "ness", "est", "ous", "ive", "able", "ible", "ment",
                 "tion", "sion", "ity", "ish", "less")
_PARTICLES = frozenset("de da del della di do dos das du la le van von der den ter bin ibn al el "
                       "st".split())
_ANCHORS = TITLES | PATIENT_NOUNS | NAMED | words.FAMILY | frozenset([","])

STRONG = 0.85
FULL_NAME = 0.8
SINGLE_IN_CONTEXT = 0.6


@dataclass
class _Run:
    first: int   # token index
    last: int    # token index, inclusive
    score: float
    strong: bool


class _Finder(NameContext):
    """Finds the runs of tokens that are a patient's name (the context questions are
    ``NameContext``'s)."""

    # -- runs ----------------------------------------------------------------------------------
    def runs(self) -> list[_Run]:
        found: list[_Run] = []
        tokens = self.tokens
        i = 0
        n = len(tokens)
        while i < n:
            token = tokens[i]
            if token.shape == "title":
                candidate = name_like(token)
            elif token.shape == "lower":
                candidate = ((i > 0 and tokens[i - 1].low in _ANCHORS and self._lower_anchored(i))
                             or (token.low in common_first_names() and self._lower_full_name(i))
                             or self._lower_first_name_acting(i))
            else:
                candidate = False
            if candidate:
                j = self._extend(i)
                head = tokens[i]
                if (j > i and head.sentence_start
                        and not name_head(head, tokens[i + 1:j + 1])
                        and not self._patient_anchor_before(i)):
                    i += 1  # "Helping Mateo Rivas": the capitalised first word is no name
                    continue
                if j - i < 3 + self._particles(i, j):  # four or more words are a title
                    run = self._judge(i, j)
                    if run is not None:
                        found.append(run)
                i = j + 1
                continue
            i += 1
        return found

    def _extend(self, i: int) -> int:
        """The last token of the name starting at ``i`` ("Maria de la Cruz", "Maria gonzalez")."""
        tokens = self.tokens
        n = len(tokens)
        j = i
        while j + 1 < n and j - i < 5 and joined(self.text, tokens[j], tokens[j + 1]):
            nxt = tokens[j + 1]
            if nxt.sentence_start:
                break
            if name_like(nxt) or self._lower_surname(j + 1) or self._eponym_surname(j + 1):
                j += 1
                continue
            k = j + 1  # particles: "de", "la", "van", "bin" between two capitalised parts
            while (k < n and k - j <= 2 and tokens[k].low in _PARTICLES
                   and tokens[k].shape == "lower"):
                k += 1
            if (k > j + 1 and k < n and joined(self.text, tokens[k - 1], tokens[k])
                    and name_like(tokens[k])):
                j = k
                continue
            break
        return j

    def _eponym_surname(self, index: int) -> bool:
        """"Walter Parkinson": an eponym written after a first name, not before a disease noun
        and not as a possessive ("James Parkinson's disease" stays an eponym)."""
        token, before = self.tokens[index], self.tokens[index - 1]
        if token.shape != "title" or token.possessive or token.low not in words.EPONYMS:
            return False
        if not (before.info is not None and before.info.is_first and before.info.first >= 30):
            return False
        after = self._after(index)
        return not (after and after[0].low in words.EPONYM_NOUNS)

    def _lower_first_name_acting(self, index: int) -> bool:
        """"ngozi wanted out", "lakshmi in bay 3": a lower-case first name that is no word,
        doing what patients do or placed in a bed."""
        token = self.tokens[index]
        if token.low not in first_names_not_words() or token.low in words.NOT_NAMES:
            return False
        info = lookup(token.low)
        if info is None or len(token.low) < 3:
            return False
        if not self._patient_anchor_after(index):
            return False
        token.info = info
        return True

    def _particles(self, i: int, j: int) -> int:
        return sum(1 for t in self.tokens[i:j + 1] if t.low in _PARTICLES and t.shape == "lower")

    def _lower_full_name(self, index: int) -> bool:
        """"told delphine arsenault": a common first name then a surname, both lower case,
        in a sentence about a patient."""
        token = self.tokens[index]
        if token.shape != "lower" or index + 1 >= len(self.tokens):
            return False
        nxt = self.tokens[index + 1]
        if nxt.shape != "lower" or not joined(self.text, token, nxt) or nxt.sentence_start:
            return False
        if token.low in words.NOT_NAMES or nxt.low in words.NOT_NAMES:
            return False
        first, last = lookup(token.low), lookup(nxt.low)
        if not (first and first.is_first and first.first >= 30 and last and last.is_last
                and not last.is_first):
            return False
        if not self._patient_sentence(index):
            return False
        token.info, nxt.info = first, last
        return True

    def _lower_anchored(self, index: int) -> bool:
        """A lower-case name right after a title or "pt": "mrs arsenault", "pt otieno"."""
        token = self.tokens[index]
        if token.shape != "lower" or index == 0 or self.tokens[index - 1].low not in _ANCHORS:
            return False
        if token.low in words.NOT_NAMES or len(token.low) < 2:
            return False
        if self.text[self.tokens[index - 1].end:token.start] != " ":
            return False  # "my fave patient, weirdly sad": a comma ends the anchor
        token.info = lookup(token.low)
        if not gazetteer_name(token):
            if is_word(token.low) or not token.low.isalpha() or token.low.endswith(_WORD_ENDINGS):
                return False  # "patient pre-rounded", "pt we'd", "patient thank-you"
        return self._patient_anchor_before(index)

    def _lower_surname(self, index: int) -> bool:
        """"Maria gonzalez": a lower-case surname continuing a capitalised first name."""
        token = self.tokens[index]
        if token.shape != "lower" or token.low in words.NOT_NAMES:
            return False
        token.info = lookup(token.low)
        return token.info is not None and token.info.is_last

    def _judge(self, first: int, last: int) -> _Run | None:
        tokens = self.tokens[first:last + 1]
        if self._thing_after(last) or any(
                t.low in words.PLACE_TAILS or t.low in words.ORGANISATION_NOUNS
                for t in tokens[1:]):
            return None  # "Tilden Falls", "Birchwood Court", "Henry Ford Hospital"
        if self._colleague_before(first) or self._role_after(last):
            self.colleagues.update(t.low for t in tokens)
            return None
        strong = self._patient_anchor_before(first) or self._patient_anchor_after(last)
        if strong:
            before = self._before(first)
            if before and before[0].low in TITLES:
                first -= 1  # "mrs arsenault": the title is part of what identifies her
            return _Run(first, last, STRONG, True)
        if any(t.low in self.colleagues for t in tokens):
            return None
        known = [t for t in tokens if gazetteer_name(t)]
        head = tokens[0]
        if not known:
            return self._unlisted(first, last)
        if len(tokens) == 1 and self._owns_something(last) and (
                self._patient_sentence(first) or self._after(last)[0].shape == "upper"):
            return _Run(first, last, SINGLE_IN_CONTEXT, False)  # "Ana's fundraiser is ..."
        if len(tokens) >= 2:
            if head.sentence_start and not name_head(head, tokens[1:]):
                return None
            if first > 0 and self.tokens[first - 1].low in PLACE_PREPOSITIONS:
                return None  # "the final boss in Elden Ring", "from Tilden Falls": not a person
            return _Run(first, last, FULL_NAME, False)
        if head.sentence_start or head.info is None:
            return None
        if head.info.first < 30 and head.info.last < 30 and not (
                head.info.is_first and self._person_object(first)
                and self._patient_sentence(first)):
            return None  # a rare name alone is more often a word or a brand
        if first > 0 and self.tokens[first - 1].low in PLACE_PREPOSITIONS:
            return None  # "passed last night in Lima", "a professor from Stanford": a place
        if self._resident_family_sentence(first):
            return None
        if self._patient_sentence(first):
            return _Run(first, last, SINGLE_IN_CONTEXT, False)
        return None


    def _unlisted(self, first: int, last: int) -> _Run | None:
        """Names neither gazetteer lists ("Tevita Fifita", "Kawika's ukulele"): no English
        word, and either two of them together mid-sentence or a possessive with a noun, in a
        sentence about a patient."""
        tokens = self.tokens[first:last + 1]
        if any(is_word(t.low) or len(t.low) < 3 for t in tokens):
            return None
        if first > 0 and self.tokens[first - 1].low in PLACE_PREPOSITIONS:
            return None
        if not self._patient_sentence(first):
            return None
        if len(tokens) == 2 and not tokens[0].sentence_start:
            return _Run(first, last, SINGLE_IN_CONTEXT, False)
        if len(tokens) == 1 and self._owns_something(last):
            return _Run(first, last, SINGLE_IN_CONTEXT, False)
        return None

    def _coordinated(self, runs: list[_Run], covered: set[int]) -> list[_Run]:
        """"Chioma and Emeka Nwosu": a capitalised name joined by "and" to a patient's name."""
        out: list[_Run] = []
        for run in runs:
            for k, sep in ((run.first - 2, run.first - 1), (run.last + 2, run.last + 1)):
                if not 0 <= k < len(self.tokens) or k in covered:
                    continue
                token, joiner = self.tokens[k], self.tokens[sep]
                if (joiner.low == "and" and name_like(token) and not is_word(token.low)
                        and token.low not in self.colleagues and not token.possessive):
                    out.append(_Run(k, k, SINGLE_IN_CONTEXT, False))
                    covered.add(k)
        return out

    def spans(self, anchored: Iterable[Span]) -> list[Span]:
        runs = self.runs()
        runs += self._coordinated(runs, {i for r in runs for i in range(r.first, r.last + 1)})
        for run in runs:
            self.patients.update(t.low for t in self.tokens[run.first:run.last + 1]
                                 if len(t.low) > 2 and t.low not in words.NOT_NAMES)
        for span in anchored:
            if span.kind == "patient":
                self.patients.update(w.lower() for w in re.findall(r"[A-Za-z]{3,}", span.text)
                                     if w.lower() not in TITLES)
        out = [self._span(run.first, run.last, run.score) for run in runs
               if run.strong or not any(t.low in self.colleagues and t.low not in self.patients
                                        for t in self.tokens[run.first:run.last + 1])]
        covered = {index for run in runs for index in range(run.first, run.last + 1)}
        for index, token in enumerate(self.tokens):
            if (index not in covered and token.low in self.patients
                    and token.shape in {"title", "lower"}
                    and not self._colleague_before(index) and not self._veto_after(index)):
                out.append(self._span(index, index, FULL_NAME))
        return out

    def _span(self, first: int, last: int, score: float) -> Span:
        start, end = self.tokens[first].start, self.tokens[last].end
        return Span(start, end, "patient", self.text[start:end], score=score, source="people")


def find_names(text: str, anchored: Iterable[Span] = (), colleagues: Iterable[str] = (),
               work: ScanWork | None = None) -> list[Span]:
    """Patient-name spans that need no title.

    Args:
        anchored: spans other recognisers found; their patient names are looked for
            everywhere else in the text.
        colleagues: names the resident has said are colleagues (never flagged unless
            anchored as a patient's).
    """
    tokens = tokenize(text, work)
    finder = _Finder(text, tokens, frozenset(c.lower() for c in colleagues))
    return finder.spans(anchored)
