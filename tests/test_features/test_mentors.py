"""Đại sứ số through the engine: a mentor and their mentees, several people in one test."""

from __future__ import annotations

import pytest

from bot import cli
from bot.config import Settings
from bot.engine.dispatcher import Engine
from bot.mentor_jobs import inactive_mentee_alerts, weekly_mentor_summaries
from bot.reports import model
from bot.reports.periods import quarter_of
from bot.store import audit, outbox, units, users
from bot.store import mentors as mentor_store
from lessons.model import Curriculum
from tests.community_helpers import (
    code_in,
    invitation,
    join_by_link,
    make_mentor,
    mentor_code,
    receive,
    register,
)
from tests.factories import Clock, Conversation
from tests.learning_helpers import answer, read_lesson

DAY = 24 * 3600


def _village_id(engine: Engine, name: str = "Thôn Đông") -> int:
    return next(v.id for v in units.villages(engine.db) if v.name == name)


def _push_to_all(mentor: Conversation, curriculum: Curriculum, lesson_id: str) -> None:
    lesson = curriculum.lesson(lesson_id)
    mentor.press("m:mentor")
    mentor.tap("Gửi bài cho mọi người")
    mentor.tap(curriculum.topic(lesson.topic).title)
    mentor.tap(lesson.title)
    mentor.tap("Gửi")


def test_mentor_invites_five_mentees_pushes_a_lesson_and_sees_it_done(
    engine: Engine, curriculum: Curriculum
) -> None:
    mentor = make_mentor(engine)
    code = invitation(mentor)
    assert f"/ma {code}" in mentor.text
    # Three open the mentor's Telegram link as new users ("/start CODE"), register, then agree.
    mentees = [
        join_by_link(engine, code, user=f"m{i}", name=name)
        for i, name in enumerate(("Tư", "Lan", "Tám"), 1)
    ]
    # One already uses the assistant and types the code in a command, without the dash.
    hoa = Conversation(engine, user="m4")
    hoa.onboard(name="Hoa")
    hoa.send(f"/ma {code.replace('-', '').lower()}")
    assert "Minh, Đại sứ số của Thôn Đông, mời bác học cùng" in hoa.text
    assert "Minh sẽ xem được" in hoa.text  # what the mentor will see, before agreeing
    hoa.tap("Đồng ý")
    # One types it at the prompt, as on a text-only channel.
    bay = Conversation(engine, user="m5")
    bay.onboard(name="Bảy")
    bay.send("/ma")
    assert "gõ mã mời" in bay.text
    bay.send(code)
    bay.send("1")  # "Đồng ý" by its number
    assert "đã học cùng Minh" in bay.text
    mentees += [hoa, bay]

    receive(mentor)
    assert "Bảy đã nhận lời học cùng Minh" in mentor.text
    mentor.press("m:mentor")
    assert "Đang hướng dẫn 5 người." in mentor.text  # the target of 5 is met: no reminder of it

    lesson = curriculum.lessons_in_topic("lua_dao")[0]
    mentor.press("m:mentor")
    mentor.tap("Gửi bài cho mọi người")
    mentor.tap(curriculum.topic("lua_dao").title)
    mentor.tap(lesson.title)
    assert "Trợ lý sẽ gửi đến 5 người (Bảy, Hoa, Lan, Tám, Tư) bài" in mentor.text
    assert mentor.labels() == ["Gửi", "Thôi"]
    mentor.tap("Gửi")
    assert "Đã gửi bài đến 5 người. Hôm nay anh còn gửi được 4 lượt." in mentor.text

    for mentee in mentees:
        receive(mentee)
        assert f"Minh (Đại sứ số Thôn Đông) gửi bác bài: {lesson.title}" in mentee.text
        assert mentee.labels() == ["Học ngay"]
    tu, lan = mentees[0], mentees[1]
    tu.tap("Học ngay")
    read_lesson(tu, lesson)
    for _ in lesson.quiz:
        answer(tu, lesson, right=True)
    assert "đã đạt bài" in tu.text
    lan.send("1")  # typing the button's number works for a pushed message too
    assert f"Bài: {lesson.title}" in lan.text

    mentor.press("m:mentor")
    mentor.tap("Người tôi hướng dẫn")
    assert "Những người anh đang hướng dẫn (5 người)" in mentor.text
    assert "Tư: 1 bài" in mentor.text and "Lan: 0 bài" in mentor.text
    mentor.tap("Tư")
    assert "Đã học xong 1 bài" in mentor.text
    assert f"{lesson.title}: đã học xong" in mentor.text
    mentor.tap("Người tôi hướng dẫn")
    mentor.tap("Lan")
    assert f"{lesson.title}: đang học" in mentor.text
    mentor.tap("Người tôi hướng dẫn")
    mentor.tap("Hoa")
    assert f"{lesson.title}: chưa mở" in mentor.text

    db = engine.db
    pushes = audit.entries(db, "mentor.push")
    assert [(p["subject"], p["detail"]["recipients"]) for p in pushes] == [(lesson.id, 5)]
    assert len(audit.entries(db, "mentor.push_opened")) == 2
    assert len(audit.entries(db, "mentee.linked")) == 5
    assert mentor_store.mentees_per_mentor(db) == {mentor.record().id: 5}  # type: ignore[union-attr]
    assert mentor_store.mentees_per_village(db) == {_village_id(engine): (5, 1)}
    assert mentor_store.mentors_per_village(db) == {_village_id(engine): 1}
    today = engine.local_now().date()
    report = model.build(
        db, curriculum, commune="Xã Bình Minh", period=quarter_of(today), today=today, targets=None
    )
    row = next(r for r in report.villages if r.key == _village_id(engine))
    assert (row.mentors, row.mentored, row.mentors_at_target) == (1, 5, 1)


