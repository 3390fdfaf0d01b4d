from __future__ import annotations

import pytest

from lessons.grading import grade, match_option, match_options
from lessons.model import Question

SINGLE = Question(
    text="VNeID do cơ quan nào phát triển?",
    options=("Bộ Công an", "Một công ty quảng cáo", "Ngân hàng"),
    answers=(0,),
    explain="...",
)
MULTI = Question(
    text="Việc nào giúp giữ an toàn tài khoản?",
    options=("Đặt mật khẩu khó đoán", "Cho người lạ mượn máy", "Bật xác thực hai lớp", "Ngồi chờ"),
    answers=(0, 2),
    multi=True,
    explain="...",
)


@pytest.mark.parametrize(
    ("typed", "chosen"),
    [
        ("1", 0),
        (" 2 ", 1),
        ("3.", 2),
        ("a", 0),
        ("A.", 0),
        (" B ", 1),
        ("b)", 1),
        ("(c)", 2),
        ("C", 2),
        ("Bộ Công an", 0),
        ("bo cong an", 0),
        ("BỘ CÔNG AN!", 0),
        ("ngan hang", 2),
        ("cong an", 0),  # a part of the words, unique
        ("quang cao", 1),
        ("ngân", 2),  # four folded letters, unique
        ("câu 2", 1),
        ("đáp án c", 2),
        ("1. Bộ Công an", 0),
        ("tôi nghĩ là ngân hàng", 2),  # the option's words inside a sentence
    ],
)
def test_single_answer_forms(typed: str, chosen: int) -> None:
    result = grade(SINGLE, typed)
    assert not result.unrecognised
    assert result.chosen == (chosen,)
    assert result.correct is (chosen == 0)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "4",  # there is no option 4
        "0",
        "d",
        "cong",  # in "Bộ Công an" and "Một công ty": ambiguous
        "ng",  # too short to count as a part
        "xin chào",
        "1, 3",  # several choices for a one-answer question: ask again
        "1 và 3",
    ],
)
def test_single_answer_unrecognised(typed: str) -> None:
    result = grade(SINGLE, typed)
    assert result.unrecognised
    assert result.chosen == ()
    assert not result.correct


@pytest.mark.parametrize(
    ("typed", "chosen"),
    [
        ("1,3", (0, 2)),
        ("1, 3", (0, 2)),
        ("1 3", (0, 2)),
        ("3 1", (0, 2)),
        ("1;3", (0, 2)),
        ("a c", (0, 2)),
        ("A, C", (0, 2)),
        ("1 và 3", (0, 2)),
        ("13", (0, 2)),
        ("mat khau kho doan, xac thuc hai lop", (0, 2)),
        ("Đặt mật khẩu khó đoán và bật xác thực hai lớp", (0, 2)),
        ("1", (0,)),
        ("1 2 3", (0, 1, 2)),
        ("b", (1,)),
    ],
)
def test_multi_answer_forms(typed: str, chosen: tuple[int, ...]) -> None:
    result = grade(MULTI, typed)
    assert not result.unrecognised
    assert result.chosen == chosen
    assert result.correct is (chosen == (0, 2))


@pytest.mark.parametrize("typed", ["", "1,5", "a e", "1, xin chào", "???"])
def test_multi_answer_unrecognised(typed: str) -> None:
    assert grade(MULTI, typed).unrecognised


def test_match_option_works_for_any_menu() -> None:
    menu = ["Học bài tiếp", "Làm bài kiểm tra", "Về menu chính"]
    assert match_option(menu, "2") == 1
    assert match_option(menu, "lam bai kiem tra") == 1
    assert match_option(menu, "kiem tra") == 1
    assert match_option(menu, "bài") is None  # too short and ambiguous
    assert match_option(menu, "ve menu") == 2
    assert match_option([], "1") is None


def test_number_words_match_text_before_numbers_out_of_range() -> None:
    options = ["6", "10", "20"]  # the validator rejects options that look like option numbers
    assert match_option(options, "10") == 1
    assert match_option(options, "2") == 1  # a number in range is the option's number


def test_match_options_is_none_without_words() -> None:
    assert match_options(["Có", "Không"], "va") is None
    assert match_options(["Có", "Không"], "co, khong") == (0, 1)
