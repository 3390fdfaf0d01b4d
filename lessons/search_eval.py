"""Measuring search on resident-style questions (tests/data/questions/*.yaml).

Each file is a YAML list of `{q: "...", faq: <id | [ids] | null>}` or `{q: "...", lesson: <id |
[ids]>}`. `faq: null` means out of scope: the right result is no answer at all. Ids the content
does not have (an entry renamed or not merged yet) are skipped and reported, never fatal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from lessons.model import Curriculum
from lessons.search import Searcher


@dataclass(frozen=True)
class Question:
    text: str
    faq: tuple[str, ...] = ()  # right FAQ ids (any one of them first)
    lessons: tuple[str, ...] = ()  # right lessons (a paragraph of, or an FAQ entry taught by)
    source: str = ""

    @property
    def out_of_scope(self) -> bool:
        return not self.faq and not self.lessons

    def is_right(self, kind: str, id: str, lesson_id: str) -> bool:
        if kind == "faq" and id in self.faq:
            return True
        return lesson_id in self.lessons


@dataclass
class QuestionSet:
    questions: list[Question] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file: question, unknown id)


def _ids(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return (str(value),)


def load_questions(directory: Path, curriculum: Curriculum) -> QuestionSet:
    """Every question of every *.yaml in `directory`; unknown ids are dropped and reported (a
    question left with no known id is skipped)."""
    faq_ids = {entry.id for entry in curriculum.faq}
    result = QuestionSet()
    for path in sorted(directory.glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            text = str(item["q"])
            faq, lessons = _ids(item.get("faq")), _ids(item.get("lesson"))
            known_faq = tuple(i for i in faq if i in faq_ids)
            known_lessons = tuple(i for i in lessons if i in curriculum.lessons)
            for unknown in (set(faq) - set(known_faq)) | (set(lessons) - set(known_lessons)):
                result.skipped.append((f"{path.name}: {text}", unknown))
            if (faq or lessons) and not (known_faq or known_lessons):
                continue
            result.questions.append(Question(text, known_faq, known_lessons, path.name))
    return result


@dataclass
class Score:
    right_first: int = 0
    in_scope: int = 0
    refused: int = 0
    out_of_scope: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def right_share(self) -> float:
        return self.right_first / self.in_scope if self.in_scope else 1.0

    @property
    def refused_share(self) -> float:
        return self.refused / self.out_of_scope if self.out_of_scope else 1.0


def evaluate(searcher: Searcher, questions: list[Question]) -> Score:
    score = Score()
    for question in questions:
        hits = searcher.search(question.text, limit=1)
        if question.out_of_scope:
            score.out_of_scope += 1
            if hits:
                score.misses.append(f"{question.text!r}: answered {hits[0].id}, expected none")
            else:
                score.refused += 1
            continue
        score.in_scope += 1
        if hits and question.is_right(hits[0].kind, hits[0].id, hits[0].lesson_id):
            score.right_first += 1
        else:
            got = f"{hits[0].kind} {hits[0].id}" if hits else "nothing"
            wanted = ", ".join(question.faq + question.lessons)
            score.misses.append(f"{question.text!r}: got {got}, expected {wanted}")
    return score
