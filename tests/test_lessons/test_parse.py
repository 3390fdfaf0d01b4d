"""The line-aware parser: every key, quiz question, option and step knows its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from lessons.parse import ParseError, parse_lesson_text, parse_yaml

LESSON = """\
---
id: demo
title: Demo
quiz:
  - question: One?
    options:
      - Yes
      - No
    answer: 1
  - question: Two?
    options: [A thing, B thing]
---
First step.

---


Second step,
two lines.
---
Third step.
"""


def test_front_matter_keys_have_their_file_lines() -> None:
    lesson = parse_lesson_text(LESSON, Path("demo.md"))
    front = lesson.front
    assert front.data["id"] == "demo"
    assert front.line("id") == 2
    assert front.line("title") == 3
    assert front.line("quiz") == 4
    assert front.line("quiz", 0) == 5
    assert front.line("quiz", 0, "options", 1) == 8
    assert front.line("quiz", 0, "answer") == 9
    assert front.line("quiz", 1) == 10
    assert front.line("quiz", 1, "options", 1) == 11


def test_unknown_key_falls_back_to_nearest_parent_then_to_line_one() -> None:
    front = parse_lesson_text(LESSON, Path("demo.md")).front
    assert front.line("quiz", 1, "explain") == 10
    assert front.line("nothing") == 1


def test_body_splits_into_steps_with_first_text_line() -> None:
    lesson = parse_lesson_text(LESSON, Path("demo.md"))
    assert [step.text for step in lesson.steps] == [
        "First step.",
        "Second step,\ntwo lines.",
        "Third step.",
    ]
    assert [step.line for step in lesson.steps] == [13, 18, 21]
    assert lesson.body_line == 13


def test_trailing_separator_does_not_make_an_empty_step() -> None:
    lesson = parse_lesson_text(LESSON + "---\n\n", Path("demo.md"))
    assert len(lesson.steps) == 3


def test_empty_step_in_the_middle_is_kept_for_the_validator() -> None:
    text = LESSON.replace("Third step.", "---\nThird step.")
    steps = parse_lesson_text(text, Path("demo.md")).steps
    assert [step.text for step in steps] == [
        "First step.",
        "Second step,\ntwo lines.",
        "",
        "Third step.",
    ]


def test_dates_stay_text_for_the_validator() -> None:
    doc = parse_yaml("reviewed: 2026-11-20\n", Path("x.yaml"))
    assert doc.data == {"reviewed": "2026-11-20"}


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("id: x\nid: y\n", 2, "duplicate key 'id'"),
        ("a: [1, 2\nb: 3\n", 2, "flow sequence started on line 1"),
        ("a: b: c\n", 1, "mapping values are not allowed"),
    ],
)
def test_yaml_errors_carry_the_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_yaml(text, Path("x.yaml"))
    assert raised.value.line == line
    assert fragment in raised.value.message


def test_yaml_error_line_is_a_file_line_inside_front_matter() -> None:
    with pytest.raises(ParseError) as raised:
        parse_lesson_text("---\nid: x\ntitle: a: b\n---\nstep\n", Path("x.md"))
    assert raised.value.line == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id: x\n---\nstep\n", "no front matter"),
        ("", "no front matter"),
        ("---\nid: x\n", "not closed"),
    ],
)
def test_front_matter_must_be_opened_and_closed(text: str, message: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_lesson_text(text, Path("x.md"))
    assert raised.value.line == 1
    assert message in raised.value.message
