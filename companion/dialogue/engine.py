"""The conversational engine: one resident turn, end to end, without any UI.

Every turn runs the same path: safety screen first (a crisis leaves the flow at
once), then understanding (feeling and topics), a short reflection, advice cards
from retrieval, mentor-topic suggestions, and the next question from the flow or
from the cards' reflection questions, never repeated. Every word said comes from
reviewed files (flows, cards, ``reflections.yaml``); an optional generator may
only rephrase, behind guardrails (see :mod:`companion.dialogue.generator`).

This module holds the order of a turn; each step lives in its own module:
:mod:`~companion.dialogue.gate` (safety screen, privacy scan, saving the message),
:mod:`~companion.dialogue.reply_parts` (reflection, feeling check, themes, questions,
cards), :mod:`~companion.dialogue.navigation` (the next step of the flow) and
:mod:`~companion.dialogue.mentor_topics` (the session's mentor topics).
"""

from __future__ import annotations

import itertools
import logging
from collections import Counter

import numpy as np

from companion.dialogue import navigation, replies
from companion.dialogue.cleaning import clean_message
from companion.dialogue.flows import Flow, FlowError, load_flows
from companion.dialogue.gate import TurnGate
from companion.dialogue.mentor_topics import MentorTopics
from companion.dialogue.reply_parts import ReplyParts
from companion.dialogue.rumination import WINDOW, is_ruminating
from companion.dialogue.session import Session, Summary, TurnResult
from companion.dialogue.suggestions import SentenceTopics, SuggestedTopic, build_topic
from companion.dialogue.texts import load_texts
from companion.dialogue.transcript import Transcript
from companion.dialogue.understanding import Understanding, yes_no

log = logging.getLogger(__name__)

