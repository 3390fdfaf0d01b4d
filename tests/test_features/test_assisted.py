"""Assisted learners: a mentor registers a resident without a phone and records the lessons
taught face to face; they count in the village report, flagged as assisted."""

from __future__ import annotations

from bot.engine.dispatcher import Engine
from bot.reports import model
from bot.reports.periods import quarter_of
from bot.store import answers, audit, outbox, progress, units, users
from bot.store import mentors as mentor_store
from lessons.model import Curriculum
from tests.community_helpers import invitation, join_by_link, make_mentor
from tests.factories import Conversation

NAME = "Nguyễn Thị Tám"


def _register_tam(mentor: Conversation) -> users.User:
    mentor.press("m:mentor")
    mentor.tap("Ghi tên người học trực tiếp")
    mentor.send(NAME)
    mentor.tap("Thôn Đông")
    mentor.send("1948")
    mentor.tap("Người cao tuổi")
    assert f"Xin anh đọc cho {NAME} nghe" in mentor.text
    mentor.tap("Người học đã đồng ý")
    assert f"Đã ghi tên {NAME}" in mentor.text
    # The self-assessment, asked by the mentor (Có / Chưa).
    assert f"{NAME} có điện thoại thông minh" in mentor.text
    mentor.tap("Chưa")
    mentor.tap("Chưa")
    mentor.tap("Có")
    mentor.tap("Chưa")
    assert f"Đã ghi 4 câu tự đánh giá của {NAME}" in mentor.text
    assert "học trực tiếp (không dùng điện thoại)" in mentor.text
    learner = users.get(
        mentor.engine.db,
        mentor.engine.db.execute("SELECT id FROM users WHERE assisted = 1").fetchone()[0],
    )
    assert learner is not None
    return learner


def _record(
    mentor: Conversation, curriculum: Curriculum, lesson_id: str, right: list[bool]
) -> None:
    lesson = curriculum.lesson(lesson_id)
    labels = mentor.labels()
    mentor.tap("Ghi bài đã dạy" if "Ghi bài đã dạy" in labels else "Ghi thêm bài khác")
    mentor.tap(curriculum.topic(lesson.topic).title)
    mentor.tap(lesson.title)
    assert f'Bài "{lesson.title}" có {len(lesson.quiz)} câu hỏi' in mentor.text
    for was_right in right:
        assert "Đáp án đúng:" in mentor.text
        mentor.tap("Trả lời đúng" if was_right else "Trả lời sai")


def test_assisted_learner_registered_completes_two_lessons_counted_as_assisted(
    engine: Engine, curriculum: Curriculum
) -> None:
    mentor = make_mentor(engine)
    tam = _register_tam(mentor)
    mentor_record = mentor.record()
    assert mentor_record is not None
    assert (tam.channel, tam.assisted, tam.registered_by) == ("assisted", 1, mentor_record.id)
    assert tam.consent_at is not None and tam.display_name == NAME and tam.birth_year == 1948

    first, second = curriculum.lesson("vneid-01"), curriculum.lesson("lua-dao-01")
    _record(mentor, curriculum, first.id, [True] * len(first.quiz))
    assert f'Đã ghi: {NAME} học bài "{first.title}"' in mentor.text
    assert "Đạt bài này." in mentor.text
    _record(mentor, curriculum, second.id, [False] + [True] * (len(second.quiz) - 1))
    assert f"trả lời đúng {len(second.quiz) - 1}/{len(second.quiz)} câu" in mentor.text

    db = engine.db
    rows = {r.lesson_id: r for r in progress.for_user(db, tam.id)}
    assert {lid: (r.status, r.score) for lid, r in rows.items()} == {
        first.id: ("passed", len(first.quiz)),
        second.id: ("passed", len(second.quiz) - 1),
    }
    taught_by = db.execute("SELECT DISTINCT assisted_by FROM progress WHERE user_id = ?", [tam.id])
    assert [r[0] for r in taught_by.fetchall()] == [mentor_record.id]
    assert len(db.execute("SELECT * FROM quiz_answers WHERE user_id = ?", [tam.id]).fetchall()) == (
        len(first.quiz) + len(second.quiz)
    )
    assert answers.most_missed(db, mentor_id=mentor_record.id)[0].lesson_id == second.id

    dong = next(v.id for v in units.villages(db) if v.name == "Thôn Đông")
    assert mentor_store.assisted_completions_per_village(db) == {dong: 2}
    today = engine.local_now().date()
    report = model.build(
        db, curriculum, commune="Xã Bình Minh", period=quarter_of(today), today=today, targets=None
    )
    village = next(row for row in report.villages if row.key == dong)
    assert (village.assisted, village.assisted_passed, village.passed) == (1, 2, 2)
    # The self-assessment the mentor asked is Tám's baseline (VNeID mức 2 only), counted.
    rows_tam = db.execute(
        "SELECT kind, smartphone, epayment, vneid2, ai_tool FROM self_assessments "
        "WHERE user_id = ?",
        [tam.id],
    ).fetchall()
    assert [tuple(r) for r in rows_tam] == [("baseline", 0, 0, 1, 0)]
    mentor_only = village.baseline["vneid2"] - 1
    assert mentor_only == sum(
        1
        for r in db.execute("SELECT vneid2 FROM self_assessments WHERE user_id != ?", [tam.id])
        if r[0] == 1
    )

    # The mentor's list shows Tám; nothing is ever sent to someone without a chat.
    mentor.press("m:mentor")
    mentor.tap("Người tôi hướng dẫn")
    assert f"{NAME} (học trực tiếp): 2 bài" in mentor.text
    assert outbox.for_chat(db, "assisted", tam.chat_id) == []
    assert [e["action"] for e in audit.entries(db) if e["action"].startswith("assisted.")] == [
        "assisted.registered",
        "assisted.assessed",
        "assisted.lesson",
        "assisted.lesson",
    ]


