"""Privacy guard: find patient identifiers in a reflection before it is saved or shared.

Public API (see docs/DESIGN.md, "Privacy")::

    scan(text) -> list[Span]            # Span(start, end, kind, text, tag).to_dict()
    redact(text, spans=None) -> str     # spans replaced by [PATIENT], [MRN], [DATE], ...
    has_identifiers(text) -> bool

Kinds and tags (``TAGS``): patient [PATIENT], mrn [MRN], id [ID], date [DATE], age [AGE],
phone [PHONE] (phone, fax, pager), email [EMAIL], address [ADDRESS], room [ROOM], ssn [SSN].

Why regexes and not a NER model: everything here must run offline with nothing
downloaded. Presidio needs a spaCy model fetched at install/run time; the only
spaCy English models published on PyPI are third-party re-uploads of
``en_core_web_sm`` (unofficial mirrors, not maintained by spaCy's authors),
and a general PERSON tagger cannot tell a patient from a colleague or from
"Parkinson's" anyway, which is the distinction that matters here. So the guard
is a set of Presidio-style recognisers (pattern + base score + context words +
validator, ``recognizer.py``) tuned to how residents write, pure Python, about
a millisecond per message, no dependencies.

What it catches:
- patient names with a title ("Mr. Jones", "Mrs Maria Lopez") or in clinical context
  ("my patient Maria", "pt Jones", "patient named ...", "Maria in bed 4",
  "Walter was admitted", "Rosa is my patient", "Baby Boy Smith") - ``names.py``;
- MRNs ("MRN 4471823", "#4471823", "medical record number ..."), other labelled IDs
  (account, insurance, member, policy, Medicaid, CSN, FIN, case, licence) and any bare
  number of 7+ digits;
- dates of birth in any common format ("DOB 3/4/1951", "born on March 4, 1931",
  "born in 1929", "birthday is May 2") and full calendar dates (day, month and year)
  near a patient event ("admitted", "died", "surgery", "patient", "Mrs" ...);
- exact ages over 89 ("93-year-old", "aged 91", "ninety-four year old", "93F with CHF",
  "she is 95,");
- phone, fax and pager numbers (US and "+44 ..."), e-mail addresses, street addresses
  ("42 Maple Street, Springfield, IL 62704", "lives on Elm Street", PO boxes),
  room/bed numbers ("bed 12", "room 4B", "trauma bay 2"), social security numbers.

What it does not catch (by design or by limit):
- bare names with no clinical context ("Maria cried when I told her"), lower-case
  names ("my patient maria"), nicknames, family members' names;
- misspelt or spelled-out identifiers ("M R N four four seven ..."), lower-case
  street names, partial dates of events ("admitted on 3/4"), ages written as decades
  ("in her nineties", which HIPAA allows);
- clinicians are never flagged: "Dr. Patel", "Nurse Kelly", "my attending Sam" are
  colleagues, not patient identifiers;
- shift dates and clinical numbers are left alone on purpose: "on 3/4 I worked nights",
  "Monday", "PGY-2", "24-hour call", "3 admissions", "BP 120/80", "K 3.2", "80 hours".

Being a pattern matcher, it is a safety net that asks the resident, not a guarantee.
"""

from __future__ import annotations

from companion.privacy.redact import SpanMismatchError, redact
from companion.privacy.scanner import has_identifiers, scan
from companion.privacy.spans import KINDS, TAGS, Span

__all__ = ["KINDS", "TAGS", "Span", "SpanMismatchError", "has_identifiers", "redact", "scan"]