STRAINED_BURNOUT = 4  # Mini-Z level 4-5: burnout symptoms that are not going away
LOW_SUPPORT = 2  # "not" or "a little" supported


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
        sentence_topics = SentenceTopics(
            embedder, getattr(retriever, "topic_model", None), self.understanding.topic_vectors)
        self.transcript = Transcript(journal)
        self.gate = TurnGate(screener, self.texts, self.transcript)
        self.reply_parts = ReplyParts(self.texts, sentence_topics, retriever)
        self.mentor_topics = MentorTopics(retriever, sentence_topics,
                                          self.texts.mentor_topics, journal)
        self._sessions: dict[int, Session] = {}
        self._memory_ids = itertools.count(1)

    @property
    def sentence_topics(self) -> SentenceTopics:
        """Scores single sentences for topics (for quotes and scattered messages)."""
        return self.mentor_topics.sentence_topics

    @sentence_topics.setter
    def sentence_topics(self, scorer: SentenceTopics) -> None:
        self.mentor_topics.sentence_topics = scorer
        self.reply_parts.sentence_topics = scorer

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
        question = self.reply_parts.flow_question(session, step)
        reply = "\n\n".join(part for part in (step.say, question) if part)
        self.transcript.message(session, "companion", reply)
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
        gate = self.gate.open(session, text, privacy, self.colleagues)
        if isinstance(gate, TurnResult):
            return gate
        text, history, safety, privacy_info = gate
        result = self._respond(session, text, history, safety, on_token)
        result.privacy = privacy_info
        return result

    def _respond(self, session: Session, text: str, history: list[str], safety,
                 on_token=None) -> TurnResult:
        """The reflection part of a turn, once safety and privacy let the message through.

        In order: an answer to what the last reply asked for (a feeling check, an offer,
        a pick among themes); then feeling and topics, a reflection, cards that fit the
        turn and the step, mentor topics from the resident's words; then what was said
        decides the next words: a clinical-judgement question gets an honest offer, a
        long scattered message a one-line summary, repetition one concrete step, a
        short reply quick choices, else the flow's next question (never one already
        asked, and a step already answered is skipped).
        """
        safety_dict = safety.to_dict()
        session.state = "active"  # a safe message after the resources carries on
        index = len(session.resident_turns) - 1
        after_safety = (index > 0 and index - 1 not in session.responded) or any(
            "check:" in reason for reason in safety.reasons)
        session.responded.add(index)
        asked_step = session.current
        pending, session.pending = session.pending, None
        if pending is not None:
            answered = self._answer_pending(session, pending, text)
            if answered is not None:
                answered.safety = safety_dict
                return answered

        hits = self.retriever.search(session.resident_turns[-4:], k=10, audience="resident")
        understood = self.understanding.understand(
            text, history, hits=hits, previous=session.previous_feelings,
            lean=[] if session.deferred else asked_step.lean)
        session.previous_feelings = understood.feeling_probabilities
        short = replies.is_short(text)
        session.feelings.append(understood.feeling)
        session.main_topics.append(understood.topic)
        session.vectors.append(self.embedder.encode([text])[0])
        plan = replies.plan_statement(text)
        if plan or asked_step.kind == "plan":
            session.plans.append(plan or text)
        if session.event is None:
            session.event = replies.event_kind(text)

        reflection = self.reply_parts.reflection(session, understood, short)
        parts = [reflection]
        if safety.level == "concern":
            parts.append(self.texts.concern[0])
        clinical = replies.clinical_question(text)
        if not after_safety and safety.level == "none":  # not from a message of concern;
            # a clinical question becomes a topic only if the resident says so
            self.mentor_topics.update(session, text, understood, hits, leave_out=clinical)
        ruminating = not clinical and self._ruminating(session)
        themes = [] if clinical or ruminating else self.reply_parts.scattered(text)
        if session.deferred:  # the question owed from the last turn is asked now
            session.deferred = False
        elif ruminating:
            session.ruminations += 1
            session.rumination_from = len(session.feelings)
            parts.append(self.texts.rumination[(session.ruminations - 1)
                                               % len(self.texts.rumination)])
            self.mentor_topics.add_rumination(session, hits)
            session.step = navigation.jump_to_action(session)
        else:
            session.step = navigation.advance(session, understood)
        navigation.settle(session, parts, self.texts)
        step = session.current
        cards = self.reply_parts.cards(session, (asked_step, step), [] if short else hits,
                                       understood)
        result = TurnResult(session_id=session.id, reply="", state="active",
                            reflection=reflection, cards=cards, safety=safety_dict,
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
        elif clinical:
            session.pending = {"kind": "clinical", "quote": clinical}
            session.deferred = True
            parts.append(self.texts.line("clinical"))
            result.choices = ["Yes, add it", "No, thanks"]
        elif themes:
            session.pending = {"kind": "themes", "themes": themes}
            session.deferred = True
            labels = [self.texts.themes.get(t, t) for t in themes]
            items = ", ".join(labels[:-1]) + " and " + labels[-1]
            parts += [self.texts.line("rambling", items=items),
                      self.texts.line("rambling_ask")]
            result.choices = [label[:1].upper() + label[1:] for label in labels]
        else:
            navigation.say_step(session, step, parts)
            result.question = self.reply_parts.question(session, step)
            if ruminating and step.kind != "plan":
                result.question = self.reply_parts.unasked(
                    session, [self.texts.line("rumination_step")])
            if short and not understood.answer:
                parts.append(self.texts.line("short_ack"))
                result.choices = list(step.choices or self.texts.lists["short_choices"])
            elif self.reply_parts.check_feeling(session, understood):
                parts.insert(1, self.texts.line("feeling_check"))
                names = self.texts.feeling_names
                result.choices = [names[understood.feeling].capitalize(),
                                  names[understood.second_feeling].capitalize(),
                                  "Something else"]
            parts.append(result.question)
            if self.generator is not None and safety.level == "none":
                text_out, reason = self.generator.rephrase(
                    reflection, result.question, [c["title"] for c in cards],
                    safety.level, on_token=on_token)
                result.generator_fallback = reason
                if reason is None:  # it rephrased the reflection and the question only
                    parts = [*parts[1:-1], text_out]
        if result.choices:
            parts.append(" · ".join(result.choices))
        result.topics = [t.to_dict() for t in session.topics.values()]
        result.reply = "\n\n".join(p for p in parts if p)
        self.transcript.message(session, "companion", result.reply)
        if result.state == "closed":
            result.summary = self.end(session.id).to_dict()
        return result

    def _answer_pending(self, session: Session, pending: dict, text: str) -> TurnResult | None:
        """The resident's answer to a feeling check, an offer or a pick; None if it is not one."""
        kind = pending["kind"]
        parts: list[str] = []
        feeling = None
        if kind == "feeling_check":
            corrected = replies.feeling_correction(text)
            if corrected is None:
                return None
            if corrected == "same":
                parts.append("Thank you.")
                feeling = session.feelings[-1] if session.feelings else None
            else:
                feeling = corrected
                if session.feelings:
                    session.feelings[-1] = corrected
                parts += [self.texts.line("feeling_corrected"),
                          self.texts.reflection(corrected, session.said)]
                session.said.append(parts[-1])
            parts.append(self.texts.line("go_on"))
            question = ""
        else:
            if kind == "clinical":
                answer = yes_no(text) if replies.words(text) <= 6 else None
                if answer is None:
                    return None
                if answer == "yes":
                    self.mentor_topics.add_clinical(session, pending["quote"])
                    parts.append(self.texts.line("clinical_added"))
                else:
                    parts.append(self.texts.line("clinical_declined"))
            elif kind == "themes":
                if not replies.is_short(text) and replies.words(text) > 8:
                    return None
                parts.append(self.texts.line("rambling_pick"))
            session.deferred = False
            navigation.settle(session, parts, self.texts)
            step = session.current
            if step.kind in ("closing", "checkin"):
                session.deferred = True  # the next message moves on as usual
                question = ""
            else:
                navigation.say_step(session, step, parts)
                question = self.reply_parts.question(session, step)
                parts.append(question)
        reply = "\n\n".join(p for p in parts if p)
        self.transcript.message(session, "companion", reply)
        return TurnResult(session_id=session.id, reply=reply, state="active", question=question,
                          feeling=feeling, topics=[t.to_dict() for t in session.topics.values()])

    def submit_checkin(self, session_id: int, answers: dict) -> TurnResult:
        """Record the check-in answers and go on: high burnout or little support puts
        support options first (the check-in step's ``checkin: strained`` branch)."""
        from companion.checkin import score

        session = self.session(session_id)
        checkin = None
        if self.journal is not None:
            checkin = self.journal.add_checkin(answers)
        scores = score(answers)
        support = answers.get("support")
        session.strained = bool((scores["burnout"] or 0) >= STRAINED_BURNOUT
                                or (support is not None and support <= LOW_SUPPORT))
        step = session.current
        session.visits[session.step] += 1
        target = step.next or session.step
        for branch in step.branches:
            if branch.when.checkin == "strained" and session.strained:
                target = branch.next
        session.step = target
        session.state = "active"
        parts = ["Thank you, your check-in is saved."]
        navigation.settle(session, parts, self.texts)
        nxt = session.current
        navigation.say_step(session, nxt, parts)
        question = self.reply_parts.flow_question(session, nxt)
        parts.append(question)
        choices = list(nxt.choices) if session.strained else []
        if choices:
            parts.append(" · ".join(choices))
        reply = "\n\n".join(p for p in parts if p)
        self.transcript.message(session, "companion", reply)
        result = TurnResult(session_id=session.id, reply=reply, state="active", question=question,
                            choices=choices)
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
        answer = "I'm safe, continue" if safe else "end the session"
        self.transcript.safety_event(session, "crisis", [f"answer: {answer}"])
        if not safe:
            reply = self.texts.crisis_end
            self.transcript.message(session, "companion", reply)
            summary = self.end(session_id)
            return TurnResult(session_id=session_id, reply=reply, state="closed",
                              summary=summary.to_dict())
        memory.crisis_answered = True
        memory.record(memory.pending or {})
        memory.pending = None
        memory.pending_turn = None
        session.state = "active"
        step = session.current
        question = self.reply_parts.question(session, step)
        reply = f"{self.texts.crisis_resume}\n\n{question}"
        self.transcript.message(session, "companion", reply)
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
        self.transcript.message(session, "resident", f"[answer to the safety question] {label}",
                                "none")
        self.transcript.safety_event(session, "check", [f"answer: {key}"])
        if key in ("yes", "not_sure"):
            crisis = safety.to_dict()
            crisis["level"] = "crisis"
            crisis["reasons"] = [*crisis["reasons"], f"check: the resident answered {key}"]
            return self.gate.crisis(session, crisis)
        memory.record(memory.pending or {})
        memory.pending = None
        go_on = SafetyResult("concern", [*safety.reasons, "check: the resident answered no"],
                             list(safety.resources), dict(safety.evidence))
        return self._respond(session, text, history, go_on, on_token)

    def end(self, session_id: int) -> Summary:
        """Close the session and save its summary."""
        session = self.session(session_id)
        self.mentor_topics.refresh(session)
        themes = [t for t, _ in Counter(t for t in session.main_topics if t).most_common(3)]
        summary = Summary(
            flow=session.flow.id, themes=themes, feelings=list(session.feelings),
            cards=[{"id": cid, "title": title} for cid, title in session.shown_cards.items()],
            topics=[t.to_dict() for t in session.topics.values()], plans=list(session.plans),
            text=self.reply_parts.summary_text(session, themes),
        )
        if session.state != "closed" and self.journal is not None:
            self.journal.end_session(session.id, summary.to_dict())
        session.state = "closed"
        return summary

    def suggestions(self, session_id: int) -> list[dict]:
        return [t.to_dict() for t in self.session(session_id).topics.values()]

    def suggest(self, text: str, k: int = 5) -> list[SuggestedTopic]:
        """Mentor topics for a piece of text, best first (no session, nothing saved)."""
        text = clean_message(text)
        hits = self.retriever.search(text, k=10, audience="resident")
        understood = self.understanding.understand(text, hits=hits)
        return [
            build_topic(topic_id, score, text, hits, self.retriever, self.texts.mentor_topics,
                        self.sentence_topics)
            for topic_id, score in understood.topics[:k]
        ]

    # --------------------------------------------------------------- helpers
    def _ruminating(self, session: Session) -> bool:
        if session.current.kind in {"plan", "closing"}:
            return False
        start = session.rumination_from
        if len(session.vectors) - start < WINDOW:
            return False
        vectors = np.stack(session.vectors[start:])
        return is_ruminating(session.feelings[start:], vectors,
                             session.resident_turns[-len(vectors):])
