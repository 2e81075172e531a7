"""The mentor topics of an open session: which of the resident's words become one.

:mod:`companion.dialogue.suggestions` proposes topics from one message; this module
keeps the session's list: one topic per topic id (the first words that raised it),
at most ``MAX_SESSION_TOPICS``, each linked to cards and saved to the journal. It also
builds the two topics the engine adds on purpose: a clinical question the resident
agreed to take to a mentor, and the worry a ruminating resident keeps returning to.
"""

from __future__ import annotations

import itertools
import logging

import numpy as np

from companion.dialogue import replies
from companion.dialogue.rumination import WINDOW
from companion.dialogue.session import Session
from companion.dialogue.suggestions import (
    MIN_QUOTE_WORDS,
    Proposal,
    SentenceTopics,
    link_cards,
    make_topic,
    propose,
    topical_question,
)
from companion.dialogue.understanding import Understood

log = logging.getLogger(__name__)

TOPIC_MIN_SCORE = 0.35  # the main topic of a turn must be at least this clear
MAX_SESSION_TOPICS = 5
CLINICAL_TOPIC = "knowledge-transfer"  # "Learning the judgement that comes with experience"


class MentorTopics:
    """Builds and saves a session's mentor topics (``session.topics``)."""

    def __init__(self, retriever, sentence_topics: SentenceTopics, titles: dict[str, str],
                 journal=None):
        self.retriever = retriever
        self.sentence_topics = sentence_topics
        self.titles = titles
        self.journal = journal
        self._memory_ids = itertools.count(1)

    def update(self, session: Session, text: str, understood: Understood, hits,
               leave_out: str | None = None) -> None:
        """Topics from one resident message (``leave_out``: words not to quote)."""
        source = text.replace(leave_out, " ") if leave_out else text
        for proposal in propose(source, understood.topics, self.sentence_topics,
                                TOPIC_MIN_SCORE):
            self.save(session, proposal, text, hits)

    def add_clinical(self, session: Session, quote: str) -> None:
        """The clinical-judgement question the resident agreed to take to a mentor."""
        sentence = replies.brief(quote)
        proposal = Proposal(CLINICAL_TOPIC, 1.0, sentence, replies.as_question(sentence), "ask")
        self.save(session, proposal, quote, [])

    def add_rumination(self, session: Session, hits) -> None:
        """The worry the resident keeps returning to becomes one mentor topic: the sentence
        of the repeated messages that carries a topic most clearly on its own."""
        turns = session.resident_turns[-WINDOW:]
        sentences = [s for turn in turns for s in replies.split_sentences(turn)
                     if replies.words(s) >= MIN_QUOTE_WORDS and not replies.is_admission(s)]
        if not sentences:
            return
        probs = self.sentence_topics.probabilities(sentences)
        row, column = np.unravel_index(int(np.argmax(probs)), probs.shape)
        quote = replies.brief(sentences[int(row)])
        proposal = Proposal(self.sentence_topics.topic_ids[int(column)],
                            float(probs[row, column]), quote,
                            replies.as_question(quote) if replies.explicit_asks(quote)
                            else topical_question(quote), "topical")
        self.save(session, proposal, turns[-1], hits)

    def save(self, session: Session, proposal: Proposal, text: str, hits) -> None:
        """Keep one topic per topic id (the first words that raised it) and save it."""
        if proposal.topic_id in session.topics or len(session.topics) >= MAX_SESSION_TOPICS:
            return
        title = self.titles.get(proposal.topic_id, proposal.topic_id)
        topic = make_topic(proposal, title, link_cards(proposal.topic_id, text, hits,
                                                       self.retriever))
        if self.journal is not None:
            topic.id = self.journal.add_topic(
                session_id=session.id, topic_id=topic.topic_id, title=topic.title,
                rationale=topic.rationale, card_ids=[c["id"] for c in topic.cards],
                resident_words=[topic.resident_words], questions=topic.questions).id
        else:
            topic.id = next(self._memory_ids)
        session.topics[proposal.topic_id] = topic

    def refresh(self, session: Session) -> None:
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
