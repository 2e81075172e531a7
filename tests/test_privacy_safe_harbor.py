"""Safe Harbor identifiers as residents write them, and what the guard must leave alone.

Names without a title (gazetteer + capitalisation + position + context), dates of
service, bed formats, devices, plates, URLs, IPs, towns; normalisation before the
scan; and a scan whose work grows linearly with the input.
"""

from __future__ import annotations

import pytest

from companion.privacy import gazetteer, redact, scan
from companion.privacy.recognizer import ScanWork


def found(text: str, **kwargs) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in scan(text, **kwargs)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # names with no title: full names, possessives, lower case, family of the patient
        ("I'm the one who told Delphine Arsenault she has ALS.", ("patient", "Delphine Arsenault")),
        ("Samuel Otieno held my hand in the elevator.", ("patient", "Samuel Otieno")),
        ("Maria Gonzalez's husband asked if she would wake up.", ("patient", "Maria Gonzalez")),
        ("I explained the biopsy to mrs arsenault standing up.", ("patient", "mrs arsenault")),
        ("pt otieno pulled out his IV again.", ("patient", "otieno")),
        ("The daughter said her dad, Walter Kowalski, never wanted a tube.",
         ("patient", "Walter Kowalski")),
        ("The Gonzalez family brought food for the unit.", ("patient", "Gonzalez")),
        ("I sat with Eleanor after rounds because nobody came.", ("patient", "Eleanor")),
        ("Helping Mateo Rivas walk again was the best part of my month.",
         ("patient", "Mateo Rivas")),
        ("I told delphine arsenault she has ALS.", ("patient", "delphine arsenault")),
        ("Maria de la Cruz asked for her daughter.", ("patient", "Maria de la Cruz")),
        # names the 1990 US Census does not list (world names file), accents, family name first
        ("I sat with Thandiwe Dlamini after the family meeting.", ("patient", "Thandiwe Dlamini")),
        ("Wanjiru Kamau asked whether the chemo takes her hair.", ("patient", "Wanjiru Kamau")),
        ("Nguyen Van Minh refused the transfusion.", ("patient", "Nguyen Van Minh")),
        ("I held Przemysław Kowalczyk's hand for the line.", ("patient", "Przemysław Kowalczyk")),
        # possessives of a lone name, names no gazetteer lists, lower case, coordination
        ("Oyelaran's potassium was 2.1 and she was still joking.", ("patient", "Oyelaran")),
        ("Esperanza's INR came back at 9.", ("patient", "Esperanza")),
        ("The note still says Kaimana Akana, but he goes by Kai.", ("patient", "Kaimana Akana")),
        ("Admitted Yusuf Demirci overnight with a GI bleed.", ("patient", "Yusuf Demirci")),
        ("Amadou and Ibrahim Sow, brothers, both admitted with the flu.", ("patient", "Amadou")),
        ("We ran the family meeting for Obinna today.", ("patient", "Obinna")),
        ("yetunde wanted to see the sunrise from the window.", ("patient", "yetunde")),
        ("ifeoma in bed 7 kept asking for her phone.", ("patient", "ifeoma")),
        ("grandma lucia asked for her rosary again.", ("patient", "lucia")),
        ("Henry Parkinson, no relation, had a stroke.", ("patient", "Henry Parkinson")),
        # dates of service without a year
        ("Ricardo was admitted 9/9 with a stroke.", ("date", "9/9")),
        ("She was admitted on Aug 21st and nobody called her sister.", ("date", "Aug 21st")),
        ("The patient came back on 3/18 with the same pain.", ("date", "3/18")),
        ("He died on the 23rd of January, the morning after.", ("date", "23rd of January")),
        ("He coded on Christmas Eve and I was holding pressure.", ("date", "Christmas Eve")),
        # dates with a weekday, spelled days of the month, a patient's own event
        ("Admitted Wed 4/16 with chest pain, and he had been hiding it.", ("date", "Wed 4/16")),
        ("He was intubated Friday the 12th after the family left.", ("date", "Friday the 12th")),
        ("We scoped her on the fourteenth and again on the twenty-second.",
         ("date", "the twenty-second")),
        ("His daughter's graduation was 5/30 and he wanted to be there.", ("date", "5/30")),
        ("The colonoscopy on 04.11.2021 was read as normal.", ("date", "04.11.2021")),
        # phones: extensions, a pager after a comma, a national trunk number
        ("Her son said to call his office, 415-555-0143 ext 88, after lunch.",
         ("phone", "415-555-0143 ext 88")),
        ("His wife's pager, 555-0176, went off in the meeting.", ("phone", "555-0176")),
        ("Her emergency contact is a cousin, 0161 496 0732, in Manchester.",
         ("phone", "0161 496 0732")),
        # labelled numbers with words or spaces in them
        ("The surgical pathology accession SP-23-118204 had the wrong name.",
         ("id", "SP-23-118204")),
        ("Member ID QRT 331 4420 9 would not scan at registration.", ("id", "QRT 331 4420 9")),
        ("The rep read the serial aloud - PXR-88Q1204 - in front of his wife.",
         ("device", "PXR-88Q1204")),
        # ages spelled out, schools and workplaces, PO boxes with a town
        ("He's ninety-four and still asks for the crossword.", ("age", "ninety-four")),
        ("Her grandson goes to Maple Grove Elementary and drew her a card.",
         ("location", "Maple Grove Elementary")),
        ("He asked me to call his manager at Kessler Plumbing about the surgery.",
         ("location", "Kessler Plumbing")),
        ("Her checks go to P.O. Box 88, Cedar Bluffs, since the fire.",
         ("address", "P.O. Box 88, Cedar Bluffs")),
        ("He was hurt at the Dawson Lumber yard and waited hours for us.",
         ("location", "Dawson Lumber")),
        ("I typed the MRN as 5512093 on the wrong consent.", ("mrn", "5512093")),
        ("She is in her late nineties and still lives alone.", ("age", "late nineties")),
        ("Call her daughter at 555.0142 before noon.", ("phone", "555.0142")),
        ("I moved him to room 4-12 after the fall.", ("room", "room 4-12")),
        # rooms and beds
        ("The woman in 22 rang every ten minutes and I stopped going.", ("room", "22")),
        ("I wrote bed 14 instead of 41 on the transfer form.", ("room", "41")),
        ("The man in 521B asked for me by name.", ("room", "521B")),
        ("I moved the lady in 12B closer to the station.", ("room", "12B")),
        ("The young guy in 7W-18 has been septic for a week.", ("room", "7W-18")),
        # devices, vehicles, licences, health plans, accounts
        ("His pacemaker serial PJN604217H was on the printer.", ("device", "PJN604217H")),
        ("The police read out his license plate 7KDR482 in the ED.", ("vehicle", "7KDR482")),
        ("The VIN 1HGCM82633A004352 on the crash report.", ("vehicle", "1HGCM82633A004352")),
        ("Her driver's license number D4402-88173 was copied.", ("id", "D4402-88173")),
        ("His member ID XJH4432190 kept getting rejected.", ("id", "XJH4432190")),
        ("Her health plan number is HP-7720-1184 and they denied it.", ("id", "HP-7720-1184")),
        # web and network
        ("Her son made a page at gofundme.com/help-for-rosa-m for us.",
         ("url", "gofundme.com/help-for-rosa-m")),
        ("They posted at https://www.facebook.com/jkessler.family today.",
         ("url", "https://www.facebook.com/jkessler.family")),
        ("The portal showed a login from 73.152.44.201 at 3 am.", ("ip", "73.152.44.201")),
        # ages, pagers, towns tied to a patient
        ("At 97 she was sharper than any of us.", ("age", "97")),
        ("My patient, 91, asked whether it was worth going on.", ("age", "91")),
        ("I paged her hospice nurse at pager 4-7719 twice.", ("phone", "4-7719")),
        ("She drove in from Millbrook and she's the only one there with ALS.",
         ("location", "Millbrook")),
        ("He is a dairy farmer from Tilden Falls and the diagnosis means selling.",
         ("location", "Tilden Falls")),
    ],
)
def test_each_new_kind_is_found(text, expected):
    assert expected in found(text)


