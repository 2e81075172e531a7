"""What surrounds a capitalised run: clinicians, anchors, vetoes, patient context.

The questions the names finder asks about a run's neighbours ("Dr. Patel", "her dad,
Walter", "Gonzalez's husband", "Whipple procedure", "Denise, the charge nurse"), each read
within ``LOOKAROUND`` tokens or a ``CONTEXT_TOKENS`` window, so every answer costs a
bounded amount of work.
"""

from __future__ import annotations

from companion.privacy import people_words as words
from companion.privacy.gazetteer import is_word
from companion.privacy.name_tokens import Token

TITLES = frozenset("mr mrs ms miss mx mister madam".split())
PATIENT_NOUNS = frozenset("patient patients pt pts".split())
NAMED = frozenset("named called".split())
WORK_CUES = frozenset("reading read reread watching watched rewatched watch playing played play "
                       "beat finished finish book novel show movie film game song album series "
                       "episode season podcast listening listened".split())
PLACE_PREPOSITIONS = frozenset("in at from near into outside".split())
PETS = frozenset("dog dogs cat cats puppy kitten horse pet bird parrot rabbit hamster".split())
LOOKAROUND = 4
CONTEXT_TOKENS = 10
"""Tokens read either side of a run (bounded, so the finder stays linear)."""


