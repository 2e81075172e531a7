"""The personal safety plan's rules: its wording, its prefill, when to offer it, its print.

A domain module, not storage (the plan itself is a sealed record of
:mod:`companion.journal.plan`). Our own wording of the standard steps of a
safety plan (Stanley and Brown's Safety Planning Intervention); the plan is the
resident's own words for a hard day, not clinical advice, and it does not
replace care.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from companion.journal.plan import PLAN_PARTS
from companion.safety.resources import Resource

PLAN_PURPOSE = (
    "A plan for hard days, written on a calm one: the signs you notice, what helps, "
    "who you can reach. Every part is optional; a few lines are enough. It stays on "
    "this machine. It is not medical advice and does not replace care: if you are in "
    "danger now, call or text 988, or call 911."
)

PLAN_OFFER = ("Would you like to write a plan for hard days? It stays on this machine.")

BURNOUT_OFFER_FROM = 4
"""Burnout answers from this level ("signs not going away", "entirely burned out") offer a plan."""
SUPPORT_OFFER_UP_TO = 2
"""Support answers up to this level ("not supported", "a little") offer a plan."""


def suggests_plan(answers: Mapping[str, int]) -> bool:
    """A check-in with high burnout or low support: the moment to offer a plan, once."""
    burnout, support = answers.get("burnout"), answers.get("support")
    return ((burnout is not None and burnout >= BURNOUT_OFFER_FROM)
            or (support is not None and support <= SUPPORT_OFFER_UP_TO))


def professionals_prefill(resources: Sequence[Resource]) -> str:
    """The "professionals and services" part before the resident writes it: the resources
    file's lines (the institution adds its own well-being office there)."""
    return "\n".join(f"{r.name}: {r.contact}" for r in resources)


def plan_markdown(parts: Mapping[str, str]) -> str:
    """The plan as a Markdown page for the file the resident chooses (never an agenda)."""
    lines = ["# My plan for hard days", "", PLAN_PURPOSE, ""]
    written = [(heading, parts[key].strip()) for key, heading, _ in PLAN_PARTS
               if parts.get(key, "").strip()]
    if not written:
        lines += ["*Nothing written yet.*", ""]
    for heading, text in written:
        lines += [f"## {heading}", "", text, ""]
    return "\n".join(lines)
