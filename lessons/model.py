"""The content model: what the loader builds from content/vi and everything else reads.

All classes are frozen: a loaded Curriculum is shared by every request and never changes.
Lesson ids, topic ids and group ids are plain strings, exactly as written in the content files.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ALL = "all"  # the audience value meaning "every group"


# The self-assessment questions asked at onboarding and again after the core track.
ASSESSMENT_QUESTIONS = ("smartphone", "epayment", "vneid2", "ai_tool")


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class Question:
    text: str  # a template (may use goi, Goi, ten, xa)
    options: tuple[str, ...]
    answers: tuple[int, ...]  # 0-based indexes of the right options
    multi: bool = False  # several right options; the learner must choose all of them
    explain: str = ""  # a template
    line: int = 0  # line of the question in its lesson file

    def is_correct(self, chosen: Collection[int]) -> bool:
        return set(chosen) == set(self.answers)


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    topic: str
    domain: str
    audience: tuple[str, ...]  # ("all",) or group ids
    minutes: int
    order: int  # order inside the topic
    core: bool  # part of the core track
    reviewed: date
    sources: tuple[Source, ...]
    steps: tuple[str, ...]  # templates, one chat message each
    quiz: tuple[Question, ...]
    path: Path
    step_lines: tuple[int, ...] = ()  # line of each step in the file

    def is_for(self, group: str | None) -> bool:
        """True when the lesson is meant for `group` (None: only lessons meant for everyone)."""
        return ALL in self.audience or (group is not None and group in self.audience)


@dataclass(frozen=True)
class Topic:
    id: str
    title: str


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    address: str  # default way to address a learner of this group ("Bác", "anh/chị", "bạn")


@dataclass(frozen=True)
class Domain:
    id: str
    name: str


@dataclass(frozen=True)
class FaqEntry:
    id: str
    question: str  # a template
    answer: str  # a template
    lesson: str  # id of the lesson that teaches this
    keywords: tuple[str, ...]
    topic: str  # the topic named by the FAQ file's name
    path: Path
    line: int


@dataclass(frozen=True)
class Curriculum:
    framework: str
    domains: tuple[Domain, ...]
    core_track_id: str
    core_track_name: str
    groups: tuple[Group, ...]
    topics: tuple[Topic, ...]  # in curriculum order
    paths: dict[str, tuple[str, ...]]  # group id -> topic ids, in the order the group learns them
    lessons: dict[str, Lesson]  # ordered by topic order, then lesson order
    faq: tuple[FaqEntry, ...] = ()
    framework_source: Source | None = field(default=None)
    # Adapting the path to the baseline self-assessment (curriculum.yaml "adaptive").
    basics_topic: str | None = None  # taught first to people without a smartphone
    # topic id -> self-assessment question: a "yes" there lets the learner skip the topic's
    # first lesson and go straight to its quiz.
    skip_first_lesson_if: dict[str, str] = field(default_factory=dict)

    def lesson(self, lesson_id: str) -> Lesson:
        """The lesson with this id; KeyError if there is none."""
        return self.lessons[lesson_id]

    def topic(self, topic_id: str) -> Topic:
        for topic in self.topics:
            if topic.id == topic_id:
                return topic
        raise KeyError(topic_id)

    def group(self, group_id: str) -> Group:
        for group in self.groups:
            if group.id == group_id:
                return group
        raise KeyError(group_id)

    def domain(self, domain_id: str) -> Domain:
        for domain in self.domains:
            if domain.id == domain_id:
                return domain
        raise KeyError(domain_id)

    def lessons_in_topic(self, topic_id: str) -> list[Lesson]:
        """The topic's lessons by `order`."""
        found = [lesson for lesson in self.lessons.values() if lesson.topic == topic_id]
        return sorted(found, key=lambda lesson: (lesson.order, lesson.id))

    def core_lessons(self) -> list[Lesson]:
        """Lessons of the core track, in curriculum order."""
        return [lesson for lesson in self.lessons.values() if lesson.core]

    def topic_order(self, group_id: str | None) -> list[str]:
        """Topic ids in the order `group_id` learns them: its path first, then the other topics
        in curriculum order. None (group not known yet): curriculum order."""
        first = list(self.paths.get(group_id, ())) if group_id is not None else []
        return first + [topic.id for topic in self.topics if topic.id not in first]

    def path_for(self, group_id: str | None) -> list[str]:
        """Lesson ids in the order a learner of `group_id` should take them.

        Topics come in `topic_order(group_id)`, lessons inside a topic by `order`. Lessons whose
        audience does not include the group are left out (they stay reachable from the topic menu
        and search); with group None only lessons for everyone ("all") are listed.
        """
        return [
            lesson.id
            for topic_id in self.topic_order(group_id)
            for lesson in self.lessons_in_topic(topic_id)
            if lesson.is_for(group_id)
        ]

    def next_lessons(
        self, group_id: str | None, done: Collection[str] = (), limit: int | None = None
    ) -> list[str]:
        """`path_for(group_id)` without the lessons in `done`, at most `limit` of them."""
        pending = [lesson_id for lesson_id in self.path_for(group_id) if lesson_id not in done]
        return pending if limit is None else pending[:limit]

    def faq_entry(self, faq_id: str) -> FaqEntry:
        for entry in self.faq:
            if entry.id == faq_id:
                return entry
        raise KeyError(faq_id)
