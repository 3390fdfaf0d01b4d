"""Vietnamese order of names, the commune's unit word, and each targets file checked on its own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.collation import vi_key
from bot.reports.targets import TargetsError, pick, problems
from bot.reports.wording import unit_word, word_of_names
from tests.conftest import CONTENT


def test_vietnamese_alphabetical_order() -> None:
    names = [
        "Xóm Vũ Hà",
        "Xóm Đỗ Xá",
        "Xóm Eo Gió",
        "Xóm Dạo",
        "Xóm Đặng",
        "Xóm Ao",
        "Xóm Ân",
        "Xóm Ăn",
        "Xóm 10",
        "Xóm 2",
        "Xóm Ơn",
        "Xóm Ông",
        "Xóm Ong",
        "Xóm Ưng",
        "Xóm Uông",
    ]
    assert sorted(names, key=vi_key) == [
        "Xóm 2",
        "Xóm 10",
        "Xóm Ao",
        "Xóm Ăn",
        "Xóm Ân",
        "Xóm Dạo",
        "Xóm Đặng",
        "Xóm Đỗ Xá",
        "Xóm Eo Gió",
        "Xóm Ong",
        "Xóm Ông",
        "Xóm Ơn",
        "Xóm Uông",
        "Xóm Ưng",
        "Xóm Vũ Hà",
    ]
    # Tones only break ties.
    assert sorted(["Má", "Mà", "Ma"], key=vi_key) == ["Ma", "Mà", "Má"]


def test_the_unit_word() -> None:
    assert word_of_names(["Xóm Nà Lay", "Xóm Dạo", "Thôn Trên"]) == "xóm"
    assert word_of_names(["Tổ dân phố 3", "Tổ dân phố 4"]) == "tổ dân phố"
    assert word_of_names(["Nà Lay"]) is None
    assert unit_word(None, None, ["Ấp Mỹ Hòa"]) == "ấp"
    assert unit_word("Khu", None, ["Ấp Mỹ Hòa"]) == "khu"
    dan_tien = pick(CONTENT / "targets", "Xã Dân Tiến", 2026)
    assert dan_tien is not None and unit_word(None, dan_tien, ["Thôn A"]) == "xóm"
    assert unit_word(None, None, []) == "thôn"


def _targets(tmp_path: Path, name: str, body: str) -> Path:
    directory = tmp_path / "targets"
    shutil.copytree(CONTENT / "targets", directory)
    (directory / name).write_text(body, encoding="utf-8")
    return directory


def test_another_commune_s_broken_file_is_skipped_and_listed(tmp_path: Path) -> None:
    directory = _targets(tmp_path, "mo-cay-2026.yaml", "commune: Xã Mỏ Cày\nyear: 2026\ntargets: [")
    picked = pick(directory, "Xã Dân Tiến", 2026)
    assert picked is not None and picked.values["core_skills"].percent == 70
    assert [p.path.name for p in problems(directory) if p.path] == ["mo-cay-2026.yaml"]


@pytest.mark.parametrize(
    "body",
    [
        "commune: Xã Dân Tiến\nyear: 2026\ntargets: {core_skills: 170}\n",
        "commune: [Xã Dân Tiến\n",  # not even the commune line can be read: the file name tells
    ],
)
def test_this_commune_s_broken_file_is_an_error(tmp_path: Path, body: str) -> None:
    directory = _targets(tmp_path, "dan-tien-2026.yaml", body)
    with pytest.raises(TargetsError, match=r"dan-tien-2026\.yaml"):
        pick(directory, "Xã Dân Tiến", 2026)
    # Other communes are not affected.
    other = pick(directory, "Xã Hòa Lạc", 2026)
    assert other is not None and other.commune == "Xã Hòa Lạc"
