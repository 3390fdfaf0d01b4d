"""The commune's own words in its reports: the word for its villages (thôn, xóm, ấp, khu, tổ dân
phố …) and the signer. Templates get `don_vi` ("xóm") and `Don_vi` ("Xóm"); each falls back to
"thôn" in the template itself, so a message rendered without them still reads right.

Where the word comes from, first found: the UNIT_WORD setting, the targets file's `unit_word`,
the word most imported village names start with ("Xóm Nà Lay" → xóm), else "thôn".
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from bot.collation import UNIT_WORDS
from bot.engine.texts import Texts
from bot.reports.targets import Targets

if TYPE_CHECKING:
    from bot.app import Services

DEFAULT_WORD = "thôn"


def word_of_names(names: Iterable[str]) -> str | None:
    """The unit word most of the names start with, or None."""
    found: Counter[str] = Counter()
    for name in names:
        lowered = " ".join(name.split()).lower()
        word = next((w for w in UNIT_WORDS if lowered.startswith(w + " ")), None)
        if word is not None:
            found[word] += 1
    if not found:
        return None
    return found.most_common(1)[0][0]


def unit_word(setting: str | None, targets: Targets | None, names: Iterable[str]) -> str:
    for word in (setting, targets.unit_word if targets else None):
        if word and word.strip():
            return " ".join(word.split()).lower()
    return word_of_names(names) or DEFAULT_WORD


def capital(word: str) -> str:
    return word[:1].upper() + word[1:]


class ReportTexts(Texts):
    """The service's texts, rendering every template with the commune's unit word."""

    def __init__(self, base: Texts, word: str) -> None:
        self.__dict__.update(base.__dict__)  # the same templates, compiled once
        self.unit_word = word

    def render(self, key: str, **values: Any) -> str:
        values.setdefault("don_vi", self.unit_word)
        values.setdefault("Don_vi", capital(self.unit_word))
        return super().render(key, **values)


def report_texts(services: Services, targets: Targets | None = None) -> ReportTexts:
    """Texts for reports and the dashboard, with the commune's unit word."""
    from bot.reports.periods import local_today
    from bot.store import units

    names = [v.name for v in units.villages(services.db)]
    if targets is None and not services.settings.unit_word:
        from bot.reports.service import commune_name
        from bot.reports.targets import TargetsError, pick

        try:
            year = local_today(int(time.time()), services.engine.tz).year
            targets = pick(services.settings.content_dir / "targets", commune_name(services), year)
        except TargetsError:
            targets = None
    return ReportTexts(services.texts, unit_word(services.settings.unit_word, targets, names))
