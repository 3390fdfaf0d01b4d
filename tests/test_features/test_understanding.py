"""Residents typing instead of pressing buttons, scripted through the engine: what they see."""

from __future__ import annotations

import io

import pytest

from bot.channels.console import chat
from bot.channels.textual import render_numbered
from bot.engine.dispatcher import Engine
from bot.reminder_jobs import _compose_reminder
from lessons.model import Curriculum
from tests.factories import Conversation
from tests.learning_helpers import current_question, read_lesson


def searched(conv: Conversation) -> bool:
    """Whether the last turn answered from the FAQ and lessons (an answer offers its lesson; no
    answer says there is no lesson on it)."""
    last = conv.history[-conv._last_count :] if conv._last_count else []
    labels = [b.label for r in last for row in r.buttons for b in row]
    return any(label.startswith("Học bài:") for label in labels) or any(
        "chưa có bài về việc này" in r.text for r in last
    )


def _start(conv: Conversation, lesson_id: str) -> None:
    lesson = conv.engine.curriculum.lesson(lesson_id)
    conv.press("m:topics")
    conv.press(f"t:{lesson.topic}")
    conv.press(f"l:go:{lesson.id}")


def _in_quiz(conv: Conversation, lesson_id: str) -> None:
    _start(conv, lesson_id)
    read_lesson(conv, conv.engine.curriculum.lesson(lesson_id))


@pytest.mark.parametrize("typed", ["ok", "hieu roi", "thoi", "cam on chau", "dạ", "vâng ạ", "dung"])
def test_courtesy_mid_lesson_is_a_short_kind_answer_and_the_step_stays(
    conv: Conversation, typed: str
) -> None:
    conv.onboard()
    _start(conv, "vneid-01")
    conv.tap("Tiếp")
    before = conv.record()
    assert before is not None and before.state_data["step"] == 1
    replies = conv.send(typed)
    assert len(replies) == 1, conv.text
    assert not searched(conv) and "Dạ" in conv.text
    assert 'bài "VNeID là gì?' in conv.text or "phần 2/" in conv.text, conv.text
    assert len(conv.text) < 200  # a line or two, never the whole step again
    assert conv.labels()[:2] == ["Tiếp", "Tạm dừng"] and "Xem lại bước trước" in conv.labels()
    after = conv.record()
    assert after is not None and after.state == "learn:step" and after.state_data["step"] == 1
    assert after.reminders_off == 0


def test_navigation_words_mid_lesson(conv: Conversation, curriculum: Curriculum) -> None:
    conv.onboard()
    lesson = curriculum.lesson("vneid-01")
    _start(conv, lesson.id)
    conv.tap("Tiếp")
    conv.tap("Tiếp")
    assert f"(3/{len(lesson.steps)})" in conv.text
    conv.send("quay lai")
    assert f"(2/{len(lesson.steps)})" in conv.text and not searched(conv)
    conv.send("xem lại bước trước")
    assert f"(1/{len(lesson.steps)})" in conv.text
    conv.send("tiep")
    assert f"(2/{len(lesson.steps)})" in conv.text
    conv.send("giup toi voi")
    assert "Cách dùng Trợ lý" in conv.text and not searched(conv)
    assert "Tiếp" in conv.labels()  # the lesson waits
    conv.send("1")
    assert f"(3/{len(lesson.steps)})" in conv.text
    conv.send("menu")
    assert "muốn làm gì" in conv.text and not searched(conv)
    conv.send("hoc tiep")
    assert "học tiếp bài" in conv.text and f"(3/{len(lesson.steps)})" in conv.text
    conv.send("tạm dừng")
    assert "đã lưu chỗ" in conv.text


def test_a_question_mid_lesson_is_answered_and_the_lesson_waits(conv: Conversation) -> None:
    conv.onboard()
    _start(conv, "vneid-01")
    conv.send("ma otp la gi")
    assert searched(conv)
    assert conv.history[-1].text.startswith("Mình quay lại việc đang làm")
    assert conv.labels()[0] == "Tiếp"
    conv.send("1")
    assert "(2/" in conv.text