def test_expired_used_up_and_unknown_codes_are_refused(engine: Engine, clock: Clock) -> None:
    once = mentor_code(engine, uses=1, days=2)
    an = Conversation(engine, user="an")
    an.onboard(name="An")
    an.send(f"/ma {once}")
    an.tap("Đồng ý")
    binh = Conversation(engine, user="binh")
    binh.onboard(name="Bình")
    binh.send(f"/ma {once}")
    assert f"Mã mời {once} đã dùng hết số lượt" in binh.text
    assert "Không có gì thay đổi" in binh.text
    assert "Đại sứ số" not in binh.labels()

    # A code used up between the offer and the "yes" is refused at the "yes".
    race = mentor_code(engine, uses=1)
    binh.send(f"/ma {race}")
    assert "mã mời làm Đại sứ số" in binh.text
    chi = Conversation(engine, user="chi")
    chi.onboard(name="Chi")
    chi.send(f"/ma {race}")
    chi.tap("Đồng ý")
    binh.tap("Đồng ý")
    assert "đã dùng hết số lượt" in binh.text

    late = mentor_code(engine, uses=5, days=2)
    clock.advance(3 * DAY)
    binh.send(f"/ma {late}")
    assert f"Mã mời {late} đã hết hạn" in binh.text
    binh.send("/ma K7QX-9MPD")
    assert 'không tìm thấy mã mời "K7QX-9MPD"' in binh.text

    record = binh.record()
    assert record is not None and record.role == "resident"
    assert mentor_store.mentors_per_village(engine.db) == {_village_id(engine): 2}  # An, Chi
    reasons = [e["detail"]["reason"] for e in audit.entries(engine.db, "invite.refused")]
    assert reasons == ["used_up", "used_up", "expired", "unknown"]

    # A new user through a dead link is told so, and registration starts as usual.
    new = Conversation(engine, user="new")
    new.send(f"/start {late}")
    assert "đã hết hạn" in new.text and new.labels() == ["Đồng ý", "Không đồng ý", "Xem chi tiết"]


def test_guessing_codes_is_throttled(engine: Engine) -> None:
    guesser = Conversation(engine, user="g")
    guesser.onboard(name="Gấm")
    for guess in ("AAAA-AAAA", "BBBB-BBBB", "CCCC-CCCC", "DDDD-DDDD", "EEEE-EEEE"):
        guesser.send(f"/ma {guess}")
    guesser.send(f"/ma {mentor_code(engine)}")  # even a right code waits an hour
    assert "đã gõ mã chưa đúng nhiều lần" in guesser.text
    record = guesser.record()
    assert record is not None and record.role == "resident"


