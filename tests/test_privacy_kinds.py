"""Privacy guard: every identifier kind is found, and clean clinical text is left alone."""

from __future__ import annotations

import pytest

from companion.privacy import KINDS, TAGS, has_identifiers, scan


def found(text: str) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in scan(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # patient names: title, "pt"/"patient", person named, bed, events, apposition
        ("Mr. Jones kept pulling at his lines.", ("patient", "Mr. Jones")),
        ("Talked with Mrs Maria Lopez about hospice.", ("patient", "Mrs Maria Lopez")),
        ("I sat with Ms. K. for an hour.", ("patient", "Ms. K.")),
        ("my patient Maria asked if she would die", ("patient", "Maria")),
        ("pt Hernandez refused the CT again", ("patient", "Hernandez")),
        ("a patient named Ruth Ames thanked me", ("patient", "Ruth Ames")),
        ("an elderly man named Harold told me about the war", ("patient", "Harold")),
        ("Maria in bed 4 finally smiled", ("patient", "Maria")),
        ("Walter was admitted for the fourth time", ("patient", "Walter")),
        ("Rosa is my patient and I think about her", ("patient", "Rosa")),
        ("Tom Becker, a 67-year-old roofer, wanted to go home", ("patient", "Tom Becker")),
        ("Baby Girl Okafor went home today", ("patient", "Baby Girl Okafor")),
        ("pt J.S. asked whether I was a real doctor", ("patient", "J.S.")),
        # record numbers and other IDs
        ("I wrote MRN 4471823 on a sticky note", ("mrn", "4471823")),
        ("we discussed #4471823 on rounds", ("mrn", "#4471823")),
        ("medical record number 2209-3381 was wrong", ("mrn", "2209-3381")),
        ("MR# 661-2290 was on the label", ("mrn", "661-2290")),
        ("acct 88812345 came up with billing", ("id", "88812345")),
        ("Her insurance ID is XGH448120", ("id", "XGH448120")),
        ("the number 448120993 on his wristband", ("id", "448120993")),
        # dates of birth and full dates attached to a patient
        ("DOB 3/4/1951 was on the whiteboard", ("date", "3/4/1951")),
        ("she was born on March 4, 1931, and remembered", ("date", "March 4, 1931")),
        ("date of birth 1951-03-04 in the sign-out", ("date", "1951-03-04")),
        ("her birthday is May 2 and she wanted to be home", ("date", "May 2")),
        ("born in 1929, she outlived her children", ("date", "1929")),
        ("she was admitted on 6/14/2025 with sepsis", ("date", "6/14/2025")),
        ("he died on 4 January 2025 after a long fight", ("date", "4 January 2025")),
        # the article goes with a bare day (how every labelled set marks it): "since [DATE]"
        ("he'd been rationing his insulin since the 3rd", ("date", "the 3rd")),
        ("we lost Mr. Kowalczyk on the 14th", ("date", "the 14th")),
        ("transfused on the twenty-first, he died", ("date", "the twenty-first")),
        # day first, unambiguous when the day is over 12
        ("The surgery was booked for 22/08 and then cancelled. I had to tell him.",
         ("date", "22/08")),
        # ages over 89
        ("the 93-year-old in the corner bed", ("age", "93-year-old")),
        ("aged 91 and still doing the crossword", ("age", "91")),
        ("a ninety-four-year-old man held my hand", ("age", "ninety-four-year-old")),
        ("our 91 y/o patient wanted coffee", ("age", "91 y/o")),
        ("93F with CHF came in overnight", ("age", "93F")),
        ("she turned 100 on our unit", ("age", "100")),
        ("She is 96 and told me she was ready.", ("age", "96")),
        ("My patient was 92 when she died peacefully.", ("age", "92")),
        ("Mrs. Choi (92, sharp as anything) asked why we were whispering", ("age", "92")),
        ("Mrs. Achebe, ninety-two, asked me what I'd do", ("age", "ninety-two")),
        # contacts
        ("called the daughter at 617-555-0142", ("phone", "617-555-0142")),
        ("fax to (212) 555-0114 never went through", ("phone", "(212) 555-0114")),
        ("asked me to call his wife at +1 504 555 0176", ("phone", "+1 504 555 0176")),
        ("his son said to reach them at 555-0198 after six", ("phone", "555-0198")),
        ("email updates to rob.kessler72@gmail.com please", ("email", "rob.kessler72@gmail.com")),
        # addresses
        ("she lives at 48 Willow Street alone", ("address", "48 Willow Street")),
        ("the patient lives on Elm Street and walks", ("address", "Elm Street")),
        ("the family gave a PO Box 3381 address", ("address", "PO Box 3381")),
        # rooms and beds
        ("bed 12 coded twice", ("room", "bed 12")),
        ("the family meeting in room 4B", ("room", "room 4B")),
        ("the lady in trauma bay 2", ("room", "bay 2")),
        # social security numbers
        ("his SSN 518-44-2093 was printed", ("ssn", "518-44-2093")),
        ("social security number 402 67 1185 read aloud", ("ssn", "402 67 1185")),
    ],
)
def test_each_identifier_kind_is_found(text, expected):
    assert expected in found(text)


