"""Leave-one-author-out cross-validation of the feeling model: an honest estimate for a new author.

Every author of the ``feelings_*.jsonl`` files and of the labelled conversations
(``CONVERSATION_FILES``; their ``author`` field) is held out in turn (a turn is right when
the top feeling is one of its labels);
the model is trained on the others plus ``feelings.yaml`` and scored on it. Each argument is
a JSON variant: ``st`` (default on) trains on the sentences of long examples too,
``cw`` sets the conversation turns' weight, ``sw`` mixes in the
sentences' reading pooled by ``pool`` (``attn`` with sharpness ``temp``, ``mean``,
``strong``), ``neu`` scales the neutral probability. With ``TURNS=turns.json`` (from
``scripts/feeling_turns.py`` on the dev conversations) it also scores those turns.
Run: ``.venv/bin/python scripts/cv_feelings.py '{"st": true, "pool": "attn", "sw": 0.5}'``.
"""
import json
import os
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
# Each author's examples as (text, [feelings], weight); a conversation turn may carry two.
groups: dict[str, list[tuple[str, list[str], float]]] = {}
for name in F.TRAINING_FILES:
    if name.endswith(".jsonl") and (U / name).is_file():
        for line in open(U / name):
            if line.strip():
                r = json.loads(line)
                groups.setdefault(r["author"], []).append((r["text"], [r["feeling"]], 1.0))
for name in F.CONVERSATION_FILES:
    if (U / name).is_file():
        for line in open(U / name):
            if line.strip():
                c = json.loads(line)
                groups.setdefault(c["author"], []).extend(
                    (t["text"], t["feelings"], F.CONVERSATION_WEIGHT)
                    for t in c["turns"] if t.get("feelings"))
yaml_ex = [(t, [f], 1.0) for f, ts in yaml.safe_load(open(U / "feelings.yaml")).items()
           for t in ts]
turns = [{**e, "lean": e["read"]["lean"]} for e in json.load(open(os.environ["TURNS"]))
         if e["labels"] and e.get("reported") and e.get("read")] \
    if os.environ.get("TURNS") else []
emb = get_embedder()
cache: dict[str, np.ndarray] = {}
NEU = F.FEELINGS.index("neutral")


def enc(texts):
    new = [t for t in dict.fromkeys(texts) if t not in cache]
    if new:
        cache.update(zip(new, emb.encode(new)))
    return np.stack([cache[t] for t in texts])


def feats(texts, cue=F.CUE_SCALE):
    return np.hstack([enc(texts), cue * np.stack([F.cue_counts(t) for t in texts])])


def fit(ex, v):
    texts, labels, w = [], [], []
    for t, fs, wt in ex:
        wt = v.get("cw", wt) if wt != 1.0 else wt  # "cw": another conversation weight
        parts = F.sentences(t) if v.get("st", True) else []
        for f in fs:
            texts.append(t)
            labels.append(f)
            w.append(wt / len(fs))
            if len(parts) > 1:
                texts += parts
                labels += [f] * len(parts)
                w += [wt * F.SENTENCE_TRAIN_WEIGHT / len(parts) / len(fs)] * len(parts)
    return train_topic_model(feats(texts), labels, F.FEELINGS, sample_weights=w,
                             l2=v.get("l2", 1e-3), steps=400, learning_rate=0.03)


def predict(m, text, v):
    parts = F.sentences(text)
    tt = [text, *parts] if len(parts) > 1 else [text]
    lg = feats(tt) @ m.weights + m.bias
    p = np.exp(lg - lg.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    out = p[0]
    if len(p) > 1 and v.get("sw"):
        s = p[1:]
        if v.get("pool") == "attn":
            a = np.exp(v.get("temp", F.SENTENCE_SHARPNESS) * (1 - s[:, NEU]))
            s = a @ s / a.sum()
        elif v.get("pool") == "mean":
            s = s.mean(0)
        else:  # the sentence least likely neutral
            s = s[int(np.argmin(s[:, NEU]))]
        out = (1 - v["sw"]) * out + v["sw"] * s
    out = out.copy()
    out[NEU] *= v.get("neu", 1.0)
    return out / out.sum()


def loao(v):
    accs = {}
    for held in groups:
        m = fit([e for a, g in groups.items() if a != held for e in g] + yaml_ex, v)
        accs[held] = float(np.mean([F.FEELINGS[int(predict(m, t, v).argmax())] in fs
                                    for t, fs, _ in groups[held]]))
    return accs


def turn_accuracy(v):
    m = fit([e for g in groups.values() for e in g] + yaml_ex, v)
    hits = 0
    for e in turns:
        p = predict(m, e["text"], v) + np.array(
            [F.LEAN_WEIGHT if f in e["lean"] else 0.0 for f in F.FEELINGS])
        hits += F.FEELINGS[int(p.argmax())] in e["labels"]
    return hits / len(turns)


if __name__ == "__main__":
    for v in [json.loads(a) for a in sys.argv[1:]] or [{}]:
        r = loao(v)
        sentence_authors = [a for a in r if a != "train-C1"]
        extra = f" turns={turn_accuracy(v):.3f}" if turns else ""
        print(json.dumps(v), f"mean={np.mean(list(r.values())):.3f}",
              f"sentence authors={np.mean([r[a] for a in sentence_authors]):.3f}",
              {k: round(x, 3) for k, x in r.items()}, extra, flush=True)
