"""The advice cards: search, list, read one, and the topic names.

Searches go through the retriever (relevance floor, audience filter); a listing
by topic reads the card files and needs no model.
"""

from __future__ import annotations

from companion.cards import cards_for_topic, visible_to
from companion.service.local.loading import ModelOps
from companion.service.results import CardHit, CardView
from companion.service.wire import convert
from companion.taxonomy import load_topics, topic_label


class KnowledgeOps(ModelOps):
    """Search, list and read the advice cards."""

    def search_cards(self, query: str, k: int = 10, topic: str | None = None,
                     audience: str | None = None) -> list[CardHit]:
        hits = self._load_retriever().search(query, k=k, topic=topic or None,
                                             audience=audience or None)
        return [convert({**hit.to_dict(), "audience": hit.card.audience}, CardHit)
                for hit in hits]

    def list_cards(self, topic: str | None = None,
                   audience: str | None = None) -> list[CardHit]:
        """Every card (title order), optionally of one topic and audience; no body text."""
        if topic:
            cards = cards_for_topic(topic, audience or None)
        else:
            cards = [c for c in self._load_retriever().cards
                     if not audience or visible_to(c, audience)]
        listed = [CardHit(id=c.id, title=c.title, topic=c.topic, topics=list(c.all_topics),
                          audience=c.audience, sources=list(c.sources), now=c.now)
                  for c in cards]
        return sorted(listed, key=lambda c: c.title.casefold())

    def card(self, card_id: str) -> CardView:
        return convert(self._load_retriever().card(card_id), CardView)

    def topic_labels(self) -> dict[str, str]:
        return {topic_id: topic_label(topic_id) for topic_id in load_topics()}
