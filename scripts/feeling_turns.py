"""Record what the feeling reader sees on every turn of a conversations file (for cv_feelings).

Plays the conversations through the engine (``companion eval conversations``) and writes,
per turn, the text, the feelings the asked question leans toward, the engine's reading and
the labels. Run on the DEV conversations only:
``COMPANION_HOME=$(mktemp -d) .venv/bin/python scripts/feeling_turns.py ../shared/eval/dev_conversations.jsonl turns.json``
"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from companion.dialogue import conversation_eval
from companion.dialogue import feelings as F
from companion.dialogue.engine import Engine

log = []
_read = F.FeelingReader.read


def read(self, text, previous=None, lean=()):
    reading = _read(self, text, previous=previous, lean=lean)
    log.append({"text": text, "lean": list(lean), "pred": reading.feeling})
    return reading


F.FeelingReader.read = read
report = conversation_eval.evaluate_conversations(sys.argv[1], engine=Engine())
print(json.dumps({k: v for k, v in report.items() if k != "per_conversation"}))
labels = {t["text"]: t["feelings"] for line in open(sys.argv[1]) if line.strip()
          for t in json.loads(line)["turns"]}
for entry in log:
    entry["labels"] = labels.get(entry["text"])
json.dump(log, open(sys.argv[2], "w"))