def test_forged_payload_naming_another_mentors_mentee_is_refused_and_changes_nothing(
    engine: Engine, curriculum: Curriculum
) -> None:
    minh = make_mentor(engine, user="a", name="Minh")
    hung = make_mentor(engine, user="b", name="Hùng", village="Thôn Tây")
    tu = join_by_link(engine, invitation(minh), user="m1", name="Tư")
    tu_record = tu.record()
    assert tu_record is not None
    db = engine.db

    def snapshot() -> tuple[object, ...]:
        return (
            len(outbox.for_chat(db, "console", "m1")),
            db.execute("SELECT COUNT(*) FROM mentor_pushes").fetchone()[0],
            db.execute("SELECT COUNT(*) FROM mentor_links WHERE ended_at IS NULL").fetchone()[0],
            db.execute("SELECT COUNT(*) FROM users").fetchone()[0],
        )

    before = snapshot()
    forged = [f"mt:d:{tu_record.id}", f"pu:to:{tu_record.id}", f"ch:{tu_record.id}"]
    forged += [f"as:l:{tu_record.id}", f"as:x:{tu_record.id}"]
    hung.press("m:mentor")
    for payload in forged:  # never offered to Hùng: the engine refuses them
        hung.press(payload)
        assert "Nút này thuộc tin nhắn cũ" in hung.text
    # Even offered (as if the engine's check were passed), each is checked against Hùng's rights.
    for payload in forged:
        record = hung.record()
        assert record is not None
        record.last_buttons = [[["Tư", payload]]]
        users.save(db, record)
        hung.press(payload)
        assert "không có trong danh sách anh đang hướng dẫn" in hung.text, payload
    assert snapshot() == before
    refused = audit.entries(db, "mentor.refused")
    assert len(refused) == len(forged)
    assert {e["subject"] for e in refused} == {f"user:{tu_record.id}"}

    # The mentor's menu is valid any time, but only for mentors.
    tu.press("m:mentor")
    assert "Mục này dành cho Đại sứ số" in tu.text
    # A pushed lesson's button works only for the mentee it was sent to.
    _push_to_all(minh, curriculum, "vneid-01")
    item = db.execute("SELECT id FROM mentor_push_items").fetchone()[0]
    lan = Conversation(engine, user="other")
    lan.onboard(name="Lan")
    lan.press(f"mp:{item}")
    assert "Nút này thuộc tin nhắn cũ" in lan.text
    assert db.execute("SELECT opened_at FROM mentor_push_items").fetchone()[0] is None


def test_a_mentee_leaves_their_mentor(engine: Engine) -> None:
    mentor = make_mentor(engine)
    tu = join_by_link(engine, invitation(mentor), user="m1", name="Tư")
    mentor.press("m:mentor")
    mentor.tap("Người tôi hướng dẫn")  # the list is on the mentor's screen while Tư leaves
    tu.send("/dulieucuatoi")
    assert "Người hướng dẫn: Minh" in tu.text  # what is stored, the link included
    tu.send("/menu")
    tu.tap("Người hướng dẫn của tôi")
    assert "Người hướng dẫn của bác: Minh, Đại sứ số của Thôn Đông." in tu.text
    tu.tap("Thôi học cùng Minh")
    assert "có chắc muốn thôi học cùng Minh" in tu.text
    tu.tap("Thôi học cùng")
    assert "đã thôi học cùng Minh" in tu.text
    assert "Người hướng dẫn của tôi" not in tu.labels()
    mentor.tap("Tư")  # the old button on the mentor's screen no longer opens Tư's detail
    assert "không có trong danh sách" in mentor.text
    mentor.press("m:mentor")
    assert "Đang hướng dẫn 0 người" in mentor.text
    assert [e["action"] for e in audit.entries(engine.db, "mentee.left")] == ["mentee.left"]


def test_an_invitation_is_not_kept_when_consent_is_refused(engine: Engine) -> None:
    mentor = make_mentor(engine)
    code = invitation(mentor)
    new = Conversation(engine, user="n")
    new.send(f"/start {code}")
    assert "đã nhận mã mời" in new.text
    new.tap("Không đồng ý")
    db = engine.db
    assert db.execute("SELECT COUNT(*) FROM pending_invites").fetchone()[0] == 0
    new.send("/batdau")
    register(new, name="Năm")
    assert "mời bác học cùng" not in new.text and "muốn làm gì" in new.text
    assert db.execute("SELECT COUNT(*) FROM mentor_links").fetchone()[0] == 0


def test_a_mentor_may_push_only_so_many_times_a_day(
    engine: Engine, clock: Clock, curriculum: Curriculum
) -> None:
    mentor = make_mentor(engine)
    join_by_link(engine, invitation(mentor), user="m1", name="Tư")
    for _ in range(5):
        _push_to_all(mentor, curriculum, "vneid-01")
        assert "Đã gửi bài đến 1 người" in mentor.text
    mentor.press("m:mentor")
    mentor.tap("Gửi bài cho mọi người")
    assert "Hôm nay anh đã gửi đủ 5 lượt" in mentor.text
    clock.advance(DAY)
    _push_to_all(mentor, curriculum, "vneid-01")
    assert "Đã gửi bài đến 1 người" in mentor.text


