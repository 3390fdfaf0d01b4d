"""Scripted conversations through the engine: onboarding end to end and every way off the path."""

from __future__ import annotations

from bot.store import assessments, audit, units
from tests.factories import Conversation


def test_greeting_explains_and_asks_consent_before_storing_anything(conv: Conversation) -> None:
    replies = conv.send("xin chào")
    assert "Trợ lý Bình dân học vụ số" in replies[0].text
    assert "/xoadulieu" in conv.text and "91/2025/QH15" in conv.text
    assert conv.labels() == ["Đồng ý", "Không đồng ý"]
    user = conv.record()
    assert user is not None
    assert (user.consent_at, user.display_name, user.unit_id, user.birth_year) == (
        None,
        None,
        None,
        None,
    )


def test_full_onboarding(conv: Conversation) -> None:
    conv.send("/batdau")
    conv.tap("Đồng ý")
    assert "gọi" in conv.text
    conv.send("  Nguyễn   Văn Tư ")
    assert "Chào Nguyễn Văn Tư!" in conv.text
    assert conv.labels() == ["Thôn Bắc", "Thôn Đông", "Thôn Nam", "Thôn Tây", "Xóm Chợ"]
    conv.send("thon dong")
    assert "sinh năm nào" in conv.text
    conv.send("1958")
    assert "Người cao tuổi" in conv.labels()
    conv.tap("Người cao tuổi")
    assert "điện thoại thông minh" in conv.text
    for answer in ("Có", "Chưa", "Không rõ", "Có"):
        conv.tap(answer)
    assert "Xong rồi! Cảm ơn Nguyễn Văn Tư." in conv.text
    assert "Thôn Đông, sinh năm 1958, nhóm Người cao tuổi" in conv.text
    assert "Thông tin của tôi" in conv.labels()

    user = conv.record()
    assert user is not None
    village = units.get(conv.engine.db, user.unit_id or 0)
    assert village is not None and village.name == "Thôn Đông"
    assert (user.display_name, user.birth_year, user.grp) == ("Nguyễn Văn Tư", 1958, "cao_tuoi")
    assert user.consent_at is not None and user.onboarded_at is not None
    baseline = assessments.latest(conv.engine.db, user.id, "baseline")
    assert baseline is not None
    assert baseline.answers == {"smartphone": 1, "epayment": 0, "vneid2": None, "ai_tool": 1}
    assert [e["action"] for e in audit.entries(conv.engine.db)] == [
        "consent.given",
        "user.onboarded",
    ]


def test_elder_is_called_bac_and_young_person_ban(engine) -> None:
    elder = Conversation(engine, user="elder")
    elder.onboard(birth_year=1950)
    assert "Bác muốn làm gì?" in elder.text
    young = Conversation(engine, user="young")
    young.onboard(birth_year=2008, group="Học sinh, sinh viên")
    assert "Bạn muốn làm gì?" in young.text
    middle = Conversation(engine, user="middle")
    middle.onboard(birth_year=1985, group="Nông dân")
    assert "Anh/chị muốn làm gì?" in middle.text


def test_typed_numbers_and_words_answer_buttons(conv: Conversation) -> None:
    conv.send("/batdau")
    conv.send("1")  # Đồng ý
    conv.send("Lan")
    conv.send("2")  # the second village in the list: Thôn Đông
    conv.send("1990")
    conv.send("nong dan")  # the group's words without diacritics
    conv.send("co")
    conv.send("chua")
    conv.send("3")
    conv.send("Không rõ")
    user = conv.record()
    assert user is not None and user.onboarded_at is not None
    assert user.grp == "nong_dan"
    village = units.get(conv.engine.db, user.unit_id or 0)
    assert village is not None and village.name == "Thôn Đông"


def test_consent_refused_ends_politely_and_stores_nothing(conv: Conversation) -> None:
    conv.send("/batdau")
    conv.tap("Không đồng ý")
    assert "không lưu thông tin gì" in conv.text
    assert "/batdau" in conv.text
    user = conv.record()
    assert user is not None and user.consent_at is None and user.display_name is None
    conv.send("Tư")
    assert "chưa đồng ý" in conv.text
    user = conv.record()
    assert user is not None and user.display_name is None
    # /batdau after refusing asks again, never assumes.
    conv.send("/batdau")
    assert conv.labels() == ["Đồng ý", "Không đồng ý"]


def test_invalid_birth_years_are_refused_and_change_nothing(conv: Conversation) -> None:
    conv.send("/batdau")
    conv.tap("Đồng ý")
    conv.send("Tư")
    conv.tap("Thôn Nam")
    for bad in ("abc", "1850", "3000", "19", "１９５８x", ""):
        if not bad:
            continue
        conv.send(bad)
        assert "chưa phải là năm sinh" in conv.text, bad
        assert "từ 1900 đến 2026" in conv.text
        user = conv.record()
        assert user is not None and user.birth_year is None and user.state == "onb:birth"
    conv.send("1960")
    user = conv.record()
    assert user is not None and user.birth_year == 1960


def test_unknown_village_is_refused_with_the_list(conv: Conversation) -> None:
    conv.send("/batdau")
    conv.tap("Đồng ý")
    conv.send("Tư")
    conv.send("Thôn Hạ Long")
    assert 'chưa tìm thấy thôn "Thôn Hạ Long"' in conv.text
    assert conv.labels() == ["Thôn Bắc", "Thôn Đông", "Thôn Nam", "Thôn Tây", "Xóm Chợ"]
    user = conv.record()
    assert user is not None and user.unit_id is None
    conv.send("xom cho")
    user = conv.record()
    assert user is not None and user.unit_id is not None


