"""The user's rights: see everything stored, and erase it."""

from __future__ import annotations

from tests.factories import Conversation


def test_my_data_shows_everything_stored(conv: Conversation) -> None:
    conv.onboard(name="Lan", village="Thôn Nam", birth_year=1970, group="Nông dân")
    conv.send("/dulieucuatoi")
    for expected in (
        "Tên gọi: Lan",
        "Thôn: Thôn Nam",
        "Năm sinh: 1970",
        "Nhóm: Nông dân",
        "Kênh trò chuyện: cửa sổ dòng lệnh",
        "lúc đăng ký",
        "điện thoại thông minh: có",
        "0 bài đã xong",
    ):
        assert expected in conv.text


def test_my_data_before_consent_says_nothing_is_stored(conv: Conversation) -> None:
    conv.send("/dulieucuatoi")
    assert "chưa lưu thông tin gì" in conv.text


def test_delete_after_confirmation_keeps_only_anonymous_counts(conv: Conversation) -> None:
    conv.onboard()
    user = conv.record()
    assert user is not None
    db = conv.engine.db
    db.execute(
        "INSERT INTO progress (user_id, lesson_id, status, unit_id, started_at, finished_at) "
        "VALUES (?, 'vneid-01', 'passed', ?, 1, 2)",
        [user.id, user.unit_id],
    )
    conv.send("/xoadulieu")
    assert "không làm lại được" in conv.text
    conv.tap("Không xoá")
    assert conv.record() is not None
    conv.send("/xoadulieu")
    conv.tap("Xoá hết dữ liệu")
    assert "Đã xoá hết thông tin" in conv.text
    assert conv.record() is None
    for table in ("users", "progress", "self_assessments"):
        assert db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table
    assert db.execute(
        "SELECT unit_id, lesson_id, completions FROM anonymous_completions"
    ).fetchall() == [(user.unit_id, "vneid-01", 1)]
    # The outbox keeps no link to the erased user, nor any message that named them.
    assert db.execute("SELECT COUNT(*) FROM outbox WHERE user_id IS NOT NULL").fetchone()[0] == 0
    # The goodbye was delivered and then forgotten: no row is left for the chat at all.
    assert db.execute("SELECT COUNT(*) FROM outbox WHERE chat_id = 'u1'").fetchone()[0] == 0
    # Coming back is a fresh start that asks for consent again.
    conv.send("chào")
    assert conv.labels() == ["Đồng ý", "Không đồng ý", "Xem chi tiết"]
