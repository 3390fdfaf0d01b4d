"""Onboarding a person would not abandon: no slash forms, names and birth years as people type
them, a first screen that fits a phone, and the fixes of issue 15 (each fails on the old code)."""

from __future__ import annotations

import re
import unicodedata

import pytest

from bot.engine.dispatcher import ADDRESS_FORMS
from bot.engine.texts import Texts
from lessons.model import Curriculum
from lessons.render import render
from tests.factories import Conversation
from tests.test_messages import SAMPLE

_FORMS = "bác|anh|chị|cô|chú|em|bạn|ông|bà"
SLASH_FORM = re.compile(rf"\b({_FORMS})\s*/\s*({_FORMS})\b", re.IGNORECASE)


def _forms(form: str) -> dict[str, str]:
    return {"goi": form, "Goi": form.capitalize()}


@pytest.mark.parametrize("form", ADDRESS_FORMS)
def test_no_template_or_lesson_reads_with_a_slash_form(
    form: str, texts: Texts, curriculum: Curriculum
) -> None:
    for co_nut in (True, False):
        for key in texts.all_keys():
            rendered = texts.render(key, **{**SAMPLE, **_forms(form), "co_nut": co_nut})
            assert not SLASH_FORM.search(rendered), (key, rendered)
    values = {**_forms(form), "ten": "Tư", "xa": "Xã Bình Minh"}
    for lesson in curriculum.lessons.values():
        parts = [*lesson.steps]
        for question in lesson.quiz:
            parts += [question.text, question.explain, *question.options]
        for part in parts:
            assert not SLASH_FORM.search(render(part, values)), (lesson.id, part)
    for entry in curriculum.faq:
        text = render(entry.question, values) + render(entry.answer, values)
        assert not SLASH_FORM.search(text), entry.id


def _all_text(conv: Conversation) -> str:
    return "\n".join(
        r.text + " " + " ".join(b.label for row in r.buttons for b in row) for r in conv.history
    )


def test_no_slash_form_from_the_first_word_to_the_menu(conv: Conversation) -> None:
    conv.send("xin chào")
    assert conv.history[0].text.startswith("Xin chào Bác!")
    conv.tap("Xem chi tiết")
    conv.tap("Đồng ý")
    conv.send("Lan")
    conv.tap("Thôn Nam")
    conv.send("1988")  # an adult: the age rule cannot tell "anh" from "chị", so it asks
    assert "Trợ lý nên gọi Lan là gì" in conv.text
    assert conv.labels() == ["Bác", "Cô", "Chú", "Anh", "Chị", "Em", "Bạn"]
    conv.tap("Chị")
    conv.tap("Nông dân")
    for answer in ("Có", "Chưa", "Chưa", "Chưa"):
        conv.tap(answer)
    assert "Chị muốn làm gì?" in conv.text
    assert not SLASH_FORM.search(_all_text(conv)), _all_text(conv)
    user = conv.record()
    assert user is not None and user.address_form == "chị"


def test_a_chosen_form_wins_over_the_age_rule(conv: Conversation) -> None:
    conv.onboard(birth_year=1950)  # the age rule says "bác"
    conv.tap("Thông tin của tôi")
    assert "Trợ lý gọi là: bác" in conv.text
    conv.tap("Cách xưng hô")
    conv.tap("Cô")
    assert "Thông tin của cô:" in conv.text
    conv.tap("Sửa năm sinh")
    conv.send("1948")
    assert "Thông tin của cô:" in conv.text


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("toi ten la tu", "Tu"),
        ("Tôi tên là Tú", "Tú"),
        ("Tên tôi là Lan ạ", "Lan"),
        ("Chào, tôi là Minh", "Minh"),
        ("nguyễn văn tư", "Nguyễn Văn Tư"),
    ],
)
def test_a_name_is_taken_out_of_a_sentence_capitalised_and_confirmed(
    conv: Conversation, typed: str, name: str
) -> None:
    conv.send("/batdau")
    conv.tap("Đồng ý")
    conv.send(typed)
    reply = conv.history[-1]
    assert reply.text.strip() == f"Trợ lý gọi bác là {name}, được không ạ?"
    assert reply.expects == "yes_no" and conv.labels() == ["Đúng rồi", "Không, sửa lại"]
    conv.send("ok")
    assert f"Chào {name}!" in conv.text and "Thôn Đông" in conv.labels()
    user = conv.record()
    assert user is not None and user.display_name == name


def test_a_refused_name_is_asked_again_and_nfd_letters_are_kept_as_nfc(
    conv: Conversation,
) -> None:
    conv.send("/batdau")
    conv.tap("Đồng ý")
    conv.send("toi ten la tu")
    conv.tap("Không, sửa lại")
    assert "gõ lại tên" in conv.text
    conv.send(unicodedata.normalize("NFD", "Tú"))
    assert "Chào Tú!" in conv.text
    user = conv.record()
    assert user is not None and user.display_name == unicodedata.normalize("NFC", "Tú")


def _to_birth_year(conv: Conversation) -> None:
    conv.send("/batdau")
    conv.tap("Đồng ý")
    conv.send("Tư")
    conv.tap("Thôn Nam")


@pytest.mark.parametrize(
    ("typed", "year"), [("54", 1954), ("sinh năm 54", 1954), ("70 tuổi", 1956), ("70 tuoi", 1956)]
)
def test_two_digit_years_and_ages_are_confirmed(conv: Conversation, typed: str, year: int) -> None:
    _to_birth_year(conv)
    conv.send(typed)
    reply = conv.history[-1]
    assert reply.text.strip() == f"Bác sinh năm {year}, đúng không ạ?"
    assert reply.expects == "yes_no" and conv.labels()[0] == "Đúng rồi"
    user = conv.record()
    assert user is not None and user.birth_year is None
    conv.send("1")
    user = conv.record()
    assert user is not None and user.birth_year == year
    assert "Người cao tuổi" in conv.labels()