def test_one_tap_encouragement_for_the_inactive(engine: Engine, clock: Clock) -> None:
    mentor = make_mentor(engine)
    code = invitation(mentor)
    tu = join_by_link(engine, code, user="m1", name="Tư")
    lan = join_by_link(engine, code, user="m2", name="Lan")
    clock.advance(8 * DAY)
    lan.send("/menu")
    mentor.press("m:mentor")
    assert "Hơn 7 ngày chưa học: 1 người." in mentor.text
    mentor.tap("Động viên 1 người lâu chưa học")
    assert "Trợ lý sẽ gửi lời động viên của anh đến 1 người: Tư." in mentor.text
    mentor.tap("Gửi")
    assert "Đã gửi lời động viên đến 1 người" in mentor.text
    receive(tu)
    assert "Minh (Đại sứ số Thôn Đông) nhắn bác: Lâu rồi chưa thấy bác học" in tu.text
    assert tu.labels() == ["Học bài tiếp theo"]
    assert receive(lan) == []


def test_mentor_sees_the_questions_mentees_miss_most(
    engine: Engine, curriculum: Curriculum
) -> None:
    mentor = make_mentor(engine)
    code = invitation(mentor)
    lesson = curriculum.lessons_in_topic("lua_dao")[0]
    for user, name in (("m1", "Tư"), ("m2", "Lan")):
        mentee = join_by_link(engine, code, user=user, name=name)
        mentee.press("m:topics")
        mentee.press(f"t:{lesson.topic}")
        mentee.press(f"l:go:{lesson.id}")
        read_lesson(mentee, lesson)
        answer(mentee, lesson, right=False)  # the first question, missed by both
        for _ in lesson.quiz[1:]:
            answer(mentee, lesson, right=True)
    mentor.press("m:mentor")
    mentor.tap("Câu hay trả lời sai")
    assert f'Bài "{lesson.title}", câu 1' in mentor.text
    assert "2/2 người từng trả lời sai" in mentor.text


def test_weekly_summary_and_inactive_alert_are_sent_once(engine: Engine, clock: Clock) -> None:
    mentor = make_mentor(engine)
    join_by_link(engine, invitation(mentor), user="m1", name="Tư")
    receive(mentor)
    assert inactive_mentee_alerts(engine, int(clock())) == 0
    clock.advance(8 * DAY)  # 18:06 on a Thursday, Vietnam time
    assert inactive_mentee_alerts(engine, int(clock())) == 1
    assert inactive_mentee_alerts(engine, int(clock())) == 0  # a second run says nothing new
    receive(mentor)
    assert "Tư đã hơn 7 ngày chưa học" in mentor.text
    assert mentor.labels() == ["Về mục Đại sứ số"]
    assert weekly_mentor_summaries(engine, int(clock())) == 1
    assert weekly_mentor_summaries(engine, int(clock())) == 0
    receive(mentor)
    assert "Tuần qua của Đại sứ số Minh" in mentor.text
    assert "Hơn 7 ngày chưa học: Tư" in mentor.text
    clock.advance(7 * DAY + 4 * 3600)  # next week, 22:06: quiet hours
    assert weekly_mentor_summaries(engine, int(clock())) == 0
    clock.advance(10 * 3600)
    assert weekly_mentor_summaries(engine, int(clock())) == 1


def test_admin_invite_cli_prints_a_code_and_a_telegram_link(
    engine: Engine, tmp_path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "hocvuso_binhminh_bot")
    db_path = str(tmp_path / "test.sqlite")
    args = ["admin", "invite", "mentor", "--unit", "thon tay", "--uses", "2", "--db", db_path]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    code = code_in(out)
    assert "Mã mời Đại sứ số của Thôn Tây" in out and "Dùng được 2 lần" in out
    assert f"https://t.me/hocvuso_binhminh_bot?start={code}" in out
    for user in ("a", "b", "c"):
        person = Conversation(engine, user=user)
        person.onboard(name="Minh", village="Thôn Tây")
        person.send(f"/start {code}")  # the deep link, for someone already registered
        if user == "c":
            assert "đã dùng hết số lượt" in person.text
        else:
            person.tap("Đồng ý")
            assert "đã là Đại sứ số của Thôn Tây" in person.text
            person.tap("Về danh sách chính")
            assert "Đại sứ số" in person.labels()  # the mentor's item, for mentors only
    assert mentor_store.mentors_per_village(engine.db) == {_village_id(engine, "Thôn Tây"): 2}
    assert cli.main(["admin", "invite", "mentor", "--unit", "thon", "--db", db_path]) == 1
    assert "Không tìm thấy đúng một thôn" in capsys.readouterr().err


def test_mentor_code_screen_shows_the_telegram_link_when_the_bot_name_is_set(
    engine: Engine,
) -> None:
    engine.settings = Settings(telegram_bot_username="hocvuso_binhminh_bot")
    mentor = make_mentor(engine)
    code = invitation(mentor)
    assert f"https://t.me/hocvuso_binhminh_bot?start={code}" in mentor.text
