"""Checking a resident's message before anything else sees it.

Empty, huge or control-character-laden input gets a specific error and the
caller keeps the text, so nothing the resident typed is lost.
"""

from __future__ import annotations

import unicodedata

from companion.textnorm import strip_controls

MAX_MESSAGE_CHARS = 8000


class MessageError(ValueError):
    """The message cannot be used as it is; the text says why and what to do."""


def clean_message(text: str) -> str:
    """Normalise a message: NFC, no control characters, tidy line ends.

    Raises:
        MessageError: if the message is empty after cleaning or too long.
    """
    if not isinstance(text, str):
        raise MessageError("A message must be text.")
    # Escape sequences go whole (not just their ESC byte), zero-width and bidi too.
    text = unicodedata.normalize("NFC", strip_controls(text))
    text = text.replace("\t", " ").strip()
    if not text:
        raise MessageError("The message is empty. Write a few words, then send it.")
    if len(text) > MAX_MESSAGE_CHARS:
        raise MessageError(
            f"The message is {len(text):,} characters long; the limit is "
            f"{MAX_MESSAGE_CHARS:,}. Split it into shorter messages (your text is kept)."
        )
    return text
