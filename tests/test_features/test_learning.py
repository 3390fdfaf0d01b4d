"""The learning loop through the engine: path, steps, quiz, retry, stale buttons, restart."""

from __future__ import annotations

from bot.engine.dispatcher import Engine
from bot.features import ROUTERS
from bot.store import assessments, progress, units
from lessons.model import Curriculum
from tests.factories import Conversation
from tests.learning_helpers import answer, current_question, pass_lesson, read_lesson

MENU = [
    "Học bài tiếp theo",
    "Chọn chủ đề",
    "Tiến độ của tôi",
    "Hỏi đáp",
    "Nhắc học",
    "Thông tin của tôi",
    "Gia đình số",
]


def test_menu_after_onboarding(conv: Conversation) -> None:
    conv.onboard()
    assert conv.labels() == MENU


def test_lesson_with_one_wrong_answer_and_a_retry(conv: Conversation, curriculum) -> None:
    conv.onboard(group="Người cao tuổi")
    first_id = curriculum.path_for("cao_tuoi")[0]
    lesson = curriculum.lesson(first_id)
    conv.tap("Học bài tiếp theo")
    assert f"Bài: {lesson.title}" in conv.text
    assert f"(1/{len(lesson.steps)})" in conv.text
    assert conv.labels() == ["Tiếp", "Tạm dừng", "Hỏi đáp"]  # no step before the first
    read_lesson(conv, lesson)
    total = len(lesson.quiz)
    answer(conv, lesson, right=False)
    assert "Chưa đúng. Đáp án đúng:" in conv.text
    for _ in range(total - 1):
        answer(conv, lesson, right=True)
    assert f"đúng {total - 1}/{total} câu" in conv.text
    user = conv.record()
    assert user is not None
    row = progress.get(conv.engine.db, user.id, lesson.id)
    assert row is not None
    assert (row.status, row.score, row.total, row.attempts) == ("passed", total - 1, total, 1)
    assert row.unit_id == user.unit_id and row.finished_at is not None
    assert "Làm lại câu sai" in conv.labels()
    conv.tap("Làm lại câu sai")
    assert "Câu 1/1" in conv.text
    answer(conv, lesson, right=True)
    row = progress.get(conv.engine.db, user.id, lesson.id)
    assert row is not None and (row.score, row.attempts) == (total, 2)
    # The next lesson is the next one on the path of the group.
    conv.tap("Học bài tiếp theo")
    second = curriculum.lesson(curriculum.path_for("cao_tuoi")[1])
    assert f"Bài: {second.title}" in conv.text


def test_failing_then_retrying_the_missed_questions(conv: Conversation, curriculum) -> None:
    conv.onboard()
    lesson = curriculum.lesson(curriculum.path_for("cao_tuoi")[0])
    conv.tap("Học bài tiếp theo")
    read_lesson(conv, lesson)
    for _ in lesson.quiz:
        answer(conv, lesson, right=False)
    assert "Cần đúng" in conv.text
    assert conv.labels() == ["Làm lại câu sai", "Xem lại bài", "Về danh sách chính"]
    user = conv.record()
    assert user is not None
    row = progress.get(conv.engine.db, user.id, lesson.id)
    assert row is not None and (row.status, row.score, row.attempts) == ("failed", 0, 1)
    conv.tap("Làm lại câu sai")
    for _ in lesson.quiz:
        answer(conv, lesson, right=True)
    row = progress.get(conv.engine.db, user.id, lesson.id)
    assert row is not None and (row.status, row.score, row.attempts) == (
        "passed",
        len(lesson.quiz),
        2,
    )


def test_stale_answer_changes_nothing(conv: Conversation, curriculum) -> None:
    conv.onboard()
    lesson = curriculum.lesson(curriculum.path_for("cao_tuoi")[0])
    conv.tap("Học bài tiếp theo")
    read_lesson(conv, lesson)
    first = current_question(conv, lesson)
    old_payloads = [b.payload for row in conv.history[-1].buttons for b in row]
    answer(conv, lesson, right=True)
    before = conv.record()
    assert before is not None
    conv.press(old_payloads[0])  # a button of the question already answered
    assert "cũ" in conv.text or "đã qua" in conv.text
    after = conv.record()
    assert after is not None and after.state_data == before.state_data
    assert current_question(conv, lesson) is not first
    # A forged answer for a question not asked now is refused the same way.
    conv.press(f"q:{lesson.id}:1:{len(lesson.quiz) - 1}:0")
    again = conv.record()
    assert again is not None and again.state_data == before.state_data


def test_restart_mid_lesson_resumes_at_the_same_step(
    conv: Conversation, curriculum, texts, clock
) -> None:
    conv.onboard()
    lesson = curriculum.lesson(curriculum.path_for("cao_tuoi")[0])
    conv.tap("Học bài tiếp theo")
    conv.tap("Tiếp")
    conv.tap("Tiếp")
    conv.tap("Tạm dừng")
    assert "đã lưu chỗ" in conv.text
    # A new process: a new engine on the same database file.
    engine = Engine(
        conv.engine.db,
        texts,
        curriculum,
        ROUTERS,
        commune_name="Xã Bình Minh",
        clock=clock,
        files_dir=conv.engine.files_dir,
    )
    again = Conversation(engine, user=conv.user, history=list(conv.history))
    again.send("/menu")
    again.tap("Học bài tiếp theo")
    assert f"phần 3/{len(lesson.steps)}" in again.text
    assert f"(3/{len(lesson.steps)})" in again.text
    again.tap("Tiếp")
    assert f"(4/{len(lesson.steps)})" in again.text


