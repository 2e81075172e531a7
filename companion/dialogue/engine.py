"""The conversational engine: one resident turn, end to end, without any UI.

Every turn runs the same path: safety screen first (a crisis leaves the flow at
once), then understanding (feeling and topics), a short reflection, advice cards
from retrieval, mentor-topic suggestions, and the next question from the flow or
from the cards' reflection questions, never repeated. Every word said comes from
reviewed files (flows, cards, ``reflections.yaml``); an optional generator may
only rephrase, behind guardrails (see :mod:`companion.dialogue.generator`).
"""

from __future__ import annotations

import itertools
import logging
from collections import Counter

import numpy as np

from companion.dialogue.cleaning import MessageError, clean_message
from companion.dialogue.flows import Flow, FlowError, load_flows
from companion.dialogue.rumination import is_ruminating
from companion.dialogue.session import Session, Summary, TurnResult
from companion.dialogue.suggestions import SuggestedTopic, build_topic
from companion.dialogue.texts import load_texts
from companion.dialogue.understanding import Understanding, Understood
from companion.textnorm import strip_controls

log = logging.getLogger(__name__)

CARDS_PER_TURN = 2
TOPIC_MIN_SCORE = 0.35  # the main topic of a turn must be at least this clear
SECOND_TOPIC_RATIO = 0.75  # a second topic only when nearly as strong as the first
MAX_SESSION_TOPICS = 5


