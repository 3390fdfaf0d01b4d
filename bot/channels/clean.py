"""Text as a person typed it, made safe at the channel boundary (every channel calls `clean`).

What arrives from a platform, a browser or a terminal may hold things no handler expects and
the database cannot even store: a lone UTF-16 surrogate ('\\ud83d' alone cannot be encoded as
UTF-8, so writing the reply that quotes it failed outside the handler), control characters
(\\x0b, \\x85), invisible direction marks (U+202E turns "abc" into "cba" on screen), decomposed
Vietnamese letters (NFD: "ê" as "e" + U+0302, which looks right and compares wrong), digits
that are not 0-9 ("１９５８" typed on a full-width keyboard, "²", which Python calls a digit and
then cannot read as a number).

`clean` keeps what a person meant: letters, digits, punctuation, emoji (with their joiners and
variation selectors), line breaks; removes the rest; gives the NFC form; turns other line and
tab characters into spaces or line breaks; caps the length (MAX_INPUT) so a pasted book is
still answered.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

from bot.engine.types import Incoming

# Longest text kept from one message: longer than any answer a lesson asks for and than
# Telegram's own limit (4096), short enough that no handler is slowed by it.
MAX_INPUT = 4096
# Characters kept although Unicode calls them "format" characters: the zero-width joiner makes
# one emoji of several (👨‍👩‍👧), the non-joiner is harmless.
_KEEP_FORMAT = frozenset({"\u200c", "\u200d"})
# Line separators besides \n: each becomes a line break.
_LINE_BREAKS = frozenset({"\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"})
_SPACES = re.compile(r"[^\S\n]+")
_MANY_BREAKS = re.compile(r"\n{3,}")


def _pair_surrogates(text: str) -> str:
    """Join surrogate pairs that arrived as two code points; a lone one becomes U+FFFD."""
    if not any("\ud800" <= char <= "\udfff" for char in text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _char(char: str) -> str:
    if char == "\n":
        return char
    if char in _LINE_BREAKS:
        return "\n"
    if char == "\ufffd":  # what a lone surrogate became; not something a person typed
        return ""
    category = unicodedata.category(char)
    if category == "Cc":  # tab and other controls: a tab reads as a space, the rest is noise
        return " " if char == "\t" else ""
    if category == "Cf" and char not in _KEEP_FORMAT:  # bidi marks, zero-width space, BOM, …
        return ""
    if category in ("Cs", "Co", "Cn"):  # surrogates, private use, unassigned
        return ""
    if category == "Zs":  # every kind of space (no-break, ideographic, …) is a plain space
        return " "
    if not char.isascii() and unicodedata.digit(char, None) is not None:
        # "１９５８", "١٩٥٨", "¹⁹⁵⁸" mean 1958; elsewhere a digit is taken to be 0-9 only.
        return str(unicodedata.digit(char))
    return char


def clean(text: str, limit: int = MAX_INPUT) -> str:
    """The text with what no one can see or store removed, in NFC, at most `limit` characters.

    Leading and trailing white space is removed and runs of spaces become one; line breaks stay
    (at most one empty line in a row). The result may be "" (the message held nothing to read).
    """
    text = _pair_surrogates(text[: limit * 4]).replace("\r\n", "\n")
    text = "".join(_char(char) for char in text)
    text = unicodedata.normalize("NFC", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = _MANY_BREAKS.sub("\n\n", "\n".join(lines)).strip()
    return text[:limit].rstrip()


def incoming(update: Incoming) -> Incoming:
    """The update with its text and payload cleaned. A text that held nothing readable (only
    spaces, control or invisible characters) is taken as "not text", which gets the polite
    "Trợ lý chỉ đọc được chữ" answer instead of a question about an empty word."""
    changes: dict[str, object] = {}
    if update.text is not None:
        text = clean(update.text)
        changes["text"] = text or None
        if not text and update.kind == "text":
            changes["kind"] = "other"
    if update.payload is not None:
        changes["payload"] = clean(update.payload, 256)
    for name in ("chat_id", "user_id", "update_id"):
        changes[name] = safe_id(getattr(update, name))
    return dataclasses.replace(update, **changes)  # type: ignore[arg-type]


def safe_id(value: str) -> str:
    """An id as a platform gives it, with anything that cannot be stored removed."""
    if value.isprintable() and value.isascii():
        return value
    return "".join(
        char for char in _pair_surrogates(value) if char.isprintable() and char != "\ufffd"
    )
