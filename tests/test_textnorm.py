"""Normalisation: real Unicode and terminal tricks, as they arrive in pastes and files."""

from __future__ import annotations

import pytest

from companion.safety import SafetyScreen
from companion.textnorm import normalise_for_matching, normalise_with_map, strip_controls

FULLWIDTH = "I want to \uff4b\uff49\uff4c\uff4c myself"          # ｋｉｌｌ
ZERO_WIDTH = "I want to ki\u200dl\u200bl my\u200cself"          # ZWJ, ZWSP, ZWNJ in words
ANSI = "I want to ki\x1b[31mll\x1b[0m myself"                    # colour codes inside a word
CYRILLIC = "I want to \u043a\u0456ll m\u0443self"                # Cyrillic к, і, у
GREEK = "\u03b5nd my l\u03b9f\u03b5 tonight"                    # Greek ε, ι
BIDI = "I want to \u202ekill\u202c myself"                      # right-to-left override


@pytest.fixture(scope="module")
def rules_only():
    return SafetyScreen(embedder=False)


@pytest.mark.parametrize("text", [FULLWIDTH, ZERO_WIDTH, ANSI, CYRILLIC, BIDI])
def test_hidden_kill_is_plain_after_normalising(text):
    assert normalise_for_matching(text) == "I want to kill myself"


@pytest.mark.parametrize("text", [FULLWIDTH, ZERO_WIDTH, ANSI, CYRILLIC, BIDI, GREEK,
                                  "i want to diiiieeee", "sooooo done, I want to kiiilll myself"])
def test_disguised_crisis_phrases_are_screened_crisis(rules_only, text):
    assert rules_only.screen(text).level == "crisis"


def test_repeated_letters_are_reduced_for_matching():
    assert normalise_for_matching("sooooo tired") == "so tired"
    assert normalise_for_matching("killll") == "kill"
    assert normalise_for_matching("tiiired of this") == "tired of this"
    assert normalise_for_matching("feeeeel") == "feel"
    # Real doubles are untouched: English never writes a letter three times running.
    plain = "I still feel good, sleep soon"
    assert normalise_for_matching(plain) == plain


def test_real_other_scripts_are_not_folded():
    # A whole Russian word is not a homoglyph trick; only mixed or look-alike-only words fold.
    assert normalise_for_matching("Иванов сказал нет") == "Иванов сказал нет"


def test_strip_controls_keeps_visible_text_and_layout():
    assert strip_controls("line one\n\tline two") == "line one\n\tline two"
    assert strip_controls("a\r\nb\rc") == "a\nb\nc"
    assert strip_controls("café ｋ 😀") == "café ｋ 😀"  # visible characters are never changed


def test_strip_controls_removes_escapes_whole_and_invisible_characters():
    assert strip_controls("ki\x1b[1;31mll") == "kill"
    assert strip_controls("\x1b]0;owned title\x07hello") == "hello"          # OSC with BEL
    assert strip_controls("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\") == "link"  # OSC 8 link
    assert strip_controls("\x9b2Jclear") == "clear"                            # 8-bit CSI
    assert strip_controls("a\x00b\x07c\x7fd\x85e") == "abcd\ne"
    assert strip_controls("\ufeffst\u00adart\u2066x\u2069") == "startx"
    assert strip_controls("bad \udcff byte") == "bad \ufffd byte"  # lone surrogate from a file


def test_map_points_back_to_the_original():
    original = "MRN 12\u200b34\x1b[0m567 for ｋｉｌｌ"
    normalised, mapping = normalise_with_map(original)
    assert normalised == "MRN 1234567 for kill"
    assert len(mapping) == len(normalised)
    start = normalised.index("1234567")
    end = start + len("1234567")
    span = original[mapping[start]:mapping[end - 1] + 1]
    assert span == "12\u200b34\x1b[0m567"  # redacting this span removes the whole MRN
    assert original[mapping[normalised.index("kill")]] == "ｋ"
    assert mapping == sorted(mapping)  # nothing is reordered


def test_map_of_expansions_and_deletions():
    normalised, mapping = normalise_with_map("ﬁne e\u0301 soooo")
    assert normalised == "fine e so"
    assert mapping[:2] == [0, 0]  # both letters of the ligature come from one character
    assert normalise_with_map("") == ("", [])
