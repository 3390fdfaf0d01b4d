"""`hocvuso import units`: villages with denominators, all or nothing, every bad row named."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl

from bot.engine.texts import Texts
from bot.store import units
from bot.units import MAX_ROWS, import_file

ROOT = Path(__file__).resolve().parents[1]


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "thon.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_import_with_vietnamese_headers(fresh_db, texts: Texts, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "Tên thôn,Số người trưởng thành,Số hộ\nThôn Thượng,1.200,410\nTổ dân phố 3,800,300\n",
    )
    result = import_file(fresh_db, path, texts, "Xã Dân Tiến")
    assert result.ok, result.messages
    assert "2 thôn mới" in result.messages[0]
    villages = {v.name: (v.adult_population, v.households) for v in units.villages(fresh_db)}
    assert villages == {"Thôn Thượng": (1200, 410), "Tổ dân phố 3": (800, 300)}
    # A second import updates the denominators of known villages (matched without diacritics).
    path = _csv(tmp_path, "ten_thon,so_nguoi_truong_thanh,so_ho\nthôn thượng,1250,420\n")
    result = import_file(fresh_db, path, texts, "Xã Dân Tiến")
    assert "1 thôn cập nhật" in result.messages[0]
    assert len(units.villages(fresh_db)) == 2


def test_xlsx_import(fresh_db, texts: Texts, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ten_thon", "so_nguoi_truong_thanh", "so_ho"])
    sheet.append(["Xóm Đồng", 530, 170])
    sheet.append(["Xóm Núi", 410.0, None])
    path = tmp_path / "thon.xlsx"
    book.save(path)
    result = import_file(fresh_db, path, texts, "Xã Dân Tiến")
    assert result.ok, result.messages
    assert {v.name: v.households for v in units.villages(fresh_db)} == {
        "Xóm Đồng": 170,
        "Xóm Núi": None,
    }


def test_bad_rows_are_all_reported_and_nothing_is_imported(fresh_db, texts, tmp_path) -> None:
    path = _csv(
        tmp_path,
        "ten_thon,so_nguoi_truong_thanh,so_ho\n"
        "Thôn Một,500,200\n"
        ",300,100\n"
        "Thôn Hai,ba trăm,100\n"
        "Thôn Ba,100,250\n"
        "thon mot,10,5\n",
    )
    result = import_file(fresh_db, path, texts, "Xã Dân Tiến")
    assert not result.ok
    text = "\n".join(result.messages)
    assert "Không nhập gì cả" in text
    assert "Dòng 3: thiếu tên thôn" in text
    assert 'Dòng 4: "so_nguoi_truong_thanh" phải là số' in text
    assert "Dòng 5: số hộ lớn hơn số người trưởng thành" in text
    assert 'Dòng 6: thôn "thon mot" đã có ở dòng 2' in text
    assert units.villages(fresh_db) == []
    assert units.commune(fresh_db) is None


def test_file_level_problems(fresh_db, texts, tmp_path) -> None:
    assert (
        "thiếu cột" in import_file(fresh_db, _csv(tmp_path, "a,b\n1,2\n"), texts, "X").messages[0]
    )
    assert "không có dòng" in import_file(fresh_db, _csv(tmp_path, ""), texts, "X").messages[0]
    big = "ten_thon\n" + "".join(f"Thôn {i}\n" for i in range(MAX_ROWS + 1))
    assert "quá giới hạn" in import_file(fresh_db, _csv(tmp_path, big), texts, "X").messages[0]
    other = tmp_path / "thon.pdf"
    other.write_text("x")
    assert ".csv hoặc .xlsx" in import_file(fresh_db, other, texts, "X").messages[0]


def test_cli_import(tmp_path: Path) -> None:
    path = _csv(tmp_path, "ten_thon,so_nguoi_truong_thanh,so_ho\nẤp Tân Hòa,900,310\n")
    db = tmp_path / "cli.sqlite"
    ok = subprocess.run(
        [sys.executable, "-m", "bot.cli", "import", "units", str(path), "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert "Đã nhập 1 thôn" in ok.stdout
    bad = _csv(tmp_path, "ten_thon,so_ho\n,1\n")
    failed = subprocess.run(
        [sys.executable, "-m", "bot.cli", "import", "units", str(bad), "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert failed.returncode == 1
    assert "Dòng 2: thiếu tên thôn" in failed.stderr
