"""What the feeling reader saw on every turn of a conversations file, and what the engine said.

Plays the conversations through the engine (as ``companion eval conversations`` does) and
writes, per turn: the text, the labels, the feelings the asked question leans toward, the
reader's own and final probabilities, its top feeling and the feeling the engine reported
(None when it named none). With ``--print`` it also prints one line per turn: labels, the
reader's top three, what was reported. It showed (2026-12-02, dev) that the engine reports
the reader's top on every turn that gets a feeling; the misses are the reader's.
Run on DEV or training conversations only, never the held-out ones:
``COMPANION_HOME=$(mktemp -d) .venv/bin/python scripts/feeling_turns.py \
../shared/eval/dev_conversations.jsonl turns.json --print``
"""
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from companion.dialogue import conversation_eval as CE
from companion.dialogue import feelings as F
from companion.dialogue.engine import Engine

reads: list[dict] = []
_read = F.FeelingReader.read


def read(self, text, previous=None, lean=()):
    reading = _read(self, text, previous=previous, lean=lean)
    reads.append({"text": text, "lean": list(lean), "own": reading.own.tolist(),
                  "final": reading.probabilities.tolist(), "pred": reading.feeling})
    return reading


def top3(p):
    return " ".join(f"{F.FEELINGS[i]}:{p[i]:.2f}" for i in np.argsort(-np.array(p))[:3])


F.FeelingReader.read = read
engine = Engine()
out = []
for conversation in CE.load_conversations(sys.argv[1]):
    start = len(reads)
    played = CE.run_conversation(engine, conversation)
    mine = {r["text"]: r for r in reads[start:]}
    for turn in played["turns"]:
        text = turn["labels"]["text"]
        out.append({"conversation": conversation["id"], "flow": conversation["flow"],
                    "state": turn["state"], "reported": turn.get("feeling"),
                    "labels": turn["labels"]["feelings"], "text": text, "read": mine.get(text)})
json.dump(out, open(sys.argv[2], "w"))
if "--print" in sys.argv:
    for o in out:
        r = o["read"]
        print(f"{o['conversation']} {o['state']:8} labels={','.join(o['labels']):24} "
              f"reported={o['reported']!s:12} "
              + (f"reader[{top3(r['own'])}] lean={','.join(r['lean'])}" if r else "(not read)"))
