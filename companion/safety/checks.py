"""What `kb check` and `doctor` verify for safety: the resources and the stance model.

(Cards and every flow are checked beside this, by ``check_cards`` and ``check_flows``.)

Why: a malformed resources file used to pass `kb check` and break the crisis turn
in the app. The app itself now falls back to built-in resources, but an
institution must learn about the broken file before a resident does.
"""

from __future__ import annotations


def safety_problems() -> list[str]:
    """Every problem found, as plain sentences (empty when all is well)."""
    problems: list[str] = []
    from companion.safety.resources import ResourcesError, load_resources

    try:
        load_resources()
    except ResourcesError as exc:
        problems.append(f"crisis resources: {exc} (the app shows built-in resources instead)")
    from companion.safety.model import StanceModelError, verify_model_file

    try:
        verify_model_file()
    except StanceModelError as exc:
        problems.append(f"stance model: {exc} (the screen falls back to nearest neighbours)")
    return problems