def test_dung_lai_answers_the_quiz_of_thanh_toan_04_and_reminders_stay_on(
    conv: Conversation, curriculum: Curriculum
) -> None:
    conv.onboard()
    lesson = curriculum.lesson("thanh-toan-04")
    _in_quiz(conv, lesson.id)
    conv.send("3")  # question 1: "Không đọc, tắt máy, tự gọi tổng đài ngân hàng"
    assert "Đúng rồi" in conv.text
    question = current_question(conv, lesson)
    assert question.options[0] == "Dừng lại, không chuyển"
    conv.send("dừng lại")
    assert "Đúng rồi" in conv.text and "tắt nhắc" not in conv.text.lower()
    user = conv.record()
    assert user is not None and user.reminders_off == 0
    assert user.state == "learn:quiz" and user.state_data["pos"] == 2


def test_dung_and_huy_never_turn_reminders_off(conv: Conversation) -> None:
    conv.onboard()
    conv.send("dung")
    assert "tắt nhắc" not in conv.text.lower()
    conv.send("huy")
    assert "không có việc gì đang làm dở" in conv.text.lower()
    _start(conv, "vneid-01")
    conv.send("huy")
    assert "dừng việc đang làm" in conv.text
    assert conv.labels() == ["Đúng, dừng lại", "Không, làm tiếp"]
    conv.send("ko")
    assert "làm tiếp" in conv.text and conv.labels()[0] == "Tiếp"
    conv.send("hủy")
    conv.send("ok")
    assert "đã dừng" in conv.text.lower()
    user = conv.record()
    assert user is not None and user.reminders_off == 0 and user.state is None


def test_a_stop_word_mid_lesson_asks_first(conv: Conversation) -> None:
    conv.onboard()
    _start(conv, "vneid-01")
    conv.send("dừng")
    assert "thôi nhắc học" in conv.text
    user = conv.record()
    assert user is not None and user.reminders_off == 0 and user.state == "learn:step"
    conv.send("vâng")
    assert "Đã tắt nhắc học" in conv.text and conv.labels()[0] == "Tiếp"
    user = conv.record()
    assert user is not None and user.reminders_off == 1 and user.state == "learn:step"


def test_after_detours_a_typed_number_answers_the_waiting_quiz_question(
    conv: Conversation, curriculum: Curriculum
) -> None:
    conv.onboard()
    lesson = curriculum.lesson("vneid-01")
    _in_quiz(conv, lesson.id)
    question = current_question(conv, lesson)
    right = str(question.answers[0] + 1)
    conv.send("lam sao biet tin nhan lua dao")  # a search
    assert searched(conv)
    conv.send("/trogiup")  # help
    assert "Cách dùng Trợ lý" in conv.text
    user = conv.record()
    assert user is not None
    conv.engine.push(user, _compose_reminder, now=int(conv.engine.clock()))  # a reminder
    conv.send("cảm ơn")  # a courtesy
    assert not searched(conv)
    conv.send(right)
    assert "Đúng rồi" in conv.text
    assert current_question(conv, lesson) is lesson.quiz[1]


def test_the_console_prints_one_numbered_list_per_turn(engine: Engine) -> None:
    conv = Conversation(engine, user="ba-tu")
    conv.onboard()
    out = io.StringIO()
    # The menu, "1": the first lesson's first step, a question mid-lesson, "1": "Tiếp".
    chat(engine, "ba-tu", io.StringIO("1\nma otp la gi\n1\n"), out)
    printed = out.getvalue()
    asked = printed[printed.index("Mã OTP là gì") :]
    # The search answer's own buttons are not numbered; the step shown again is, and "1" is
    # its "Tiếp".
    assert asked.count("(Gõ ") == 2, asked  # the step again, then the next step
    assert printed.count("(Gõ ") == 4, printed  # one per turn: menu, step, step again, step
    assert "(2/" in asked.split("Mình quay lại việc đang làm")[1]


