"""Loading content/vi into a Curriculum.

`load` runs every check of `lessons.validate` first and raises ContentError if anything is wrong,
so the code that builds the model below can trust the shape of the data. The line-aware parsing
underneath lives in `lessons.parse` (re-exported here: `parse_lesson`, `parse_yaml`, ...).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from lessons.model import (
    ALL,
    Curriculum,
    Domain,
    FaqEntry,
    Group,
    Lesson,
    Question,
    Source,
    Topic,
)
from lessons.parse import (
    Doc,
    LessonFile,
    ParseError,
    RawContent,
    parse_lesson,
    parse_lesson_text,
    parse_yaml,
    parse_yaml_file,
    read_content,
)
from lessons.problems import ContentError, Problem
from lessons.validate import check_raw

__all__ = [
    "ContentError",
    "Doc",
    "LessonFile",
    "ParseError",
    "Problem",
    "RawContent",
    "build",
    "load",
    "parse_lesson",
    "parse_lesson_text",
    "parse_yaml",
    "parse_yaml_file",
    "read_content",
]


def load(content_dir: Path, today: date | None = None) -> Curriculum:
    """The curriculum, lessons and FAQ under `content_dir` (e.g. content/vi).

    Raises ContentError listing every problem if the content does not pass the check.
    """
    raw = read_content(content_dir)
    problems = check_raw(raw, today)
    if problems:
        raise ContentError(problems)
    return build(raw)


def build(raw: RawContent) -> Curriculum:
    """Build the model from content that passed `check_raw` (it is not checked again here)."""
    assert raw.curriculum is not None
    data: dict[str, Any] = raw.curriculum.data
    framework = data["framework"]
    topics = tuple(Topic(item["id"], item["title"]) for item in data["topics"])
    topic_rank = {topic.id: rank for rank, topic in enumerate(topics)}
    lessons = sorted(
        (_lesson(file) for file in raw.lessons),
        key=lambda lesson: (topic_rank[lesson.topic], lesson.order, lesson.id),
    )
    source = framework.get("source")
    return Curriculum(
        framework=framework["name"],
        domains=tuple(Domain(item["id"], item["name"]) for item in framework["domains"]),
        core_track_id=data["core_track"]["id"],
        core_track_name=data["core_track"]["name"],
        groups=tuple(Group(item["id"], item["name"], item["address"]) for item in data["groups"]),
        topics=topics,
        paths={group: tuple(path) for group, path in (data.get("paths") or {}).items()},
        lessons={lesson.id: lesson for lesson in lessons},
        faq=tuple(entry for doc in raw.faq for entry in _faq_entries(doc)),
        basics_topic=(data.get("adaptive") or {}).get("basics_first_without_smartphone"),
        skip_first_lesson_if=dict((data.get("adaptive") or {}).get("skip_first_lesson_if") or {}),
        framework_source=Source(source["title"], source["url"])
        if isinstance(source, dict)
        else None,
    )


def _lesson(file: LessonFile) -> Lesson:
    doc = file.front
    data: dict[str, Any] = doc.data
    audience = data["audience"]
    audience = (audience,) if isinstance(audience, str) else tuple(audience)
    return Lesson(
        id=data["id"],
        title=data["title"],
        topic=data["topic"],
        domain=data["domain"],
        audience=(ALL,) if ALL in audience else audience,
        minutes=data["minutes"],
        order=data["order"],
        core=data["core"],
        reviewed=date.fromisoformat(data["reviewed"].strip()),
        sources=tuple(Source(s["title"], s["url"]) for s in data["sources"]),
        steps=tuple(step.text for step in file.steps),
        quiz=tuple(_question(doc, index, q) for index, q in enumerate(data["quiz"])),
        path=file.path,
        step_lines=tuple(step.line for step in file.steps),
    )


def _question(doc: Doc, index: int, data: dict[str, Any]) -> Question:
    answer = data["answer"]
    answers = tuple(answer) if isinstance(answer, list) else (answer,)
    return Question(
        text=data["question"].strip(),
        options=tuple(str(option) for option in data["options"]),
        answers=tuple(number - 1 for number in answers),  # the file counts from 1
        multi=bool(data.get("multi", False)),
        explain=data["explain"].strip(),
        line=doc.line("quiz", index),
    )


def _faq_entries(doc: Doc) -> list[FaqEntry]:
    return [
        FaqEntry(
            id=item["id"],
            question=item["question"].strip(),
            answer=item["answer"].strip(),
            lesson=item["lesson"],
            keywords=tuple(item.get("keywords") or ()),
            topic=doc.path.stem,
            path=doc.path,
            line=doc.line(index),
        )
        for index, item in enumerate(doc.data or [])
    ]
