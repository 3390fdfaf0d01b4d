"""The checks of curriculum.yaml and of the FAQ files; lessons/validate.py checks the lessons.

Messages are English: they are read by content editors, never by residents.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lessons.model import ASSESSMENT_QUESTIONS
from lessons.parse import Doc, RawContent
from lessons.problems import display_path

FAQ_ID = re.compile(r"[a-z0-9_-]{1,60}")
FAQ_FIELDS = ("id", "question", "answer", "lesson")
FAQ_OPTIONAL = ("keywords",)
MAX_QUESTION = 300
MAX_FAQ_ANSWER = 700


def is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def known(value: Any, ids: dict[str, int] | set[str]) -> bool:
    return isinstance(value, str) and value in ids


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def missing_message(name: str) -> str:
    if name == "sources":
        return "missing sources: list at least one, with a title and an https:// url"
    if name == "reviewed":
        return "missing reviewed date (YYYY-MM-DD)"
    return f"missing required field '{name}'"


class CurriculumChecks:
    """Mixed into the content checker, which provides `add` and `template_text`."""

    domains: dict[str, int]  # id -> line in curriculum.yaml
    groups: dict[str, int]
    topics: dict[str, int]
    faq_ids: dict[str, str]  # id -> "file:line"
    raw: RawContent

    def add(self, path: Path, line: int, message: str) -> None:
        raise NotImplementedError

    def template_text(self, doc: Doc, key: tuple[str | int, ...], what: str, limit: int) -> None:
        raise NotImplementedError

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
            if not is_text(framework.get("name")):
                self.add(doc.path, doc.line("framework"), "framework has no name")
            self.domains = self.id_list(doc, ("framework", "domains"), ("id", "name"))
        elif framework is not None:
            self.add(doc.path, doc.line("framework"), "framework must have a name and domains")
        core = data.get("core_track")
        if core is not None and not (
            isinstance(core, dict) and is_text(core.get("id")) and is_text(core.get("name"))
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
                if not known(topic, self.topics):
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
        if basics is not None and not known(basics, self.topics):
            line = doc.line("adaptive", "basics_first_without_smartphone")
            self.add(doc.path, line, f"adaptive: unknown topic '{basics}'")
        skips = adaptive.get("skip_first_lesson_if") or {}
        if not isinstance(skips, dict):
            self.add(doc.path, doc.line("adaptive"), "skip_first_lesson_if must map topics")
            return
        for topic, question in skips.items():
            line = doc.line("adaptive", "skip_first_lesson_if", topic)
            if not known(topic, self.topics):
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
                if not is_text(item.get(required)):
                    self.add(doc.path, line, f"{name} entry has no '{required}'")
            item_id: Any = item.get("id")
            if not is_text(item_id):
                continue
            if item_id in ids:
                self.add(doc.path, line, f"duplicate id '{item_id}' in {name}")
            else:
                ids[item_id] = line
        return ids

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
        if lesson is not None and not known(lesson, lessons):
            self.add(path, doc.line(index, "lesson"), f"unknown lesson '{lesson}'")
        keywords = entry.get("keywords")
        if keywords is not None and not (
            isinstance(keywords, list) and all(is_text(k) for k in keywords)
        ):
            self.add(path, doc.line(index, "keywords"), "keywords must be a list of words")
