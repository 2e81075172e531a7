"""Slang and euphemism families (issue 14) on the rules alone, and the stance model file."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from companion.safety import SafetyScreen
from companion.safety.model import StanceModelError, load_model, model_path, verify_model_file
from companion.safety.stance import blocked, feature_names, hand_features


@pytest.fixture(scope="module")
def rules_only():
    return SafetyScreen(embedder=False)


@pytest.mark.parametrize(("text", "level"), [
    ("tbh i kinda wanna kms and its not the usual workroom joke", "crisis"),
    ("kms", "check"),
    ("ugh kmsss", "check"),
    ("I'm going to unalive myself this weekend", "crisis"),
    ("I keep thinking about deleting myself", "crisis"),
    ("I just want to not be here anymore.", "check"),
    ("Honestly this feels final.", "check"),
    ("There's no point in waking up tomorrow.", "check"),
    ("There's no point in living like this.", "crisis"),
    ("I keep looking at the roof access door on the 9th floor after my shifts.", "check"),
    ("Stood on the platform and wanted to step off as the train came in.", "crisis"),
    ("been looking up how long it usually takes before someone finds you", "crisis"),
    ("I checked the toxic dose of my own meds and it wasn't for a patient.", "crisis"),
    ("I have been stockpiling my sleeping pills and there are enough now.", "crisis"),
    ("I wrote goodbye letters to my parents last night.", "crisis"),
    ("After the call I sat in the car pressing a blade to my thigh.", "crisis"),
    ("I keep fantasizing about bringing a weapon to work and making the people in the "
     "program office pay", "crisis"),
])
def test_family_is_caught(rules_only, text, level):
    assert rules_only.screen(text).level == level


@pytest.mark.parametrize("text", [
    "Absolutely slayed the in-training exam.",
    "The final exam is next week.",
    "We walked over the bridge to get lunch after rounds.",
    "There's no point waking up early for rounds when the attending shows up at ten.",
    "I could sleep forever after this string of nights, lol.",
    "Catching the bus to clinic at 6.",
    "My patient was found on the roof and we brought her to the ED.",
    "The life insurance form asks who the beneficiary is when I'm dead.",
])
def test_ordinary_neighbours_are_not_raised(rules_only, text):
    assert rules_only.screen(text).level == "none"


def test_stance_features_tell_self_from_patient():
    names = feature_names()
    own = hand_features("i want to die tonight")
    other = hand_features("my patient said she wanted to die")
    assert own[names.index("first_x_death")] == 1.0
    assert own[names.index("first_x_intent")] == 1.0
    assert other[names.index("context_clinical")] == 1.0
    assert not blocked(own)[0] and blocked(other)[0]
    assert own[names.index("srl:Passive suicidal ideation")] >= 1.0


def test_shipped_model_matches_its_manifest_and_the_code():
    manifest = verify_model_file()
    pooled = manifest["report"]["leave_one_author_out"]["pooled"]
    assert pooled["n_crisis"] > 400 and pooled["n_noncrisis"] > 600
    assert len(manifest["authors"]) >= 3  # figures are for text by an author the head never saw
    model = load_model(manifest["embedder"])
    assert 0.0 < model.check_threshold < 1.0
    assert model.weights.shape == (model.dimension + len(feature_names()),)
    probs = model.probabilities(np.zeros((2, model.dimension)),
                                np.stack([hand_features("hello"), hand_features("ok")]))
    assert probs.shape == (2,) and np.all((probs >= 0) & (probs <= 1))


def test_damaged_or_foreign_model_is_refused(tmp_path):
    path = tmp_path / "stance_model.npz"
    shutil.copy(model_path(), path)
    shutil.copy(model_path().with_suffix(".json"), path.with_suffix(".json"))
    fingerprint = json.loads(path.with_suffix(".json").read_text())["embedder"]
    load_model(fingerprint, path)  # a faithful copy loads
    with pytest.raises(StanceModelError, match="embedder"):
        load_model("some-other-model", path)
    path.write_bytes(path.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(StanceModelError, match="does not match its manifest"):
        load_model(fingerprint, path)
    path.with_suffix(".json").unlink()
    with pytest.raises(StanceModelError, match="not found"):
        load_model(fingerprint, path)


def test_screen_without_a_usable_model_falls_back_and_says_why(tmp_path, monkeypatch):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(model_path().parents[1], knowledge)
    (knowledge / "safety" / "stance_model.json").unlink()
    monkeypatch.setenv("COMPANION_KNOWLEDGE", str(knowledge))
    from companion.retrieval.embedding import HashingEmbedder

    screen = SafetyScreen(HashingEmbedder())
    assert screen.model is None and "not found" in screen.model_problem
    assert screen.screen("I want to kill myself").level == "crisis"


# Indirect families a dev conversation missed (issue 14): life held by one thread, death as
# a clean exit, wanting a person hurt, a deadline on being around. Sentences written for
# this test (not the dev lines); each asks, and its ordinary neighbour does not.
@pytest.mark.parametrize("text", [
    "If it weren't for my kids I'd have ended it months ago.",
    "My son is the only thing keeping me alive right now.",
    "I don't know what would keep me here once my mom is gone.",
    "Sometimes dying looks like a painless exit from all of it.",
    "If I died tomorrow it would honestly feel like relief.",
    "I want her to suffer the way I did, and I know where she parks.",
    "I keep rehearsing what I'd do to him if I saw him in the lot.",
    "I won't be around after Friday, I've made up my mind.",
    "lately when I say it I'm not joking. I used to joke about it.",
])
def test_indirect_families_ask(rules_only, text):
    assert rules_only.screen(text).level in ("check", "crisis"), text


@pytest.mark.parametrize("text", [
    "If it weren't for my co-intern I'd have lost my mind on nights.",
    "The only thing keeping me here at this program is the visa.",
    "I found a clean way out of the lease without the penalty.",
    "I won't be around after Friday, I'm flying home for my sister's wedding.",
    "I'm not going to be here after the weekend, I'm on my elective in Boston.",
    "I want him to pay for what he said to the nurse, so I'll report it.",
    "What keeps me here is the people, honestly.",
    "I joked about it at sign-out, but now I mean it: I'm filing the complaint.",
])
def test_their_ordinary_neighbours_do_not(rules_only, text):
    assert rules_only.screen(text).level in ("none", "concern"), text
