"""Privacy guard quality on the labelled set (a quality target, not a timing test)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from companion.privacy import KINDS, scan
from companion.privacy.evaluation import PrivacySetError, evaluate, load_labelled_set

SET = Path(__file__).parent / "data" / "privacy_set.jsonl"


@pytest.fixture(scope="module")
def labelled():
    return load_labelled_set(SET)


def test_set_is_big_enough_and_covers_every_kind(labelled):
    with_ids = [item for item in labelled if item.identifiers]
    clean = [item for item in labelled if not item.identifiers]
    assert len(labelled) >= 160
    assert len(with_ids) >= 80 and len(clean) >= 80
    kinds = {kind for item in with_ids for kind, _, _ in item.identifiers}
    assert kinds == set(KINDS)


def test_targets_recall_and_clean_changed_rate(labelled):
    score = evaluate(labelled, scan)
    assert score.recall >= 0.95, score.missed
    assert score.clean_changed_rate < 0.05, score.false_alarms
    assert score.kind_accuracy >= 0.9, score.missed


def test_evaluation_counts_misses_and_false_alarms(labelled):
    """The metric itself can fail: a scanner that finds nothing, or flags everything."""
    nothing = evaluate(labelled, lambda text: [])
    assert nothing.recall == 0.0 and nothing.clean_changed_rate == 0.0
    from companion.privacy import Span

    everything = evaluate(labelled, lambda text: [Span(0, len(text), "id", text)])
    assert everything.recall == 1.0 and everything.clean_changed_rate == 1.0
    assert everything.kind_accuracy < 0.2


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", ":1: not valid JSON"),
        ('{"id": "a", "text": "x"}', "field 'identifiers' must be a list"),
        ('{"id": "a", "text": "Mr. X", "identifiers": [{"kind": "name", "text": "X"}]}',
         "field 'identifiers\\[0\\].kind'"),
        ('{"id": "a", "text": "Mr. X", "identifiers": [{"kind": "patient", "text": "Y"}]}',
         "'Y' does not occur in 'text'"),
    ],
)
def test_malformed_set_names_file_line_and_field(tmp_path, line, message):
    path = tmp_path / "set.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(PrivacySetError, match=message) as info:
        load_labelled_set(path)
    assert str(path) in str(info.value)


def test_duplicate_ids_are_refused(tmp_path):
    row = json.dumps({"id": "a", "text": "fine", "identifiers": []})
    path = tmp_path / "set.jsonl"
    path.write_text(f"{row}\n{row}\n", encoding="utf-8")
    with pytest.raises(PrivacySetError, match=r"set.jsonl:2: field 'id' 'a' is duplicated"):
        load_labelled_set(path)
