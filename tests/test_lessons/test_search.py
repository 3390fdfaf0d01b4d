from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lessons.loader import build
from lessons.model import Curriculum
from lessons.parse import read_content
from lessons.search import Searcher, SearchIndex, fts_query, query_terms, snippet
from lessons.text import fold_words
from lessons.validate import check_raw

REAL = Path(__file__).resolve().parents[2] / "content" / "vi"


@pytest.fixture(scope="module")
def index(good: Curriculum) -> SearchIndex:
    return SearchIndex(good)


@pytest.mark.parametrize(
    ("query", "lesson_ids", "first"),
    [
        ("lua dao", {"lua-dao-01", "lua-dao-02"}, ("faq", "lua-dao-bao-cao")),
        ("lừa đảo", {"lua-dao-01", "lua-dao-02"}, ("faq", "lua-dao-bao-cao")),
        ("ma otp", {"lua-dao-01"}, ("faq", "lua-dao-otp")),
        ("dinh danh muc 2", {"vneid-02"}, ("lesson", "vneid-02")),
        ("quet ma qr", {"thanh-toan-01"}, ("faq", "thanh-toan-qr")),
    ],
)
def test_queries_find_the_right_entries(
    index: SearchIndex, query: str, lesson_ids: set[str], first: tuple[str, str]
) -> None:
    hits = index.search(query)
    assert hits, query
    assert (hits[0].kind, hits[0].id) == first
    top_two = {hit.lesson_id for hit in hits[:2]}
    assert top_two <= lesson_ids
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_hit_fields(index: SearchIndex) -> None:
    hit = index.search("ma otp", limit=1)[0]
    assert hit.title == "Có người gọi xin mã OTP thì tôi làm sao?"
    assert hit.lesson_id == "lua-dao-01"
    assert "mã OTP" in hit.snippet
    lesson = index.search("dinh danh muc 2")[0]
    assert lesson.title == "Lên định danh điện tử mức 2"
    assert lesson.snippet.startswith("Tài khoản định danh điện tử mức 2")


def test_partial_match_still_finds_something(index: SearchIndex) -> None:
    hits = index.search("otp con cá voi xanh")
    assert hits and hits[0].lesson_id == "lua-dao-01"


def test_limit(index: SearchIndex) -> None:
    assert len(index.search("ma", limit=5)) == 5
    assert len(index.search("ma", limit=1)) == 1
    assert index.search("ma", limit=0) == []


@pytest.mark.parametrize("query", ["", "   ", "???", "!!! ...", "a b c", "- * ^"])
def test_no_meaningful_term_gives_nothing(index: SearchIndex, query: str) -> None:
    assert index.search(query) == []


@pytest.mark.parametrize(
    "query",
    ['otp" OR *', "title:otp", "NEAR(otp ma)", "otp AND", "otp*", "(otp", "^otp", 'ma "otp'],
)
def test_fts_syntax_in_queries_is_just_words(index: SearchIndex, query: str) -> None:
    hits = index.search(query)
    assert hits and hits[0].id == "lua-dao-otp"


def test_stop_words_are_dropped_only_when_other_words_remain() -> None:
    assert query_terms("Lừa đảo là gì?") == ["lua", "dao"]
    assert query_terms("Làm sao lên định danh mức 2") == ["len", "dinh", "danh", "muc", "2"]
    assert query_terms("thẻ") == ["the"]
    assert query_terms("là gì") == ["la", "gi"]


def test_fts_query_quotes_every_term_and_phrase() -> None:
    assert fts_query(["quet", "ma", "qr"]) == (
        '"quet ma qr" OR "quet ma" OR "ma qr" OR "quet" OR "ma" OR "qr"'
    )
    assert fts_query(["otp"]) == '"otp"'


def test_snippet_prefers_the_sentence_with_most_terms_and_keeps_templates_whole() -> None:
    text = "Câu đầu. {{ Goi }} nhớ giữ kín mã OTP, không đọc mã OTP cho ai. Câu cuối."
    assert snippet(text, ["ma", "otp"]) == "{{ Goi }} nhớ giữ kín mã OTP, không đọc mã OTP cho ai."
    cut = snippet("{{ Goi }} " * 30, ["x"], size=40)
    assert cut.endswith("…")
    assert cut.count("{{") == cut.count("}}")
    assert snippet("", ["x"]) == ""


def test_index_lives_in_a_temp_table_of_a_given_connection(good: Curriculum) -> None:
    conn = sqlite3.connect(":memory:")
    first: Searcher = SearchIndex(good, conn)
    second = SearchIndex(good, conn)  # rebuilding on the same connection replaces the table
    assert [h.id for h in first.search("quet ma qr")] == [h.id for h in second.search("quet ma qr")]
    tables = conn.execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == []  # nothing written to the main database


REAL_QUERIES = {
    "lua dao": {"lua_dao"},
    "ma otp": {"lua_dao", "thanh_toan", "du_lieu", "vneid"},
    "dinh danh muc 2": {"vneid"},
    "quet ma qr": {"thanh_toan", "cho_so"},
}


@pytest.mark.parametrize(("query", "topics"), REAL_QUERIES.items())
def test_queries_on_the_real_content(query: str, topics: set[str]) -> None:
    """The first hit names every word of the query; one of the first three is in the topic."""
    raw = read_content(REAL)
    assert not check_raw(raw), "content/vi must pass `python -m lessons check`"
    curriculum = build(raw)
    hits = SearchIndex(curriculum).search(query)
    assert len(hits) == 3
    words = set(fold_words(hits[0].title + " " + hits[0].snippet).split())
    assert set(query.split()) <= words, hits[0]
    assert {curriculum.lesson(hit.lesson_id).topic for hit in hits} & topics, hits
