"""The last gaps of issue 15, scripted through the engine: what a resident sees."""

from __future__ import annotations

from bot.engine.dispatcher import Engine
from bot.features.onboarding_input import latest_birth_year
from bot.store import users
from lessons.model import Curriculum
from tests.community_helpers import make_mentor
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


def _to_birth_year(mentor: Conversation) -> None:
    mentor.press("m:mentor")
    mentor.tap("Ghi tên người học trực tiếp")
    mentor.send("Nguyễn Thị Tám")
    mentor.tap("Thôn Đông")
    assert "sinh năm nào" in mentor.text


def test_a_mentor_registering_someone_gets_the_onboarding_birth_year_rules(
    engine: Engine,
) -> None:
    mentor = make_mentor(engine)
    this_year = engine.local_now().year
    _to_birth_year(mentor)
    mentor.send(str(this_year))  # never the current year
    assert "chưa phải là năm sinh" in mentor.text
    assert str(latest_birth_year(this_year)) in mentor.text
    mentor.send("48")  # two digits: confirmed first
    assert "Nguyễn Thị Tám sinh năm 1948, đúng không ạ?" in mentor.text
    mentor.send("ko")
    assert "sinh năm nào" in mentor.text
    mentor.send("nam 1948")
    assert "Người cao tuổi" in mentor.labels(), mentor.text
    mentor.tap("Người cao tuổi")
    mentor.tap("Người học đã đồng ý")
    learner_id = engine.db.execute("SELECT id FROM users WHERE assisted = 1").fetchone()[0]
    learner = users.get(engine.db, learner_id)
    assert learner is not None and learner.birth_year == 1948


def test_a_two_digit_year_confirmed_by_button(engine: Engine) -> None:
    mentor = make_mentor(engine)
    _to_birth_year(mentor)
    mentor.send("sinh năm 54")
    assert "sinh năm 1954, đúng không ạ?" in mentor.text
    mentor.tap("Đúng rồi")
    mentor.tap("Người cao tuổi")
    mentor.tap("Người học đã đồng ý")
    learner_id = engine.db.execute("SELECT id FROM users WHERE assisted = 1").fetchone()[0]
    learner = users.get(engine.db, learner_id)
    assert learner is not None and learner.birth_year == 1954


def test_toi_nay_an_gi_is_refused(conv: Conversation) -> None:
    conv.onboard()
    conv.send("toi nay an gi")
    assert "chưa có bài về việc này" in conv.text, conv.text


def test_search_misses_now_find_the_right_entry(conv: Conversation, curriculum: Curriculum) -> None:
    conv.onboard()
    faq = {entry.id: entry for entry in curriculum.faq}
    for typed, wanted, words in (
        ("vneid la cai app gi", "vneid-la-gi", "VNeID"),
        ("dt cua bac ko len mang dc", "dien-thoai-khong-vao-mang", "Wi-Fi"),
        ("bi lua mat tien roi", "lua-dao-lo-chuyen-tien", "không chuyển thêm đồng nào"),
    ):
        conv.send(typed)
        assert words in conv.text and faq[wanted].question in conv.text, (typed, conv.text)


def _mid_lesson(conv: Conversation) -> None:
    conv.onboard()
    lesson = conv.engine.curriculum.lesson("vneid-01")
    conv.press("m:topics")
    conv.press(f"t:{lesson.topic}")
    conv.press(f"l:go:{lesson.id}")
    conv.tap("Tiếp")
    assert "(2/" in conv.text


def test_xem_them_typed_after_an_answer_mid_lesson_on_the_console(
    conv: Conversation, engine: Engine
) -> None:
    web = Conversation(engine, user="web-1", channel="webchat")  # buttons show: no extra line
    _mid_lesson(web)
    web_answer = next(r for r in web.send("du lieu ca nhan la gi") if r.text.startswith("Trong"))
    assert "Xem thêm" in [b.label for row in web_answer.buttons for b in row]
    assert "xem thêm" not in web_answer.text
    _mid_lesson(conv)
    replies = conv.send("du lieu ca nhan la gi")
    answer = next(r for r in replies if r.text.startswith("Trong bài"))
    assert 'gõ "xem thêm"' in answer.text.splitlines()[-1]
    assert not answer.numbered  # only the lesson's question has numbers
    assert replies[-1].text.startswith("Mình quay lại việc đang làm")
    replies = conv.send("xem them")
    assert replies[0].text.startswith("(tiếp)"), conv.text
    assert replies[-1].text.startswith("Mình quay lại việc đang làm")
    conv.send("1")  # the lesson still waits
    assert "(3/" in conv.text, conv.text