def test_typed_answers_on_the_console(conv: Conversation, curriculum) -> None:
    conv.onboard()
    lesson = curriculum.lesson(curriculum.path_for("cao_tuoi")[0])
    conv.send("1")  # Học bài tiếp theo
    assert f"Bài: {lesson.title}" in conv.text
    conv.send("tiep")
    assert f"(2/{len(lesson.steps)})" in conv.text
    for _ in lesson.steps[1:]:
        conv.send("1")
    forms = iter(["number", "letter", "words"])
    for _ in lesson.quiz:
        question = current_question(conv, lesson)
        if question.multi:
            conv.send(", ".join(str(i + 1) for i in question.answers))
        else:
            right = question.answers[0]
            form = next(forms, "number")
            typed = {
                "number": str(right + 1),
                "letter": "abcd"[right] + ".",
                "words": _plain(question.options[right]),
            }[form]
            conv.send(typed)
        assert "Đúng rồi!" in conv.text, (question.text, conv.text)
    assert "đã đạt bài" in conv.text


def _plain(text: str) -> str:
    from lessons.text import fold

    return fold(text)


def test_multi_answer_question_by_toggling(conv: Conversation, curriculum) -> None:
    lesson = next(
        lesson for lesson in curriculum.lessons.values() if any(q.multi for q in lesson.quiz)
    )
    conv.onboard()
    conv.press("m:topics")
    conv.press(f"t:{lesson.topic}")
    conv.press(f"l:go:{lesson.id}")
    read_lesson(conv, lesson)
    while not current_question(conv, lesson).multi:
        answer(conv, lesson, right=True)
    question = current_question(conv, lesson)
    conv.tap("Xong")
    assert "ít nhất một ý" in conv.text
    conv.tap(question.options[question.answers[0]])
    assert "✓ " + question.options[question.answers[0]] in conv.labels()
    for index in question.answers[1:]:
        conv.tap(question.options[index])
    conv.tap("Xong")
    assert "Đúng rồi!" in conv.text


def test_no_smartphone_starts_with_basics(engine, curriculum: Curriculum) -> None:
    conv = Conversation(engine, user="officer")
    conv.onboard(group="Cán bộ, công chức", birth_year=1980, answers=("Chưa", "Có", "Có", "Có"))
    conv.tap("Học bài tiếp theo")
    basics = curriculum.lessons_in_topic(curriculum.basics_topic or "")[0]
    assert f"Bài: {basics.title}" in conv.text
    with_phone = Conversation(engine, user="officer2")
    with_phone.onboard(
        group="Cán bộ, công chức", birth_year=1980, answers=("Có", "Có", "Chưa", "Có")
    )
    with_phone.tap("Học bài tiếp theo")
    first = curriculum.lesson(curriculum.path_for("can_bo")[0])
    assert f"Bài: {first.title}" in with_phone.text and first.topic != curriculum.basics_topic


def test_vneid_level_2_may_skip_to_the_quiz(engine, curriculum: Curriculum) -> None:
    conv = Conversation(engine, user="worker")
    conv.onboard(
        group="Người lao động doanh nghiệp", birth_year=1990, answers=("Có", "Có", "Có", "Có")
    )
    first_vneid = curriculum.lessons_in_topic("vneid")[0]
    for lesson_id in curriculum.path_for("nguoi_lao_dong"):
        if lesson_id == first_vneid.id:
            break
        pass_lesson(conv, curriculum.lesson(lesson_id))
    conv.press("m:next_lesson")
    assert "bỏ qua bài" in conv.text
    conv.tap("Làm bài kiểm tra luôn")
    assert "bài kiểm tra nhỏ" in conv.text
    for _ in first_vneid.quiz:
        answer(conv, first_vneid, right=True)
    user = conv.record()
    assert user is not None
    row = progress.get(engine.db, user.id, first_vneid.id)
    assert row is not None and row.status == "passed"


def test_core_track_marks_basic_skills_and_asks_again(conv: Conversation, curriculum) -> None:
    conv.onboard()
    for lesson in curriculum.core_lessons():
        pass_lesson(conv, lesson)
    assert "đã có kỹ năng số cơ bản" in "\n".join(r.text for r in conv.history[-6:])
    user = conv.record()
    assert user is not None and user.core_done_at is not None
    assert user.state == "onb:assess"
    for label in ("Có", "Có", "Có", "Chưa"):
        conv.tap(label)
    assert "binhdanhocvuso.gov.vn" in conv.text
    kinds = [
        (a.kind, a.answers["smartphone"]) for a in assessments.for_user(conv.engine.db, user.id)
    ]
    assert kinds == [("baseline", 1), ("followup", 1)]


def test_moving_village_does_not_rewrite_history(conv: Conversation, curriculum) -> None:
    conv.onboard(village="Thôn Đông")
    lesson = curriculum.lesson(curriculum.path_for("cao_tuoi")[0])
    pass_lesson(conv, lesson)
    conv.tap("Về danh sách chính")
    conv.tap("Thông tin của tôi")
    conv.tap("Đổi thôn")
    conv.send("thon tay")
    user = conv.record()
    assert user is not None
    row = progress.get(conv.engine.db, user.id, lesson.id)
    east = next(v for v in units.villages(conv.engine.db) if v.name == "Thôn Đông")
    assert row is not None and row.unit_id == east.id != user.unit_id
