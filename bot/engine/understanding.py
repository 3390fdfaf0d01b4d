"""Understanding what a person typed, in one place (pure: no database, no replies).

Every typed message that is not a command is classified, in this order:

1. ``answer``: the answer to the question that is waiting (`Waiting`): an option by number,
   letter or words (lessons.grading), and for a yes/no question the words of ``yes`` / ``no``;
2. ``navigate``: a navigation word (tiếp, quay lại, menu, trợ giúp...), ``action`` is the entry;
3. ``courtesy``: thanks, "ok", "hiểu rồi", a greeting; ``action`` says which kind;
4. ``stop`` (reminders off) or ``cancel`` (the current flow), only as the whole message;
5. ``question``: something to look up in the FAQ;
6. ``unclear``: none of these.

The word lists are data (content/vi/understanding.yaml). Comparison is on folded words (no tone
marks), except where two lists share a folded form ("đúng" and "dừng" are both "dung"): then a
word typed with marks must carry marks that fit ("dừng" is never "đúng"), and one typed without
marks goes to the list tried first ("dung" is "đúng").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from lessons.grading import match_option, match_options
from lessons.text import fold

Kind = Literal["answer", "navigate", "courtesy", "stop", "cancel", "question", "unclear"]

# Longest phrase in the word lists, in words.
MAX_PHRASE = 6
# A message this long (in words) with no other sign is taken as a question.
QUESTION_MIN_WORDS = 3
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Waiting:
    """The question waiting for an answer: its button labels in order, and what it expects.

    `matchable[i]` is False for the assistant's own navigation buttons ("Tạm dừng"): they answer
    to their number only, never to words ("dung" is "đúng", not "Tạm dừng")."""

    labels: tuple[str, ...]
    expects: str | None = None  # "yes_no", "multi", or None (any one option)
    matchable: tuple[bool, ...] | None = None


@dataclass(frozen=True)
class Understood:
    kind: Kind
    option: int | None = None  # the option chosen (index into Waiting.labels)
    options: tuple[int, ...] = ()  # several options (a multi-select typed as "1, 3")
    action: str | None = None  # navigate: the entry; courtesy: its kind; answer: "yes"/"no"
    sure: bool = True  # question: a question word or "?" (not only a long message)


@dataclass(frozen=True)
class _Phrase:
    words: tuple[str, ...]  # as written in the list, lower case, with marks
    group: str  # "yes", "no", "navigate", "courtesy", "stop", "cancel", "particle"
    action: str


# Priority of the lists when a folded form is in several of them: the order of classification.
_GROUPS = ("yes", "no", "navigate", "courtesy", "stop", "cancel", "particle")


def _words(text: str) -> list[str]:
    """Lower-case words with their marks: "Dạ, vâng!" → ["dạ", "vâng"]; a letter typed three
    times or more counts once ("okeee", "dạaa")."""
    return [
        _squeeze(word)
        for word in _WORD.findall(unicodedata.normalize("NFC", text.lower()).replace("_", " "))
    ]


def _squeeze(word: str) -> str:
    out: list[str] = []
    for char in word:
        if len(out) >= 2 and fold(char) == fold(out[-1]) == fold(out[-2]):
            continue
        out.append(char)
    squeezed = "".join(out)
    if squeezed != word and len(out) >= 2 and fold(out[-1]) == fold(out[-2]):
        squeezed = squeezed[:-1]  # "okeee" → "okee" → "oke"
    return squeezed if len(squeezed) > 1 else word  # "jjj" is not "j"


def _marks(char: str) -> set[str]:
    decomposed = unicodedata.normalize("NFD", char)
    return {c for c in decomposed if unicodedata.combining(c)}


def _fits(typed: str, written: str) -> bool:
    """`typed` is `written` with some marks left out: "dung" and "đung" fit "đúng", "dừng" not."""
    if len(typed) != len(written):
        return fold(typed) == fold(written) and typed.isascii()
    for t, w in zip(typed, written, strict=True):
        if t == w:
            continue
        if fold(t) != fold(w):
            return False
        if t == "đ" and w != "đ":
            return False
        if not _marks(t) <= _marks(w):
            return False
    return True


@dataclass
class Vocabulary:
    shorthand: dict[str, str] = field(default_factory=dict)
    phrases: dict[tuple[str, ...], list[_Phrase]] = field(default_factory=dict)
    question_words: set[tuple[str, ...]] = field(default_factory=set)
    question_endings: set[str] = field(default_factory=set)
    topics: set[tuple[str, ...]] = field(default_factory=set)

    @classmethod
    def load(cls, path: Path) -> Vocabulary:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls.from_data(data)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Vocabulary:
        vocab = cls()
        vocab.shorthand = {
            " ".join(_words(str(k))): str(v) for k, v in (data.get("shorthand") or {}).items()
        }
        entries: list[_Phrase] = []

        def add(group: str, action: str, words: Iterable[Any]) -> None:
            for word in words:
                tokens = tuple(_words(str(word)))
                if tokens:
                    entries.append(_Phrase(tokens, group, action))

        add("yes", "yes", data.get("answer_yes") or ())
        add("no", "no", data.get("answer_no") or ())
        for target, words in (data.get("navigation") or {}).items():
            add("navigate", str(target), words)
        for kind, words in (data.get("courtesy") or {}).items():
            add("courtesy", str(kind), words)
        add("stop", "stop", data.get("stop") or ())
        add("cancel", "cancel", data.get("cancel") or ())
        add("particle", "", data.get("particles") or ())
        entries.sort(key=lambda p: _GROUPS.index(p.group))  # stable: list order within a group
        for phrase in entries:
            key = tuple(fold(w) for w in phrase.words)
            vocab.phrases.setdefault(key, []).append(phrase)
        vocab.question_words = {
            tuple(fold(w) for w in _words(str(w))) for w in data.get("question_words") or ()
        }
        vocab.question_endings = {fold(str(w)) for w in data.get("question_endings") or ()}
        vocab.topics = {tuple(fold(w) for w in _words(str(w))) for w in data.get("topics") or ()}
        return vocab

    # -- reading -------------------------------------------------------------------------------

    def expand(self, text: str) -> list[str]:
        """Words of `text` with shorthand written out: "dc r" → ["được", "rồi"]."""
        out: list[str] = []
        for word in _words(text):
            full = self.shorthand.get(word)
            out.extend(_words(full) if full else [word])
        return out

    def _lookup(self, words: Sequence[str], groups: frozenset[str]) -> _Phrase | None:
        """The phrase of `groups` that `words` names, the first by priority whose marks fit.
        Words typed exactly as a list writes them belong to that list only ("dừng" is a stop
        word, though it fits "đừng" too)."""
        candidates = self.phrases.get(tuple(fold(w) for w in words), ())
        exact = [phrase for phrase in candidates if phrase.words == tuple(words)]
        fitting = exact or [
            phrase
            for phrase in candidates
            if all(_fits(t, w) for t, w in zip(words, phrase.words, strict=True))
        ]
        return next((phrase for phrase in fitting if phrase.group in groups), None)

    def segment(self, words: Sequence[str], groups: frozenset[str]) -> list[_Phrase] | None:
        """Cut `words` into phrases of `groups` (or particles), longest first; None if a word
        is left over. Particles are dropped from the result."""
        allowed = groups | {"particle"}
        found: list[_Phrase] = []
        i = 0
        while i < len(words):
            for size in range(min(MAX_PHRASE, len(words) - i), 0, -1):
                phrase = self._lookup(words[i : i + size], allowed)
                if phrase is not None:
                    if phrase.group != "particle":
                        found.append(phrase)
                    i += size
                    break
            else:
                return None
        return found

    def is_question(self, words: Sequence[str], raw: str) -> tuple[bool, bool]:
        """(a question?, sure?) from a question mark, a question word, a topic, or length."""
        folded = [fold(w) for w in words]
        if "?" in raw:
            return True, True
        for size in range(1, 4):
            for i in range(len(folded) - size + 1):
                if tuple(folded[i : i + size]) in self.question_words:
                    return True, True
        if len(folded) >= 2 and folded[-1] in self.question_endings:
            return True, True
        for size in range(1, 4):
            for i in range(len(folded) - size + 1):
                if tuple(folded[i : i + size]) in self.topics:
                    return True, False
        return len(folded) >= QUESTION_MIN_WORDS, False

    # -- classifying ---------------------------------------------------------------------------

    def classify(
        self, text: str, waiting: Waiting | None = None, *, known: frozenset[str] | None = None
    ) -> Understood:
        """What `text` means while `waiting` waits. `known`: the navigation entries that exist
        (a word for an entry not registered is skipped)."""
        raw = text.strip()
        if waiting is not None and waiting.labels:
            answer = self._answer(raw, waiting)
            if answer is not None:
                return answer
        words = self.expand(raw)
        if not words:
            if not raw:
                return Understood("unclear")
            # Only signs: "?" asks what to do, "👍" or "..." is a nod.
            return Understood("courtesy", action="confused" if "?" in raw else "ack")
        if waiting is not None and waiting.expects == "yes_no" and len(waiting.labels) >= 2:
            yes_no = self._yes_no(words)
            if yes_no is not None:
                return Understood("answer", option=0 if yes_no == "yes" else 1, action=yes_no)
        # The whole message as one listed phrase decides first: "dung lai" is "dừng lại", not
        # "đúng" + "lại".
        core = [w for w in words if not self._particle(w)] or words
        for candidate in (words, core):
            whole = self._lookup(candidate, frozenset({"navigate", "courtesy", "stop", "cancel"}))
            if whole is not None and (
                whole.group != "navigate" or known is None or whole.action in known
            ):
                return self._as_understood(whole)
        navigation = self.segment(words, frozenset({"navigate", "courtesy"}))
        if navigation:
            targets = {p.action for p in navigation if p.group == "navigate"}
            if len(targets) == 1:
                target = targets.pop()
                if known is None or target in known:
                    return Understood("navigate", action=target)
        # Outside a yes/no question, "có" or "không ạ" alone is a nod, not a question.
        courtesy = self.segment(words, frozenset({"courtesy", "yes", "no"}))
        if courtesy is not None:
            kinds = [p.action if p.group == "courtesy" else "ack" for p in courtesy] or ["ack"]
            for kind in ("thanks", "confused", "dontknow", "greet"):
                if kind in kinds:
                    return Understood("courtesy", action=kind)
            return Understood("courtesy", action=kinds[0])
        for kind in ("stop", "cancel"):
            parts = self.segment(words, frozenset({kind}))
            if parts:
                return Understood(kind, action=kind)  # type: ignore[arg-type]
        question, sure = self.is_question(words, raw)
        if question:
            return Understood("question", sure=sure)
        return Understood("unclear")

    @staticmethod
    def _as_understood(phrase: _Phrase) -> Understood:
        if phrase.group == "navigate":
            return Understood("navigate", action=phrase.action)
        if phrase.group == "courtesy":
            return Understood("courtesy", action=phrase.action)
        return Understood("stop" if phrase.group == "stop" else "cancel", action=phrase.action)

    def _answer(self, raw: str, waiting: Waiting) -> Understood | None:
        matchable = waiting.matchable or tuple(True for _ in waiting.labels)
        labels = [label if ok else "" for label, ok in zip(waiting.labels, matchable, strict=True)]
        words = _words(raw)
        if len(words) == 1 and len(words[0]) == 1 and not words[0].isascii():
            return None  # "à" is a sigh, not the letter a
        # As typed, then with shorthand written out and particles left out ("dung lai ko
        # chuyen", "có ạ").
        tries = [raw]
        cleaned = " ".join(w for w in self.expand(raw) if not self._particle(w))
        if cleaned and cleaned != " ".join(words):
            tries.append(cleaned)
        for typed in tries:
            index = match_option(labels, typed)
            if index is not None and self._may_answer(
                typed, waiting.labels[index], matchable[index]
            ):
                return Understood("answer", option=index)
        if waiting.expects == "multi":
            choice = [label for label, ok in zip(labels, matchable, strict=True) if ok]
            several = match_options(choice, raw)
            if several:
                return Understood("answer", options=several)
        return None

    def _particle(self, word: str) -> bool:
        phrase = self._lookup([word], frozenset(_GROUPS))
        return phrase is not None and phrase.group == "particle"

    def _may_answer(self, typed: str, label: str, matchable: bool) -> bool:
        """An option named by only a part of it is not chosen by a single word that means
        something else ("dung" is "đúng", not "Dừng lại, không chuyển"); the assistant's own
        buttons are chosen by their number only."""
        words = _words(typed)
        if not matchable:
            return len(words) == 1 and words[0].isdigit()
        if (
            len(words) != 1
            or len(words[0]) == 1
            or words[0].isdigit()
            or fold(typed) == " ".join(fold(w) for w in _words(label))
        ):
            return True
        meaning = self._lookup(words, frozenset({"yes", "no", "courtesy"}))
        return meaning is None

    def _yes_no(self, words: Sequence[str]) -> str | None:
        parts = self.segment(words, frozenset({"yes", "no", "courtesy"}))
        if not parts:
            return None
        said = {p.group for p in parts} & {"yes", "no"}
        neutral = all(
            p.group in ("yes", "no") or p.action in ("thanks", "ack", "greet") for p in parts
        )
        if len(said) == 1 and neutral:
            return said.pop()
        return None
