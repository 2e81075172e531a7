"""`companion redact TEXT [--json]`: show the patient identifiers in a text and redact them."""

from __future__ import annotations

import json
import re


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
    from companion.textio import text_from_arguments
    from companion.textnorm import strip_controls

    text = text_from_arguments(args.text, "redact")
    spans = scan(text)
    redacted = redact(text, spans)
    if args.json:
        out = json.dumps(
            {"text": text, "spans": [s.to_dict() for s in spans], "redacted": redacted},
            indent=2, ensure_ascii=False,
        )  # C0 controls are escaped by json; escape C1 too, so offsets stay true
        print(re.sub(r"[\x80-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", out))
        return 0
    if spans:
        print(f"{len(spans)} identifier(s) found:")
        for span in spans:
            print(f"  {span.tag:<10} {strip_controls(span.text)!r}  at {span.start}-{span.end}")
    else:
        print("no identifiers found")
    print(f"redacted: {strip_controls(redacted)}")  # the text may come from a file
    return 0
