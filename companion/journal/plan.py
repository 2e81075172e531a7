"""The resident's personal safety plan: six optional parts, one sealed JSON record.

Written on a calm day, shown first on a hard one. It lives in the journal only
(sealed like every other text field when a passphrase is set), is part of the
export and of ``delete_all``, and is never read by the agenda or anything shared.
"""

from __future__ import annotations

from companion.journal.base import StoreBase
from companion.journal.errors import JournalValueError
from companion.journal.schema import now_iso

PLAN_PARTS: tuple[tuple[str, str, str], ...] = (
    ("warning_signs", "Signs that a hard time is starting",
     "Thoughts, feelings, situations (a run of nights alone after call...)."),
    ("on_my_own", "Things I can do on my own to get through it",
     "A walk, a shower, music, slow breathing, sleep."),
    ("distractions", "People and places that take my mind off it",
     "A friend to text, a café, the gym, a family call."),
    ("ask_for_help", "People I can ask for help, and how to reach them",
     "Name and phone number or how you reach them."),
    ("professionals", "Professionals and services I can contact",
     "Your doctor or therapist, the program's well-being office, helplines."),
    ("safer_surroundings", "Making my surroundings safer",
     "What I would put away or hand to someone (medications, sharps), and who."),
)
"""(id, heading, hint) of each part, in the order they are written and shown."""

PART_IDS = tuple(part[0] for part in PLAN_PARTS)
MAX_PART_CHARS = 4000
PLAN_OFFER_KEY = "plan_offer"
"""Sealed ``meta`` row: the resident's answer to the one-time offer of a plan ("" none yet).
Written with the first check-in, so its presence says nothing about the answers."""
PLAN_OFFER_ANSWERS = ("", "accepted", "declined")


class PlanRecords(StoreBase):
    """The one safety plan of the journal (table ``safety_plan``, row id 1)."""

    def safety_plan(self) -> dict[str, str]:
        """The plan's non-empty parts by id; empty when there is no plan."""
        with self._read() as conn:
            row = conn.execute("SELECT parts FROM safety_plan WHERE id = 1").fetchone()
        if row is None:
            return {}
        parts = self._open_json("safety_plan", "parts", row[0], 1, default={}) or {}
        return {key: str(parts[key]) for key in PART_IDS if str(parts.get(key) or "").strip()}

    def save_safety_plan(self, parts: dict[str, str]) -> dict[str, str]:
        """Store the plan (replacing any before); an all-empty plan deletes it."""
        unknown = sorted(set(parts) - set(PART_IDS))
        if unknown:
            raise JournalValueError(f"unknown safety plan parts: {', '.join(unknown)}")
        clean = {key: str(parts[key]).strip()[:MAX_PART_CHARS] for key in PART_IDS
                 if str(parts.get(key) or "").strip()}
        if not clean:
            self.delete_safety_plan()
            return {}
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO safety_plan (id, parts, updated_at) VALUES (1, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET parts = excluded.parts, "
                "updated_at = excluded.updated_at",
                (self._seal_json("safety_plan", "parts", clean, 1), now_iso()),
            )
        return clean

    def delete_safety_plan(self) -> bool:
        """Delete the plan (and scrub the file); True when there was one."""
        with self._tx("delete from") as conn:
            gone = conn.execute("DELETE FROM safety_plan").rowcount > 0
            if gone:
                self._owe_cleanup(conn)
        if gone:
            self._scrub_or_explain("The safety plan was deleted.",
                                   "until it succeeds, its words may remain inside the file.")
        return gone

    def plan_offer_answer(self) -> str:
        """The answer to the one-time offer of a plan: "accepted", "declined" or ""."""
        with self._read() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?",
                               (PLAN_OFFER_KEY,)).fetchone()
        if row is None:
            return ""
        return self._open("meta", PLAN_OFFER_KEY, row[0], PLAN_OFFER_KEY) or ""

    def record_plan_offer(self, answer: str) -> None:
        """Remember the answer to the offer (it is made once, never again)."""
        if answer not in PLAN_OFFER_ANSWERS:
            raise JournalValueError(f"unknown answer to the plan offer: {answer!r}")
        with self._tx() as conn:
            self._seal_meta(conn, PLAN_OFFER_KEY, answer)

    def _scrub_or_explain(self, done: str, leftover: str) -> None:  # pragma: no cover
        raise NotImplementedError  # defined by Journal
