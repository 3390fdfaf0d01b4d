"""Tiến độ của tôi (with the streak in Vietnam time) and Hỏi đáp."""

from __future__ import annotations

from datetime import date

from bot.features.progress_view import streak
from tests.factories import Conversation
from tests.learning_helpers import pass_lesson

HOUR = 3600


def test_streak_counts_days_in_a_row() -> None:
    today = date(2026, 11, 20)
    assert streak([], today) == 0
    assert streak(["2026-11-20", "2026-11-19", "2026-11-18"], today) == 3
    assert streak(["2026-11-19", "2026-11-18"], today) == 2  # not yet today: still counts
    assert streak(["2026-11-20", "2026-11-18"], today) == 1
    assert streak(["2026-11-17"], today) == 0


def test_progress_shows_lessons_scores_streak_and_next(
    conv: Conversation, curriculum, clock
) -> None:
    # 23:30 in Vietnam is 16:30 UTC: learning then and at 00:30 the next night is two days.
    clock.now = 1_795_537_800  # 2026-11-24 23:30 +07:00
    conv.onboard()
    path = curriculum.path_for("cao_tuoi")
    pass_lesson(conv, curriculum.lesson(path[0]))
    clock.advance(1 * HOUR)  # 00:30 on the 25th in Vietnam, still the 24th in UTC
    pass_lesson(conv, curriculum.lesson(path[1]))
    conv.press("m:progress")
    text = conv.text
    assert f"Đã học xong 2/{len(curriculum.lessons)} bài" in text
    assert "2 ngày liên tiếp" in text
    assert f"Bài tiếp theo: {curriculum.lesson(path[2]).title}" in text
    assert curriculum.lesson(path[1]).title in text  # its score is listed


def test_ask_finds_faq_and_offers_the_lesson(conv: Conversation, curriculum) -> None:
    conv.onboard()
    conv.tap("Hỏi đáp")
    conv.send("lua dao")
    assert "lừa đảo" in conv.text
    lesson_buttons = [label for label in conv.labels() if label.startswith("Học bài:")]
    assert lesson_buttons
    title = lesson_buttons[0].removeprefix("Học bài: ")
    conv.tap(lesson_buttons[0])
    assert f"Bài: {title}" in conv.text
    assert "{{" not in "\n".join(r.text for r in conv.history)


def test_free_text_is_a_question(conv: Conversation) -> None:
    conv.onboard()
    conv.send("quet ma qr")
    assert "mã QR" in conv.text
    conv.send("xyzzy plugh?")
    assert "Trợ lý chưa có bài về việc này" in conv.text
    assert "Đại sứ số" in conv.text and "Trung tâm Phục vụ hành chính công" in conv.text


def test_question_in_the_middle_of_a_lesson_keeps_the_lesson(
    conv: Conversation, curriculum
) -> None:
    conv.onboard()
    lesson = curriculum.lesson(curriculum.path_for("cao_tuoi")[0])
    conv.tap("Học bài tiếp theo")
    conv.send("ma otp la gi")
    assert "OTP" in conv.text
    assert "Tiếp" in conv.labels()
    conv.tap("Tiếp")
    assert f"(2/{len(lesson.steps)})" in conv.text
