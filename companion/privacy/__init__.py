"""Privacy guard: find patient identifiers in a reflection before it is saved or shared.

Public API (see docs/DESIGN.md, "Privacy")::

    scan(text) -> list[Span]            # Span(start, end, kind, text, tag).to_dict()
    redact(text, spans=None) -> str     # spans replaced by [PATIENT], [MRN], [DATE], ...
    has_identifiers(text) -> bool

Kinds and tags (``TAGS``): patient [PATIENT], mrn [MRN], id [ID] (account, health plan,
licence and other labelled numbers), date [DATE], age [AGE], phone [PHONE] (phone, fax,
pager), email [EMAIL], address [ADDRESS], room [ROOM], ssn [SSN], location [LOCATION]
(a town tied to a patient), device [DEVICE], vehicle [VEHICLE], url [URL], ip [IP].

Why rules and a gazetteer, not a NER model: everything runs offline with nothing
downloaded, and a general PERSON tagger cannot tell a patient from a colleague or
from "Parkinson's", which is the distinction that matters here. The guard is a set of
Presidio-style recognisers (pattern, base score, context words, validator:
``recognizer.py``) plus a names finder (``people.py``: the 1990 US Census names in
``data/names.tsv`` with capitalisation, position and clinical context).

What it catches (modules):
- patient names with a title or "pt" (``names.py``) and without one (``people.py``):
  "Delphine Arsenault", "Maria Gonzalez's husband", "mrs arsenault", "pt otieno", "the
  Okafor twins"; a name once anchored as a patient's is caught everywhere in the message;
- dates of birth and full dates near a patient event (``patterns.py``), and dates of service
  without a year (``dates.py``): "admitted 9/9", "Aug 21st", "11/02 to 11/05", "on the 23rd";
- ages over 89, phone/fax/pager, e-mail, SSN, MRN and other labelled numbers, any bare
  number of 7+ digits, rooms and beds ("bed 12", "521B", "12B" after "in", "7W-18")
  (``patterns.py``); streets, PO boxes, ZIPs and towns tied to a patient (``addresses.py``);
  device serials, plates, VINs, URLs and IPs (``machine_ids.py``).

What it leaves alone on purpose: clinicians and the resident's own people ("Dr. Patel",
"Nurse Kelly", "my co-resident Priya", "my wife Anna", names in the ``colleagues``
setting), eponyms ("Parkinson's disease", "Whipple procedure"), titles of works ("Grey's
Anatomy"), units ("5 West"), the resident's schedule ("On 3/18 I start my ICU rotation"),
clinical numbers ("pain 8/10", "5/5 strength", "BP 90/60", "18G", "2L"), reference sites
("mdcalc.com").

Text is scanned after ``companion.textnorm`` normalisation (zero-width characters,
look-alike letters), and spans are mapped back so redaction applies to the original.
The scan is linear in the text (``ScanWork`` counts its steps). Quotes that admit an
error or give case facts are a separate question (``disclosure.py``), asked before an
export leaves the machine.

Being a pattern matcher, it is a safety net that asks the resident, not a guarantee.
"""

from __future__ import annotations

from companion.privacy.redact import SpanMismatchError, redact
from companion.privacy.scanner import has_identifiers, scan
from companion.privacy.spans import KINDS, TAGS, Span

__all__ = ["KINDS", "TAGS", "Span", "SpanMismatchError", "has_identifiers", "redact", "scan"]