@pytest.mark.parametrize(
    "text",
    [
        # clinicians and the resident's own people
        "Dr. Patel, my attending, told me I handled the meeting well.",
        "Nurse Kelly caught my potassium error before it reached anyone.",
        "My co-resident Priya covered my pager so I could cry in the stairwell.",
        "Our new intern Oluwaseun is amazing at procedures.",
        "Murphy's sign was positive and Rovsing's was negative.",
        "I went to Lincoln High School and nobody there became a doctor.",
        "My attending worked at Mercy Hospital for ten years.",
        "I worked at a Ford Motor Company plant before med school.",
        "Took step 3 on the twenty-first and I think I passed.",
        "We're in the 90s percentile for burnout, apparently.",
        "Tolstoy's descriptions of how she feels at the end are almost clinical.",
        "The K was 3.5 and the Mg 2.1 today.",
        "Priya's presentation at morning report was so good I felt small.",
        "My step 2 exam is Sat 6/14 and I'm behind on questions.",
        "The lady in the blue coat asked for directions to the cafeteria.",
        "She's ninety minutes late for the meeting again.",
        "We went over the plan on the second day of orientation.",
        "Jake's pager went off during sign-out and he swore.",
        "Today's admissions were brutal and everyone's patience was thin.",
        "My grandma Lucia taught me to cook.",
        "The charge nurse, Denise, stayed late to help me with the transfer.",
        "I spoke with our social worker, Ms. Rivera, about discharge planning.",
        "Our program director, Dr. Arsenault, wants to meet on Friday.",
        "I told my wife Anna that I might want to quit.",
        # eponyms, titles of works, institutions
        "We watched Grey's Anatomy in the call room and laughed.",
        "Parkinson's disease always makes me think of my grandfather.",
        "Bell's palsy, Crohn's flare and Hodgkin's lymphoma on one service.",
        "The Whipple went eight hours and I held retractors.",
        "Dr. Murphy's sign was positive and the surgeon agreed.",
        # units, schedules, clinical numbers
        "Our 5 West unit had three codes this week.",
        "I'm on 5 West next month and dreading the census.",
        "On 3/18 I start my ICU rotation and I'm scared.",
        "My vacation is Aug 21st to Aug 28th and I'm counting the days.",
        "Pain was 8/10 and we gave another dose.",
        "He had 5/5 strength in all extremities.",
        "Give 1/2 tab of lorazepam as needed, the fellow said.",
        "We hung 2L of LR and placed an 18G in the left AC.",
        "I use UpToDate and mdcalc.com more than my textbooks.",
        "Room 4 of the conference center was freezing.",
        "I grew up in a small town and patients here remind me of home.",
        # the resident's own life: pets, books and games, family far away, evaluations
        "Discharged my favourite patient, weirdly sad about it.",
        "Our family's old dog, Max, had surgery and the vet was kind.",
        "I'm reading Anna Karenina for the first time.",
        "Finally beat the final boss in Elden Ring after forty deaths.",
        "My mom was diagnosed last week. She's back home in Manila and I'm here.",
        "MedHub eval 5/5 from one attending, 2/5 from another.",
        "I have a first meeting with my new mentor Dr. Grant on the 3rd, and she asked me to come.",
        "The charge nurse on the step-down unit, Linda, has taught me a lot.",
        "A visiting professor from Stanford is doing grand rounds on Thursday.",
    ],
)
def test_clinicians_eponyms_units_and_schedules_are_left_alone(text):
    assert found(text) == []


