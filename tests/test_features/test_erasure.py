"""Erasure that erases: no row, free page, WAL frame or restored backup names the person."""

from __future__ import annotations

from pathlib import Path

from bot.engine.dispatcher import Engine
from bot.ops.backup import make_backup
from bot.ops.restore import restore
from bot.store import outbox
from bot.store.db import open_db
from tests.community_helpers import invitation, join_by_link, make_mentor, receive
from tests.factories import Conversation

NAME = "Thuậnxyz"  # a name no lesson or template contains
PHONE = "0912345678"


def _db_path(engine: Engine) -> Path:
    return Path(engine.db.execute("PRAGMA database_list").fetchone()[2])


def _every_text_cell(engine: Engine) -> list[str]:
    db = engine.db
    tables = [
        r[0]
        for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    ]
    cells: list[str] = []
    for table in tables:
        for row in db.execute(f'SELECT * FROM "{table}"').fetchall():
            cells.extend(str(value) for value in row if value is not None)
    return cells


def _mentee_with_traces(engine: Engine) -> tuple[Conversation, Conversation, int]:
    mentor = make_mentor(engine)
    mentee = join_by_link(engine, invitation(mentor), user="9876543210", name=NAME)
    receive(mentor)  # the mentor's phone showed "Thuậnxyz đã nhận lời…": a sent row
    # A question with no lesson, passed to the mentor: it carries the phone number typed.
    mentee.send(f"nha toi o xom trong, so dien thoai {PHONE}, ai sua mai nha giup?")
    mentee.tap("Gửi cho Đại sứ số Minh")
    receive(mentor)
    record = mentee.record()
    assert record is not None
    return mentor, mentee, record.id


def test_erasure_leaves_no_name_id_or_phone_in_any_table(engine: Engine) -> None:
    mentor, mentee, user_id = _mentee_with_traces(engine)
    # A message to the mentor still waiting to go out names the mentee too.
    mentor.engine.push(
        mentor.record(),  # type: ignore[arg-type]
        lambda ctx: ctx.say_text(f"{NAME} vừa học xong một bài."),
        now=int(engine.clock()),
    )
    before = _every_text_cell(engine)
    assert any(NAME in c for c in before)
    # Long numbers are masked wherever a question is kept or passed on; the checks below would
    # catch one that slipped through.

    mentee.send("/xoadulieu")
    mentee.tap("Xoá hết dữ liệu")
    assert "Đã xoá hết thông tin" in mentee.text
    assert "sao lưu" in mentee.text and "14 ngày" in mentee.text

    cells = _every_text_cell(engine)
    assert not [c for c in cells if NAME in c]
    assert not [c for c in cells if PHONE in c]
    assert not [c for c in cells if "9876543210" in c]
    db = engine.db
    assert (
        db.execute(
            "SELECT COUNT(*) FROM audit_log WHERE actor_user_id = ? OR subject = ?",
            [user_id, f"user:{user_id}"],
        ).fetchone()[0]
        == 0
    )
    assert db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'user.erased'").fetchone()[0]
    # The mentor's waiting message now speaks of "một người học".
    pending = [r[0] for r in db.execute("SELECT body FROM outbox WHERE status = 'pending'")]
    assert any("một người học vừa học xong" in body for body in pending)
    # The goodbye went out and left no row behind.
    assert receive(mentee) == []
    assert db.execute("SELECT COUNT(*) FROM outbox WHERE chat_id = '9876543210'").fetchone()[0] == 0


def test_erasure_leaves_no_copy_in_the_database_file_or_its_wal(engine: Engine) -> None:
    _, mentee, _ = _mentee_with_traces(engine)
    engine.db.execute("PRAGMA wal_checkpoint(PASSIVE)")  # old pages in the main file, too
    mentee.send("/xoadulieu")
    mentee.tap("Xoá hết dữ liệu")
    path = _db_path(engine)
    wal = path.with_name(path.name + "-wal")
    raw = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert NAME.encode() not in raw
    assert PHONE.encode() not in raw


def test_a_restored_backup_does_not_bring_an_erased_person_back(
    engine: Engine, tmp_path: Path
) -> None:
    _, mentee, _ = _mentee_with_traces(engine)
    stayer = Conversation(engine, user="stayer")
    stayer.onboard(name="Hoa")
    path = _db_path(engine)
    backups = tmp_path / "backups"
    make_backup(path, backups, keep=3)

    engine.clock.advance(60)  # type: ignore[attr-defined]
    mentee.send("/xoadulieu")
    mentee.tap("Xoá hết dữ liệu")
    make_backup(path, backups, keep=3)  # copies the ledger beside the backups
    engine.db.close()

    oldest = sorted(backups.glob("*.sqlite"))[0]
    restore(oldest, path, force=True)
    db = open_db(path)
    names = {r[0] for r in db.execute("SELECT display_name FROM users")}
    assert NAME not in names and "Hoa" in names
    # Their anonymous completions stay counted; the rest of the backup is whole.
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def test_someone_who_came_back_after_erasure_survives_a_later_restore(
    engine: Engine, tmp_path: Path
) -> None:
    _, mentee, _ = _mentee_with_traces(engine)
    mentee.send("/xoadulieu")
    mentee.tap("Xoá hết dữ liệu")
    engine.clock.advance(60)  # type: ignore[attr-defined]
    again = Conversation(engine, user="9876543210")
    again.onboard(name="Thuận Mới")
    path = _db_path(engine)
    backups = tmp_path / "backups"
    make_backup(path, backups, keep=3)
    engine.db.close()
    restore(sorted(backups.glob("*.sqlite"))[-1], path, force=True)
    db = open_db(path)
    assert "Thuận Mới" in {r[0] for r in db.execute("SELECT display_name FROM users")}
    db.close()


def test_personal_data_is_never_posted_in_a_group(conv: Conversation) -> None:
    conv.onboard(name=NAME)
    for command in (
        "/dulieucuatoi",
        "/xoadulieu",
        "/baocao",
        "/daisuso",
        "/giadinh",
        "/nguoihuongdan",
    ):
        replies = conv._handle(conv._incoming(None, text=command, extra={"group": True}))
        text = "\n".join(r.text for r in replies)
        assert "nhắn tin riêng" in text
        assert NAME not in text and "1958" not in text
    assert conv.record() is not None
    # In the person's own chat the same command answers as before.
    conv.send("/dulieucuatoi")
    assert NAME in conv.text


def test_my_data_shows_every_category_and_no_credential(engine: Engine) -> None:
    person = Conversation(engine, user="cookie-secret-abcdef", channel="webchat")
    person.onboard(name="Lan")
    person.press("m:reminders")
    person.send("/dulieucuatoi")
    text = person.text
    assert "cookie-secret-abcdef" not in text
    for expected in (
        "Kênh trò chuyện: trang trò chuyện",
        "Câu trả lời bài kiểm tra",
        "Giấy chứng nhận",
        "Nhắc học",
        "Tin nhắn Trợ lý đã gửi",
    ):
        assert expected in text, expected
    assert outbox.KEEP_DAYS == 30
