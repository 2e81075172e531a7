"""`companion redact TEXT [--json]`: show the patient identifiers in a text and redact them."""

from __future__ import annotations

import json
import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "redact",
        help="find patient identifiers in TEXT and print it redacted",
        description="Find patient identifiers (names in clinical context, MRNs, dates of birth, "
        "ages over 89, phone numbers, e-mails, addresses, rooms/beds, SSNs) and print the "
        "spans and the redacted text. Runs fully offline.",
    )
    parser.add_argument("text", nargs="+", metavar="TEXT",
                        help="the text to check (several words are joined; '-' reads stdin)")
    parser.add_argument("--json", action="store_true",
                        help='print {"text", "spans": [...], "redacted"} as JSON')
    parser.set_defaults(handler=handler)


def handler(args) -> int:
    from companion.privacy import redact, scan

    text = sys.stdin.read().rstrip("\n") if args.text == ["-"] else " ".join(args.text)
    spans = scan(text)
    redacted = redact(text, spans)
    if args.json:
        print(json.dumps(
            {"text": text, "spans": [s.to_dict() for s in spans], "redacted": redacted},
            indent=2, ensure_ascii=False,
        ))
        return 0
    if spans:
        print(f"{len(spans)} identifier(s) found:")
        for span in spans:
            print(f"  {span.tag:<10} {span.text!r}  at {span.start}-{span.end}")
    else:
        print("no identifiers found")
    print(f"redacted: {redacted}")
    return 0