def test_gazetteer_has_census_names_with_frequencies_and_word_flags():
    assert gazetteer.size() > 90_000
    maria, arsenault, will = (gazetteer.lookup(w) for w in ("Maria", "arsenault", "WILL"))
    assert maria is not None and maria.is_first and maria.first > 1000
    assert arsenault is not None and arsenault.is_last and not arsenault.is_first
    assert will is not None and will.word and not will.is_first  # "Will" is also a word
    assert gazetteer.lookup("Zosyn") is None
    assert gazetteer.is_word("refused") and not gazetteer.is_word("otieno")


def test_world_names_extend_the_census_as_rare_names():
    dlamini, chukwuemeka, grace = (gazetteer.lookup(w) for w in ("Dlamini", "chukwuemeka", "Grace"))
    assert dlamini is not None and dlamini.is_last and dlamini.last == 1
    assert chukwuemeka is not None and chukwuemeka.is_first and chukwuemeka.first < 30
    assert grace is not None and not grace.is_first  # a word stays weak evidence
    wojcik = gazetteer.lookup("wojcik")
    assert wojcik is not None and gazetteer.lookup("Wójcik") == wojcik  # accents folded


def test_a_name_once_anchored_is_caught_everywhere_in_the_message():
    text = "Mrs. Hargrove was scared. Later Hargrove asked for her son."
    assert found(text) == [("patient", "Mrs. Hargrove"), ("patient", "Hargrove")]