def test_a_lesson_not_passed_face_to_face_is_recorded_as_failed(
    engine: Engine, curriculum: Curriculum
) -> None:
    mentor = make_mentor(engine)
    tam = _register_tam(mentor)
    lesson = curriculum.lesson("vneid-01")
    _record(mentor, curriculum, lesson.id, [False] * len(lesson.quiz))
    assert "Cần đúng 3 câu để đạt" in mentor.text  # 2 of 3, rounded up, of 4 questions
    row = progress.get(engine.db, tam.id, lesson.id)
    assert row is not None and row.status == "failed"


def test_refusing_consent_stores_nothing_and_pushes_skip_assisted_learners(
    engine: Engine, curriculum: Curriculum
) -> None:
    mentor = make_mentor(engine)
    mentor.press("m:mentor")
    mentor.tap("Ghi tên người học trực tiếp")
    mentor.send("Sáu")
    mentor.send("thon dong")  # typed, without diacritics
    mentor.send("1950")
    mentor.tap("Nông dân")
    mentor.tap("Người học không đồng ý")
    assert "Không lưu thêm gì" in mentor.text
    assert engine.db.execute("SELECT COUNT(*) FROM users WHERE assisted = 1").fetchone()[0] == 0

    _register_tam(mentor)
    join_by_link(engine, invitation(mentor), user="m1", name="Tư")
    mentor.press("m:mentor")
    mentor.tap("Gửi bài cho mọi người")
    assert "Gửi bài cho 1 người" in mentor.text  # Tám has no phone: not counted


def test_only_the_registering_mentor_sees_and_records_an_assisted_learner(
    engine: Engine,
) -> None:
    minh = make_mentor(engine, user="a")
    tam = _register_tam(minh)
    hung = make_mentor(engine, user="b", name="Hùng", village="Thôn Tây")
    for payload in (f"as:l:{tam.id}", f"as:x:{tam.id}", f"as:h:{tam.id}"):
        record = hung.record()
        assert record is not None
        record.last_buttons = [[["Tám", payload]]]
        users.save(engine.db, record)
        hung.press(payload)
        assert "không có trong danh sách" in hung.text
    assert users.get(engine.db, tam.id) is not None


def test_a_mentor_erases_an_assisted_learner_on_request_counts_stay(
    engine: Engine, curriculum: Curriculum
) -> None:
    mentor = make_mentor(engine)
    tam = _register_tam(mentor)
    _record(mentor, curriculum, "vneid-01", [True] * 4)
    mentor.tap("Về mục Đại sứ số")
    mentor.tap("Người tôi hướng dẫn")
    mentor.tap(NAME)
    mentor.tap("Xoá thông tin người này")
    assert f"có chắc muốn xoá thông tin của {NAME}" in mentor.text
    mentor.tap("Xoá thông tin")
    assert "Đã xoá thông tin của người học này" in mentor.text
    db = engine.db
    # Even the mentor's own messages that named the learner are gone.
    assert not [r for r in db.execute("SELECT body FROM outbox") if NAME in r[0]]
    assert users.get(db, tam.id) is None
    assert db.execute("SELECT completions FROM anonymous_completions").fetchall() == [(1,)]
    erased = audit.entries(db, "user.erased")
    mentor_record = mentor.record()
    assert mentor_record is not None and erased[-1]["actor_user_id"] == mentor_record.id


def test_a_mentor_who_erases_their_data_leaves_assisted_learners_counted(
    engine: Engine, curriculum: Curriculum
) -> None:
    mentor = make_mentor(engine)
    tam = _register_tam(mentor)
    _record(mentor, curriculum, "vneid-01", [True] * 4)
    mentor.send("/xoadulieu")
    mentor.tap("Xoá hết dữ liệu")
    assert mentor.record() is None
    db = engine.db
    assert users.get(db, tam.id) is not None
    row = progress.get(db, tam.id, "vneid-01")
    assert row is not None and row.status == "passed"
    dong = next(v.id for v in units.villages(db) if v.name == "Thôn Đông")
    assert mentor_store.assisted_completions_per_village(db) == {dong: 1}
    assert mentor_store.mentors_per_village(db) == {}


def test_the_self_assessment_takes_typed_answers_and_refuses_others(engine: Engine) -> None:
    mentor = make_mentor(engine)
    mentor.press("m:mentor")
    mentor.tap("Ghi tên người học trực tiếp")
    mentor.send(NAME)
    mentor.tap("Thôn Đông")
    mentor.send("1948")
    mentor.tap("Người cao tuổi")
    mentor.tap("Người học đã đồng ý")
    mentor.send("mười")
    assert "Xin anh gõ 1 (Có) hoặc 2 (Chưa)" in mentor.text  # console: no buttons
    assert f"{NAME} có điện thoại thông minh" in mentor.text
    mentor.send("có")
    assert "tài khoản ngân hàng trên điện thoại" in mentor.text
    for _ in range(3):
        mentor.send("chưa")
    assert f"Đã ghi 4 câu tự đánh giá của {NAME}" in mentor.text
    row = engine.db.execute(
        "SELECT kind, smartphone, epayment, vneid2, ai_tool FROM self_assessments "
        "WHERE user_id = (SELECT id FROM users WHERE assisted = 1)"
    ).fetchall()
    assert [tuple(r) for r in row] == [("baseline", 1, 0, 0, 0)]
