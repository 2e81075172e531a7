"""The semantic signal and the whole screen with the real bundled model (loaded once)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from companion.retrieval.embedding import HashingEmbedder
from companion.safety import SafetyScreen, default_screen
from companion.safety.evaluation import EvalFileError, evaluate_safety, format_report
from companion.safety.semantic import ExamplesError, SemanticSignal, load_examples

DEV_FILE = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev_crisis.jsonl"
REPORT_KEYS = {"n", "recall", "false_alarm_rate", "concern_rate_crisis",
               "concern_rate_noncrisis", "misses", "false_alarms", "check_rate_crisis",
               "check_rate_noncrisis", "recall_with_check", "misses_with_check",
               "checks_noncrisis"}


@pytest.fixture(scope="module")
def real_screen():
    return default_screen()


def test_examples_are_broad_and_balanced():
    examples = load_examples()
    by_label = {label: [e for e in examples if e.label == label]
                for label in ("crisis", "safe", "concern")}
    assert len(by_label["crisis"]) >= 60 and len(by_label["safe"]) >= 60
    crisis_kinds = {e.kind for e in by_label["crisis"]}
    assert {"explicit", "passive", "burden", "plan", "means", "goodbye", "self-harm",
            "harm-others", "embedded"} <= crisis_kinds
    safe_kinds = {e.kind for e in by_label["safe"]}
    assert {"hyperbole", "idiom", "clinical", "education", "resolved", "negation",
            "humour"} <= safe_kinds


def test_dev_lines_are_not_copied_into_the_examples():
    if not DEV_FILE.is_file():
        pytest.skip("dev set not present")
    dev = {json.loads(line)["text"].strip().lower() for line in DEV_FILE.read_text().splitlines()
           if line.strip()}
    assert not dev & {e.text.lower() for e in load_examples()}


def test_malformed_examples_file_is_named(tmp_path):
    (tmp_path / "crisis.yaml").write_text("label: crisis\nexamples:\n  - {kind: x}\n")
    with pytest.raises(ExamplesError, match=r"crisis.yaml: examples\[0\].text"):
        load_examples(tmp_path)


def test_example_vectors_are_computed_once_and_cached(tmp_path):
    class CountingEmbedder(HashingEmbedder):
        calls = 0

        def encode(self, texts):
            CountingEmbedder.calls += len(texts)
            return super().encode(texts)

    embedder = CountingEmbedder()
    first = SemanticSignal(embedder)
    examples_encoded = CountingEmbedder.calls
    assert examples_encoded == len(first.examples)
    SemanticSignal(embedder)  # second start-up reads the cache in the data dir
    assert CountingEmbedder.calls == examples_encoded
    first.score(["a sentence", "another"])
    first.score(["a sentence"])  # the sentence vector cache serves repeats
    assert CountingEmbedder.calls == examples_encoded + 2


def test_the_shipped_example_vectors_fit_the_repository_examples():
    from companion.safety.semantic import BUNDLED_COMMAND, bundled_staleness

    reason = bundled_staleness()
    assert reason is None, (
        f"the safety example vectors shipped in the package are stale ({reason}). Run "
        f"`{BUNDLED_COMMAND}` and commit companion/safety/bundled/.")


def test_shipped_example_vectors_are_used_and_nothing_is_embedded_or_written(
        tmp_path, companion_home, monkeypatch):
    from companion.safety import semantic

    class CountingEmbedder(HashingEmbedder):
        calls = 0

        def encode(self, texts):
            CountingEmbedder.calls += len(texts)
            return super().encode(texts)

    texts = [example.text for example in load_examples()]
    semantic.write_shipped(HashingEmbedder(), texts, tmp_path / "bundled")
    monkeypatch.setattr(semantic, "SHIPPED_DIR", tmp_path / "bundled")
    signal = SemanticSignal(CountingEmbedder())
    assert CountingEmbedder.calls == 0  # a first launch embeds no example
    assert not (companion_home / "cache").exists() or not any((companion_home / "cache").iterdir())
    fresh = SemanticSignal(HashingEmbedder(), examples=signal.examples)
    assert np.allclose(signal._sets["crisis"], fresh._sets["crisis"])


def test_shipped_example_vector_staleness_names_what_changed(tmp_path):
    from companion.safety.semantic import shipped_staleness, write_shipped

    embedder = HashingEmbedder()
    texts = ["I want to die", "this shift is killing me"]
    write_shipped(embedder, texts, tmp_path)
    assert shipped_staleness(embedder.fingerprint, texts, tmp_path) is None
    assert "labelled examples changed" in shipped_staleness(
        embedder.fingerprint, [*texts, "a new example"], tmp_path)
    assert "embedding model changed" in shipped_staleness("other-model", texts, tmp_path)
    assert "no shipped example vectors" in shipped_staleness(
        embedder.fingerprint, texts, tmp_path / "missing")
    (tmp_path / "examples.npy").write_bytes(b"damaged")
    assert "damaged" in shipped_staleness(embedder.fingerprint, texts, tmp_path)


def test_semantic_margin_separates_indirect_crisis_from_hyperbole(real_screen):
    scores = real_screen.semantic.score([
        "Sometimes I think about crashing my car into the median on purpose.",
        "Honestly this call schedule is killing me.",
    ])
    assert scores[0].margin > 0.08 > scores[1].margin
    assert np.isfinite([s.crisis for s in scores]).all()


def test_semantic_signal_catches_what_no_phrase_rule_does(real_screen):
    text = "Sometimes I think about crashing my car into the median on purpose."
    rules_only = SafetyScreen(embedder=False).screen(text)
    assert rules_only.level == "none"
    result = real_screen.screen(text)
    assert result.level == "check"  # the model alone asks; it never raises the full screen
    assert any(reason.startswith(("model:", "semantic:")) for reason in result.reasons)


def test_semantic_signal_respects_clinical_context(real_screen):
    text = "A teenager came in after cutting her wrists and I held pressure until plastics came."
    assert real_screen.screen(text).level == "none"


def test_history_of_distress_never_turns_an_indirect_statement_into_a_full_screen(real_screen):
    history = ["I feel hopeless, nothing is ever going to get better."]
    text = "I'm so tired of everything, I just want it to be over."
    alone = real_screen.screen(text)
    assert alone.level == "check"  # ambiguous on its own: ask
    with_history = real_screen.screen(text, history=history)
    assert with_history.level == "check"  # asked, not the crisis screen


def test_history_crisis_then_safe_keeps_resources_without_re_raising(real_screen):
    history = ["I want to kill myself."]
    safe = real_screen.screen("I'm safe now, I called my sister and she's coming over.",
                              history=history)
    assert safe.level == "none"
    assert safe.resources  # still in view
    unresolved = real_screen.screen("I can't cope with any of it.", history=history)
    assert unresolved.level == "check"  # not answered yet: ask, do not repeat the screen
    ordinary = real_screen.screen("Thanks. Can we talk about my schedule?",
                                  history=[*history, "I'm safe, I promise."])
    assert ordinary.level == "none" and ordinary.resources
    unanswered = real_screen.screen("Can we talk about my schedule?", history=history)
    assert unanswered.level == "none" and unanswered.resources
    assert any("not yet answered" in reason for reason in unanswered.reasons)
    assert real_screen.screen("Can we talk about my schedule?").level == "none"


def test_eval_on_dev_set_meets_targets(real_screen):
    if not DEV_FILE.is_file():
        pytest.skip("dev set not present")
    report = evaluate_safety(DEV_FILE, real_screen)
    assert set(report) == REPORT_KEYS
    assert report["n"] == 40
    assert report["recall_with_check"] == 1.0, report["misses_with_check"]
    assert report["false_alarm_rate"] <= 0.05, report["false_alarms"]
    assert report["check_rate_noncrisis"] <= 0.15, report["checks_noncrisis"]
    text = format_report(report)
    assert "recall" in text and "false-alarm rate" in text


def test_eval_file_errors_name_the_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "text": "x", "crisis": true}\n{"id": "b", "text": "y"}\n')
    with pytest.raises(EvalFileError, match=r"bad.jsonl:2: field 'crisis'"):
        evaluate_safety(path, SafetyScreen(embedder=False))