def test_a_denied_two_digit_year_asks_again(conv: Conversation) -> None:
    _to_birth_year(conv)
    conv.send("54")
    conv.send("ko")
    assert "sinh năm nào" in conv.text
    conv.send("nam 1956")  # four digits with words around them need no confirmation
    user = conv.record()
    assert user is not None and user.birth_year == 1956


def test_the_current_year_is_never_a_birth_year(conv: Conversation) -> None:
    _to_birth_year(conv)
    this_year = conv.engine.local_now().year
    conv.send(str(this_year))
    assert "chưa phải là năm sinh" in conv.text
    assert str(this_year) not in conv.text.replace(f'"{this_year}"', "")
    user = conv.record()
    assert user is not None and user.birth_year is None


def test_the_first_screen_is_short_and_the_details_are_behind_a_button(
    conv: Conversation,
) -> None:
    conv.send("xin chào")
    assert len(conv.text) < 420, len(conv.text)
    assert "91/2025/QH15" not in conv.text
    assert conv.history[-1].expects == "yes_no"
    assert conv.labels() == ["Đồng ý", "Không đồng ý", "Xem chi tiết"]
    conv.tap("Xem chi tiết")
    assert "91/2025/QH15" in conv.text and "/xoadulieu" in conv.text
    assert conv.labels()[:2] == ["Đồng ý", "Không đồng ý"]


@pytest.mark.parametrize("miss", ["hả?", "gi vay", "???"])
def test_a_miss_at_consent_is_one_line_not_the_whole_greeting(
    conv: Conversation, miss: str
) -> None:
    conv.send("xin chào")
    replies = conv.send(miss)
    assert len(replies) == 1
    assert "Đây là Trợ lý" not in conv.text and len(conv.text.strip().splitlines()) == 1
    assert replies[0].expects == "yes_no" and conv.labels()[:2] == ["Đồng ý", "Không đồng ý"]
    user = conv.record()
    assert user is not None and user.consent_at is None


def test_the_start_button_after_declining_starts_again(conv: Conversation) -> None:
    conv.send("/batdau")
    conv.tap("Không đồng ý")
    conv.send("Tư")
    conv.tap("Bắt đầu")
    assert "mã mời" not in conv.text
    assert conv.labels() == ["Đồng ý", "Không đồng ý", "Xem chi tiết"]


def test_editing_the_name_confirms_the_new_name(conv: Conversation) -> None:
    conv.onboard()
    conv.tap("Thông tin của tôi")
    conv.tap("Sửa tên gọi")
    assert "đã đồng ý" not in conv.text
    assert "tên mới" in conv.text
    conv.send("Lan")
    assert "từ giờ Trợ lý gọi bác là Lan" in conv.text
    assert "Tên gọi: Lan" in conv.text
    user = conv.record()
    assert user is not None and user.display_name == "Lan"


CHANNEL_TRUE_FILES = (
    "onboarding",
    "profile",
    "buttons",
    "channel",
    "menu",
    "reminders",
    "privacy",
    "progress",
    "households",
    "mentors",
    "invites",
    "certificate",
)


@pytest.mark.parametrize("co_nut", [True, False])
def test_bam_only_where_there_are_buttons_and_go_so_only_where_not(
    texts: Texts, co_nut: bool
) -> None:
    for key in texts.all_keys():
        if key.split(".", 1)[0] not in CHANNEL_TRUE_FILES:
            continue
        rendered = texts.render(key, **{**SAMPLE, "co_nut": co_nut}).lower()
        if co_nut:
            assert "gõ số" not in rendered, key
        else:
            assert "bấm" not in rendered, key


def test_zalo_and_console_are_told_to_type_numbers_web_and_telegram_to_tap(engine) -> None:
    console = Conversation(engine, user="c", channel="console")
    console.send("/batdau")
    console.send("hả?")
    assert "gõ số 1" in console.text and "bấm" not in console.text.lower()
    web = Conversation(engine, user="w", channel="webchat")
    web.send("/batdau")
    web.send("hả?")
    assert 'bấm "Đồng ý"' in web.text and "gõ số" not in web.text


def test_dung_without_diacritics_confirms_and_does_not_turn_reminders_off(
    conv: Conversation,
) -> None:
    _to_birth_year(conv)
    conv.send("54")
    conv.send("dung")  # "đúng" typed without diacritics, not "dừng"
    user = conv.record()
    assert user is not None and user.birth_year == 1954 and user.reminders_off == 0
    assert "Người cao tuổi" in conv.labels()


def test_typed_ok_at_consent_agrees(conv: Conversation) -> None:
    conv.send("xin chào")
    conv.send("vâng")
    user = conv.record()
    assert user is not None and user.consent_at is not None
    assert "Trợ lý nên gọi" in conv.text


def test_typing_bat_dau_after_declining_starts_again(conv: Conversation) -> None:
    conv.send("/batdau")
    conv.send("ko")
    assert "không lưu thông tin gì" in conv.text
    conv.send("bat dau")  # the button's words, typed without diacritics
    assert conv.labels()[:2] == ["Đồng ý", "Không đồng ý"]


def test_a_question_typed_at_the_name_step_is_not_taken_as_a_name(conv: Conversation) -> None:
    conv.send("/batdau")
    conv.tap("Đồng ý")
    conv.send("ban hang online co phai dong thue ko")
    assert "chưa hiểu tên này" in conv.text
    record = conv.record()
    assert record is not None and record.display_name is None
    conv.send("Tôn Nữ Thị Hoài Thu")  # a long name is still a name
    assert "Tôn Nữ Thị Hoài Thu" in conv.text
