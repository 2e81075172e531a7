"""Leave-one-author-out cross-validation of the feeling model: an honest estimate for a new author.

Each author's file is held out in turn; the model is trained on the others (plus
``feelings.yaml``) and scored on it. ``grid`` (default) searches cue weight, L2 and the
sentence weight; ``review`` lists the F2 lines the others' model disagrees with, most
confident first (for reviewing labels). Run: ``.venv/bin/python scripts/cv_feelings.py [FILE] [grid|review]``.
"""
import itertools
import json
import sys
from pathlib import Path
import numpy as np
import yaml
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from companion.dialogue import feelings as F
from companion.retrieval.embedding import get_embedder
from companion.retrieval.topicmodel import train_topic_model

U = ROOT / "knowledge" / "understanding"
groups = {}
for name in ["feelings_train.jsonl", "feelings_extra.jsonl"]:
    for l in open(U / name):
        if l.strip():
            r = json.loads(l); groups.setdefault(r["author"], []).append((r["text"], r["feeling"]))
F2 = sys.argv[1] if len(sys.argv) > 1 else str(U / "feelings_F2.jsonl")
for l in open(F2):
    if l.strip():
        r = json.loads(l); groups.setdefault("train-F2", []).append((r["text"], r["feeling"]))
raw = yaml.safe_load(open(U / "feelings.yaml"))
yaml_ex = [(t, f) for f, ts in raw.items() for t in ts]
emb = get_embedder()
cache = {}
def enc(texts):
    new = [t for t in dict.fromkeys(texts) if t not in cache]
    if new:
        for t, v in zip(new, emb.encode(new)): cache[t] = v
    return np.stack([cache[t] for t in texts])
allt = [t for g in groups.values() for t, _ in g] + [t for t, _ in yaml_ex]
enc(allt)
for t in list(allt): enc(F.sentences(t) or [t])

def feats(texts, cue):
    return np.hstack([enc(texts), cue * np.stack([F.cue_counts(t) for t in texts])])

def fit(ex, cue, l2, steps=400, lr=0.03):
    m = train_topic_model(feats([t for t, _ in ex], cue), [f for _, f in ex], F.FEELINGS,
                          l2=l2, steps=steps, learning_rate=lr)
    return m

def probs(m, texts, cue, sent_w):
    out = []
    for t in texts:
        parts = F.sentences(t)
        tt = [t, *parts] if len(parts) > 1 else [t]
        x = feats(tt, cue); lg = x @ m.weights + m.bias; lg -= lg.max(1, keepdims=True)
        p = np.exp(lg); p /= p.sum(1, keepdims=True)
        if len(p) == 1 or sent_w == 0: out.append(p[0]); continue
        s = p[1:][int(np.argmin(p[1:, F.FEELINGS.index("neutral")]))]
        mix = (1 - sent_w) * p[0] + sent_w * s; out.append(mix / mix.sum())
    return np.stack(out)

def loao(cue, l2, sent_w, steps=400, use_yaml=True, authors=None, report=False):
    accs = {}
    for held in (authors or list(groups)):
        train = [e for a, g in groups.items() if a != held for e in g] + (yaml_ex if use_yaml else [])
        m = fit(train, cue, l2, steps)
        test = groups[held]
        p = probs(m, [t for t, _ in test], cue, sent_w)
        pred = [F.FEELINGS[i] for i in p.argmax(1)]
        accs[held] = float(np.mean([a == f for a, (_, f) in zip(pred, test)]))
        if report:
            yield_ = [(float(p[i].max()), F.FEELINGS[int(p[i].argmax())], f, t) for i, (t, f) in enumerate(test) if pred[i] != f]
            accs[held + "_errors"] = sorted(yield_, reverse=True)
    return accs

if __name__ == "__main__":
    mode = sys.argv[2] if len(sys.argv) > 2 else "grid"
    if mode == "review":
        r = loao(0.3, 1e-3, 0.5, authors=["train-F2"], report=True)
        print("F2 acc", r["train-F2"])
        for c, p, f, t in r["train-F2_errors"]:
            print(f"{c:.2f} pred={p:11s} label={f:11s} {t}")
    else:
        for cue, l2, sw in itertools.product([0.0, 0.3, 1.0], [1e-4, 1e-3, 1e-2], [0.0, 0.5]):
            r = loao(cue, l2, sw)
            print(f"cue={cue} l2={l2} sent={sw} mean={np.mean(list(r.values())):.3f}", {k: round(v, 3) for k, v in r.items()}, flush=True)
