"""Re-importing the commune's villages: stable codes (a rename is not a new village), blank cells
that keep what is known, a population of 0 warned about, group populations, and the demo
villages giving way to the real ones."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from bot.engine.texts import Texts
from bot.store import units
from bot.units import import_file, learner_groups
from tests.conftest import CONTENT

GROUPS = learner_groups(CONTENT)


def _import(db: Database, texts: Texts, tmp_path: Path, text: str):
    path = tmp_path / "xom.csv"
    path.write_text(text, encoding="utf-8")
    return import_file(db, path, texts, "Xã Dân Tiến", GROUPS)


def _villages(db: Database) -> dict[str, tuple[int | None, int | None]]:
    return {v.name: (v.adult_population, v.households) for v in units.villages(db)}


def test_a_rename_with_the_same_code_is_the_same_village(fresh_db, texts, tmp_path) -> None:
    first = _import(
        fresh_db,
        texts,
        tmp_path,
        "Mã,Tên xóm,Số người trưởng thành,Số hộ\nNL,Xóm Nà Lay,300,90\nDC,Xóm Đồng Cậy,410,120\n",
    )
    assert first.ok, first.messages
    before = {v.name: v.id for v in units.villages(fresh_db)}
    result = _import(
        fresh_db, texts, tmp_path, "ma,ten_xom,so_nguoi_truong_thanh\nNL,Xóm Nà Lay Trên,310\n"
    )
    assert result.ok, result.messages
    assert any('Đã đổi tên "Xóm Nà Lay" thành "Xóm Nà Lay Trên"' in m for m in result.messages)
    after = {v.name: v.id for v in units.villages(fresh_db)}
    assert after == {
        "Xóm Nà Lay Trên": before["Xóm Nà Lay"],
        "Xóm Đồng Cậy": before["Xóm Đồng Cậy"],
    }
    # The households column was not in the file: the known number stays.
    assert _villages(fresh_db)["Xóm Nà Lay Trên"] == (310, 90)


def test_a_rename_onto_another_village_s_name_is_refused(fresh_db, texts, tmp_path) -> None:
    _import(fresh_db, texts, tmp_path, "ma,ten_xom\nNL,Xóm Nà Lay\nDC,Xóm Đồng Cậy\n")
    result = _import(fresh_db, texts, tmp_path, "ma,ten_xom\nNL,Xóm Đồng Cậy\n")
    assert not result.ok
    assert any("Dòng 2" in m and "Xóm Đồng Cậy" in m for m in result.messages)
    assert set(_villages(fresh_db)) == {"Xóm Đồng Cậy", "Xóm Nà Lay"}


def test_duplicate_codes_in_one_file(fresh_db, texts, tmp_path) -> None:
    result = _import(fresh_db, texts, tmp_path, "ma,ten_xom\nNL,Xóm Nà Lay\nnl,Xóm Dạo\n")
    assert not result.ok and any('mã "nl" đã có ở dòng 2' in m for m in result.messages)
    assert units.villages(fresh_db) == []


def test_blank_cells_keep_the_known_population(fresh_db, texts, tmp_path) -> None:
    _import(fresh_db, texts, tmp_path, "ten_xom,so_nguoi_truong_thanh,so_ho\nXóm Dạo,500,150\n")
    result = _import(fresh_db, texts, tmp_path, "ten_xom,so_nguoi_truong_thanh,so_ho\nXóm Dạo,,\n")
    assert result.ok, result.messages
    assert _villages(fresh_db) == {"Xóm Dạo": (500, 150)}


def test_a_population_of_zero_is_warned_about(fresh_db, texts, tmp_path) -> None:
    result = _import(
        fresh_db, texts, tmp_path, "ten_xom,so_nguoi_truong_thanh\nXóm Dạo,0\nXóm Eo,200\n"
    )
    assert result.ok
    warning = next(m for m in result.messages if "Xóm Dạo" in m)
    assert "Dòng 2" in warning and "là 0" in warning and "tỷ lệ" in warning
    assert _villages(fresh_db)["Xóm Dạo"] == (0, None)


def test_group_populations(fresh_db, texts, tmp_path) -> None:
    result = _import(
        fresh_db,
        texts,
        tmp_path,
        "ten_xom,so_nguoi_truong_thanh,so_can_bo,Học sinh sinh viên,so_cao_tuoi\n"
        "Xóm Dạo,500,12,80,\nXóm Eo,200,3,40,61\n",
    )
    assert result.ok, result.messages
    ids = {v.name: v.id for v in units.villages(fresh_db)}
    found = units.group_populations(fresh_db)
    assert found[ids["Xóm Dạo"]] == {"can_bo": 12, "hoc_sinh": 80}
    assert found[ids["Xóm Eo"]] == {"can_bo": 3, "hoc_sinh": 40, "cao_tuoi": 61}
    bad = _import(fresh_db, texts, tmp_path, "ten_xom,so_can_bo\nXóm Dạo,mười\n")
    assert not bad.ok and units.group_populations(fresh_db)[ids["Xóm Dạo"]]["can_bo"] == 12


def test_demo_villages_give_way_to_real_ones(seeded_db, texts, tmp_path) -> None:
    dong = next(v.id for v in units.villages(seeded_db) if v.name == "Thôn Đông")
    seeded_db.execute(
        "INSERT INTO users (channel, external_id, chat_id, unit_id, role, onboarded_at, "
        "created_at, last_active_at) VALUES ('console', 'x', 'x', ?, 'resident', 1, 1, 1)",
        [dong],
    )
    result = _import(seeded_db, texts, tmp_path, "ten_thon,so_nguoi_truong_thanh\nThôn Tây,640\n")
    assert result.ok, result.messages
    # Thôn Tây is in the real list: it stays, now real. Thôn Đông has a learner: kept, and said.
    assert list(_villages(seeded_db)) == ["Thôn Đông", "Thôn Tây"]
    assert any('Chưa xoá "Thôn Đông"' in m and "1 người" in m for m in result.messages)
    assert any('Đã xoá "Xóm Chợ"' in m for m in result.messages)
    assert [v.name for v in units.demo_villages(seeded_db)] == ["Thôn Đông"]


def test_official_vneid_figures_by_import(fresh_db, texts, tmp_path) -> None:
    import subprocess
    import sys
    from datetime import date

    from bot.official_import import import_figures
    from bot.store import official_figures

    _import(fresh_db, texts, tmp_path, "ma,ten_xom\nNL,Xóm Nà Lay\nDC,Xóm Đồng Cậy\n")
    ids = {v.name: v.id for v in units.villages(fresh_db)}
    path = tmp_path / "vneid.csv"
    path.write_text("Mã,Tên xóm,Số VNeID mức 2\nNL,,210\n,xom dong cay,1.050\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("ten_xom,so_vneid_muc_2\nXóm Không Có,3\nXóm Nà Lay,ba\n", encoding="utf-8")
    refused = import_figures(fresh_db, bad, texts, date(2026, 9, 30), "Công an xã")
    assert not refused.ok
    assert any("Dòng 2" in m and "Xóm Không Có" in m for m in refused.messages)
    assert any("Dòng 3" in m for m in refused.messages)
    assert official_figures.latest(fresh_db, "vneid2", "9999-12-31") == {}
    result = import_figures(fresh_db, path, texts, date(2026, 9, 30), "Công an xã")
    assert result.ok, result.messages
    assert "2 nơi" in result.messages[0] and "30/09/2026" in result.messages[0]
    standing = official_figures.latest(fresh_db, "vneid2", "2026-12-31")
    assert {k: (f.value, f.as_of, f.source) for k, f in standing.items()} == {
        ids["Xóm Nà Lay"]: (210, "2026-09-30", "Công an xã"),
        ids["Xóm Đồng Cậy"]: (1050, "2026-09-30", "Công an xã"),
    }
    assert official_figures.latest(fresh_db, "vneid2", "2026-09-29") == {}
    db_path = tmp_path / "cli.sqlite"
    run = [sys.executable, "-m", "bot.cli", "import"]
    subprocess.run(
        [*run, "units", str(tmp_path / "xom.csv"), "--db", str(db_path)], check=True, cwd=Path.cwd()
    )
    vneid = ["vneid", str(path), "--date", "2026-09-30", "--source", "Công an xã"]
    done = subprocess.run(
        [*run, *vneid, "--db", str(db_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Đã nhập số liệu VNeID chính thức của 2 nơi" in done.stdout


def test_an_older_trial_database_knows_its_demo_villages(tmp_path) -> None:
    from bot.store import migrations
    from bot.store.db import open_db
    from bot.units import seed_demo

    db = open_db(tmp_path / "old.sqlite", migrate=False)
    migrations.migrations.apply(db, stop_before="m018_units_codes")
    seed_demo(db, CONTENT, "Xã Bình Minh")  # as the assistant did before the demo mark
    db.execute("UPDATE units SET adult_population = 900 WHERE name = 'Thôn Nam'")  # edited: real
    migrations.migrations.apply(db)
    assert [v.name for v in units.demo_villages(db)] == [
        "Thôn Bắc",
        "Thôn Đông",
        "Thôn Tây",
        "Xóm Chợ",
    ]
    db.close()
