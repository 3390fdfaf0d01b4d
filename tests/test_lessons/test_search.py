from __future__ import annotations

from pathlib import Path

import pytest

from lessons.answer_cut import cut
from lessons.loader import build
from lessons.model import Curriculum
from lessons.parse import read_content
from lessons.search import Searcher, SearchIndex, paragraphs
from lessons.search_eval import evaluate, load_questions
from lessons.search_words import Vocabulary
from lessons.text import fold
from lessons.validate import check_raw

REAL = Path(__file__).resolve().parents[2] / "content" / "vi"
QUESTIONS = Path(__file__).resolve().parents[1] / "data" / "questions"


@pytest.fixture(scope="module")
def index(good: Curriculum) -> SearchIndex:
    return SearchIndex(good)


@pytest.fixture(scope="module")
def real() -> Curriculum:
    raw = read_content(REAL)
    assert not check_raw(raw), "content/vi must pass `python -m lessons check`"
    return build(raw)


@pytest.fixture(scope="module")
def real_index(real: Curriculum) -> SearchIndex:
    return SearchIndex(real)


# -- the words --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def words() -> Vocabulary:
    return Vocabulary.load()


@pytest.mark.parametrize(
    ("typed", "content"),
    [
        ("Lừa đảo là gì?", ["lua_dao"]),
        ("ck nham tien", ["chuyen_khoan", "nham", "tien"]),
        ("chuyển khoản nhầm tiền", ["chuyen_khoan", "nham", "tien"]),
        ("cccd het han", ["can_cuoc", "het", "han"]),
        ("căn cước hết hạn", ["can_cuoc", "het", "han"]),
        ("stk cua toi", ["so_tai_khoan"]),
        ("quen mk tk ngan hang", ["quen", "mat_khau", "tai_khoan", "ngan_hang"]),
        ("dt ko vao dc mang", ["dien_thoai", "mat_mang"]),
        ("tai app o dau", ["cai", "ung_dung"]),
        ("cmnd cu con xai dc ko", ["can_cuoc", "cu", "dung"]),
        ("vneid muc 2 la gi", ["vneid", "muc_2"]),
        ("nop hs ntn", ["nop", "ho_so"]),
        ("lam sao biet tin nhan lua dao", ["dau_hieu", "tin_nhan", "lua_dao"]),
    ],
)
def test_synonyms_both_ways_and_question_words_never_count(
    words: Vocabulary, typed: str, content: list[str]
) -> None:
    assert words.content(typed) == content


@pytest.mark.parametrize(
    "typed",
    [
        "ok",
        "Ok!",
        "hiểu rồi",
        "thôi",
        "cảm ơn cháu",
        "quay lại",
        "menu",
        "giúp tôi với",
        "vâng",
        "là gì",
        "làm sao",
        "ko",
        "k",
        "",
        "???",
    ],
)
def test_courtesy_and_chit_chat_have_no_content(words: Vocabulary, typed: str) -> None:
    assert words.content(typed) == []


def test_definition_questions(words: Vocabulary) -> None:
    assert words.is_definition_question("ma otp la gi")
    assert words.is_definition_question("VNeID là cái gì vậy")
    assert words.is_definition_question("otp la j")
    assert not words.is_definition_question("quen mat khau vneid")


# -- the floor and the ranking on the test curriculum -------------------------------------------


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("ma otp", ("faq", "lua-dao-otp")),
        ("bi lua dao thi bao ai", ("faq", "lua-dao-bao-cao")),
        ("quet ma qr tra tien", ("faq", "thanh-toan-qr")),
        ("quen mk vneid", ("faq", "vneid-quen-mat-khau")),
        ("lam dinh danh dien tu muc 2 the nao", ("faq", "vneid-muc-2")),
    ],
)
def test_queries_find_the_right_entry_first(
    index: SearchIndex, query: str, first: tuple[str, str]
) -> None:
    hits = index.search(query)
    assert hits, query
    assert (hits[0].kind, hits[0].id) == first
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "???",
        "ok",
        "cam on chau",
        "hieu roi",
        "thoi",
        "quay lai",
        "menu",
        "giup toi voi",
        "otp con cá voi xanh ngoài biển khơi",
        "gia lua hom nay",
        "xyzzy plugh",
    ],
)
def test_below_the_floor_nothing_is_found(index: SearchIndex, query: str) -> None:
    assert index.search(query) == []


@pytest.mark.parametrize(
    "query",
    ['"otp"', "otp*", "(otp", "^otp", 'ma "otp', "ma:otp", "ma-otp", "OTP!!!"],
)
def test_search_syntax_in_queries_is_just_words(index: SearchIndex, query: str) -> None:
    hits = index.search(query)
    assert hits and hits[0].id == "lua-dao-otp"


