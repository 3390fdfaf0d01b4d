"""`hocvuso content check`: every rule of docs/content-format.md, reported as `file:line: message`.

Messages are English: they are read by content editors, never by residents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lessons.model import ALL
from lessons.parse import Doc, LessonFile, RawContent, lesson_paths, read_content
from lessons.problems import Problem, display_path
from lessons.render import ALLOWED_KEYS, SAMPLE_CONTEXT, render, template_error
from lessons.text import fold_words
from lessons.validate_curriculum import (
    MAX_QUESTION,
    CurriculumChecks,
    is_int,
    is_text,
    known,
    missing_message,
)

LESSON_ID = re.compile(r"[a-z0-9-]{1,20}")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
HEADING = re.compile(r"#{1,6}\s")

LESSON_FIELDS = (
    "id",
    "title",
    "topic",
    "domain",
    "audience",
    "minutes",
    "order",
    "core",
    "reviewed",
    "sources",
    "quiz",
)
QUESTION_FIELDS = ("question", "options", "answer", "explain")
QUESTION_OPTIONAL = ("multi",)

MAX_TITLE = 60
MINUTES = (1, 10)
STEPS = (3, 6)
MAX_STEP = 700
MIN_QUESTIONS = 3
OPTIONS = (2, 4)
MAX_OPTION = 60
MAX_EXPLAIN = 200
LETTERS = "abcdefghij"


def check(content_dir: Path, today: date | None = None) -> list[Problem]:
    """All problems in the content under `content_dir`, sorted by file and line."""
    return check_raw(read_content(content_dir), today)


def check_raw(raw: RawContent, today: date | None = None) -> list[Problem]:
    checker = _Checker(raw, today or date.today())
    checker.run()
    return sorted(set(checker.problems))


def faq_count(raw: RawContent) -> int:
    return sum(len(doc.data) for doc in raw.faq if isinstance(doc.data, list))


@dataclass
class _Checker(CurriculumChecks):
    raw: RawContent
    today: date
    problems: list[Problem] = field(default_factory=list)
    domains: dict[str, int] = field(default_factory=dict)  # id -> line in curriculum.yaml
    groups: dict[str, int] = field(default_factory=dict)
    topics: dict[str, int] = field(default_factory=dict)
    lesson_ids: dict[str, Path] = field(default_factory=dict)
    used_topics: set[str] = field(default_factory=set)
    orders: dict[tuple[str, int], str] = field(default_factory=dict)  # (topic, order) -> lesson
    faq_ids: dict[str, str] = field(default_factory=dict)  # id -> "file:line"

    def add(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(path, line, message))

    def run(self) -> None:
        self.problems.extend(self.raw.problems)
        if self.raw.curriculum is not None:
            self.curriculum(self.raw.curriculum)
        for lesson in self.raw.lessons:
            self.lesson(lesson)
        known = {path.stem for path in lesson_paths(self.raw.content_dir)}
        known.update(self.lesson_ids)
        for doc in self.raw.faq:
            self.faq_file(doc, known)
        if self.raw.curriculum is not None:
            for topic_id, line in self.topics.items():
                if topic_id not in self.used_topics:
                    self.add(self.raw.curriculum.path, line, f"topic '{topic_id}' has no lessons")

    # lessons -----------------------------------------------------------------------------------

    def lesson(self, lesson: LessonFile) -> None:
        doc, path = lesson.front, lesson.path
        data = doc.data
        if not isinstance(data, dict):
            self.add(path, 1, "front matter must be YAML fields ('key: value')")
            return
        for key in data:
            if key not in LESSON_FIELDS:
                self.add(path, doc.line(key), f"unknown field '{key}'")
        for name in LESSON_FIELDS:
            if name not in data:
                self.add(path, 1, missing_message(name))
        self.lesson_id(doc, data.get("id"))
        lesson_id: str = data["id"] if isinstance(data.get("id"), str) else path.stem

        title = data.get("title")
        if "title" in data and not is_text(title):
            self.add(path, doc.line("title"), "title must be text")
        elif isinstance(title, str) and len(title) > MAX_TITLE:
            self.add(path, doc.line("title"), f"title is {len(title)} characters; at most 60")

        topic: Any = data.get("topic")
        if "topic" in data and not known(topic, self.topics):
            self.add(path, doc.line("topic"), f"unknown topic '{topic}'")
        if isinstance(topic, str):
            self.used_topics.add(topic)
        domain = data.get("domain")
        if "domain" in data and not known(domain, self.domains):
            self.add(path, doc.line("domain"), f"unknown domain '{domain}'")

        self.audience(doc, data)
        minutes: Any = data.get("minutes")
        if "minutes" in data and not (is_int(minutes) and MINUTES[0] <= minutes <= MINUTES[1]):
            self.add(path, doc.line("minutes"), f"minutes must be from 1 to 10, not {minutes!r}")
        order: Any = data.get("order")
        if "order" in data and not (is_int(order) and order >= 1):
            self.add(path, doc.line("order"), f"order must be a whole number from 1, not {order!r}")
        elif is_int(order) and isinstance(topic, str):
            other = self.orders.setdefault((topic, order), lesson_id)
            if other != lesson_id:
                self.add(
                    path,
                    doc.line("order"),
                    f"order {order} is also used by lesson '{other}' in topic '{topic}'",
                )
        if "core" in data and not isinstance(data.get("core"), bool):
            self.add(path, doc.line("core"), "core must be true or false")
        self.reviewed(doc, data)
        self.sources(doc, data)
        self.steps(lesson)
        self.quiz(doc, data)

    def lesson_id(self, doc: Doc, value: Any) -> None:
        path, line = doc.path, doc.line("id")
        if value is None:
            return
        if not isinstance(value, str) or not LESSON_ID.fullmatch(value):
            self.add(path, line, f"id {value!r} must be 1 to 20 characters of a-z, 0-9 and '-'")
            return
        if value != path.stem:
            self.add(path, line, f"id '{value}' does not match the file name '{path.name}'")
        first = self.lesson_ids.setdefault(value, path)
        if first != path:
            self.add(path, line, f"duplicate lesson id '{value}' (also in {display_path(first)})")

    def audience(self, doc: Doc, data: dict[str, Any]) -> None:
        if "audience" not in data:
            return
        value = data["audience"]
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items:
            self.add(doc.path, doc.line("audience"), "audience must be [all] or a list of groups")
            return
        for index, item in enumerate(items):
            if item != ALL and not known(item, self.groups):
                line = doc.line("audience", index) if items is value else doc.line("audience")
                self.add(doc.path, line, f"unknown audience '{item}' (use 'all' or a group id)")

    def reviewed(self, doc: Doc, data: dict[str, Any]) -> None:
        if "reviewed" not in data:
            return
        value, line = data["reviewed"], doc.line("reviewed")
        try:
            if not isinstance(value, str) or not DATE.fullmatch(value.strip()):
                raise ValueError
            reviewed = date.fromisoformat(value.strip())
        except ValueError:
            self.add(doc.path, line, f"reviewed date {value!r} is not a date YYYY-MM-DD")
            return
        if reviewed > self.today:
            self.add(doc.path, line, f"reviewed date {reviewed} is in the future")

    def sources(self, doc: Doc, data: dict[str, Any]) -> None:
        if "sources" not in data:
            return
        sources = data["sources"]
        if not isinstance(sources, list) or not sources:
            self.add(doc.path, doc.line("sources"), missing_message("sources"))
            return
        for index, source in enumerate(sources):
            line = doc.line("sources", index)
            if not isinstance(source, dict):
                self.add(doc.path, line, "a source needs a title and a url")
                continue
            if not is_text(source.get("title")):
                self.add(doc.path, line, "source has no title")
            url = source.get("url")
            if not isinstance(url, str) or not url.startswith("https://"):
                url_line = doc.line("sources", index, "url")
                self.add(doc.path, url_line, f"source url must start with https://, not {url!r}")

    def steps(self, lesson: LessonFile) -> None:
        path, steps = lesson.path, lesson.steps
        if len(steps) < STEPS[0] or len(steps) > STEPS[1]:
            line = steps[STEPS[1]].line if len(steps) > STEPS[1] else lesson.body_line
            message = f"lesson has {_count(len(steps), 'step')}; it needs 3 to 6 (split by '---')"
            self.add(path, line, message)
        for number, step in enumerate(steps, start=1):
            if not step.text:
                self.add(path, step.line, f"step {number} is empty")
                continue
            for offset, text_line in enumerate(step.text.splitlines()):
                if HEADING.match(text_line):
                    message = f"step {number}: Markdown headings are not shown in chat"
                    self.add(path, step.line + offset, message)
                elif text_line.startswith("|"):
                    message = f"step {number}: Markdown tables are not shown in chat"
                    self.add(path, step.line + offset, message)
            error = template_error(step.text)
            if error is not None:
                message, template_line = error
                line = step.line + (template_line - 1 if template_line else 0)
                self.add(path, line, f"step {number}: {message}{_KEYS_HINT}")
                continue
            size = len(render(step.text, SAMPLE_CONTEXT))
            if size > MAX_STEP:
                message = f"step {number} is {size} characters with sample values; at most 700"
                self.add(path, step.line, message)

    def quiz(self, doc: Doc, data: dict[str, Any]) -> None:
        if "quiz" not in data:
            return
        quiz = data["quiz"]
        if not isinstance(quiz, list):
            self.add(doc.path, doc.line("quiz"), "quiz must be a list of questions")
            return
        if len(quiz) < MIN_QUESTIONS:
            message = f"quiz has {_count(len(quiz), 'question')}; it needs at least 3"
            self.add(doc.path, doc.line("quiz"), message)
        for index, question in enumerate(quiz):
            self.question(doc, index, question)

    def question(self, doc: Doc, index: int, question: Any) -> None:
        path, number = doc.path, index + 1
        where = ("quiz", index)
        if not isinstance(question, dict):
            message = f"question {number} must have question, options, answer and explain"
            self.add(path, doc.line(*where), message)
            return
        for key in question:
            if key not in QUESTION_FIELDS + QUESTION_OPTIONAL:
                self.add(path, doc.line(*where, key), f"question {number}: unknown field '{key}'")
        for name in QUESTION_FIELDS:
            if name not in question:
                what = "explanation ('explain')" if name == "explain" else f"field '{name}'"
                self.add(path, doc.line(*where), f"question {number}: missing {what}")
        self.template_text(doc, (*where, "question"), f"question {number}", MAX_QUESTION)
        self.template_text(doc, (*where, "explain"), f"question {number}: explanation", MAX_EXPLAIN)
        options = question.get("options")
        count = self.options(doc, where, number, options) if "options" in question else None
        multi = question.get("multi", False)
        if not isinstance(multi, bool):
            message = f"question {number}: multi must be true or false"
            self.add(path, doc.line(*where, "multi"), message)
            multi = False
        if "answer" in question:
            self.answer(doc, where, number, question["answer"], multi, count)

    def template_text(self, doc: Doc, key: tuple[str | int, ...], what: str, limit: int) -> None:
        """A quiz or FAQ text: present text, renders, at most `limit` characters once rendered."""
        value: Any = doc.data
        for part in key:
            if isinstance(value, dict):
                value = value.get(part)
            elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                return
            if value is None:
                return
        line = doc.line(*key)
        if not is_text(value):
            self.add(doc.path, line, f"{what} must be text")
            return
        error = template_error(value)
        if error is not None:
            self.add(doc.path, line, f"{what}: {error[0]}{_KEYS_HINT}")
            return
        size = len(render(value, SAMPLE_CONTEXT))
        if size > limit:
            self.add(doc.path, line, f"{what} is {size} characters; at most {limit}")

    def options(self, doc: Doc, where: tuple[str | int, ...], number: int, options: Any) -> int:
        path = doc.path
        if not isinstance(options, list):
            message = f"question {number}: options must be a list"
            self.add(path, doc.line(*where, "options"), message)
            return 0
        if not OPTIONS[0] <= len(options) <= OPTIONS[1]:
            message = f"question {number} has {_count(len(options), 'option')}; it needs 2 to 4"
            self.add(path, doc.line(*where, "options"), message)
        seen: dict[str, int] = {}
        for index, option in enumerate(options):
            line = doc.line(*where, "options", index)
            label = f"question {number}, option {index + 1}"
            if not (isinstance(option, str) or is_int(option)) or not str(option).strip():
                self.add(path, line, f"{label} must be text (put it in quotes)")
                continue
            text = str(option)
            if len(text) > MAX_OPTION:
                self.add(path, line, f"{label} is {len(text)} characters; at most 60")
            folded = fold_words(text)
            if folded in seen:
                self.add(path, line, f"{label} repeats option {seen[folded] + 1}")
            seen.setdefault(folded, index)
            labels = {str(n) for n in range(1, len(options) + 1)} | set(LETTERS[: len(options)])
            if folded in labels:
                message = f"{label} '{text}' looks like an option number; write it out in words"
                self.add(path, line, message)
        return len(options)

    def answer(
        self,
        doc: Doc,
        where: tuple[str | int, ...],
        number: int,
        answer: Any,
        multi: bool,
        count: int | None,
    ) -> None:
        path, line = doc.path, doc.line(*where, "answer")
        values = answer if isinstance(answer, list) else [answer]
        if not multi and isinstance(answer, list) and len(answer) >= 2:
            message = f"question {number}: several answers {answer} need 'multi: true'"
            self.add(path, line, message)
            return
        if multi and (len(values) < 2 or not all(is_int(v) for v in values)):
            message = f"question {number}: with 'multi: true' answer must list 2 or more numbers"
            self.add(path, line, message)
            return
        if not multi and not is_int(answer):
            message = f"question {number}: answer must be one option number, not {answer!r}"
            self.add(path, line, message)
            return
        if len(set(values)) != len(values):
            self.add(path, line, f"question {number}: answer {answer} repeats an option")
        for value in values:
            if count and not 1 <= value <= count:
                message = f"question {number}: answer {value} is not an option (1 to {count})"
                self.add(path, line, message)


_KEYS_HINT = f" (template keys: {', '.join(ALLOWED_KEYS)})"


def _count(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 else f"{number} {word}s"