def test_every_kind_has_its_own_bracketed_tag():
    assert set(KINDS) == {
        "patient", "mrn", "id", "date", "age", "phone", "email", "address", "room", "ssn",
        "location", "device", "vehicle", "url", "ip",
    }
    assert TAGS == {kind: f"[{kind.upper()}]" for kind in KINDS}


def test_full_example_from_the_issue():
    text = "Mr. Jones in bed 12, MRN 4471823, DOB 3/4/1951"
    assert found(text) == [
        ("patient", "Mr. Jones"), ("room", "bed 12"), ("mrn", "4471823"), ("date", "3/4/1951")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Dr. Patel, my attending, stayed late to walk me through the heparin drip.",
        "Nurse Kelly caught my order error and I thanked her.",
        "My attending Dr. Rivera was admitted to the board of the hospital.",
        "We talked about Parkinson's disease and Cushing's syndrome at noon conference.",
        "The Glasgow Coma Scale felt abstract until my first trauma; Apgar 8 and 9.",
        "On 3/4 I worked nights and on Monday I was a zombie.",
        "As a PGY-2 on 24-hour call I had 3 admissions before midnight.",
        "BP 120/80, K 3.2, and I still worried; I worked 80 hours this week.",
        "She was 92% on room air and HR was 95 so we watched her.",
        "Temp 101F overnight and febrile to 102 F this morning.",
        "I gave 40 mg IV Lasix, 1 g Tylenol and 4 mg Zofran.",
        "Give 500-1000 mg of acetaminophen every 6 hours.",
        "Patient Education Day and Patient Safety week were on Friday.",
        "I had 3 admissions on the drive of a night shift.",
        "Pt was admitted overnight and we saw 12 patients.",
        "The fellow was patient with me during the ultrasound.",
        "I owe $1250000 in loans and lie awake about it.",
        "The study NCT04368728 was mentioned at journal club in 2024.",
        "The resident Alex was admitted to the hospital for appendicitis.",
        "Ms. Thompson, the charge nurse, helped me through the night.",
        "I was in the call room 3 times tonight and the conference room 2 was locked.",
        "Our social worker, Mr. Freeman from case management, found a bed at rehab.",
        "I got 22/30 on the pharmacology quiz and 14/20 on the next one.",
    ],
)
def test_clean_clinical_sentences_are_not_flagged(text):
    assert scan(text) == []
    assert has_identifiers(text) is False


def test_has_identifiers_true_for_an_identifier():
    assert has_identifiers("call me at 617-555-0142") is True


def test_spans_index_into_the_text_and_never_overlap():
    text = ("Mrs. Alvarez's daughter, in room 9C, gave MRN 447-18-2345 and "
            "alvarez.family@yahoo.com; she lives at 17 Cedar Lane, Springfield, IL 62704.")
    spans = scan(text)
    assert [s.kind for s in spans] == ["patient", "room", "mrn", "email", "address"]
    for span in spans:
        assert text[span.start:span.end] == span.text
    for a, b in zip(spans, spans[1:], strict=False):
        assert a.end <= b.start


def test_scan_rejects_non_text():
    with pytest.raises(TypeError, match="str"):
        scan(b"Mr. Jones")  # type: ignore[arg-type]
    assert scan("") == [] and scan("   \n") == []


def test_titled_name_followed_by_something_else_than_a_staff_role_is_a_patient():
    assert found("Mr. Jones, a retired teacher, was my patient.") == [("patient", "Mr. Jones")]
    # "the patient in 4" also places her in bed 4 (a room identifier since issue 20)
    assert found("Mrs. Adams, the patient in 4, was scared.") == [("patient", "Mrs. Adams"),
                                                                  ("room", "4")]