def test_only_the_waiting_question_is_numbered(conv: Conversation) -> None:
    conv.onboard()
    _in_quiz(conv, "vneid-01")
    replies = conv.send("otp la gi")
    with_buttons = [r for r in replies if r.buttons]
    assert len(with_buttons) == 2
    numbered = [r for r in with_buttons if r.numbered]
    assert len(numbered) == 1 and numbered[0] is with_buttons[-1]
    rendered = "\n".join(render_numbered(r, conv.engine.texts) for r in replies)
    assert rendered.count("(Gõ ") == 1


@pytest.mark.parametrize("typed", ["ok", "co", "roi", "vâng", "dạ", "uh"])
def test_yes_words_answer_a_yes_no_question(engine: Engine, typed: str) -> None:
    conv = Conversation(engine, user=f"yes-{typed}")
    conv.onboard()
    conv.send("/xoadulieu")
    conv.send(typed)
    assert "đã xoá" in conv.text.lower() or "đã xóa" in conv.text.lower(), conv.text
    assert conv.record() is None


@pytest.mark.parametrize("typed", ["k", "ko", "hok", "thôi"])
def test_no_words_answer_a_yes_no_question(engine: Engine, typed: str) -> None:
    conv = Conversation(engine, user=f"no-{typed}")
    conv.onboard()
    conv.send("/xoadulieu")
    conv.send(typed)
    assert conv.record() is not None
    assert not searched(conv) and "muốn làm gì" in conv.text


def test_multi_select_shows_the_labels_chosen(conv: Conversation, curriculum: Curriculum) -> None:
    conv.onboard()
    lesson = curriculum.lesson("thanh-toan-01")
    _in_quiz(conv, lesson.id)
    while not current_question(conv, lesson).multi:
        conv.send("1")
    question = current_question(conv, lesson)
    conv.tap(question.options[0])
    assert f"Đã chọn: {question.options[0]}." in conv.text
    conv.send("3")
    assert f"Đã chọn: {question.options[0]}; {question.options[2]}." in conv.text
    assert "1, 3" not in conv.text


def test_navigation_words_wait_for_registration(conv: Conversation) -> None:
    conv.send("/batdau")
    conv.send("học tiếp")
    assert "Bài:" not in conv.text and "muốn làm gì" not in conv.text
    assert conv.labels()[:2] == ["Đồng ý", "Không đồng ý"]
    conv.send("menu")
    assert "muốn làm gì" not in conv.text
    record = conv.record()
    assert record is not None and record.onboarded_at is None


def test_again_and_from_the_start_mid_lesson(conv: Conversation, curriculum: Curriculum) -> None:
    conv.onboard()
    lesson = curriculum.lesson("vneid-01")
    _start(conv, lesson.id)
    conv.tap("Tiếp")
    conv.send("nhắc lại đi")
    assert f"(2/{len(lesson.steps)})" in conv.text and not searched(conv)
    conv.send("hoc lai tu dau")
    assert f"Bài: {lesson.title}" in conv.text and f"(1/{len(lesson.steps)})" in conv.text
    conv.send("rồi sao nữa")
    assert f"(2/{len(lesson.steps)})" in conv.text
    conv.send("để lát nữa")
    assert "đã lưu chỗ" in conv.text


def test_hoi_dap_mid_lesson_keeps_the_lesson_waiting(conv: Conversation) -> None:
    conv.onboard()
    _start(conv, "vneid-01")
    conv.tap("Hỏi đáp")
    assert "gõ câu hỏi" in conv.text
    user = conv.record()
    assert user is not None and user.state == "learn:step"
    conv.send("otp")
    assert searched(conv) and conv.labels()[0] == "Tiếp"
    conv.send("1")
    assert "(2/" in conv.text
