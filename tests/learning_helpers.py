"""Driving lessons and quizzes in tests the way a learner does: pressing the buttons shown."""

from __future__ import annotations

from lessons.model import Lesson, Question
from tests.factories import Conversation


def current_question(conv: Conversation, lesson: Lesson) -> Question:
    user = conv.record()
    assert user is not None and user.state == "learn:quiz", (user and user.state, conv.text)
    data = user.state_data
    return lesson.quiz[data["order"][data["pos"]]]


def answer(conv: Conversation, lesson: Lesson, *, right: bool) -> None:
    """Answer the question being asked by pressing its option buttons."""
    question = current_question(conv, lesson)
    if right:
        picks = list(question.answers)
    else:
        picks = [next(i for i in range(len(question.options)) if i not in question.answers)]
    if not question.multi:
        conv.tap(question.options[picks[0]])
        return
    for index in picks:
        conv.tap(question.options[index])
    conv.tap("Xong")


def read_lesson(conv: Conversation, lesson: Lesson) -> None:
    """From the first step to the quiz, pressing "Tiếp"."""
    for _ in lesson.steps:
        conv.tap("Tiếp")
    assert "bài kiểm tra nhỏ" in conv.text


def pass_lesson(conv: Conversation, lesson: Lesson) -> None:
    """Start `lesson` from its topic and answer everything right."""
    conv.press("m:topics")
    conv.press(f"t:{lesson.topic}")
    conv.press(f"l:go:{lesson.id}")
    read_lesson(conv, lesson)
    for _ in lesson.quiz:
        answer(conv, lesson, right=True)
