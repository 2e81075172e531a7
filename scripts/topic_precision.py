"""Out-of-fold precision of the topic model on single resident utterances, by probability.

The thresholds for quoting a sentence in a mentor topic (companion/dialogue/suggestions.py)
are read from this table. Run: ``.venv/bin/python scripts/topic_precision.py``.
"""
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))
import tune_retrieval as T
from companion.retrieval.retriever import RankingConfig
setup = T.Setup()
asks = setup.contents.asks
P = len(setup.contents.chunks)
for split in ("within", "card"):
    fold = T.ask_folds(setup.contents, split)
    top, ok = [], []
    for f in range(T.FOLDS):
        model = setup.retriever(fold != f, RankingConfig()).topic_model
        idx = np.flatnonzero(fold == f)
        probs = np.atleast_2d(model.probabilities(setup.vectors[P + idx]))
        for i, row in zip(idx, probs):
            j = int(np.argmax(row)); top.append(row[j]); ok.append(model.topic_ids[j] == asks[i].topic)
    top, ok = np.array(top), np.array(ok)
    print(split, "n", len(ok), "top1", ok.mean().round(3))
    for th in (0.2, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8):
        m = top >= th
        print(f"  p>={th}: kept {m.mean():.2f} precision {ok[m].mean():.3f}")
