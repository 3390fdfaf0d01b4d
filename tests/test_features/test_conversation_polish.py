"""The last gaps of issue 15, scripted through the engine: what a resident sees."""

from __future__ import annotations

from lessons.model import Curriculum
from tests.factories import Conversation
from tests.learning_helpers import answer, current_question, read_lesson


def _in_quiz(conv: Conversation, lesson_id: str) -> None:
    lesson = conv.engine.curriculum.lesson(lesson_id)
    conv.press("m:topics")
    conv.press(f"t:{lesson.topic}")
    conv.press(f"l:go:{lesson.id}")
    read_lesson(conv, lesson)


def test_tam_dung_in_a_quiz_resumes_at_the_same_question_with_the_answers_kept(
    conv: Conversation, curriculum: Curriculum
) -> None:
    conv.onboard()
    lesson = curriculum.lesson("vneid-01")
    assert len(lesson.quiz) >= 3
    _in_quiz(conv, lesson.id)
    answer(conv, lesson, right=False)
    assert f"Câu 2/{len(lesson.quiz)}" in conv.text, conv.text
    conv.tap("Tạm dừng")
    assert "đã lưu chỗ" in conv.text
    user = conv.record()
    assert user is not None and user.state != "learn:quiz"
    conv.send("hoc tiep")
    assert f"Câu 2/{len(lesson.quiz)}" in conv.text, conv.text
    assert current_question(conv, lesson) is lesson.quiz[1]
    for _ in lesson.quiz[1:]:
        answer(conv, lesson, right=True)
    # The first answer (wrong) still counts: all but one right.
    right = len(lesson.quiz) - 1
    assert f"{right}/{len(lesson.quiz)}" in conv.text, conv.text
