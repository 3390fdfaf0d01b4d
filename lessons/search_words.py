"""The words of search: content/vi/search.yaml read into a `Vocabulary` that turns any text (a
question typed without tone marks, an FAQ answer, a lesson paragraph) into the same canonical
words, so "ck" finds "chuyển khoản" and "cccd" finds "căn cước".

Order matters: question phrases of several words ("tai sao", "la gi") are dropped first, then
synonyms are replaced by their canonical form (longest phrase first), then single question words
and stop words are dropped. What remains are the query's content words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lessons.text import fold

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "content" / "vi" / "search.yaml"
# The courtesy, yes/no, navigation, stop and cancel words live in one place, the understanding
# lists next to search.yaml; a message made only of them (and particles) is chit-chat here too.
UNDERSTANDING = "understanding.yaml"
_CHIT_CHAT_LISTS = ("answer_yes", "answer_no", "navigation", "courtesy", "stop", "cancel")

_WORD = re.compile(r"[^\W_]+")
_MARKED = re.compile(r"[^\W_]+|[:(]")
_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
MAX_PHRASE = 4  # longest synonym or question phrase, in words


def words(text: str) -> list[str]:
    """Folded words of `text`, template keys left out."""
    return _WORD.findall(fold(_TEMPLATE.sub(" ", text)))


def marked_words(text: str) -> list[str]:
    """`words`, keeping ":" and "(" (where a text says what a word means)."""
    return _MARKED.findall(fold(_TEMPLATE.sub(" ", text)))


@dataclass(frozen=True)
class Vocabulary:
    synonyms: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    question_phrases: frozenset[tuple[str, ...]] = frozenset()  # of two words or more
    question_words: frozenset[str] = frozenset()
    stop_words: frozenset[str] = frozenset()
    chit_chat: frozenset[str] = frozenset()  # phrases, folded words joined by spaces
    particles: frozenset[str] = frozenset()  # "a", "nhe": left out around chit-chat
    shorthand: dict[str, str] = field(default_factory=dict)  # "ko" → "khong" (chit-chat only)

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> Vocabulary:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        synonyms: dict[tuple[str, ...], tuple[str, ...]] = {}
        for group in data.get("synonyms", []):
            # A canonical form of several words becomes one word ("chuyen_khoan"): one meaning.
            canonical = ("_".join(words(str(group[0]))),)
            for variant in group:
                key = tuple(words(str(variant)))
                if key and key != canonical:
                    synonyms[key] = canonical
        questions = [tuple(words(str(q))) for q in data.get("question_words", [])]
        chit_chat = [str(w) for w in data.get("chit_chat", None) or ()]
        understanding_path = path.parent / UNDERSTANDING
        understood: dict[str, Any] = {}
        if understanding_path.exists():
            understood = yaml.safe_load(understanding_path.read_text(encoding="utf-8")) or {}
        for name in _CHIT_CHAT_LISTS:
            lists = understood.get(name) or ()
            for group in lists.values() if isinstance(lists, dict) else [lists]:
                chit_chat.extend(str(w) for w in group or ())
        return cls(
            synonyms=synonyms,
            question_phrases=frozenset(q for q in questions if len(q) > 1),
            # A question phrase that is also a synonym ("ntn" → "nhu_the_nao") stays a question.
            question_words=frozenset(
                [q[0] for q in questions if len(q) == 1] + ["_".join(q) for q in questions]
            ),
            stop_words=frozenset(" ".join(words(str(w))) for w in data.get("stop_words", [])),
            chit_chat=frozenset(" ".join(words(w)) for w in chit_chat) - {""},
            particles=frozenset(" ".join(words(str(w))) for w in understood.get("particles") or ()),
            shorthand={
                " ".join(words(str(k))): " ".join(words(str(v)))
                for k, v in (understood.get("shorthand") or {}).items()
            },
        )

    def is_chit_chat(self, folded: list[str]) -> bool:
        """Whether the folded words are only courtesy words, yes/no, navigation and particles
        ("da vang a", "ok cam on nhe", "ko"), shorthand written out."""
        tokens = [t for w in folded for t in self.shorthand.get(w, w).split()]
        found = False
        i = 0
        while i < len(tokens):
            for size in range(min(MAX_PHRASE, len(tokens) - i), 0, -1):
                phrase = " ".join(tokens[i : i + size])
                if phrase in self.chit_chat or phrase in self.particles:
                    found = found or phrase in self.chit_chat
                    i += size
                    break
            else:
                return False
        return found

    def canonical(self, text: str, marks: bool = False) -> list[str]:
        """Every word of `text` in canonical form (synonyms replaced), nothing dropped; with
        `marks`, ":" and "(" are kept as words."""
        return self._replace((marked_words if marks else words)(text), self.synonyms)

    def content(self, text: str) -> list[str]:
        """The canonical content words of a question, in order; [] for chit-chat."""
        folded = words(text)
        if not folded or self.is_chit_chat(folded):
            return []
        dropped = self._drop_phrases(folded)
        canon = self._replace(dropped, self.synonyms)
        return [
            w
            for w in canon
            if w not in self.question_words
            and w not in self.stop_words
            and (len(w) > 1 or w.isdigit())
        ]

    def _drop_phrases(self, tokens: list[str]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(tokens):
            # A synonym of three words or more wins over the question phrase inside it:
            # "lam sao biet" is "dau hieu", not "lam sao" + "biet".
            kept = next(
                (
                    size
                    for size in range(min(MAX_PHRASE, len(tokens) - i), 2, -1)
                    if tuple(tokens[i : i + size]) in self.synonyms
                ),
                0,
            )
            if kept:
                out.extend(tokens[i : i + kept])
                i += kept
                continue
            for size in range(min(MAX_PHRASE, len(tokens) - i), 1, -1):
                if tuple(tokens[i : i + size]) in self.question_phrases:
                    i += size
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out

    @staticmethod
    def _replace(tokens: list[str], table: dict[tuple[str, ...], tuple[str, ...]]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for size in range(min(MAX_PHRASE, len(tokens) - i), 0, -1):
                found = table.get(tuple(tokens[i : i + size]))
                if found is not None:
                    out.extend(found)
                    i += size
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out

    def is_definition_question(self, text: str) -> bool:
        """ "X là gì", "X là cái gì", "X là app gì", "X nghĩa là gì", "gì là X"."""
        folded = " ".join(words(text))
        return bool(
            re.search(r"\bla (cai )?(app |ung dung )?(gi|j|ji)\b|\bnghia la\b|^(gi|j) la\b", folded)
        )
