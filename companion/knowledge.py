"""The health of the editable knowledge files: which cards and flows were skipped, and why.

Cards and flows load leniently (a broken file is skipped, the rest work), so the
problems must be said somewhere the person who edited the files will look:
``companion kb check`` and ``companion doctor`` fail and list them, and the app
shows them as a warning when the models are ready.
"""

from __future__ import annotations

from companion.textnorm import strip_controls

MAX_LISTED = 10


def knowledge_problems() -> list[str]:
    """One line per problem in the card and flow files, each naming the file and field."""
    from companion.cards import check_cards
    from companion.dialogue.flows import check_flows, flows_dir

    problems = [f"card {problem}" for problem in check_cards().errors]
    flows = check_flows()
    for error in flows.errors:
        problems += [f"flow {line.strip()}" for line in error.splitlines() if line.strip()]
    if not flows.flows and not flows.errors:
        problems.append(f"flow folder {flows_dir()}: no flow files found")
    return [strip_controls(problem) for problem in problems]


def summary(problems: list[str]) -> str:
    """The problems in one message: what is skipped, the first few, and what to run."""
    listed = "; ".join(problems[:MAX_LISTED])
    more = f"; and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
    return (f"{len(problems)} problem(s) in the knowledge files; the broken files are "
            f"skipped and the rest work: {listed}{more}. Run `companion kb check` for details.")
