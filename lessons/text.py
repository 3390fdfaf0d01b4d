"""Text folding shared by grading, search and matching of typed answers.

People type without tone marks ("lua dao", "thon dong"), so every comparison of typed text is done
on a folded form: lower case, tone and vowel marks removed, đ → d, spaces collapsed.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_STRIP_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case ASCII form of `text`: "Thôn Đông" → "thon dong"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


def fold_words(text: str) -> str:
    """`fold` with punctuation turned into spaces: "A. Bộ Công an!" → "a bo cong an"."""
    return _SPACES.sub(" ", _STRIP_PUNCT.sub(" ", fold(text))).strip()
