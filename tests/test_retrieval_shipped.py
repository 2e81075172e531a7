"""The index shipped in the package: used read-only when fresh, never stale on main."""

from __future__ import annotations

import dataclasses
import glob
import json
import tomllib

import pytest
from retrieval_support import REPO, sample_cards

from companion.retrieval import index as index_module
from companion.retrieval.asks import Ask
from companion.retrieval.embedding import HashingEmbedder
from companion.retrieval.index import (
    BUNDLED_COMMAND,
    INDEX_FILE,
    MANIFEST_FILE,
    PREBUILT_ENV,
    SHIPPED_DIR,
    bundled_staleness,
    contents_of,
    shipped_staleness,
)
from companion.retrieval.retriever import Retriever
from companion.taxonomy import load_topics


class CountingEmbedder(HashingEmbedder):
    def __init__(self):
        super().__init__()
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen.extend(texts)
        return super().encode(texts)


def _ship(directory, cards=None):
    """A prebuilt index of the sample cards in ``directory`` (as `kb build --bundled` does)."""
    Retriever.open(cards=cards or sample_cards(), embedder=HashingEmbedder(),
                   index_dir=directory, readonly=[])
    return directory


def test_the_shipped_index_fits_the_repository_cards():
    reason = bundled_staleness()
    assert reason is None, (
        f"the search index shipped in the package is stale ({reason}). Run "
        f"`{BUNDLED_COMMAND}` and commit companion/retrieval/bundled/.")


def test_a_fresh_prebuilt_index_is_used_read_only(tmp_path, companion_home):
    shipped = _ship(tmp_path / "shipped")
    before = {p.name: p.read_bytes() for p in shipped.iterdir()}
    counting = CountingEmbedder()
    retriever = Retriever.open(cards=sample_cards(), embedder=counting, readonly=[shipped])
    assert retriever.origin == "shipped"
    assert counting.seen == []  # nothing embedded
    assert not (companion_home / "index").exists()  # nothing written to the user's folder
    assert retriever.search("present at M&M", k=1)[0].card.id == "mm-presenting"
    assert {p.name: p.read_bytes() for p in shipped.iterdir()} == before


def test_editing_a_card_builds_in_the_user_folder_reusing_shipped_vectors(tmp_path,
                                                                          companion_home):
    shipped = _ship(tmp_path / "shipped")
    before = (shipped / INDEX_FILE).read_bytes()
    cards = sample_cards()
    cards[2] = dataclasses.replace(cards[2], body=cards[2].body + " Quokkas hand over well.")
    counting = CountingEmbedder()
    calls = []
    retriever = Retriever.open(cards=cards, embedder=counting, readonly=[shipped],
                               progress=lambda done, total: calls.append((done, total)))
    assert retriever.origin == "built"
    assert len(counting.seen) == 1 and "Quokkas" in counting.seen[0]  # only the edited card
    assert calls == [(1, 1)]
    assert (companion_home / "index" / MANIFEST_FILE).is_file()
    assert (shipped / INDEX_FILE).read_bytes() == before
    assert Retriever.open(cards=cards, embedder=counting, readonly=[shipped]).origin == "loaded"
    assert retriever.search("quokkas", k=1)[0].card.id == cards[2].id


def test_the_prebuilt_folder_comes_from_the_environment(tmp_path, monkeypatch):
    shipped = _ship(tmp_path / "prebuilt")
    monkeypatch.setenv(PREBUILT_ENV, str(shipped))
    assert index_module.readonly_index_dirs()[0] == shipped
    counting = CountingEmbedder()
    assert Retriever.open(cards=sample_cards(), embedder=counting).origin == "shipped"
    assert counting.seen == []


def test_a_damaged_prebuilt_index_is_not_used(tmp_path, companion_home):
    shipped = _ship(tmp_path / "shipped")
    (shipped / INDEX_FILE).write_bytes(b"junk")
    retriever = Retriever.open(cards=sample_cards(), embedder=HashingEmbedder(),
                               readonly=[shipped])
    assert retriever.origin == "built"
    assert (shipped / INDEX_FILE).read_bytes() == b"junk"  # read-only: never repaired


def test_staleness_names_what_changed(tmp_path):
    shipped = _ship(tmp_path / "shipped")
    embedder = HashingEmbedder()

    def stale(cards, fingerprint=embedder.fingerprint, asks=()):
        return shipped_staleness(contents_of(cards, asks, load_topics()), embedder.name,
                                 fingerprint, directory=shipped)

    assert stale(sample_cards()) is None
    edited = sample_cards()
    edited[0] = dataclasses.replace(edited[0], title="Nights, again")
    assert stale(edited) == "cards changed: 1 edited, 0 added, 0 removed"
    assert "embedding model changed" in stale(sample_cards(), "other-model")
    new_ask = Ask("writing-idp", "career-planning", "how do i even write an idp")
    assert stale(sample_cards(), asks=[new_ask]) == "resident utterances (asks.jsonl) changed"
    manifest = json.loads((shipped / MANIFEST_FILE).read_text())
    (shipped / INDEX_FILE).write_bytes(b"junk")
    assert "corrupt (checksum mismatch)" in stale(sample_cards())
    assert manifest["cards"]
    assert "no shipped index" in shipped_staleness(contents_of([], [], {}), "x", "y",
                                                   directory=tmp_path / "none")


def test_the_wheel_carries_every_shipped_index_file():
    with (REPO / "pyproject.toml").open("rb") as handle:
        patterns = tomllib.load(handle)["tool"]["setuptools"]["package-data"][
            "companion.retrieval"]
    package = REPO / "companion" / "retrieval"
    covered = {m for p in patterns for m in glob.glob(str(package / p))}
    files = {str(p) for p in SHIPPED_DIR.iterdir() if p.is_file()}
    assert files and files <= covered, sorted(files - covered)


@pytest.mark.slow
def test_real_model_tests_share_one_prebuilt_index(real_retriever, prebuilt_index):
    import os

    assert os.environ[PREBUILT_ENV] == str(prebuilt_index)
    assert real_retriever.origin == "shipped"
    assert (prebuilt_index / MANIFEST_FILE).is_file()
