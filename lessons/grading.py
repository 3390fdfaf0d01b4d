"""Mapping what a learner typed to numbered options, and grading quiz answers.

A learner may press a button or type: the option's number ("2", "2.", "câu 2"), its letter
("b", "B)", "(b)"), its words with or without tone marks ("bo cong an"), or a unique part of them
of at least 4 letters ("cong an"). For questions with several right options: "1,3", "1 3",
"a c", "1 và 3", "13" or the options' words separated by commas.

`match_option` is generic (plain labels in, index out) so the chat engine uses it for any
numbered menu, not only quizzes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from lessons.model import Question
from lessons.text import fold, fold_words

LETTERS = "abcdefghij"
MIN_PART = 4  # folded letters needed before a part of an option's words counts as a match

# Words around a number or letter that do not change the choice: "đáp án b", "câu 2", "chọn 3".
_FILLERS = frozenset({"dap", "an", "cau", "chon", "y", "so", "phuong", "toi", "option"})
# Words joining several choices: "1 và 3".
_JOINERS = frozenset({"va", "voi", "and", "hoac", "cung"})
# Where to cut typed text into one piece per option: "Bộ Công an, Ngân hàng", "... và ...".
_HARD_SPLIT = re.compile(r"[,;+&\n]")
_SOFT_SPLIT = re.compile(r"\s(?:va|and|voi)\s")


@dataclass(frozen=True)
class GradeResult:
    chosen: tuple[int, ...]  # 0-based indexes of the options the learner chose, ascending
    correct: bool
    unrecognised: bool = False  # the typed text could not be mapped: ask again, kindly


UNRECOGNISED = GradeResult(chosen=(), correct=False, unrecognised=True)


def grade(question: Question, typed: str) -> GradeResult:
    """Grade `typed` against `question`. A single-answer question given several choices is
    unrecognised (the learner is asked to pick one), not wrong."""
    if question.multi:
        chosen = match_options(question.options, typed)
        if chosen is None:
            return UNRECOGNISED
        return GradeResult(chosen=chosen, correct=question.is_correct(chosen))
    index = match_option(question.options, typed)
    if index is None:
        return UNRECOGNISED
    return GradeResult(chosen=(index,), correct=question.is_correct((index,)))


def match_option(options: Sequence[str], typed: str) -> int | None:
    """The 0-based index of the one option `typed` names, or None if none or several fit."""
    folded_typed = fold_words(typed)
    if not folded_typed:
        return None
    tokens = folded_typed.split()
    core = [token for token in tokens if token not in _FILLERS]
    if len(core) == 1:
        index = _label(core[0], len(options))
        if index is not None:
            return index
    folded = [fold_words(option) for option in options]
    index = _match_words(folded, folded_typed)
    if index is not None:
        return index
    if len(tokens) >= 2 and _label(tokens[0], len(options)) is not None:  # "2. Bộ Công an"
        return _match_words(folded, " ".join(tokens[1:]))
    return None


def match_options(options: Sequence[str], typed: str) -> tuple[int, ...] | None:
    """The 0-based indexes (ascending) of every option `typed` names, or None if any part of it
    cannot be mapped."""
    tokens = [t for t in fold_words(typed).split() if t not in _FILLERS and t not in _JOINERS]
    if not tokens:
        return None
    labels = _labels(tokens, len(options))
    if labels is not None:
        return labels
    listed = _match_parts(options, _HARD_SPLIT.split(fold(typed)))  # "Có, không"
    if listed is not None:
        return listed
    single = match_option(options, typed)  # an option's words may hold "và" or a comma
    if single is not None:
        return (single,)
    return _match_parts(options, _SOFT_SPLIT.split(fold(typed)))  # "có và không"


def _match_parts(options: Sequence[str], parts: list[str]) -> tuple[int, ...] | None:
    """Indexes for parts that each name one option; None unless there are 2+ and all match."""
    parts = [part for part in parts if part.strip()]
    if len(parts) < 2:
        return None
    chosen: set[int] = set()
    for part in parts:
        index = match_option(options, part)
        if index is None:
            return None
        chosen.add(index)
    return tuple(sorted(chosen))


def _label(token: str, count: int) -> int | None:
    """ "2" → 1, "b" → 1, when the option exists."""
    if token.isdigit():
        number = int(token)
        return number - 1 if 1 <= number <= count else None
    if len(token) == 1 and token in LETTERS[:count]:
        return LETTERS.index(token)
    return None


def _labels(tokens: list[str], count: int) -> tuple[int, ...] | None:
    """Indexes for tokens that are all option numbers or letters; "13" counts as 1 and 3 when
    there is no option 13."""
    chosen: set[int] = set()
    for token in tokens:
        index = _label(token, count)
        if index is not None:
            chosen.add(index)
        elif token.isdigit() and all(_label(digit, count) is not None for digit in token):
            chosen.update(int(digit) - 1 for digit in token)
        else:
            return None
    return tuple(sorted(chosen))


def _match_words(folded_options: list[str], typed: str) -> int | None:
    """Match folded `typed` against folded options: whole words first, then a unique part of
    at least MIN_PART letters starting at a word, then a unique option named inside `typed`."""
    exact = [i for i, option in enumerate(folded_options) if option == typed]
    if exact:
        return exact[0]
    if len(typed.replace(" ", "")) >= MIN_PART:
        starts_word = re.compile(r"(?:^| )" + re.escape(typed))
        found = [i for i, option in enumerate(folded_options) if starts_word.search(option)]
        if len(found) == 1:
            return found[0]
        if found:
            return None
    inside = [
        i
        for i, option in enumerate(folded_options)
        if len(option.replace(" ", "")) >= MIN_PART
        and re.search(r"(?:^| )" + re.escape(option) + r"(?: |$)", typed)
    ]
    return inside[0] if len(inside) == 1 else None