def test_a_name_introduced_as_a_colleague_stays_a_colleague():
    text = "My senior Jake stayed late. Jake said I did fine with the family."
    assert found(text) == []


def test_colleagues_the_resident_named_are_never_flagged():
    text = "I told Delphine Arsenault the news and she cried."
    assert found(text, colleagues=["Arsenault"]) == []
    assert found(text) == [("patient", "Delphine Arsenault")]


def test_zero_width_characters_do_not_hide_an_mrn_and_redaction_keeps_the_rest():
    text = "I wrote MRN 447\u200b1823 on my glove."
    spans = scan(text)
    assert [(s.kind, s.text) for s in spans] == [("mrn", "447\u200b1823")]
    assert redact(text) == "I wrote MRN [MRN] on my glove."


def test_look_alike_letters_do_not_hide_a_title():
    text = "Talked with Мrs. Okafor about hospice."  # Cyrillic capital Em
    assert redact(text) == "Talked with [PATIENT] about hospice."


def test_fullwidth_digits_are_still_a_phone_number():
    text = "call the son at \uff16\uff11\uff17-555-0142 tonight"
    spans = scan(text)
    assert [s.kind for s in spans] == ["phone"]
    assert redact(text) == "call the son at [PHONE] tonight"


@pytest.mark.parametrize(
    ("text", "kind", "hidden"),
    [
        ("his MRN is \u0664\u0664\u0667\u0661\u0668\u0662\u0663, I wrote it down", "mrn",
         "\u0664\u0664\u0667\u0661\u0668\u0662\u0663"),                     # Arabic-Indic
        ("MRN \u096a\u096a\u096d\u0967\u096e\u0968\u0969 on the sticker", "mrn",
         "\u096a\u096a\u096d\u0967\u096e\u0968\u0969"),                     # Devanagari
        ("MRN \uff14\uff14\uff17\uff11\uff18\uff12\uff13 on the sticker", "mrn",
         "\uff14\uff14\uff17\uff11\uff18\uff12\uff13"),                     # fullwidth
        ("call her daughter at 617\u2013555\u20130142 tonight", "phone",
         "617\u2013555\u20130142"),                                              # en dashes
        ("call her daughter at 617\u2011555\u20110142 tonight", "phone",
         "617\u2011555\u20110142"),                                              # no-break hyphens
        ("call her daughter at 617\u00a0555\u00a00142 tonight", "phone",
         "617\u00a0555\u00a00142"),                                              # no-break spaces
        ("pager \U0001d7d4\U0001d7d3\U0001d7d5\u2009555\u20090142 for the family", "phone",
         "\U0001d7d4\U0001d7d3\U0001d7d5\u2009555\u20090142"),                # bold, thin spaces
    ],
)
def test_unicode_digits_dashes_and_spaces_do_not_hide_a_number(text, kind, hidden):
    spans = scan(text)
    assert [(s.kind, s.text) for s in spans] == [(kind, hidden)]
    assert redact(text) == text.replace(hidden, f"[{kind.upper()}]")


