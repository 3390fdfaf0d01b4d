"""Cutting an answer to one phone screen: at a paragraph or sentence end, never right after a
line ending in ":" (that line announces what follows, so it goes with it)."""

from __future__ import annotations

import re

SCREEN_CHARS = 600  # about one phone screen of chat text

_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+|\n+")


_LIST_NUMBER = re.compile(r"(^|\n)\s*\d+[.)]$")  # "1." opening a numbered line is no sentence


def _ends(text: str) -> list[int]:
    """Offsets where `text` may be cut (after a sentence or a line), the end included."""
    ends = [m.start() for m in _SENTENCE_END.finditer(text)]
    return [e for e in ends if e > 0 and not _LIST_NUMBER.search(text[:e])] + [len(text)]


def cut(text: str, limit: int = SCREEN_CHARS, *, paragraph: bool = False) -> tuple[str, int]:
    """The first piece of `text` of at most `limit` characters, and the offset where the rest
    starts (len(text) when nothing is left). With `paragraph`, stop at the first blank line.

    A piece ends at a sentence or line end and never with ":"; a first sentence longer than
    `limit` is cut between words with "…"."""
    text = text.rstrip()
    stop = len(text)
    if paragraph:
        blank = re.search(r"\n\s*\n", text)
        if blank:
            stop = blank.start()
    window = min(stop, limit)
    best = 0
    for end in _ends(text):
        if end > window:
            break
        if not text[:end].rstrip().endswith(":"):
            best = end
    if best == 0:  # one sentence longer than the screen: cut between words
        if stop <= limit:
            best = stop
        else:
            piece = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
            return piece + "…", len(piece)
    rest = best
    while rest < len(text) and text[rest].isspace():
        rest += 1
    return text[:best].rstrip(), rest
