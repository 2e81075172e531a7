"""The one result type of the privacy guard: a detected identifier span.

Kept in its own module so the scanner, the redactor, the command line and the
app share one definition (and one tag per kind) without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TAGS: dict[str, str] = {
    "patient": "[PATIENT]",
    "mrn": "[MRN]",
    "id": "[ID]",
    "date": "[DATE]",
    "age": "[AGE]",
    "phone": "[PHONE]",
    "email": "[EMAIL]",
    "address": "[ADDRESS]",
    "room": "[ROOM]",
    "ssn": "[SSN]",
    "location": "[LOCATION]",
    "device": "[DEVICE]",
    "vehicle": "[VEHICLE]",
    "url": "[URL]",
    "ip": "[IP]",
}
"""Every identifier kind the guard knows, with the tag that replaces it on redaction.

``location`` is a town, village or county tied to a patient (a street address
is ``address``); ``device`` a device identifier or serial number; ``vehicle`` a
licence plate or VIN; ``id`` any other labelled number (account, health plan,
licence, certificate)."""

ALIASES: dict[str, str] = {
    "name": "patient", "person": "patient", "family": "patient", "relative": "patient",
    "record": "mrn", "medical_record": "mrn", "account": "id", "health_plan": "id",
    "healthplan": "id", "insurance": "id", "license": "id", "licence": "id",
    "certificate": "id", "other": "id", "unique_id": "id", "dob": "date",
    "date_of_service": "date", "birthdate": "date", "fax": "phone", "pager": "phone",
    "e-mail": "email", "street": "address", "zip": "address", "geo": "location",
    "geographic": "location", "town": "location", "city": "location", "county": "location",
    "place": "location", "bed": "room", "serial": "device", "device_serial": "device",
    "plate": "vehicle", "license_plate": "vehicle", "vin": "vehicle", "web": "url",
    "website": "url", "ip_address": "ip", "social_security": "ssn",
}
"""Other names a labelled set may use for a kind (read by the evaluation, never by scan)."""

KINDS: tuple[str, ...] = tuple(TAGS)


@dataclass(frozen=True, order=True)
class Span:
    """One detected identifier: ``text == source[start:end]``.

    ``score`` (0..1, how sure the recogniser was) and ``source`` (which
    recogniser fired) are for debugging and ranking; they are not part of
    ``to_dict()``, whose shape is the public JSON contract.
    """

    start: int
    end: int
    kind: str
    text: str
    tag: str = ""
    score: float = field(default=1.0, compare=False)
    source: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.kind not in TAGS:
            raise ValueError(f"unknown identifier kind {self.kind!r}; known: {', '.join(KINDS)}")
        if not 0 <= self.start < self.end:
            raise ValueError(f"span [{self.start}:{self.end}] is empty or negative")
        if not self.tag:
            object.__setattr__(self, "tag", TAGS[self.kind])

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def to_dict(self) -> dict[str, object]:
        return {
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "text": self.text,
            "tag": self.tag,
        }