def test_two_no_break_spaces_in_a_row_do_not_duplicate_text():
    """A no-break space ended one suspect chunk and began the next: "867" was copied twice."""
    from companion.privacy.scanner import normalised

    text = "the number 555\u00a0867\u00a05309 was on the board"
    norm, mapping = normalised(text)
    assert norm == "the number 555 867 5309 was on the board"
    assert mapping is not None and len(mapping) == len(norm)
    assert "".join(text[i] for i in mapping).replace("\u00a0", " ") == norm


def test_a_dash_between_words_is_left_alone():
    from companion.textnorm import normalise_for_matching

    assert normalise_for_matching("done\u2014really done \u2013 6\u20138 weeks") == (
        "done\u2014really done \u2013 6-8 weeks")


SAMPLE = (
    "Mr. Jones in bed 12 was admitted 9/9, MRN 4471823. I told Delphine Arsenault she has ALS "
    "and her husband cried. Dr. Patel said Parkinson's is not the same. The lady in 521B, 93, "
    "lives at 48 Willow Street; call her son at 617-555-0142 or rob.k@gmail.com. "
    "On 3/4 I worked nights and felt like nothing I did mattered. "
)


def _work(text: str) -> int:
    work = ScanWork()
    scan(text, work=work)
    return work.total


def test_scan_work_grows_linearly_with_the_input():
    """Counting steps, not time: 32 copies cost about 32 times one copy (it was quadratic)."""
    one = _work(SAMPLE)
    many = _work(SAMPLE * 32)
    assert one > 0
    assert many <= 32 * one * 1.1
    assert many >= 32 * one * 0.9  # the counter is real: it does grow with the input


def test_overlap_resolution_does_not_compare_every_pair():
    from companion.privacy.scanner import resolve_overlaps
    from companion.privacy.spans import Span

    spans = [Span(i * 3, i * 3 + 2, "id", "xx") for i in range(5000)]
    work = ScanWork()
    kept = resolve_overlaps(spans, 15000, work)
    assert len(kept) == 5000
    assert work.overlap == 10000  # two cells per span, not 5000 x 5000 comparisons


@pytest.mark.parametrize(
    "text",
    [
        "plain ascii with MRN 4471823 and nothing odd",
        "Mrs. Оkafor’s son — “sooooo tired” — MRN 447\u200b1823, ｐｔ Jones\u00a0in bed 4",
        "café au lait; Sjögren’s; naïve résumé; 9/9 ﬁrst",
        "\u202eevil\u202c text and a tab\tand\nnew lines",
        "pager 617\u00a0555\u00a00142 or 617\u2013555\u20130142, MRN \u0664\u0664\u0667",
    ],
)
def test_chunked_normalisation_matches_normalising_the_whole_text(text):
    from companion.privacy.scanner import normalised
    from companion.textnorm import normalise_for_matching

    norm, mapping = normalised(text)
    assert norm == normalise_for_matching(text)
    if mapping is not None:
        assert len(mapping) == len(norm)
        assert all(0 <= i < len(text) for i in mapping)


def test_keyword_anchored_recognisers_find_what_a_full_pass_finds():
    """Trying a pattern only where its keywords stand must not lose a match."""
    import json
    from dataclasses import replace
    from pathlib import Path

    from companion.privacy.recognizer import KeywordIndex
    from companion.privacy.scanner import ALL_RECOGNIZERS

    data = Path(__file__).parent / "data"
    texts = [json.loads(line)["text"]
             for name in ("privacy_set.jsonl", "privacy_safe_harbor.jsonl")
             for line in (data / name).read_text(encoding="utf-8").splitlines()]
    anchored = [r for r in ALL_RECOGNIZERS if r.keywords or r.anchor is not None]
    assert len(anchored) > 20
    for text in texts:
        index = KeywordIndex(text, (w for r in anchored for w in r.keywords))
        for recognizer in anchored:
            full = replace(recognizer, keywords=frozenset(), trigger=None, anchor=None)
            assert {(s.start, s.end) for s in recognizer.find(text, None, index)} == {
                (s.start, s.end) for s in full.find(text)}, (recognizer.name, text)
