"""Hỏi đáp through the engine (issue 15): one answer that fits a phone screen, "Xem thêm" for the
rest, a button to the lesson; an honest "no" that is recorded and can be passed on; mentors and
officials see what had no answer."""

from __future__ import annotations

from bot.store import questions
from lessons.answer_cut import SCREEN_CHARS
from lessons.search import paragraphs
from lessons.text import fold
from tests.community_helpers import invitation, join_by_link, make_mentor, receive
from tests.factories import Conversation

NO_ANSWER = "Trợ lý chưa có bài về việc này"


def _faq_shown(conv: Conversation, curriculum) -> list[str]:
    return [e.id for e in curriculum.faq if e.question.split("{{")[0][:40] in conv.text]


def test_vneid_muc_2_la_gi_answers_with_the_paragraph_that_answers(
    conv: Conversation, curriculum
) -> None:
    conv.onboard()
    replies = conv.send("vneid muc 2 la gi")
    assert len(replies) >= 1
    answer = replies[0].text
    assert "muc 2" in fold(answer) and "muc 1" in fold(answer)  # what the levels are
    assert len(answer) <= SCREEN_CHARS
    assert not answer.rstrip().endswith(":")
    assert "{{" not in answer
    assert any(b.label.startswith("Học bài:") for row in replies[0].buttons for b in row)


def test_ma_otp_la_gi_defines_it(conv: Conversation) -> None:
    conv.onboard()
    conv.send("ma otp la gi")
    assert "otp la ma xac thuc" in fold(conv.text)


def test_one_answer_only_with_at_most_one_related(conv: Conversation) -> None:
    conv.onboard()
    replies = conv.send("quen passcode vneid")
    answer = replies[0]
    assert answer.text.count("?") <= 2  # one question shown, not three entries
    related = [b.label for row in answer.buttons for b in row if b.label.startswith("Câu gần")]
    assert len(related) <= 1


def _long_step(curriculum) -> tuple[str, int]:
    """The longest lesson step of three paragraphs or more."""
    steps = [
        (len(step), lesson.id, index)
        for lesson in curriculum.lessons.values()
        for index, step in enumerate(lesson.steps)
        if len(paragraphs(step)) >= 3
    ]
    assert steps
    _, lesson_id, index = max(steps)
    return lesson_id, index


def test_a_typed_question_answered_by_a_lesson_offers_xem_them(conv: Conversation) -> None:
    conv.onboard()
    conv.send("lam sao biet tin nhan lua dao")
    answer = conv.history[-1] if conv.history[-1].buttons else conv.history[-2]
    assert len(answer.text) <= SCREEN_CHARS
    if answer.text.startswith("Trong bài"):  # a lesson paragraph: the rest of the step follows
        assert "Xem thêm" in conv.labels()


def test_xem_them_shows_the_rest_and_works_after_a_detour(conv: Conversation, curriculum) -> None:
    conv.onboard()
    lesson_id, step = _long_step(curriculum)
    conv.press(f"ask:more:l:{lesson_id}:{step}:0:0")  # what a lesson answer starts with
    first = conv.history[-1]
    assert first.text.startswith("Trong bài")
    assert len(first.text) <= SCREEN_CHARS
    assert "Xem thêm" in conv.labels()
    more = next(b.payload for row in first.buttons for b in row if b.label == "Xem thêm")
    assert more.startswith("ask:more:") and len(more.encode()) <= 64 and more.isascii()
    conv.tap("Xem thêm")
    second = conv.text
    assert second.startswith("(tiếp)") and len(second) <= SCREEN_CHARS
    assert second.removeprefix("(tiếp) ")[:30] not in first.text
    conv.press("m:menu")  # a detour: the button still works
    conv.press(more)
    assert conv.text == second
    seen = 0
    while "Xem thêm" in conv.labels() and seen < 10:  # it ends
        conv.tap("Xem thêm")
        assert len(conv.text) <= SCREEN_CHARS
        seen += 1
    assert "Xem thêm" not in conv.labels()


