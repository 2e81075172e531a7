"""The pieces a reply is made of: reflection, feeling check, themes, question, cards.

Each builder picks reviewed words (``reflections.yaml``, the flows, the cards) for
one part of the reply and records in the session what it used, so that nothing is
said, asked or shown twice. The engine decides which parts a turn gets.
"""

from __future__ import annotations

import numpy as np

from companion.dialogue import replies
from companion.dialogue.session import Session
from companion.dialogue.suggestions import SentenceTopics
from companion.dialogue.understanding import Understood

CARDS_PER_TURN = 2
CARD_TOPICS = 1  # a card is shown only when it has the turn's main topic (dev card fit
# 0.72 with the two main topics, 0.77 with the main one; 224 -> 202 cards)
FEELING_CHECK_EVERY = 3  # turns between two "Did I get that right?" checks
FEELING_CHECK_MARGIN = 0.6  # ask when the runner-up is at least this close
SCATTERED_MIN_SENTENCES = 4
SCATTERED_MIN_TOPICS = 3
SCATTERED_MAX = 3
SCATTERED_MIN_PROBABILITY = 0.5


class ReplyParts:
    """Builds the parts of replies from the reviewed texts, the topic model and the cards."""

    def __init__(self, texts, sentence_topics: SentenceTopics, retriever):
        self.texts = texts
        self.sentence_topics = sentence_topics
        self.retriever = retriever

    # ------------------------------------------------------------- feeling
    def reflection(self, session: Session, understood: Understood, short: bool) -> str:
        """A reflection of the turn's feeling, not one said before ("" for a short neutral)."""
        if short and understood.feeling == "neutral":
            return ""
        reflection = self.texts.reflection(understood.feeling, session.said)
        session.said.append(reflection)
        return reflection

    @staticmethod
    def check_feeling(session: Session, understood: Understood) -> bool:
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

    # -------------------------------------------------------------- themes
    def scattered(self, text: str) -> list[str]:
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

    # ----------------------------------------------------------- questions
    def flow_question(self, session: Session, step) -> str:
        """The step's first unasked question, or ""."""
        return self.unasked(session, step.ask, fallback=False)

    def unasked(self, session: Session, questions, fallback: bool = True) -> str:
        """The first of ``questions`` not asked yet (recorded as asked); else, with
        ``fallback``, a "So what?" or fallback question not asked yet."""
        for question in questions:
            if question not in session.asked:
                session.asked.append(question)
                return question
        return "" if not fallback else self.unasked(
            session, [*self.texts.lists["so_what"], *self.texts.fallback_questions], False)

    def question(self, session: Session, step) -> str:
        """The step's next unasked question, else a "So what?" question (never a card's)."""
        question = self.unasked(session, step.ask)
        return question or "What else is on your mind?"

    # --------------------------------------------------------------- cards
    def _card(self, card_id: str):
        try:
            return self.retriever.card(card_id)
        except (KeyError, AttributeError):
            return None

    def step_cards(self, session: Session, step, shown: list[dict]) -> list[dict]:
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

    @staticmethod
    def pick_cards(session: Session, hits, understood: Understood) -> list[dict]:
        """Cards not shown before whose topics meet the turn's main topics; none rather
        than a card about something else. Room is kept for the step's own cards."""
        wanted = {t for t, _ in understood.topics[:CARD_TOPICS]}
        room = CARDS_PER_TURN - (1 if session.current.cards else 0)
        chosen = [h for h in hits if h.card.id not in session.shown_cards
                  and wanted & set(h.card.all_topics)][:room]
        for hit in chosen:
            session.shown_cards.setdefault(hit.card.id, hit.card.title)
        return [hit.to_dict() for hit in chosen]

    # ------------------------------------------------------------- summary
    def summary_text(self, session: Session, themes: list[str]) -> str:
        """The session in a few lines: themes, feelings, advice, topics, next step."""
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
