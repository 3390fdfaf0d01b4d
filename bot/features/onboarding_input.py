"""Reading what a person types at onboarding: a name inside a sentence, a birth year as people
really write it ("54", "sinh năm 1954", "70 tuổi"), a yes or a no.

Pure functions, no database: onboarding.py asks, this module reads.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from lessons.text import fold, fold_words

MAX_NAME_LEN = 40
# A Vietnamese full name rarely has more than five words ("Tôn Nữ Thị Hoài Thu"); past seven it
# is a sentence typed at the wrong moment ("ban hang online co phai dong thue ko"), not a name.
MAX_NAME_WORDS = 7
MIN_BIRTH_YEAR = 1900
# Nobody this young learns alone on a phone: a year after this.year - MIN_AGE is not offered.
MIN_AGE = 6
_NAME_OK = re.compile(r"^[^\W\d_][^\W_]*(?:[ .'\-][^\W_]+)*\.?$")
# Words people put around their name: "Chào, tôi tên là Tú ạ".
_GREETINGS = {"chao", "xin", "hello", "hi", "alo"}
_PRONOUNS = {"toi", "tui", "minh", "em", "chau", "con", "tao", "anh", "chi", "bac", "co", "chu"}
_TRAILING = {"a", "nhe", "nha", "nhen", "day", "do", "ha"}
# Short yes and no answers to a confirmation, folded (no diacritics).
YES_WORDS = frozenset(
    {
        "co",
        "dung",
        "dung roi",
        "dung vay",
        "ok",
        "oke",
        "okay",
        "u",
        "uh",
        "um",
        "vang",
        "da",
        "duoc",
        "dc",
        "roi",
        "phai",
        "chuan",
        "yes",
        "y",
    }
)
NO_WORDS = frozenset({"khong", "ko", "k", "kh", "khg", "hong", "sai", "chua", "no", "khong phai"})


def yes_or_no(text: str) -> bool | None:
    """True for "ok", "vâng", "đúng rồi"; False for "không", "ko", "sai"; else None."""
    words = fold_words(text)
    if words in YES_WORDS:
        return True
    if words in NO_WORDS:
        return False
    return None


@dataclass(frozen=True)
class NameRead:
    name: str
    # True when the name was taken out of a sentence or its letters' case was changed: the
    # assistant then asks "Trợ lý gọi bác là Tu, được không ạ?".
    confirm: bool


def _title(word: str) -> str:
    """A capital first letter, the rest as typed: "tu" → "Tu", "McKay" stays."""
    return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))


def clean_name(text: str) -> str | None:
    """The typed name with spaces tidied and in NFC (NFD-typed letters are accepted), or None."""
    name = " ".join(unicodedata.normalize("NFC", text).split())
    if not 1 <= len(name) <= MAX_NAME_LEN or not _NAME_OK.match(name):
        return None
    if len(name.split()) > MAX_NAME_WORDS:
        return None
    return name


def _name_start(folded: list[str]) -> int:
    """Where the name begins: after "... là" that follows a pronoun or "tên", after "tôi tên",
    else after a greeting ("chào", "xin chào"), else at the first word."""
    for i, word in enumerate(folded):
        before = set(folded[:i])
        if word == "la" and before & (_PRONOUNS | {"ten"}):
            return i + 1
        after = folded[i + 1] if i + 1 < len(folded) else "la"
        if word == "ten" and before <= _PRONOUNS | _GREETINGS and after not in _PRONOUNS | {"la"}:
            return i + 1
    start = 0
    while start < len(folded) and folded[start] in _GREETINGS:
        start += 1
    return start


def read_name(text: str) -> NameRead | None:
    """The name in "tôi tên là tú", "Tên tôi là Lan", "chào, tôi là Minh" or just "Tư"."""
    typed = " ".join(unicodedata.normalize("NFC", text).split())
    tokens = [t.strip(",.!?;:") for t in typed.split()]
    tokens = [t for t in tokens if t]
    folded = [fold(t) for t in tokens]
    start = _name_start(folded)
    words = tokens[start:]
    while len(words) > 1 and fold(words[-1]) in _TRAILING:
        words = words[:-1]
    if not words:
        return None
    name = clean_name(" ".join(_title(w) for w in words))
    if name is None:
        return None
    return NameRead(name, confirm=start > 0 or name != " ".join(typed.split()))


@dataclass(frozen=True)
class YearRead:
    year: int
    # Two digits or an age were typed: ask "Bác sinh năm 1954, đúng không ạ?" first.
    confirm: bool


def latest_birth_year(this_year: int) -> int:
    return this_year - MIN_AGE


def read_birth_year(text: str, this_year: int) -> YearRead | None:
    """ "1954", "năm 1954", "sinh năm 54", "54", "70 tuổi"; None when it is not a birth year."""
    words = fold_words(text)
    latest = latest_birth_year(this_year)
    numbers = re.findall(r"(?<![0-9])[0-9]+(?![0-9])", words)
    if len(numbers) != 1 or re.search(r"[^0-9 a-z]", words):
        return None
    rest = set(words.replace(numbers[0], " ").split())
    number = numbers[0]
    if rest & {"tuoi", "t"} and len(number) <= 3:
        year = this_year - int(number)
        return YearRead(year, True) if MIN_BIRTH_YEAR <= year <= latest else None
    if not rest <= {"nam", "sinh", "toi", "em", "minh", "chau", "con", "tui", "a", "la", "ns"}:
        return None
    if len(number) == 4:
        year = int(number)
        return YearRead(year, False) if MIN_BIRTH_YEAR <= year <= latest else None
    if len(number) == 2:
        recent = 2000 + int(number)  # "05" is 2005 for a student, "54" is 1954
        return YearRead(recent if recent <= this_year - 10 else 1900 + int(number), True)
    return None