def test_a_forged_or_stale_more_button_changes_nothing(conv: Conversation) -> None:
    conv.onboard()
    for payload in (
        "ask:more:f:khong-co:0",
        "ask:more:l:vneid-02:99:0:0",
        "ask:more:f:x",
        "ask:more:f:vneid-la-gi:99999",
        "ask:zzz",
    ):
        conv.press(payload)
        assert "Traceback" not in conv.text and conv.text
        assert "Trợ lý" in conv.text or "không còn" in conv.text or "cũ" in conv.text


def test_courtesy_words_never_get_an_faq_answer(conv: Conversation, curriculum) -> None:
    conv.onboard()
    for text in ("ok", "hieu roi", "thoi", "cam on chau", "giup toi voi", "vâng"):
        conv.send(text)
        assert _faq_shown(conv, curriculum) == [], text
        assert NO_ANSWER not in conv.text, text
    assert questions.total(conv.engine.db) == 0


def test_nothing_found_says_so_records_and_offers_the_commune(conv: Conversation) -> None:
    conv.onboard()
    db = conv.engine.db
    conv.send("ban hang online co phai dong thue ko")
    assert NO_ANSWER in conv.text
    assert "Chuyển cho cán bộ xã" in conv.labels()
    conv.send("Bán hàng online có phải đóng thuế không?")  # the same question, typed otherwise
    assert NO_ANSWER in conv.text
    [row] = questions.top(db)
    assert row.asked == 2 and row.sample == "Bán hàng online có phải đóng thuế không?"
    conv.tap("Chuyển cho cán bộ xã")
    assert "đã chuyển câu hỏi cho cán bộ" in conv.text
    assert questions.top(db)[0].to_commune == 1
    columns = {c.name for c in db["unanswered_questions"].columns}
    assert "user_id" not in columns  # nothing links the words to the person


def test_numbers_in_a_question_are_not_kept(conv: Conversation) -> None:
    conv.onboard()
    conv.send("gia lua hom nay so toi 0912345678")
    assert NO_ANSWER in conv.text
    assert "0912345678" not in conv.text
    rows = conv.engine.db.execute("SELECT * FROM unanswered_questions").fetchall()
    assert rows and not any("0912345678" in str(value) for row in rows for value in row)


def test_mentee_passes_the_question_to_their_mentor_who_sees_the_list(engine) -> None:
    mentor = make_mentor(engine, name="Minh")
    mentee = join_by_link(engine, invitation(mentor), user="m1", name="Tư")
    receive(mentor)
    mentee.send("gia lua hom nay")
    assert NO_ANSWER in mentee.text
    assert "Đại sứ số Minh" in mentee.text
    mentee.tap("Gửi cho Đại sứ số Minh")
    assert "đã gửi câu hỏi cho Đại sứ số Minh" in mentee.text
    pushed = "\n".join(r.text for r in receive(mentor))
    assert "Tư" in pushed and "gia lua hom nay" in pushed
    mentee.send("gia lua hom nay")  # asked again
    mentor.press("m:mentor")
    mentor.tap("Câu hỏi chưa có bài")
    assert "gia lua hom nay (2 lần)" in mentor.text


def test_a_mentor_without_unanswered_questions_is_told_so(engine) -> None:
    mentor = make_mentor(engine, name="Minh")
    mentor.press("m:mentor")
    mentor.tap("Câu hỏi chưa có bài")
    assert "Chưa có câu hỏi nào" in mentor.text


def test_a_resident_cannot_open_the_mentor_list(conv: Conversation) -> None:
    conv.onboard()
    conv.press("mq")  # never offered: refused
    assert "bác" in conv.text.lower()
    assert "lần)" not in conv.text


def test_erasing_a_person_leaves_their_question_counted_but_unlinked(
    conv: Conversation,
) -> None:
    conv.onboard()
    db = conv.engine.db
    conv.send("gia lua hom nay")
    user = conv.record()
    assert user is not None
    conv.send("/xoadulieu")
    conv.tap("Xoá hết dữ liệu")
    assert conv.record() is None
    [row] = questions.top(db)
    assert row.asked == 1
    linked = db.execute(
        "SELECT COUNT(*) FROM unanswered_questions WHERE mentor_id = ?", [user.id]
    ).fetchone()[0]
    assert linked == 0
