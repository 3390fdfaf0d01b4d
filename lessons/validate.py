"""`hocvuso content check`: every rule of docs/content-format.md, reported as `file:line: message`.

Messages are English: they are read by content editors, never by residents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lessons.model import ALL, ASSESSMENT_QUESTIONS
from lessons.parse import Doc, LessonFile, RawContent, lesson_paths, read_content
from lessons.problems import Problem, display_path
from lessons.render import ALLOWED_KEYS, SAMPLE_CONTEXT, render, template_error
from lessons.text import fold_words

LESSON_ID = re.compile(r"[a-z0-9-]{1,20}")
FAQ_ID = re.compile(r"[a-z0-9_-]{1,60}")
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
FAQ_FIELDS = ("id", "question", "answer", "lesson")
FAQ_OPTIONAL = ("keywords",)

MAX_TITLE = 60
MINUTES = (1, 10)
STEPS = (3, 6)
MAX_STEP = 700
MIN_QUESTIONS = 3
OPTIONS = (2, 4)
MAX_OPTION = 60
MAX_EXPLAIN = 200
MAX_QUESTION = 300
MAX_FAQ_ANSWER = 700
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


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _known(value: Any, ids: dict[str, int] | set[str]) -> bool:
    return isinstance(value, str) and value in ids


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass
class _Checker:
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

    # curriculum.yaml ---------------------------------------------------------------------------

    def curriculum(self, doc: Doc) -> None:
        data = doc.data
        if not isinstance(data, dict):
            self.add(doc.path, doc.start, "curriculum.yaml must be a mapping of sections")
            return
        for name in ("framework", "core_track", "groups", "topics", "paths"):
            if name not in data:
                self.add(doc.path, doc.start, f"missing required field '{name}'")
        framework = data.get("framework")
        if isinstance(framework, dict):
            if not _is_text(framework.get("name")):
                self.add(doc.path, doc.line("framework"), "framework has no name")
            self.domains = self.id_list(doc, ("framework", "domains"), ("id", "name"))
        elif framework is not None:
            self.add(doc.path, doc.line("framework"), "framework must have a name and domains")
        core = data.get("core_track")
        if core is not None and not (
            isinstance(core, dict) and _is_text(core.get("id")) and _is_text(core.get("name"))
        ):
            self.add(doc.path, doc.line("core_track"), "core_track must have an id and a name")
        self.groups = self.id_list(doc, ("groups",), ("id", "name", "address"))
        self.topics = self.id_list(doc, ("topics",), ("id", "title"))
        self.adaptive(doc)
        paths = data.get("paths")
        if paths is None:
            return
        if not isinstance(paths, dict):
            self.add(doc.path, doc.line("paths"), "paths must map group ids to lists of topics")
            return
        for group, topics in paths.items():
            line = doc.line("paths", group)
            if group not in self.groups:
                self.add(doc.path, line, f"path for unknown group '{group}'")
            if not isinstance(topics, list):
                self.add(doc.path, line, f"path for '{group}' must be a list of topic ids")
                continue
            seen: set[str] = set()
            for index, topic in enumerate(topics):
                item_line = doc.line("paths", group, index)
                if not _known(topic, self.topics):
                    self.add(doc.path, item_line, f"path for '{group}': unknown topic '{topic}'")
                elif topic in seen:
                    self.add(doc.path, item_line, f"path for '{group}' repeats topic '{topic}'")
                seen.add(str(topic))

    def adaptive(self, doc: Doc) -> None:
        adaptive = doc.data.get("adaptive")
        if adaptive is None:
            return
        if not isinstance(adaptive, dict):
            self.add(doc.path, doc.line("adaptive"), "adaptive must be a mapping")
            return
        basics = adaptive.get("basics_first_without_smartphone")
        if basics is not None and not _known(basics, self.topics):
            line = doc.line("adaptive", "basics_first_without_smartphone")
            self.add(doc.path, line, f"adaptive: unknown topic '{basics}'")
        skips = adaptive.get("skip_first_lesson_if") or {}
        if not isinstance(skips, dict):
            self.add(doc.path, doc.line("adaptive"), "skip_first_lesson_if must map topics")
            return
        for topic, question in skips.items():
            line = doc.line("adaptive", "skip_first_lesson_if", topic)
            if not _known(topic, self.topics):
                self.add(doc.path, line, f"adaptive: unknown topic '{topic}'")
            if question not in ASSESSMENT_QUESTIONS:
                self.add(doc.path, line, f"adaptive: unknown self-assessment question '{question}'")

    def id_list(self, doc: Doc, key: tuple[str, ...], fields: tuple[str, ...]) -> dict[str, int]:
        """Check a list of mappings with an `id` and the other `fields`; return id -> line."""
        value: Any = doc.data
        for part in key:
            value = value.get(part) if isinstance(value, dict) else None
        name = key[-1]
        if value is None:
            if len(key) > 1:
                self.add(doc.path, doc.line(*key), f"missing required field '{name}'")
            return {}
        if not isinstance(value, list):
            self.add(doc.path, doc.line(*key), f"{name} must be a list")
            return {}
        ids: dict[str, int] = {}
        for index, item in enumerate(value):
            line = doc.line(*key, index)
            if not isinstance(item, dict):
                self.add(doc.path, line, f"each entry of {name} needs {', '.join(fields)}")
                continue
            for required in fields:
                if not _is_text(item.get(required)):
                    self.add(doc.path, line, f"{name} entry has no '{required}'")
            item_id: Any = item.get("id")
            if not _is_text(item_id):
                continue
            if item_id in ids:
                self.add(doc.path, line, f"duplicate id '{item_id}' in {name}")
            else:
                ids[item_id] = line
        return ids

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
                self.add(path, 1, _missing_message(name))
        self.lesson_id(doc, data.get("id"))
        lesson_id: str = data["id"] if isinstance(data.get("id"), str) else path.stem

        title = data.get("title")
        if "title" in data and not _is_text(title):
            self.add(path, doc.line("title"), "title must be text")
        elif isinstance(title, str) and len(title) > MAX_TITLE:
            self.add(path, doc.line("title"), f"title is {len(title)} characters; at most 60")

        topic: Any = data.get("topic")
        if "topic" in data and not _known(topic, self.topics):
            self.add(path, doc.line("topic"), f"unknown topic '{topic}'")
        if isinstance(topic, str):
            self.used_topics.add(topic)
        domain = data.get("domain")
        if "domain" in data and not _known(domain, self.domains):
            self.add(path, doc.line("domain"), f"unknown domain '{domain}'")

        self.audience(doc, data)
        minutes: Any = data.get("minutes")
        if "minutes" in data and not (_is_int(minutes) and MINUTES[0] <= minutes <= MINUTES[1]):
            self.add(path, doc.line("minutes"), f"minutes must be from 1 to 10, not {minutes!r}")
        order: Any = data.get("order")
        if "order" in data and not (_is_int(order) and order >= 1):
            self.add(path, doc.line("order"), f"order must be a whole number from 1, not {order!r}")
        elif _is_int(order) and isinstance(topic, str):
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
            if item != ALL and not _known(item, self.groups):
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
            self.add(doc.path, doc.line("sources"), _missing_message("sources"))
            return
        for index, source in enumerate(sources):
            line = doc.line("sources", index)
            if not isinstance(source, dict):
                self.add(doc.path, line, "a source needs a title and a url")
                continue
            if not _is_text(source.get("title")):
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
        if not _is_text(value):
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
            if not (isinstance(option, str) or _is_int(option)) or not str(option).strip():
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
        if multi and (len(values) < 2 or not all(_is_int(v) for v in values)):
            message = f"question {number}: with 'multi: true' answer must list 2 or more numbers"
            self.add(path, line, message)
            return
        if not multi and not _is_int(answer):
            message = f"question {number}: answer must be one option number, not {answer!r}"
            self.add(path, line, message)
            return
        if len(set(values)) != len(values):
            self.add(path, line, f"question {number}: answer {answer} repeats an option")
        for value in values:
            if count and not 1 <= value <= count:
                message = f"question {number}: answer {value} is not an option (1 to {count})"
                self.add(path, line, message)

    # FAQ ---------------------------------------------------------------------------------------

    def faq_file(self, doc: Doc, lessons: set[str]) -> None:
        path = doc.path
        if self.raw.curriculum is not None and path.stem not in self.topics:
            self.add(path, 1, f"FAQ file name '{path.name}' is not a topic id")
        if doc.data is None:
            return
        if not isinstance(doc.data, list):
            self.add(path, doc.start, "an FAQ file must be a list of entries ('- id: ...')")
            return
        for index, entry in enumerate(doc.data):
            self.faq_entry(doc, index, entry, lessons)

    def faq_entry(self, doc: Doc, index: int, entry: Any, lessons: set[str]) -> None:
        path, line = doc.path, doc.line(index)
        if not isinstance(entry, dict):
            self.add(path, line, "an FAQ entry needs id, question, answer and lesson")
            return
        for key in entry:
            if key not in FAQ_FIELDS + FAQ_OPTIONAL:
                self.add(path, doc.line(index, key), f"unknown field '{key}'")
        for name in FAQ_FIELDS:
            if name not in entry or entry[name] is None:
                self.add(path, line, f"missing required field '{name}'")
        faq_id = entry.get("id")
        if faq_id is not None:
            id_line = doc.line(index, "id")
            if not isinstance(faq_id, str) or not FAQ_ID.fullmatch(faq_id):
                message = f"FAQ id {faq_id!r} must be ASCII: a-z, 0-9, '-' and '_'"
                self.add(path, id_line, message)
            else:
                first = self.faq_ids.setdefault(faq_id, f"{display_path(path)}:{id_line}")
                if first != f"{display_path(path)}:{id_line}":
                    self.add(path, id_line, f"duplicate FAQ id '{faq_id}' (also at {first})")
        self.template_text(doc, (index, "question"), "question", MAX_QUESTION)
        self.template_text(doc, (index, "answer"), "answer", MAX_FAQ_ANSWER)
        lesson = entry.get("lesson")
        if lesson is not None and not _known(lesson, lessons):
            self.add(path, doc.line(index, "lesson"), f"unknown lesson '{lesson}'")
        keywords = entry.get("keywords")
        if keywords is not None and not (
            isinstance(keywords, list) and all(_is_text(k) for k in keywords)
        ):
            self.add(path, doc.line(index, "keywords"), "keywords must be a list of words")


_KEYS_HINT = f" (template keys: {', '.join(ALLOWED_KEYS)})"


def _count(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


def _missing_message(name: str) -> str:
    if name == "sources":
        return "missing sources: list at least one, with a title and an https:// url"
    if name == "reviewed":
        return "missing reviewed date (YYYY-MM-DD)"
    return f"missing required field '{name}'"