def test_limit(index: SearchIndex) -> None:
    assert len(index.search("ma otp", limit=1)) == 1
    assert index.search("ma otp", limit=0) == []


def test_a_hit_is_a_whole_answer_or_a_lesson_paragraph(index: SearchIndex) -> None:
    hit = index.search("ma otp", limit=1)[0]
    assert hit.title == "Có người gọi xin mã OTP thì tôi làm sao?"
    assert hit.lesson_id == "lua-dao-01"
    assert hit.answer.startswith("{{ Goi }} tuyệt đối không đọc mã OTP")
    assert hit.coverage == 1.0


# -- cutting ----------------------------------------------------------------------------------


def test_a_paragraph_ending_in_a_colon_goes_with_what_follows() -> None:
    step = "Có hai mức:\n- Mức 1: xem.\n- Mức 2: đủ.\n\nMức 2 làm ở công an.\n\nNguồn: Bộ."
    assert paragraphs(step) == [
        "Có hai mức:\n- Mức 1: xem.\n- Mức 2: đủ.",
        "Mức 2 làm ở công an.",
        "Nguồn: Bộ.",
    ]
    assert paragraphs("Như sau:\n\n1. Một.\n2. Hai.") == ["Như sau:\n1. Một.\n2. Hai."]


def test_cut_never_ends_with_a_colon_and_fits_the_limit() -> None:
    text = "Câu một dài dài. Các bước như sau:\n1. Mở ứng dụng.\n2. Bấm gửi."
    piece, rest = cut(text, 40)
    assert piece == "Câu một dài dài."
    assert text[rest:].startswith("Các bước")
    piece, rest = cut(text, 200)
    assert piece == text and rest == len(text)
    long = "chữ " * 200
    piece, rest = cut(long, 100)
    assert piece.endswith("…") and len(piece) <= 100 and not piece.endswith(":…")
    first, rest = cut("Một.\n\nHai.", 600, paragraph=True)
    assert first == "Một." and rest == len("Một.\n\n")


# -- the real content: the must-fix cases of issue 15 and the question set ---------------------


def test_vneid_muc_2_la_gi_answers_with_the_levels(real_index: SearchIndex) -> None:
    hit = real_index.search("vneid muc 2 la gi")[0]
    assert "muc 2" in fold(hit.answer) and "muc 1" in fold(hit.answer)
    assert not hit.answer.rstrip().endswith(":")
    assert hit.lesson_id == "vneid-02" or "muc 2 la gi" in fold(hit.title)


def test_ma_otp_la_gi_defines_otp(real_index: SearchIndex) -> None:
    hit = real_index.search("ma otp la gi")[0]
    assert "otp la ma xac thuc" in fold(hit.answer) or "otp la gi" in fold(hit.title)


def test_lam_sao_biet_tin_nhan_lua_dao_is_about_the_signs(real_index: SearchIndex) -> None:
    hit = real_index.search("lam sao biet tin nhan lua dao")[0]
    about_messages = "tin nhan" in fold(hit.title) and "lua dao" in fold(hit.title)
    assert hit.lesson_id in {"lua-dao-02", "lua-dao-03"} or about_messages, hit
    assert "phí" not in hit.title


@pytest.mark.parametrize(
    "query", ["ban hang online co phai dong thue ko", "gia lua hom nay", "ok", "hieu roi"]
)
def test_out_of_scope_gets_an_honest_no_answer(real_index: SearchIndex, query: str) -> None:
    assert real_index.search(query) == []


def test_question_set_right_first_and_refused(real: Curriculum, real_index: SearchIndex) -> None:
    questions = load_questions(QUESTIONS, real)
    in_scope = [q for q in questions.questions if not q.out_of_scope]
    assert len(in_scope) >= 100 and len(questions.questions) - len(in_scope) >= 20
    searcher: Searcher = real_index
    score = evaluate(searcher, questions.questions)
    assert score.right_share >= 0.85, "\n".join(score.misses)
    assert score.refused_share >= 0.85, "\n".join(score.misses)


def test_question_files_with_unknown_ids_are_skipped_and_reported(
    tmp_path: Path, real: Curriculum
) -> None:
    (tmp_path / "a.yaml").write_text(
        '- {q: "vneid la gi", faq: vneid-la-gi}\n'
        '- {q: "cai gi do", faq: khong-co-muc-nay}\n'
        '- {q: "gia vang", faq: null}\n'
        '- {q: "muc 2", faq: [khong-co, vneid-lam-muc-2-o-dau], lesson: vneid-02}\n',
        encoding="utf-8",
    )
    loaded = load_questions(tmp_path, real)
    assert [q.text for q in loaded.questions] == ["vneid la gi", "gia vang", "muc 2"]
    assert loaded.questions[2].faq == ("vneid-lam-muc-2-o-dau",)
    assert sorted(i for _, i in loaded.skipped) == ["khong-co", "khong-co-muc-nay"]
