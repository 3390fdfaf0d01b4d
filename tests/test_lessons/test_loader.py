"""Loading content into the model, and the model's helpers."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from lessons.loader import load
from lessons.model import Curriculum
from lessons.problems import ContentError

from .conftest import BROKEN, GOOD, TODAY


def test_curriculum_sections(good: Curriculum) -> None:
    assert good.framework == "Khung năng lực số (thử)"
    assert [d.id for d in good.domains] == ["du_lieu_thong_tin", "an_toan", "giai_quyet_van_de"]
    assert good.core_track_id == "ky_nang_so_co_ban"
    assert good.core_track_name == "Kỹ năng số cơ bản"
    assert good.group("cao_tuoi").address == "Bác"
    assert good.topic("vneid").title == "VNeID và định danh điện tử"
    assert good.paths["tieu_thuong"] == ("thanh_toan", "lua_dao")
    assert good.framework_source is not None
    assert good.framework_source.url.startswith("https://")


def test_lessons_are_ordered_by_topic_then_order(good: Curriculum) -> None:
    assert list(good.lessons) == [
        "dien-thoai-01",
        "vneid-01",
        "vneid-02",
        "thanh-toan-01",
        "thanh-toan-02",
        "lua-dao-01",
        "lua-dao-02",
    ]


def test_lesson_fields(good: Curriculum) -> None:
    lesson = good.lesson("vneid-01")
    assert lesson.title == "VNeID là gì?"
    assert lesson.audience == ("all",)  # written as a plain string in the file
    assert lesson.minutes == 3
    assert lesson.core is True
    assert lesson.reviewed == date(2026, 10, 2)
    assert lesson.sources[0].title == "Cổng thông tin Bộ Công an"
    assert len(lesson.steps) == 3
    assert lesson.steps[0].startswith("{{ Goi }} ơi, VNeID")
    assert lesson.step_lines == (36, 40, 44)
    assert lesson.path == GOOD / "lessons" / "vneid-01.md"


def test_answers_become_zero_based(good: Curriculum) -> None:
    single = good.lesson("vneid-01").quiz[0]
    assert single.options == ("Bộ Công an", "Một công ty quảng cáo", "Ngân hàng")
    assert single.answers == (0,)
    assert not single.multi
    assert single.line == 15
    multi = good.lesson("lua-dao-02").quiz[0]
    assert multi.multi
    assert multi.answers == (0, 2)
    assert multi.is_correct([2, 0])
    assert not multi.is_correct([0])


def test_faq_entries(good: Curriculum) -> None:
    assert [entry.id for entry in good.faq] == [
        "lua-dao-otp",
        "lua-dao-bao-cao",
        "thanh-toan-qr",
        "vneid-muc-2",
        "vneid-quen-mat-khau",
    ]
    entry = good.faq_entry("vneid-muc-2")
    assert entry.lesson == "vneid-02"
    assert entry.keywords == ("muc 2", "kich hoat")
    assert entry.topic == "vneid"
    assert entry.line == 1
    assert good.faq_entry("vneid-quen-mat-khau").line == 6
    assert good.faq_entry("lua-dao-otp").answer.endswith("Cúp máy và báo công an xã.")


def test_lookups_raise_key_error(good: Curriculum) -> None:
    with pytest.raises(KeyError):
        good.lesson("nope")
    with pytest.raises(KeyError):
        good.topic("nope")
    with pytest.raises(KeyError):
        good.group("nope")


def test_lessons_in_topic_and_core(good: Curriculum) -> None:
    assert [x.id for x in good.lessons_in_topic("vneid")] == ["vneid-01", "vneid-02"]
    assert good.lessons_in_topic("nope") == []
    assert [x.id for x in good.core_lessons()] == [
        "dien-thoai-01",
        "vneid-01",
        "thanh-toan-01",
        "lua-dao-01",
    ]


def test_path_starts_with_the_group_topics_and_skips_lessons_not_for_the_group(
    good: Curriculum,
) -> None:
    # cao_tuoi: lua_dao, dien_thoai first; thanh-toan-02 is for tieu_thuong only.
    assert good.path_for("cao_tuoi") == [
        "lua-dao-01",
        "lua-dao-02",
        "dien-thoai-01",
        "vneid-01",
        "vneid-02",
        "thanh-toan-01",
    ]
    # tieu_thuong: thanh_toan, lua_dao first; lua-dao-02 is not for tieu_thuong.
    assert good.path_for("tieu_thuong") == [
        "thanh-toan-01",
        "thanh-toan-02",
        "lua-dao-01",
        "dien-thoai-01",
        "vneid-01",
        "vneid-02",
    ]


def test_group_without_path_or_unknown_group_follows_curriculum_order(good: Curriculum) -> None:
    expected = ["dien-thoai-01", "vneid-01", "vneid-02", "thanh-toan-01", "lua-dao-01"]
    assert good.path_for(None) == expected
    assert good.path_for("nguoi_dan") == [*expected[:4], "lua-dao-01", "lua-dao-02"]


def test_next_lessons_leaves_out_done_ones(good: Curriculum) -> None:
    done = {"lua-dao-01", "dien-thoai-01"}
    assert good.next_lessons("cao_tuoi", done) == [
        "lua-dao-02",
        "vneid-01",
        "vneid-02",
        "thanh-toan-01",
    ]
    assert good.next_lessons("cao_tuoi", done, limit=1) == ["lua-dao-02"]


def test_load_refuses_broken_content() -> None:
    with pytest.raises(ContentError) as raised:
        load(BROKEN, today=TODAY)
    assert len(raised.value.problems) > 40
    messages = [problem.message for problem in raised.value.problems]
    assert "minutes must be from 1 to 10, not 12" in messages
    assert str(raised.value).startswith(f"{len(messages)} content problem(s):\n")


def test_load_refuses_a_future_review_date_only_relative_to_today(tmp_path: Path) -> None:
    content = tmp_path / "vi"
    shutil.copytree(GOOD, content)
    with pytest.raises(ContentError) as raised:
        load(content, today=date(2026, 10, 4))  # before three of the lessons were reviewed
    assert [p.path.name for p in raised.value.problems] == [
        "lua-dao-01.md",
        "lua-dao-02.md",
        "thanh-toan-02.md",
    ]
