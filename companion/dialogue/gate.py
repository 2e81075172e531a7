"""The first step of every turn: the safety screen, then the privacy scan, then saving.

A message reaches the reflection only through :meth:`TurnGate.open`: a crisis is
answered with the resources at once (never held back by the privacy question and
always saved redacted), a "check" asks one direct question, and patient
identifiers are redacted, kept or put to the resident before anything is saved.
"""

from __future__ import annotations

from typing import NamedTuple

from companion.dialogue.cleaning import MessageError, clean_message
from companion.dialogue.session import Session, TurnResult
from companion.dialogue.transcript import Transcript
from companion.textnorm import strip_controls


class Passed(NamedTuple):
    """A message the gate let through to the reflection."""

    text: str  # cleaned, redacted if the resident (or the policy) chose so
    history: list[str]  # the resident's earlier turns
    safety: object  # the SafetyResult
    privacy: dict | None  # {"spans", "applied", "text"} when identifiers were found


class TurnGate:
    """Screens and scans one message; ``open`` returns a TurnResult when the turn ends here."""

    def __init__(self, screener, texts, transcript: Transcript):
        self.screen = screener
        self.texts = texts
        self.transcript = transcript

    def open(self, session: Session, raw: str, privacy: str,
             colleagues: tuple[str, ...] = ()) -> TurnResult | Passed:
        """Screen, then scan for identifiers, then save: a TurnResult ends the turn here."""
        from companion.safety.check import check_payload

        if privacy not in ("ask", "keep", "redact"):
            raise ValueError(f"privacy must be ask, keep or redact, got {privacy!r}")
        if not isinstance(raw, str):
            raise MessageError("A message must be text.")
        history = list(session.resident_turns)
        memory = session.safety
        safety = self.screen(raw, history, memory=memory)
        try:
            text = clean_message(raw)
        except MessageError:
            if safety.level != "crisis":
                raise
            text = strip_controls(raw).strip()  # too long, but a crisis is never lost
        spans = identifiers(text, colleagues)
        choice = "redact" if safety.level == "crisis" and privacy == "ask" else privacy
        if spans and choice == "ask":
            return TurnResult(session_id=session.id, reply="", state="privacy",
                              safety=safety.to_dict(),
                              privacy={"spans": [s.to_dict() for s in spans], "applied": None,
                                       "text": text})
        privacy_info = None
        if spans:
            if choice == "redact":
                from companion.privacy import redact

                text = redact(text, spans)
            privacy_info = {"spans": [s.to_dict() for s in spans], "applied": choice,
                            "text": text}
        safety_dict = safety.to_dict()
        # the choice is recorded with the message: "keep" means the resident chose it
        self.transcript.message(session, "resident", text, safety.level,
                                privacy=choice if spans else None)
        session.resident_turns.append(text)
        session.turn_count += 1
        if safety.level == "crisis":
            memory.pending = dict(safety.evidence)
            result = self.crisis(session, safety_dict)
            result.privacy = privacy_info
            return result
        if safety.level == "check":
            session.state = "check"
            memory.pending = dict(safety.evidence)
            memory.pending_turn = (text, history, safety)
            self.transcript.safety_event(session, "check", safety.reasons)
            payload = check_payload()
            self.transcript.message(session, "companion", payload["question"])
            return TurnResult(session_id=session.id, reply=payload["question"], state="check",
                              safety=safety_dict, check=payload, privacy=privacy_info)
        return Passed(text, history, safety, privacy_info)

    def crisis(self, session: Session, safety: dict) -> TurnResult:
        """Resources at once, in plain words; the flow pauses until the resident answers."""
        session.state = "crisis"
        self.transcript.safety_event(session, "crisis", safety["reasons"])
        lines = [self.texts.crisis, ""]
        for res in safety["resources"]:
            lines.append(f"- **{res['name']}**: {res['contact']}. {res['what']} {res['when']}")
        reply = "\n".join(lines).strip()
        self.transcript.message(session, "companion", reply)
        return TurnResult(session_id=session.id, reply=reply, state="crisis", safety=safety)


def identifiers(text: str, colleagues: tuple[str, ...] = ()) -> list:
    """Patient identifiers in a message (the privacy guard's spans), or none without it."""
    try:
        from companion.privacy import scan
    except ModuleNotFoundError:  # pragma: no cover - the guard ships with the app
        return []
    return scan(text, colleagues=colleagues)
