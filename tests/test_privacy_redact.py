"""Privacy guard: redaction tags, chosen subsets, overlapping spans, span validation."""

from __future__ import annotations

import pytest

from companion.privacy import Span, SpanMismatchError, redact, scan
from companion.privacy.scanner import merge_same_kind, resolve_overlaps


def test_redact_replaces_each_kind_with_its_tag():
    text = ("Mr. Jones in bed 12, MRN 4471823, DOB 3/4/1951, the 93-year-old, "
            "call 617-555-0142 or jones@example.org, 42 Maple Street, SSN 518-44-2093, "
            "acct 88812345")
    assert redact(text) == (
        "[PATIENT] in [ROOM], MRN [MRN], DOB [DATE], the [AGE], "
        "call [PHONE] or [EMAIL], [ADDRESS], SSN [SSN], acct [ID]"
    )


def test_redact_leaves_clean_text_unchanged():
    text = "Dr. Patel my attending said Parkinson's is on the boards; BP 120/80."
    assert redact(text) == text


def test_redact_only_the_spans_the_resident_chose():
    text = "my patient Maria in bed 4, DOB 3/4/1951"
    spans = scan(text)
    assert [s.kind for s in spans] == ["patient", "room", "date"]
    keep_room = [s for s in spans if s.kind != "room"]
    assert redact(text, keep_room) == "my patient [PATIENT] in bed 4, DOB [DATE]"
    assert redact(text, []) == text


def test_redact_merges_overlapping_spans_with_the_longest_tag():
    text = "Mrs. Maria Lopez was admitted"
    spans = [
        Span(0, 10, "patient", "Mrs. Maria"),
        Span(5, 16, "patient", "Maria Lopez"),
        Span(11, 16, "id", "Lopez"),
    ]
    assert redact(text, spans) == "[PATIENT] was admitted"


def test_same_kind_candidates_merge_into_their_union():
    text = "Mrs. Maria Lopez was admitted"
    merged = merge_same_kind(
        [Span(0, 10, "patient", "Mrs. Maria", score=0.9),
         Span(5, 16, "patient", "Maria Lopez", score=0.8)],
        text,
    )
    assert [(s.start, s.end, s.text, s.score) for s in merged] == [
        (0, 16, "Mrs. Maria Lopez", 0.9)
    ]


def test_across_kinds_the_higher_score_then_longer_span_wins():
    mrn = Span(20, 31, "mrn", "447-18-2345", score=0.95)
    ssn = Span(20, 31, "ssn", "447-18-2345", score=0.85)
    short = Span(0, 3, "id", "abc", score=0.6)
    long = Span(0, 6, "room", "abcdef", score=0.6)
    assert resolve_overlaps([ssn, short, mrn, long]) == [long, mrn]


def test_scanner_prefers_labelled_mrn_over_ssn_shape():
    assert [(s.kind, s.text) for s in scan("MRN 447-18-2345")] == [("mrn", "447-18-2345")]


def test_redact_refuses_spans_from_another_text():
    spans = scan("Mr. Jones in bed 12")
    with pytest.raises(SpanMismatchError, match="does not match"):
        redact("Mr. James in bed 12", spans)
    with pytest.raises(SpanMismatchError):
        redact("short", [Span(0, 9, "patient", "Mr. Jones")])


def test_span_rejects_unknown_kind_and_empty_range():
    with pytest.raises(ValueError, match="unknown identifier kind 'name'"):
        Span(0, 3, "name", "Bob")
    with pytest.raises(ValueError, match="empty"):
        Span(3, 3, "patient", "")


def test_span_to_dict_is_the_public_shape():
    span = scan("pt Hernandez refused")[0]
    assert span.to_dict() == {
        "start": 3, "end": 12, "kind": "patient", "text": "Hernandez", "tag": "[PATIENT]"
    }
