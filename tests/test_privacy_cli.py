"""`companion redact TEXT [--json]` and the privacy package's import hygiene."""

from __future__ import annotations

import io
import json
import subprocess
import sys

from companion.cli import main


def test_redact_json_shape(capsys, no_network):
    assert main(["redact", "--json", "Mr. Jones in bed 12, MRN 4471823"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"text", "spans", "redacted"}
    assert out["text"] == "Mr. Jones in bed 12, MRN 4471823"
    assert out["redacted"] == "[PATIENT] in [ROOM], MRN [MRN]"
    assert out["spans"] == [
        {"start": 0, "end": 9, "kind": "patient", "text": "Mr. Jones", "tag": "[PATIENT]"},
        {"start": 13, "end": 19, "kind": "room", "text": "bed 12", "tag": "[ROOM]"},
        {"start": 25, "end": 32, "kind": "mrn", "text": "4471823", "tag": "[MRN]"},
    ]


def test_redact_joins_words_and_prints_spans_and_redacted_text(capsys):
    assert main(["redact", "my", "patient", "Maria", "aged", "93"]) == 0
    out = capsys.readouterr().out
    assert "2 identifier(s) found" in out
    assert "[PATIENT]" in out and "'Maria'" in out
    assert out.strip().endswith("redacted: my patient [PATIENT] aged [AGE]")


def test_redact_clean_text_says_so(capsys):
    assert main(["redact", "Dr. Patel my attending; BP 120/80"]) == 0
    out = capsys.readouterr().out
    assert "no identifiers found" in out
    assert "redacted: Dr. Patel my attending; BP 120/80" in out


def test_redact_reads_stdin_with_dash(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("call 617-555-0142\n"))
    assert main(["redact", "--json", "-"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["text"] == "call 617-555-0142"
    assert out["redacted"] == "call [PHONE]"


def test_privacy_core_imports_neither_textual_nor_torch():
    code = (
        "import sys, companion.privacy, companion.commands.redact\n"
        "companion.privacy.scan('Mr. Jones in bed 4')\n"
        "bad = [m for m in ('textual', 'torch', 'sentence_transformers', 'spacy') "
        "if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.strip() == ""
