"""The pieces a reply is made of: reflection, feeling check, themes, question, cards.

Each builder picks reviewed words (``reflections.yaml``, the flows, the cards) for
one part of the reply and records in the session what it used, so that nothing is
said, asked or shown twice. The engine decides which parts a turn gets.
"""

from __future__ import annotations

import numpy as np

from companion.cards import visible_to
from companion.dialogue import replies
from companion.dialogue.session import Session
from companion.dialogue.suggestions import SentenceTopics
from companion.dialogue.understanding import Understood

CARDS_PER_TURN = 2
CARD_TOPICS = 1  # a card is shown only when it has the turn's main topic (dev card fit
# 0.72 with the two main topics, 0.77 with the main one; 224 -> 202 cards)
GUIDED_FLOOR = 0.7  # a retrieved card in a guided flow needs this fused score (the
# retriever's own floor is 0.6)
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

    def cards(self, session: Session, steps, hits, understood: Understood) -> list[dict]:
        """The turn's advice cards: the flow's own first, then retrieved ones that fit.

        Own cards are the current step's (flow data), once each; after a branch that
        lists cards, only those the branch lists.
        A retrieved card fills the room left only if its topics meet the turn's main
        topic and, in a guided flow, its main topic is one the steps may draw on
        (:func:`allowed_topics` of the step answered and the step reached) and its
        score clears ``GUIDED_FLOOR``. Never a card already shown, a card with the
        title of one already shown, or a card a resident may not see.

        Args:
            steps: the step the resident answered and the step the flow reached.
            hits: retrieval results for the turn (resident audience), best first;
                empty for a turn too short to retrieve on.
        """
        from companion.retrieval.retriever import Hit  # heavy import, kept off start-up

        room = CARDS_PER_TURN
        out: list[dict] = []
        for card_id in steps[-1].cards:
            if room <= 0:
                break
            if session.branch_cards and card_id not in session.branch_cards:
                continue
            card = self._card(card_id)
            if card is None or not self._showable(session, card):
                continue
            session.shown_cards[card.id] = card.title
            out.append(Hit(card, 1.0, card.body).to_dict())  # shown as a whole, fully fit
            room -= 1
        wanted = {t for t, _ in understood.topics[:CARD_TOPICS]}
        allowed = set().union(*(allowed_topics(session, step) for step in steps))
        for hit in hits:
            if room <= 0:
                break
            if not self._showable(session, hit.card) or not wanted & set(hit.card.all_topics):
                continue
            if allowed and (hit.card.topic not in allowed or hit.score < GUIDED_FLOOR):
                continue
            session.shown_cards[hit.card.id] = hit.card.title
            out.append(hit.to_dict())
            room -= 1
        return out

    @staticmethod
    def _showable(session: Session, card) -> bool:
        return (card.id not in session.shown_cards and visible_to(card, "resident")
                and card.title not in session.shown_cards.values())

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


def allowed_topics(session: Session, step) -> set[str]:
    """The topics retrieved cards may come from at ``step``: the step's own, else those of
    the branch taken, else the flow's; empty (any topic) in an open reflection."""
    return set(step.topics or session.branch_topics or session.flow.topics)
