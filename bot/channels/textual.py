"""Text rendering every channel shares.

`render_numbered`: for channels without buttons (console, Zalo) options become numbered lines;
the engine maps a typed "2" or the option's words back to the button, so every channel shares
one way of answering. `split_text`: a reply longer than a platform's message limit is cut at
paragraphs (Telegram 4096, Zalo 2000, both counted in UTF-16 code units).
"""

from __future__ import annotations

from bot.engine.texts import Texts
from bot.engine.types import Reply


def render_numbered(reply: Reply, texts: Texts) -> str:
    """The text, then the buttons as numbered lines. A reply the engine marked `numbered=False`
    (not the question a typed number answers this turn) shows its text only: one numbered list
    per turn, so "1" can mean one thing."""
    labels = [button.label for row in reply.buttons for button in row]
    if not labels or not reply.numbered:
        return reply.text
    lines = [
        texts.render("channel.option_line", number=i, label=label)
        for i, label in enumerate(labels, 1)
    ]
    numbers = [str(i) for i in range(1, len(labels) + 1)]
    spoken = (
        numbers[0]
        if len(numbers) == 1
        else (", ".join(numbers[:-1]) + f" {texts.render('channel.or_word')} {numbers[-1]}")
    )
    hint = texts.render("channel.type_number", numbers=spoken)
    return "\n".join([reply.text, "", *lines, hint])


# -- splitting a long reply -------------------------------------------------------------------

_SEPARATORS = ("\n\n", "\n", " ")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, as Telegram and Zalo count it (an emoji may count two)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int) -> list[str]:
    """Split into parts of at most `limit`: at paragraphs, else lines, else words, else anywhere.

    Joining the parts with the separators they were cut at gives the text back.
    """
    text = text.strip()
    if not text:
        return []
    return [part for part in (p.strip() for p in _split(text, limit, _SEPARATORS)) if part]


def _split(text: str, limit: int, separators: tuple[str, ...]) -> list[str]:
    if utf16_len(text) <= limit:
        return [text]
    if not separators:
        return _hard_cut(text, limit)
    sep, finer = separators[0], separators[1:]
    pieces: list[str] = []
    for block in text.split(sep):
        pieces.extend(_split(block, limit, finer))
    # Greedy packing; a block cut by a finer separator is joined to its neighbours by `sep`,
    # which is exactly what stood between them.
    parts: list[str] = []
    current: str | None = None
    for piece in pieces:
        if current is None:
            current = piece
        elif utf16_len(current) + utf16_len(sep) + utf16_len(piece) <= limit:
            current += sep + piece
        else:
            parts.append(current)
            current = piece
    if current is not None:
        parts.append(current)
    return parts


def _hard_cut(text: str, limit: int) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in text:  # by code point, so a surrogate pair is never cut in two
        width = utf16_len(char)
        if size + width > limit:
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    parts.append("".join(current))
    return parts
