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
import re
from collections import Counter

import numpy as np

from companion.dialogue import replies
from companion.dialogue.cleaning import MessageError, clean_message
from companion.dialogue.flows import Flow, FlowError, load_flows
from companion.dialogue.rumination import WINDOW, is_ruminating
from companion.dialogue.session import Session, Summary, TurnResult
from companion.dialogue.suggestions import (
    Proposal,
    SentenceTopics,
    SuggestedTopic,
    build_topic,
    link_cards,
    make_topic,
    propose,
    topical_question,
)
from companion.dialogue.texts import load_texts
from companion.dialogue.understanding import Understanding, Understood, yes_no
from companion.textnorm import strip_controls

log = logging.getLogger(__name__)

CARDS_PER_TURN = 2
CARD_TOPICS = 1  # a card is shown only when it has the turn's main topic (dev card fit
# 0.72 with the two main topics, 0.77 with the main one; 224 -> 202 cards)
TOPIC_MIN_SCORE = 0.35  # the main topic of a turn must be at least this clear
MAX_SESSION_TOPICS = 5
CLINICAL_TOPIC = "knowledge-transfer"  # "Learning the judgement that comes with experience"
STRAINED_BURNOUT = 4  # Mini-Z level 4-5: burnout symptoms that are not going away
LOW_SUPPORT = 2  # "not" or "a little" supported
FEELING_CHECK_EVERY = 3  # turns between two "Did I get that right?" checks
FEELING_CHECK_MARGIN = 0.6  # ask when the runner-up is at least this close
SCATTERED_MIN_SENTENCES = 4
SCATTERED_MIN_TOPICS = 3
SCATTERED_MAX = 3
SCATTERED_MIN_PROBABILITY = 0.5


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
        self.sentence_topics = SentenceTopics(
            embedder, getattr(retriever, "topic_model", None), self._topic_vectors)
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

        reflection = self._reflection(session, understood, short)
        parts = [reflection]
        if safety.level == "concern":
            parts.append(self.texts.concern[0])
        cards = [] if short else self._pick_cards(session, hits, understood)
        clinical = replies.clinical_question(text)
        if not after_safety and safety.level == "none":  # not from a message of concern;
            # a clinical question becomes a topic only if the resident says so
            self._update_topics(session, text, understood, hits, leave_out=clinical)
        ruminating = not clinical and self._ruminating(session)
        themes = [] if clinical or ruminating else self._scattered(text)
        if session.deferred:  # the question owed from the last turn is asked now
            session.deferred = False
        elif ruminating:
            session.ruminations += 1
            session.rumination_from = len(session.feelings)
            parts.append(self.texts.rumination[(session.ruminations - 1)
                                               % len(self.texts.rumination)])
            self._rumination_topic(session, hits)
            session.step = self._jump_to_action(session)
        else:
            session.step = self._advance(session, understood)
        self._settle(session, parts)
        step = session.current
        cards += self._step_cards(session, step, cards)
        result = TurnResult(session_id=session.id, reply="", state="active",
                            reflection=reflection, cards=cards,
                            topics=[t.to_dict() for t in session.topics.values()],
                            safety=safety_dict, feeling=understood.feeling,
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
            self._say_step(session, step, parts)
            result.question = self._question(session, step, hits)
            if ruminating and step.kind != "plan":
                result.question = self._unasked(session, [self.texts.line("rumination_step")])
            if short and not understood.answer:
                parts.append(self.texts.line("short_ack"))
                result.choices = list(step.choices or self.texts.lists["short_choices"])
            elif self._check_feeling(session, understood):
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
        self._save(session, "companion", result.reply)
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
                    self._add_clinical_topic(session, pending["quote"])
                    parts.append(self.texts.line("clinical_added"))
                else:
                    parts.append(self.texts.line("clinical_declined"))
            elif kind == "themes":
                if not replies.is_short(text) and replies.words(text) > 8:
                    return None
                parts.append(self.texts.line("rambling_pick"))
            session.deferred = False
            self._settle(session, parts)
            step = session.current
            if step.kind in ("closing", "checkin"):
                session.deferred = True  # the next message moves on as usual
                question = ""
            else:
                self._say_step(session, step, parts)
                question = self._question(session, step, [])
                parts.append(question)
        reply = "\n\n".join(p for p in parts if p)
        self._save(session, "companion", reply)
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
        self._settle(session, parts)
        nxt = session.current
        self._say_step(session, nxt, parts)
        question = self._flow_question(session, nxt)
        parts.append(question)
        choices = list(nxt.choices) if session.strained else []
        if choices:
            parts.append(" · ".join(choices))
        reply = "\n\n".join(p for p in parts if p)
        self._save(session, "companion", reply)
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
                        self.sentence_topics)
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
        start = session.rumination_from
        if len(session.vectors) - start < WINDOW:
            return False
        vectors = np.stack(session.vectors[start:])
        return is_ruminating(session.feelings[start:], vectors,
                             session.resident_turns[-len(vectors):])

    def _rumination_topic(self, session: Session, hits) -> None:
        """The worry the resident keeps returning to becomes one mentor topic: the sentence
        of the repeated messages that carries a topic most clearly on its own."""
        turns = session.resident_turns[-WINDOW:]
        sentences = [s for turn in turns for s in replies.split_sentences(turn)
                     if replies.words(s) >= 5 and not replies.is_admission(s)]
        if not sentences:
            return
        probs = self.sentence_topics.probabilities(sentences)
        row, column = np.unravel_index(int(np.argmax(probs)), probs.shape)
        quote = _shorten(sentences[int(row)])
        proposal = Proposal(self.sentence_topics.topic_ids[int(column)],
                            float(probs[row, column]), quote,
                            replies.as_question(quote) if replies.explicit_asks(quote)
                            else topical_question(quote), "topical")
        self._save_topic(session, proposal, turns[-1], hits)

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
                    or (cond.answer and understood.answer == cond.answer)
                    or (cond.event and session.event in cond.event)):
                return branch.next
        return step.next or name

    def _settle(self, session: Session, parts: list[str]) -> None:
        """Move past steps the resident has already answered: a plan already given, a
        question an earlier message answered (``skip_if``), a step made redundant."""
        for _ in range(len(session.flow.steps)):
            step = session.current
            if step.kind in ("closing", "checkin"):
                return
            skip = any(session.visits[other] for other in step.skip_if_visited)
            skip = skip or any(re.search(p, turn) for p in step.skip_if
                               for turn in session.resident_turns)
            if step.kind == "plan" and session.plans and session.visits[session.step] == 0 \
                    and step.ask and step.ask[0] not in session.asked:
                plan = session.plans[-1]
                line = self.texts.line("plan_known", plan=_shorten(plan))
                if line not in session.said:
                    parts.append(line)
                    session.said.append(line)
                skip = True
            if not skip:
                return
            session.visits[session.step] += 1
            session.step = step.next or session.step
            if step.next is None:
                return

    def _say_step(self, session: Session, step, parts: list[str]) -> None:
        if step.say and step.say not in session.said:
            parts.append(step.say)
            session.said.append(step.say)

    def _reflection(self, session: Session, understood: Understood, short: bool) -> str:
        if short and understood.feeling == "neutral":
            return ""
        reflection = self.texts.reflection(understood.feeling, session.said)
        session.said.append(reflection)
        return reflection

    def _check_feeling(self, session: Session, understood: Understood) -> bool:
        """Now and then, when the reading is unsure, ask "Did I get that right?"."""
        if understood.feeling == "neutral" or understood.second_feeling == understood.feeling:
            return False
        if session.turn_count - session.last_feeling_check < FEELING_CHECK_EVERY:
            return False
        if understood.second_score < FEELING_CHECK_MARGIN * understood.feeling_score:
            return False
        session.last_feeling_check = session.turn_count
        session.pending = {"kind": "feeling_check"}
        return True

    def _scattered(self, text: str) -> list[str]:
        """Topics of a long message that touches several things (each in its own sentences)."""
        if replies.words(text) < replies.RAMBLING_WORDS:
            return []
        sentences = replies.split_sentences(text)
        if len(sentences) < SCATTERED_MIN_SENTENCES:
            return []
        probs = self.sentence_topics.probabilities(sentences)
        topics: list[str] = []
        for row in probs:
            i = int(np.argmax(row))
            if row[i] >= SCATTERED_MIN_PROBABILITY:
                topic = self.sentence_topics.topic_ids[i]
                if topic not in topics:
                    topics.append(topic)
        return topics[:SCATTERED_MAX] if len(topics) >= SCATTERED_MIN_TOPICS else []

    def _flow_question(self, session: Session, step) -> str:
        return self._unasked(session, step.ask, fallback=False)

    def _unasked(self, session: Session, questions, fallback: bool = True) -> str:
        for question in questions:
            if question not in session.asked:
                session.asked.append(question)
                return question
        return "" if not fallback else self._unasked(
            session, [*self.texts.lists["so_what"], *self.texts.fallback_questions], False)

    def _question(self, session: Session, step, hits) -> str:
        """The step's next unasked question, else a "So what?" question (never a card's)."""
        question = self._unasked(session, step.ask)
        return question or "What else is on your mind?"

    def _card(self, card_id: str):
        try:
            return self.retriever.card(card_id)
        except (KeyError, AttributeError):
            return None

    def _step_cards(self, session: Session, step, shown: list[dict]) -> list[dict]:
        """The step's own cards (the branch's), once each, in the space left this turn."""
        room = CARDS_PER_TURN - len(shown)
        out: list[dict] = []
        for card_id in step.cards:
            if room <= 0:
                break
            card = self._card(card_id)
            if card is None or card.id in session.shown_cards:
                continue
            session.shown_cards[card.id] = card.title
            out.append({"id": card.id, "title": card.title, "topic": card.topic,
                        "topics": list(card.all_topics), "score": 1.0,
                        "sources": list(card.sources), "text": card.body})
            room -= 1
        return out

    def _pick_cards(self, session: Session, hits, understood: Understood) -> list[dict]:
        """Cards not shown before whose topics meet the turn's main topics; none rather
        than a card about something else. Room is kept for the step's own cards."""
        wanted = {t for t, _ in understood.topics[:CARD_TOPICS]}
        room = CARDS_PER_TURN - (1 if session.current.cards else 0)
        chosen = [h for h in hits if h.card.id not in session.shown_cards
                  and wanted & set(h.card.all_topics)][:room]
        for hit in chosen:
            session.shown_cards.setdefault(hit.card.id, hit.card.title)
        return [hit.to_dict() for hit in chosen]

    def _update_topics(self, session: Session, text: str, understood: Understood,
                       hits, leave_out: str | None = None) -> None:
        source = text.replace(leave_out, " ") if leave_out else text
        for proposal in propose(source, understood.topics, self.sentence_topics,
                                TOPIC_MIN_SCORE):
            self._save_topic(session, proposal, text, hits)

    def _add_clinical_topic(self, session: Session, quote: str) -> None:
        sentence = _shorten(quote)
        proposal = Proposal(CLINICAL_TOPIC, 1.0, sentence, replies.as_question(sentence), "ask")
        self._save_topic(session, proposal, quote, [])

    def _save_topic(self, session: Session, proposal: Proposal, text: str, hits) -> None:
        """Keep one topic per topic id (the first words that raised it) and save it."""
        if proposal.topic_id in session.topics or len(session.topics) >= MAX_SESSION_TOPICS:
            return
        title = self.texts.mentor_topics.get(proposal.topic_id, proposal.topic_id)
        topic = make_topic(proposal, title, link_cards(proposal.topic_id, text, hits,
                                                       self.retriever))
        if self.journal is not None:
            topic.id = self.journal.add_topic(
                session_id=session.id, topic_id=topic.topic_id, title=topic.title,
                rationale=topic.rationale, card_ids=[c["id"] for c in topic.cards],
                resident_words=[topic.resident_words], questions=topic.questions).id
        else:
            topic.id = next(self._memory_topic_ids)
        session.topics[proposal.topic_id] = topic

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


def _shorten(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
