"""Reading content files into plain data that remembers the line of every key, item and step.

This is the lower level under `lessons.loader` and `lessons.validate`: it checks nothing but
the syntax (YAML, front matter), so that the validator can name `file:line` for every problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lessons.problems import Problem

Key = tuple[str | int, ...]  # a path into YAML data: ("quiz", 2, "options", 0)

SEPARATOR = "---"
_TEMPLATE_VALUE = re.compile(r"^[^#\n]*(:|-)\s+\{\{", re.MULTILINE)  # `key: {{ goi }} ...`


class ParseError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text: the validator parses them with a clear message."""


def _construct_timestamp_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)

# libyaml is many times faster (start-up loads every lesson); its error messages differ, so
# a file it refuses is parsed again by the pure-Python loader, whose messages the checks name.
_FastLoader: type[Any] | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _CLoader(yaml.CSafeLoader):
        pass

    _CLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)
    _FastLoader = _CLoader


@dataclass
class Doc:
    """One YAML document: its data and the file line of every mapping key and sequence item."""

    path: Path
    data: Any
    lines: dict[Key, int] = field(default_factory=dict)
    start: int = 1  # the line reported for the document as a whole

    def line(self, *key: str | int) -> int:
        """Line of `key`, or of its nearest parent that has one."""
        for size in range(len(key), 0, -1):
            found = self.lines.get(key[:size])
            if found is not None:
                return found
        return self.start


@dataclass
class Step:
    line: int  # line of the step's first non-blank line (or of the separator, if empty)
    text: str


@dataclass
class LessonFile:
    path: Path
    front: Doc  # the front matter
    steps: list[Step]
    body_line: int  # first line after the closing "---" of the front matter


@dataclass
class RawContent:
    """Everything under a content directory, parsed but not checked."""

    content_dir: Path
    curriculum: Doc | None
    lessons: list[LessonFile]
    faq: list[Doc]
    problems: list[Problem]  # files that could not be parsed at all


def parse_yaml(text: str, path: Path, first_line: int = 1) -> Doc:
    """Parse one YAML document whose first line is line `first_line` of `path`."""
    if _FastLoader is not None:
        fast = _FastLoader(text)
        try:
            node = fast.get_single_node()
            data = fast.construct_document(node) if node is not None else None
        except (yaml.YAMLError, ValueError):
            pass  # parsed again below, for the message
        else:
            return _doc(path, node, data, first_line)
        finally:
            fast.dispose()
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        raise _yaml_error(error, text, first_line) from error
    except (yaml.YAMLError, ValueError) as error:  # pragma: no cover - defensive
        raise ParseError(first_line, f"invalid YAML: {error}") from error
    finally:
        loader.dispose()
    return _doc(path, node, data, first_line)


def _doc(path: Path, node: yaml.Node | None, data: Any, first_line: int) -> Doc:
    doc = Doc(path=path, data=data, start=first_line)
    if node is not None:
        _record_lines(node, (), doc.lines, first_line)
    return doc


def _yaml_error(error: yaml.MarkedYAMLError, text: str, first_line: int) -> ParseError:
    """PyYAML's error as `line: message`, with where the broken construct started, and a hint
    when a value starts with a template key (`question: {{ Goi }} ...` reads as a YAML map)."""
    mark, context = error.problem_mark, error.context_mark
    message = f"invalid YAML: {error.problem or error.context or 'syntax error'}"
    if error.problem and error.context and context is not None:
        message += f" ({error.context} started on line {first_line + context.line})"
    marks = [m.line for m in (context, mark) if m is not None]
    near = text.splitlines()[min(marks, default=0) : max(marks, default=0) + 1]
    if _TEMPLATE_VALUE.search("\n".join(near)):
        message += "; a value starting with {{ must be in quotes"
    where = mark or context
    return ParseError(first_line + (where.line if where is not None else 0), message)


def _record_lines(node: yaml.Node, key: Key, lines: dict[Key, int], first_line: int) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            name = str(key_node.value)
            line = first_line + key_node.start_mark.line
            if name in seen:
                raise ParseError(line, f"invalid YAML: duplicate key '{name}'")
            seen.add(name)
            lines[(*key, name)] = line
            _record_lines(value_node, (*key, name), lines, first_line)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*key, index)] = first_line + item.start_mark.line
            _record_lines(item, (*key, index), lines, first_line)


def _is_separator(line: str) -> bool:
    return line.rstrip() == SEPARATOR


def parse_lesson_text(text: str, path: Path) -> LessonFile:
    """Split a lesson into front matter and steps (the body split on lines that are `---`)."""
    lines = text.removeprefix("\ufeff").splitlines()
    if not lines or not _is_separator(lines[0]):
        raise ParseError(1, "no front matter: the file must start with a line '---'")
    close = next((i for i in range(1, len(lines)) if _is_separator(lines[i])), None)
    if close is None:
        raise ParseError(1, "front matter is not closed by a line '---'")
    front = parse_yaml("\n".join(lines[1:close]), path, first_line=2)
    front.start = 1
    body_line = close + 2  # 1-based number of the line after the closing separator
    steps: list[Step] = []
    chunk: list[str] = []
    chunk_line = body_line
    for number, line in enumerate([*lines[close + 1 :], SEPARATOR], start=body_line):
        if not _is_separator(line):
            chunk.append(line)
            continue
        blank_before = next((i for i, text in enumerate(chunk) if text.strip()), None)
        if blank_before is None:
            steps.append(Step(line=number, text=""))
        else:
            steps.append(Step(line=chunk_line + blank_before, text="\n".join(chunk).strip()))
        chunk = []
        chunk_line = number + 1
    if steps and not steps[-1].text:
        steps.pop()  # nothing after the last separator (or an empty body) is not a step
    return LessonFile(path=path, front=front, steps=steps, body_line=body_line)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ParseError(1, f"not UTF-8 text: {error.reason}") from error


def parse_lesson(path: Path) -> LessonFile:
    return parse_lesson_text(_read_text(path), path)


def parse_yaml_file(path: Path) -> Doc:
    return parse_yaml(_read_text(path).removeprefix("\ufeff"), path)


def lesson_paths(content_dir: Path) -> list[Path]:
    return sorted((content_dir / "lessons").glob("*.md"))


def faq_paths(content_dir: Path) -> list[Path]:
    faq_dir = content_dir / "faq"
    return sorted([*faq_dir.glob("*.yaml"), *faq_dir.glob("*.yml")])


def read_content(content_dir: Path) -> RawContent:
    """Parse curriculum.yaml, lessons/*.md and faq/*.yaml; unparsable files become problems."""
    problems: list[Problem] = []
    curriculum: Doc | None = None
    curriculum_path = content_dir / "curriculum.yaml"
    if not content_dir.is_dir():
        problems.append(Problem(content_dir, 1, "content directory not found"))
    elif not curriculum_path.is_file():
        problems.append(Problem(curriculum_path, 1, "curriculum.yaml not found"))
    else:
        try:
            curriculum = parse_yaml_file(curriculum_path)
        except ParseError as error:
            problems.append(Problem(curriculum_path, error.line, error.message))
    lessons: list[LessonFile] = []
    for path in lesson_paths(content_dir):
        try:
            lessons.append(parse_lesson(path))
        except ParseError as error:
            problems.append(Problem(path, error.line, error.message))
    faq: list[Doc] = []
    for path in faq_paths(content_dir):
        try:
            faq.append(parse_yaml_file(path))
        except ParseError as error:
            problems.append(Problem(path, error.line, error.message))
    return RawContent(content_dir, curriculum, lessons, faq, problems)
