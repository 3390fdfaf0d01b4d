"""Vietnamese alphabetical order, in one place (the village table, the files and the Word report).

The alphabet is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y: "Đặng" and "Đỗ" come
after every "D…" and before "E…"; tone marks only break ties (a < à < á < ả < ã < ạ); numbers in
their value's order ("Thôn 2" before "Thôn 10"). Names sort as written, unit word included.
"""

from __future__ import annotations

import re
import unicodedata

ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_RANK = {letter: index for index, letter in enumerate(ALPHABET)}
# Combining tone marks, in the usual order: ngang (none), huyền, sắc, hỏi, ngã, nặng.
_TONES = {"\u0300": 1, "\u0301": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}
# Combining marks that make a letter of their own (ă â ê ô ơ ư), kept with the letter.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
UNIT_WORDS = ("tổ dân phố", "thôn", "xóm", "ấp", "khu", "bản", "buôn", "làng", "tổ")


def _letters(text: str) -> tuple[list[str], list[int]]:
    primary: list[str] = []
    tones: list[int] = []
    for char in text.lower():
        parts = unicodedata.normalize("NFD", char)
        base = "".join(c for c in parts if not unicodedata.combining(c) or c in _LETTER_MARKS)
        letter = unicodedata.normalize("NFC", base)
        tone = next((_TONES[c] for c in parts if c in _TONES), 0)
        if letter in _RANK:
            primary.append(chr(0x100 + _RANK[letter]))
        elif letter.isdigit() or letter == " ":
            primary.append(letter)  # numbers and spaces before letters
        else:
            primary.append(chr(0x200) + letter)
        tones.append(tone)
    return primary, tones


def strip_unit_word(name: str) -> str:
    """ "Xóm Nà Lay" → "Nà Lay"; a name that is only the unit word stays as it is."""
    words = " ".join(name.split())
    lowered = words.lower()
    for word in UNIT_WORDS:
        if lowered.startswith(word + " ") and len(words) > len(word) + 1:
            return words[len(word) + 1 :]
    return words


def vi_key(name: str) -> tuple[str, tuple[int, ...], str]:
    """Sort key for a Vietnamese name: letters in Vietnamese order, then tones, then the text."""
    core = re.sub(r"\d+", lambda m: m.group().zfill(8), " ".join(name.split()))  # 2 before 10
    primary, tones = _letters(core)
    return "".join(primary), tuple(tones), name