class NameContext:
    """The neighbourhood questions, over one text's tokens."""

    def __init__(self, text: str, tokens: list[Token], colleagues: frozenset[str]):
        self.text = text
        self.tokens = tokens
        self.colleagues = set(colleagues)
        self.patients: set[str] = set()

    # -- what surrounds a run ---------------------------------------------------------------
    def _gap(self, left: int, right: int) -> str:
        return self.text[self.tokens[left].end:self.tokens[right].start]

    def _before(self, index: int) -> list[Token]:
        """Up to LOOKAROUND tokens before ``index`` in the same sentence, nearest first."""
        out: list[Token] = []
        j = index
        while j > 0 and len(out) < LOOKAROUND and not self.tokens[j].sentence_start:
            j -= 1
            out.append(self.tokens[j])
        return out

    def _after(self, index: int) -> list[Token]:
        out: list[Token] = []
        j = index + 1
        while j < len(self.tokens) and len(out) < LOOKAROUND and not self.tokens[j].sentence_start:
            out.append(self.tokens[j])
            j += 1
        return out

    def _colleague_before(self, first: int) -> bool:
        """"Dr. Patel", "Nurse Kelly", "my co-resident Priya", "my wife Anna", "the nurse, Lisa"."""
        before = self._before(first)
        if not before:
            return False
        nearest = before[0]
        if nearest.low in TITLES and len(before) > 1:
            nearest, before = before[1], before[1:]  # "our social worker, Ms. Rivera"
        if nearest.low in words.CLINICIAN_CUES:
            if nearest.low == "pt" and nearest.shape != "upper":
                return False  # "pt Jones" is a patient; "PT Sarah" is physical therapy
            if nearest.low == "father" and len(before) > 1 and before[1].low in words.OTHERS:
                return False  # "her father, Walter" is family
            return True
        if nearest.low in words.FAMILY:
            owner = before[1].low if len(before) > 1 else ""
            return owner in words.OWN
        if nearest.low in PETS or nearest.low in WORK_CUES:
            return True  # "our old dog, Max"; "reading Anna Karenina" (a title, not a person)
        return self._appositive_role(first)

    def _appositive_role(self, first: int) -> bool:
        """"The charge nurse on the step-down unit, Linda, has taught me": a role noun earlier
        in the sentence and the name set off by commas."""
        if first == 0 or not self._gap(first - 1, first).startswith(","):
            return False
        sentence: list[Token] = []
        for token in reversed(self.tokens[max(0, first - 2 * LOOKAROUND):first]):
            sentence.append(token)
            if token.sentence_start:
                break
        return any(t.low in words.CLINICIAN_CUES and t.low != "pt" for t in sentence)

    def _patient_anchor_before(self, first: int) -> bool:
        """"mrs arsenault", "pt otieno", "patient named Ruth", "her dad, Walter Kowalski"."""
        before = self._before(first)
        if not before:
            return False
        nearest = before[0]
        if nearest.low in TITLES:
            return not self._colleague_before(first)
        if nearest.low in PATIENT_NOUNS and nearest.shape != "upper":
            return True
        if nearest.low in NAMED:
            return True
        if nearest.low in words.FAMILY and len(before) > 1:
            owner = before[1]
            return owner.low in words.OTHERS or owner.possessive
        if nearest.low in words.ADDRESS_FORMS and (
                len(before) == 1 or before[1].low not in words.OWN):
            return True  # "grandma rosa asked...": what the ward calls her, not the resident's
        return False

    def _veto_after(self, last: int) -> bool:
        """An eponym noun, an institution, a role, or a title after the possessive."""
        return self._thing_after(last) or self._role_after(last)

    def _thing_after(self, last: int) -> bool:
        after = self._after(last)
        token = self.tokens[last]
        if not after:
            return False
        nxt = after[0]
        if (nxt.low in words.EPONYM_NOUNS or nxt.low in words.ORGANISATION_NOUNS
                or nxt.low in words.PLACE_TAILS):
            return True  # "Whipple procedure", "Henry Ford Hospital", "Bright Angel trail"
        # "Grey's Anatomy", "St. Jude's Hospital"; "Svetlana's INR" is hers
        return (token.possessive and nxt.shape in {"title", "upper"}
                and nxt.low not in words.FUNCTION
                and not (nxt.shape == "upper" and len(nxt.low) <= 5))

    def _role_after(self, last: int) -> bool:
        """"Denise, the charge nurse", "Ms. Thompson from pharmacy", "Kevin (our pharmacist)"."""
        after = self._after(last)
        token = self.tokens[last]
        if not after:
            return False
        nxt = after[0]
        gap = self.text[token.end:nxt.start]
        if gap.strip() in {",", "(", "-", "–", "—", ", the", ""} or gap.startswith((",", " (")):
            role = [t for t in after[:3] if t.low not in {"the", "our", "my", "a", "an"}]
            if role and (role[0].low in words.CLINICIAN_CUES
                         or role[0].low in {"from", "on", "in"} and len(role) > 1
                         and role[1].low in {"pharmacy", "nursing", "case", "social", "it", "hr",
                                             "gme", "admin", "billing", "security"}):
                return True
        if nxt.low == "from" and len(after) > 1 and after[1].low in {
                "pharmacy", "nursing", "case", "social", "billing", "it", "hr", "gme",
                "nephrology", "cardiology", "neurology", "surgery", "psych", "palliative"}:
            return True
        return False

    def _patient_anchor_after(self, last: int) -> bool:
        """"Gonzalez's husband", "the Okafor twins", "Walter was admitted", "Maria in bed 4"."""
        token = self.tokens[last]
        after = self._after(last)
        if not after:
            return False
        nxt = after[0]
        if token.possessive and nxt.low in words.PATIENT_POSSESSIONS:
            return True
        if nxt.low in {"family", "twins", "kids", "children", "household", "boy", "girl"} \
                and self._gap(last, last + 1) == " ":
            return True
        lows = [t.low for t in after[:3]]
        if len(lows) > 1 and lows[0] == "in" and lows[1] in {"bed", "bay", "room", "pod", "rm"}:
            return True  # "lakshmi in bay 3"
        if lows[:1] and lows[0] in {"was", "is", "got", "had", "has", "just"}:
            lows = lows[1:]
        return bool(lows) and lows[0] in {
            "admitted", "readmitted", "discharged", "intubated", "extubated", "diagnosed",
            "transferred", "coded", "died", "passed", "crashed", "arrested", "decompensated",
            "seized", "refused", "pulled", "screamed", "cried", "asked", "wanted", "told",
            "thanked", "held", "kept", "begged", "signed"}

    def _resident_family_sentence(self, index: int) -> bool:
        """"My mom was diagnosed ... back home in Manila": the resident's own family."""
        lo = max(0, index - CONTEXT_TOKENS)
        near = self.tokens[lo:index + CONTEXT_TOKENS + 1]
        own = any(a.low in words.OWN and b.low in words.FAMILY
                  for a, b in zip(near, near[1:], strict=False))
        return own and not any(t.low in PATIENT_NOUNS for t in near)

    def _patient_sentence(self, index: int) -> bool:
        """A patient word within CONTEXT_TOKENS tokens of ``index`` (bounded window)."""
        lo = max(0, index - CONTEXT_TOKENS)
        hi = min(len(self.tokens), index + CONTEXT_TOKENS + 1)
        return any(t.low in words.PATIENT_CONTEXT_WORDS for t in self.tokens[lo:hi])


    def _owns_something(self, index: int) -> bool:
        """"Aminata's hemoglobin", "Kawika's ukulele": a possessive before a lower-case noun
        (or a lab: "Svetlana's INR") that is no eponym noun ("Bell's palsy")."""
        token = self.tokens[index]
        after = self._after(index)
        if not token.possessive or not after or is_word(token.low):
            return False
        nxt = after[0]
        if (nxt.low in words.EPONYM_NOUNS or nxt.low in words.FUNCTION
                or nxt.low in words.WORK_POSSESSIONS):
            return False
        return nxt.shape == "lower" or (nxt.shape == "upper" and len(nxt.low) <= 5)

    def _person_object(self, index: int) -> bool:
        """A rare first name where a person goes: "the family meeting for Adaeze"."""
        return index > 0 and self.tokens[index - 1].low in {
            "for", "with", "about", "to", "told", "visited", "saw", "see", "and", "beside"}
