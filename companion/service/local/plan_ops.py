"""The resident's safety plan: read, save, delete, print, and the one-time offer.

The plan is the resident's own: it is never part of an agenda.
"""

from __future__ import annotations

from pathlib import Path

from companion.agenda import write_new_file
from companion.journal import Journal, JournalValueError
from companion.journal.plan import PLAN_PARTS
from companion.safety_plan import PLAN_PURPOSE, plan_markdown, professionals_prefill, suggests_plan
from companion.service.local.base import CoreBase
from companion.service.results import PlanPart, SafetyPlanView


def plan_view(journal: Journal) -> SafetyPlanView:
    """The stored plan part by part; with none stored, the professionals part is
    prefilled from the resources file (the built-in ones if it cannot be read)."""
    from companion.safety.resources import resources_or_fallback

    stored = journal.safety_plan()
    texts = dict(stored)
    if not stored:
        texts["professionals"] = professionals_prefill(resources_or_fallback()[0])
    return SafetyPlanView(
        [PlanPart(key, heading, hint, texts.get(key, "")) for key, heading, hint in PLAN_PARTS],
        saved=bool(stored), purpose=PLAN_PURPOSE)


class SafetyPlanOps(CoreBase):
    """The resident's safety plan and the one-time offer to write one."""

    def safety_plan(self) -> dict[str, str]:
        """The resident's safety plan, its non-empty parts by id (empty: none written)."""
        return self._open_journal().safety_plan()

    def save_safety_plan(self, parts: dict[str, str]) -> dict[str, str]:
        """Store the plan; all parts empty deletes it. Returns what was kept."""
        return self._open_journal().save_safety_plan(parts)

    def delete_safety_plan(self) -> bool:
        """Delete the plan; True when there was one."""
        return self._open_journal().delete_safety_plan()

    def safety_plan_view(self) -> SafetyPlanView:
        """The plan to show or edit: each part with its heading and hint, in order."""
        return plan_view(self._open_journal())

    def print_safety_plan(self, path: str, overwrite: bool = False) -> str:
        """Write the plan as Markdown to a new file the resident chose; returns its path.

        Never part of an agenda: this is the resident's own copy.
        """
        plan = self._open_journal().safety_plan()
        if not plan:
            raise JournalValueError("There is no plan to print yet.")
        return str(write_new_file(Path(path).expanduser(), plan_markdown(plan),
                                  overwrite=overwrite))

    def plan_offer(self) -> bool:
        """Offer to write a plan now? Once, after a check-in with high burnout or low
        support, when no plan is written and the offer was never answered."""
        journal = self._open_journal()
        checkins = journal.checkins()
        if not checkins or journal.plan_offer_answer() or journal.safety_plan():
            return False
        latest = max(checkins, key=lambda c: (c.created_at, c.id))
        return suggests_plan(latest.answers)

    def answer_plan_offer(self, accepted: bool) -> None:
        """Record the answer to the offer; it is not made again either way."""
        self._open_journal().record_plan_offer("accepted" if accepted else "declined")