class Engine:
    """Runs guided reflections. Pass collaborators in tests; defaults load the real ones."""

    def __init__(self, *, retriever=None, embedder=None, screener=None, journal=None,
                 flows: dict[str, Flow] | None = None, generator=None):
        if embedder is None:
            from companion.retrieval.embedding import get_embedder

            embedder = get_embedder()
        if retriever is None:
            from companion.retrieval.retriever import Retriever

            retriever = Retriever.open(embedder=embedder)
        if screener is None:
            from companion.safety import screen as screener
        from companion.retrieval.embedding import caching

        embedder = caching(embedder)
        self.embedder = embedder
        self.retriever = retriever
        self.screen = screener
        self.journal = journal
        self.generator = generator
        self.colleagues: tuple[str, ...] = ()
        """Names the privacy guard leaves alone (the resident's colleagues, from settings)."""
        self._flows = flows if flows is not None else load_flows()
        self.texts = load_texts()
        self.understanding = Understanding(
            embedder, topic_model=getattr(retriever, "topic_model", None))
        self._topic_vectors = self.understanding.topic_vectors
        self._sessions: dict[int, Session] = {}
        self._memory_ids = itertools.count(1)
        self._memory_topic_ids = itertools.count(1)

    # ----------------------------------------------------------------- flows
    def flows(self) -> list[Flow]:
        return list(self._flows.values())

    def session(self, session_id: int) -> Session:
        try:
            return self._sessions[session_id]
        except KeyError:
            raise KeyError(f"no open session {session_id}") from None

    def start(self, flow_id: str) -> TurnResult:
        """Open a session on a flow and say its opening."""
        if flow_id not in self._flows:
            raise FlowError(f"unknown flow '{flow_id}'; choose one of: {', '.join(self._flows)}")
        flow = self._flows[flow_id]
        if self.journal is not None:
            session_id = self.journal.start_session(flow_id)
        else:
            session_id = next(self._memory_ids)
        session = Session(id=session_id, flow=flow, step=flow.start)
        self._sessions[session_id] = session
        step = session.current
        question = self._flow_question(session, step)
        reply = "\n\n".join(part for part in (step.say, question) if part)
        self._save(session, "companion", reply)
        return TurnResult(session_id=session_id, reply=reply, state="active", question=question)

    # ------------------------------------------------------------------ turn
    def turn(self, session_id: int, text: str, on_token=None,
             privacy: str = "redact") -> TurnResult:
        """Answer one resident message (raises MessageError for unusable input).

        Safety runs first, on the raw message (normalised for matching), then the
        privacy scan. ``privacy`` is what to do with patient identifiers: "redact"
        (the default for every caller but the app), "keep", or "ask" (the app: if
        any are found the result has state "privacy" with the spans and nothing is
        saved; send the message again with "keep" or "redact"). A crisis is never
        held back by that question: it is saved redacted and the resources shown.
        """
        session = self.session(session_id)
        if session.state == "closed":
            raise FlowError("this session has ended; start a new reflection")
        gate = self._safety_and_privacy(session, text, privacy)
        if isinstance(gate, TurnResult):
            return gate
        text, history, safety, privacy_info = gate
        result = self._respond(session, text, history, safety, on_token)
        result.privacy = privacy_info
        return result

    def _safety_and_privacy(self, session: Session, raw: str, privacy: str):
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
        spans = _identifiers(text, self.colleagues)
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
        self._save(session, "resident", text, safety.level,
                   privacy=choice if spans else None)
        session.resident_turns.append(text)
        session.turn_count += 1
        if safety.level == "crisis":
            memory.pending = dict(safety.evidence)
            result = self._crisis(session, safety_dict)
            result.privacy = privacy_info
            return result
        if safety.level == "check":
            session.state = "check"
            memory.pending = dict(safety.evidence)
            memory.pending_turn = (text, history, safety)
            if self.journal is not None:
                self.journal.record_safety_event(session.id, "check", safety.reasons)
            payload = check_payload()
            self._save(session, "companion", payload["question"])
            return TurnResult(session_id=session.id, reply=payload["question"], state="check",
                              safety=safety_dict, check=payload, privacy=privacy_info)
        return text, history, safety, privacy_info

    def _respond(self, session: Session, text: str, history: list[str], safety,
                 on_token=None) -> TurnResult:
        """The reflection part of a turn, once safety and privacy let the message through."""
        safety_dict = safety.to_dict()
        session.state = "active"  # a safe message after the resources carries on

        hits = self.retriever.search(session.resident_turns[-4:], k=10, audience="resident")
        understood = self.understanding.understand(text, history, hits=hits)
        session.feelings.append(understood.feeling)
        session.main_topics.append(understood.topic)
        session.vectors.append(self.embedder.encode([text])[0])
        if session.current.kind == "plan":
            session.plans.append(text)

        reflection = self.texts.reflection(understood.feeling, session.said)
        session.said.append(reflection)
        cards = self._pick_cards(session, hits)
        topics = self._update_topics(session, text, understood, hits)

        parts = [reflection]
        if safety.level == "concern":
            parts.append(self.texts.concern[0])
        if self._ruminating(session):
            session.ruminations += 1
            rumination = self.texts.rumination
            parts.append(rumination[(session.ruminations - 1) % len(rumination)])
            next_step = self._jump_to_action(session)
        else:
            next_step = self._advance(session, understood)
        session.step = next_step
        step = session.current
        result = TurnResult(session_id=session.id, reply="", state="active",
                            reflection=reflection, cards=cards,
                            topics=[t.to_dict() for t in topics], safety=safety_dict,
                            feeling=understood.feeling,
                            understood_topics=[t for t, _ in understood.topics[:3]])
        if step.kind == "closing":
            parts.append(step.say)
            result.state = "closed"
        elif step.kind == "checkin":
            from companion.checkin import CHECKIN_ITEMS

            session.state = "checkin"
            result.state = "checkin"
            parts.append(step.say)
            result.checkin = {"items": [item.to_dict() for item in CHECKIN_ITEMS]}
        else:
            if step.say:
                parts.append(step.say)
            result.question = self._question(session, step, hits)
            parts.append(result.question)
            if self.generator is not None and safety.level == "none":
                text_out, reason = self.generator.rephrase(
                    reflection, result.question, [c["title"] for c in cards],
                    safety.level, on_token=on_token)
                result.generator_fallback = reason
                if reason is None:  # it rephrased the reflection and the question only
                    parts = [*parts[1:-1], text_out]
        result.reply = "\n\n".join(p for p in parts if p)
        self._save(session, "companion", result.reply)
        if result.state == "closed":
            result.summary = self.end(session.id).to_dict()
        return result

    def submit_checkin(self, session_id: int, answers: dict) -> TurnResult:
        """Record the check-in answers and go on with the flow."""
        session = self.session(session_id)
        checkin = None
        if self.journal is not None:
            checkin = self.journal.add_checkin(answers)
        step = session.current
        session.step = step.next or session.step
        session.state = "active"
        nxt = session.current
        question = self._flow_question(session, nxt)
        reply = "\n\n".join(p for p in ("Thank you, your check-in is saved.", nxt.say, question)
                            if p)
        self._save(session, "companion", reply)
        result = TurnResult(session_id=session.id, reply=reply, state="active", question=question)
        if checkin is not None and hasattr(checkin, "to_dict"):
            result.checkin = {"saved": checkin.to_dict()}
        return result

    def resume_after_crisis(self, session_id: int, safe: bool) -> TurnResult:
        """After the resources: carry on with the flow if the resident is safe, else end.

        "I'm safe" is the resident's answer: it is recorded, and the evidence that
        raised this screen does not raise it again in the session.
        """
        session = self.session(session_id)
        memory = session.safety
        if self.journal is not None:
            answer = "I'm safe, continue" if safe else "end the session"
            self.journal.record_safety_event(session.id, "crisis", [f"answer: {answer}"])
        if not safe:
            reply = self.texts.crisis_end
            self._save(session, "companion", reply)
            summary = self.end(session_id)
            return TurnResult(session_id=session_id, reply=reply, state="closed",
                              summary=summary.to_dict())
        memory.crisis_answered = True
        memory.record(memory.pending or {})
        memory.pending = None
        memory.pending_turn = None
        session.state = "active"
        step = session.current
        question = self._question(session, step, [])
        reply = f"{self.texts.crisis_resume}\n\n{question}"
        self._save(session, "companion", reply)
        return TurnResult(session_id=session_id, reply=reply, state="active", question=question)

    def answer_check(self, session_id: int, answer: str, on_token=None) -> TurnResult:
        """The resident's answer to the safety question: yes / not_sure -> crisis, no -> go on.

        "No" is recorded and the same evidence does not ask again in this session;
        the reflection of the message that raised the question then continues.
        """
        from companion.safety.check import parse_answer
        from companion.safety.screen import SafetyResult

        session = self.session(session_id)
        memory = session.safety
        if session.state != "check" or memory.pending_turn is None:
            raise FlowError("there is no safety question waiting for an answer")
        key = parse_answer(answer)
        text, history, safety = memory.pending_turn
        memory.pending_turn = None
        label = {"yes": "Yes", "no": "No", "not_sure": "Not sure"}[key]
        self._save(session, "resident", f"[answer to the safety question] {label}", "none")
        if self.journal is not None:
            self.journal.record_safety_event(session.id, "check", [f"answer: {key}"])
        if key in ("yes", "not_sure"):
            crisis = safety.to_dict()
            crisis["level"] = "crisis"
            crisis["reasons"] = [*crisis["reasons"], f"check: the resident answered {key}"]
            return self._crisis(session, crisis)
        memory.record(memory.pending or {})
        memory.pending = None
        go_on = SafetyResult("concern", [*safety.reasons, "check: the resident answered no"],
                             list(safety.resources), dict(safety.evidence))
        return self._respond(session, text, history, go_on, on_token)

    def end(self, session_id: int) -> Summary:
        """Close the session and save its summary."""
        session = self.session(session_id)
        self._refresh_topics(session)
        themes = [t for t, _ in Counter(t for t in session.main_topics if t).most_common(3)]
        summary = Summary(
            flow=session.flow.id, themes=themes, feelings=list(session.feelings),
            cards=[{"id": cid, "title": title} for cid, title in session.shown_cards.items()],
            topics=[t.to_dict() for t in session.topics.values()], plans=list(session.plans),
            text=self._summary_text(session, themes),
        )
        if session.state != "closed" and self.journal is not None:
            self.journal.end_session(session.id, summary.to_dict())
        session.state = "closed"
        return summary

    def _refresh_topics(self, session: Session) -> None:
        """Take each topic's status and wording from the journal before summarising.

        The resident accepts, edits and dismisses topics through the journal while
        the session runs; without this the summary kept them "suggested" under the
        title first suggested.
        """
        from companion.journal import RecordNotFoundError

        if self.journal is None:
            return
        for topic in session.topics.values():
            if topic.id is None:
                continue
            try:
                stored = self.journal.topic(topic.id)
            except RecordNotFoundError:  # deleted meanwhile: it keeps its old words
                log.debug("topic %s not in the journal any more", topic.id)
                continue
            topic.title, topic.rationale, topic.status = (stored.title, stored.rationale,
                                                          stored.status)

    def suggestions(self, session_id: int) -> list[dict]:
        return [t.to_dict() for t in self.session(session_id).topics.values()]

    def suggest(self, text: str, k: int = 5) -> list[SuggestedTopic]:
        """Mentor topics for a piece of text, best first (no session, nothing saved)."""
        text = clean_message(text)
        hits = self.retriever.search(text, k=10, audience="resident")
        understood = self.understanding.understand(text, hits=hits)
        return [
            build_topic(topic_id, score, text, hits, self.retriever, self.texts.mentor_topics,
                        self._topic_vectors.get(topic_id), self.embedder)
            for topic_id, score in understood.topics[:k]
        ]

    # --------------------------------------------------------------- helpers
    def _save(self, session: Session, role: str, text: str, level: str = "none",
              privacy: str | None = None) -> None:
        if self.journal is not None:
            if privacy is None:
                self.journal.add_message(session.id, role, text, safety_level=level)
            else:
                self.journal.add_message(session.id, role, text, safety_level=level,
                                         privacy=privacy)

    def _crisis(self, session: Session, safety: dict) -> TurnResult:
        """Resources at once, in plain words; the flow pauses until the resident answers."""
        session.state = "crisis"
        if self.journal is not None:
            self.journal.record_safety_event(session.id, "crisis", safety["reasons"])
        lines = [self.texts.crisis, ""]
        for res in safety["resources"]:
            lines.append(f"- **{res['name']}**: {res['contact']}. {res['what']} {res['when']}")
        reply = "\n".join(lines).strip()
        self._save(session, "companion", reply)
        return TurnResult(session_id=session.id, reply=reply, state="crisis", safety=safety)

    def _ruminating(self, session: Session) -> bool:
        if session.current.kind in {"plan", "closing"}:
            return False
        vectors = np.stack(session.vectors) if session.vectors else None
        if session.ruminations and session.turn_count - session.ruminations < 3:
            return False
        return is_ruminating(session.feelings, session.main_topics, vectors)

    def _jump_to_action(self, session: Session) -> str:
        for name, step in session.flow.steps.items():
            if step.kind == "plan" and session.visits[name] == 0:
                return name
        return next(n for n, s in session.flow.steps.items() if s.kind == "closing")

    def _advance(self, session: Session, understood: Understood) -> str:
        name = session.step
        step = session.current
        session.visits[name] += 1
        if step.kind == "advice" and session.visits[name] < step.repeat:
            return name
        top = {t for t, _ in understood.topics[:2]}
        for branch in step.branches:
            cond = branch.when
            if ((cond.topic and top & set(cond.topic))
                    or (cond.feeling and understood.feeling in cond.feeling)
                    or (cond.answer and understood.answer == cond.answer)):
                return branch.next
        return step.next or name

    def _flow_question(self, session: Session, step) -> str:
        for question in step.ask:
            if question not in session.asked:
                session.asked.append(question)
                return question
        return ""

    def _question(self, session: Session, step, hits) -> str:
        question = self._flow_question(session, step)
        if question:
            return question
        # Cards come ranked by relevance to the conversation; the first question not yet
        # asked from the best card wins (embedding every card question cost a turn's p95).
        unasked = (q for hit in hits[:6] for q in hit.card.reflect if q not in session.asked)
        found: str | None = next(unasked, None)
        if found is None:
            unused = [q for q in self.texts.fallback_questions if q not in session.asked]
            found = unused[0] if unused else "What else is on your mind?"
        question = found
        session.asked.append(question)
        return question

    def _pick_cards(self, session: Session, hits) -> list[dict]:
        fresh = [h for h in hits if h.card.id not in session.shown_cards] or hits
        chosen = fresh[:CARDS_PER_TURN]
        for hit in chosen:
            session.shown_cards.setdefault(hit.card.id, hit.card.title)
        return [hit.to_dict() for hit in chosen]

    def _update_topics(self, session: Session, text: str, understood: Understood, hits):
        ranked = understood.topics[:2]
        if not ranked or ranked[0][1] < TOPIC_MIN_SCORE:
            return list(session.topics.values())
        strong = [ranked[0]] + [t for t in ranked[1:] if t[1] >= SECOND_TOPIC_RATIO * ranked[0][1]]
        for topic_id, score in strong:
            if len(session.topics) >= MAX_SESSION_TOPICS and topic_id not in session.topics:
                continue
            if topic_id in session.topics:
                session.topics[topic_id].score = max(session.topics[topic_id].score, score)
                continue
            topic = build_topic(topic_id, score, text, hits, self.retriever,
                                self.texts.mentor_topics, self._topic_vectors.get(topic_id),
                                self.embedder)
            if self.journal is not None:
                topic.id = self.journal.add_topic(
                    session_id=session.id, topic_id=topic.topic_id, title=topic.title,
                    rationale=topic.rationale, card_ids=[c["id"] for c in topic.cards],
                    resident_words=[topic.resident_words], questions=topic.questions).id
            else:
                topic.id = next(self._memory_topic_ids)
            session.topics[topic_id] = topic
        return list(session.topics.values())

    def _summary_text(self, session: Session, themes: list[str]) -> str:
        theme_words = ", ".join(self.texts.themes.get(t, t) for t in themes) or "open reflection"
        feelings = [f for f in dict.fromkeys(session.feelings)]
        lines = [f"**{session.flow.title}**: {theme_words}."]
        if feelings:
            lines.append(f"Feelings along the way: {', '.join(feelings)}.")
        if session.shown_cards:
            lines.append(f"Advice shown: {', '.join(session.shown_cards.values())}.")
        kept = [t for t in session.topics.values() if t.status != "dismissed"]
        if kept:
            lines.append("Topics for your mentor: "
                         + "; ".join(f"{t.title} ({t.status})" for t in kept) + ".")
        if session.plans:
            lines.append(f"Your next step: {session.plans[-1]}")
        return "\n".join(lines)


def _identifiers(text: str, colleagues: tuple[str, ...] = ()) -> list:
    """Patient identifiers in a message (the privacy guard's spans), or none without it."""
    try:
        from companion.privacy import scan
    except ModuleNotFoundError:  # pragma: no cover - the guard ships with the app
        return []
    return scan(text, colleagues=colleagues)