def test_ambiguous_village_offers_the_matches(conv: Conversation) -> None:
    conv.send("/batdau")
    conv.tap("Đồng ý")
    conv.send("Tư")
    conv.send("thôn")
    assert "nhiều thôn giống" in conv.text
    assert conv.labels() == ["Thôn Bắc", "Thôn Đông", "Thôn Nam", "Thôn Tây"]


def test_invalid_names_are_refused(conv: Conversation) -> None:
    conv.send("/batdau")
    conv.tap("Đồng ý")
    for bad in ("12345", "x" * 41, "!!!", "http://lua.dao"):
        conv.send(bad)
        assert "chưa hiểu tên này" in conv.text, bad
    user = conv.record()
    assert user is not None and user.display_name is None


def test_cancel_mid_flow_then_resume(conv: Conversation) -> None:
    conv.send("/batdau")
    conv.tap("Đồng ý")
    conv.send("Tư")
    conv.send("/huy")
    assert "tạm dừng đăng ký" in conv.text
    user = conv.record()
    assert user is not None and user.state == "onb:paused" and user.display_name == "Tư"
    conv.send("chào")
    assert "tiếp tục" in conv.text
    assert "Thôn Đông" in conv.labels()


def test_restart_mid_flow_starts_over(conv: Conversation) -> None:
    conv.send("/batdau")
    conv.tap("Đồng ý")
    conv.send("Tư")
    conv.tap("Thôn Tây")
    conv.send("/batdau")
    assert "bắt đầu lại" in conv.text
    assert conv.labels() == ["Đồng ý", "Không đồng ý"]
    user = conv.record()
    assert user is not None
    assert (user.consent_at, user.display_name, user.unit_id) == (None, None, None)


def test_repeated_update_id_is_ignored(conv: Conversation) -> None:
    conv.send("/batdau", update_id="same")
    first = conv.last_outcome
    again = conv.send("/batdau", update_id="same")
    assert again == []
    assert conv.last_outcome is not None and conv.last_outcome.duplicate
    assert first is not None and not first.duplicate
    db = conv.engine.db
    assert db.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 1
    assert db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == len(first.replies)
    assert db.execute("SELECT COUNT(*) FROM processed_updates").fetchone()[0] == 1


def test_stale_button_gets_a_note_and_changes_nothing(conv: Conversation) -> None:
    conv.send("/batdau")
    conv.tap("Đồng ý")
    conv.send("Tư")
    conv.tap("Thôn Bắc")
    # The consent buttons are long gone; pressing "Không đồng ý" now must not undo anything.
    conv.press("ob:c:n")
    assert "tin nhắn cũ" in conv.text
    user = conv.record()
    assert user is not None and user.consent_at is not None and user.state == "onb:birth"
    # A forged payload for a village that does not exist is refused the same way.
    conv.press("ob:v:999")
    user = conv.record()
    assert user is not None and user.unit_id is not None


def test_sticker_gets_a_polite_answer(conv: Conversation) -> None:
    conv.send("/batdau")
    conv.sticker()
    assert "chỉ đọc được chữ" in conv.text
    assert conv.labels() == ["Đồng ý", "Không đồng ý"]


def test_unknown_text_after_onboarding_gets_an_answer_never_silence(conv: Conversation) -> None:
    conv.onboard()
    conv.send("asdfgh qwerty")
    assert "Trợ lý chưa có bài về việc này" in conv.text
    assert "Về danh sách chính" in conv.labels()
    conv.send("/lenhla")
    assert "chưa hiểu" in conv.text
    assert "Thông tin của tôi" in conv.labels()


def test_profile_edits_each_answer(conv: Conversation) -> None:
    conv.onboard()
    conv.tap("Thông tin của tôi")
    assert "Tên gọi: Tư" in conv.text
    conv.tap("Sửa năm sinh")
    conv.send("3000")
    assert "chưa phải là năm sinh" in conv.text
    conv.send("1962")
    assert "Đã lưu" in conv.text and "Năm sinh: 1962" in conv.text
    conv.tap("Đổi thôn")
    conv.send("thon tay")
    assert "Thôn: Thôn Tây" in conv.text
    conv.tap("Sửa tên gọi")
    conv.send("/huy")
    assert "đã dừng" in conv.text.lower()
    user = conv.record()
    assert user is not None and user.display_name == "Tư" and user.state is None
    conv.tap("Thông tin của tôi")
    conv.tap("Làm lại 4 câu tự đánh giá")
    for answer in ("Có", "Có", "Có", "Có"):
        conv.tap(answer)
    kinds = [a.kind for a in assessments.for_user(conv.engine.db, user.id)]
    assert kinds == ["baseline", "followup"]
    assert "4/4" in conv.text


def test_a_name_that_looks_like_a_keyword_is_still_a_name(conv: Conversation) -> None:
    # "Dừng" folds to "dung", an opt-out word; typed as a name it is a name.
    conv.send("/batdau")
    conv.tap("Đồng ý")
    conv.send("Dũng")
    assert "Chào Dũng!" in conv.text
    user = conv.record()
    assert user is not None and user.display_name == "Dũng" and user.reminders_off == 0
    conv.send("dừng")  # at the village prompt: also free text, so not an opt-out
    assert "chưa tìm thấy thôn" in conv.text
