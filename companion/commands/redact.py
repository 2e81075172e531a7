"""`companion redact TEXT`: identifier redaction (not built yet)."""

from __future__ import annotations

from companion.cli import not_built


def register(subparsers) -> None:
    parser = subparsers.add_parser("redact", help="identifier redaction (not built yet)")
    parser.add_argument("rest", nargs="*", help="arguments")
    parser.set_defaults(handler=lambda args: not_built("companion redact"))
