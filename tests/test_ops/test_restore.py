"""`hocvuso restore FILE`: only a sound hocvuso database, never over data unasked, old kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.cli import main
from bot.engine.dispatcher import Engine
from bot.ops import OpsError
from bot.ops.backup import make_backup
from bot.ops.lock import instance_lock
from bot.ops.restore import known_migrations, restore
from bot.store import maintenance
from bot.store.db import open_db
from bot.store.migrations import migrations
from tests.test_ops.conftest import populate


@pytest.fixture
def backup(engine: Engine, tmp_path: Path) -> Path:
    """A real backup of a database people have used."""
    populate(engine)
    return make_backup(tmp_path / "test.sqlite", tmp_path / "backups", keep=5).path


def _live_with_data(tmp_path: Path) -> Path:
    live = tmp_path / "server" / "hocvuso.sqlite"
    db = open_db(live)
    db.execute(
        "INSERT INTO users (channel, external_id, chat_id, display_name, created_at, "
        "last_active_at) VALUES ('zalo', 'z1', 'z1', 'Phạm Văn Dũng', 1, 1)"
    )
    db.close()
    return live


def _refused(error: pytest.ExceptionInfo[OpsError], key: str) -> None:
    assert error.value.key == key, error.value.key


def _leaves_no_trace(live: Path, rows_before: dict[str, list[tuple[object, ...]]] | None) -> None:
    siblings = sorted(p.name for p in live.parent.iterdir())
    assert not [name for name in siblings if "restoring" in name or "before-restore" in name]
    if rows_before is None:
        assert not live.exists()
    else:
        assert maintenance.table_rows(live) == rows_before


def test_restore_into_an_empty_directory(backup: Path, tmp_path: Path) -> None:
    target = tmp_path / "new-server" / "hocvuso.sqlite"
    result = restore(backup, target)
    assert result.before_restore is None
    assert result.counts["users"] == 3 and result.counts["progress"] == 3
    assert maintenance.table_rows(target) == maintenance.table_rows(backup)
    # The restored database opens as usual and is in WAL mode again.
    db = open_db(target)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert migrations.pending(db) == []
    db.close()


def test_restore_refuses_to_replace_data_without_force_then_keeps_it(
    backup: Path, tmp_path: Path
) -> None:
    live = _live_with_data(tmp_path)
    old_rows = maintenance.table_rows(live)
    with pytest.raises(OpsError) as refused:
        restore(backup, live)
    _refused(refused, "ops.restore_live_not_empty")
    assert refused.value.values["users"] == 1
    _leaves_no_trace(live, old_rows)

    result = restore(backup, live, force=True)
    assert maintenance.table_rows(live) == maintenance.table_rows(backup)
    assert result.before_restore is not None
    assert result.before_restore.name.endswith(".before-restore")
    assert maintenance.table_rows(result.before_restore) == old_rows


def test_restore_after_a_crash_keeps_the_wal_in_the_old_copy_not_in_the_new(
    backup: Path, tmp_path: Path
) -> None:
    """A killed server leaves committed rows in -wal only: kept in the old copy, not mixed in."""
    live = _live_with_data(tmp_path)
    db = open_db(live)
    db.execute("PRAGMA wal_autocheckpoint = 0")
    db.execute(
        "INSERT INTO users (channel, external_id, chat_id, display_name, created_at, "
        "last_active_at) VALUES ('zalo', 'z2', 'z2', 'Võ Thị Sáu', 2, 2)"
    )
    # The files as SIGKILL would leave them: the new row in -wal only, never checkpointed.
    wal = Path(f"{live}-wal")
    crashed_main, crashed_wal = live.read_bytes(), wal.read_bytes()
    db.close()
    live.write_bytes(crashed_main)
    wal.write_bytes(crashed_wal)
    assert b"V\xc3\xb5 Th\xe1\xbb\x8b S\xc3\xa1u" not in crashed_main
    result = restore(backup, live, force=True)
    assert result.before_restore is not None
    old_names = {row[4] for row in maintenance.table_rows(result.before_restore)["users"]}
    assert old_names == {"Phạm Văn Dũng", "Võ Thị Sáu"}
    assert maintenance.table_rows(live) == maintenance.table_rows(backup)
    assert maintenance.integrity_problems(live) == []


def test_restore_refuses_garbage(tmp_path: Path) -> None:
    live = _live_with_data(tmp_path)
    rows = maintenance.table_rows(live)
    junk = tmp_path / "anh-chup.sqlite"
    junk.write_bytes(b"\x89PNG\r\n" + bytes(range(256)) * 64)
    with pytest.raises(OpsError) as refused:
        restore(junk, live, force=True)
    _refused(refused, "ops.restore_not_sqlite")
    _leaves_no_trace(live, rows)


def test_restore_refuses_a_corrupt_backup(backup: Path, tmp_path: Path) -> None:
    live = _live_with_data(tmp_path)
    rows = maintenance.table_rows(live)
    page_size = Database(backup).execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(backup.read_bytes())
    # Scribble over the b-tree pages after the schema page: the header still says SQLite.
    for page in range(2, len(data) // page_size):
        start = page * page_size
        data[start + 8 : start + 40] = b"\xff" * 32
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(bytes(data))
    truncated = tmp_path / "truncated.sqlite"
    truncated.write_bytes(backup.read_bytes()[: 3 * page_size])
    for bad in (damaged, truncated):
        with pytest.raises(OpsError) as refused:
            restore(bad, live, force=True)
        _refused(refused, "ops.restore_not_sqlite")  # "database disk image is malformed"
        _leaves_no_trace(live, rows)

    # Damage that SQLite can still read but integrity_check finds: an index out of step with
    # its table (what a disk error in an index page leaves).
    conn = sqlite3.connect(backup)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute(
        "UPDATE sqlite_master SET sql = replace(sql, 'users(unit_id)', 'users(birth_year)') "
        "WHERE name = 'users_unit'"
    )
    conn.commit()
    conn.close()
    with pytest.raises(OpsError) as refused:
        restore(backup, live, force=True)
    _refused(refused, "ops.restore_corrupt")
    assert "missing from index users_unit" in refused.value.values["reason"]
    _leaves_no_trace(live, rows)


def test_restore_refuses_another_programs_database(tmp_path: Path) -> None:
    other = tmp_path / "ke-toan.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE so_cai (id INTEGER PRIMARY KEY, so_tien INTEGER)")
    conn.execute("INSERT INTO so_cai (so_tien) VALUES (500000)")
    conn.commit()
    conn.close()
    target = tmp_path / "srv" / "hocvuso.sqlite"
    with pytest.raises(OpsError) as refused:
        restore(other, target)
    _refused(refused, "ops.restore_not_hocvuso")
    _leaves_no_trace(target, None)


def test_restore_refuses_a_backup_from_a_newer_version(backup: Path, tmp_path: Path) -> None:
    conn = sqlite3.connect(backup)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('hocvuso', 'm999_from_the_future', '2027-01-01')"
    )
    conn.commit()
    conn.close()
    target = tmp_path / "srv" / "hocvuso.sqlite"
    with pytest.raises(OpsError) as refused:
        restore(backup, target)
    _refused(refused, "ops.restore_newer")
    assert refused.value.values["migration"] == "m999_from_the_future"
    _leaves_no_trace(target, None)


def test_restore_brings_an_older_backup_up_to_date(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite"
    db = Database(old)
    known = known_migrations()
    migrations.apply(db, stop_before=known[1] if len(known) > 1 else None)
    db.close()
    target = tmp_path / "srv" / "hocvuso.sqlite"
    restore(old, target)
    assert maintenance.applied_migrations(target) == known_migrations()


def test_restore_refuses_while_the_assistant_runs(backup: Path, tmp_path: Path) -> None:
    live = _live_with_data(tmp_path)
    rows = maintenance.table_rows(live)
    with instance_lock(live), pytest.raises(OpsError) as refused:
        restore(backup, live, force=True)
    _refused(refused, "ops.restore_running")
    _leaves_no_trace(live, rows)


def test_restore_refuses_the_live_file_itself(tmp_path: Path) -> None:
    live = _live_with_data(tmp_path)
    with pytest.raises(OpsError) as refused:
        restore(live, live, force=True)
    _refused(refused, "ops.restore_same_file")


def test_cli_restore_messages_and_exit_codes(
    backup: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    live = _live_with_data(tmp_path)
    assert main(["restore", str(backup), "--db", str(live)]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "khong-co.sqlite"), "--db", str(live)]) == 1
    assert "Không tìm thấy tệp" in capsys.readouterr().err
    assert main(["restore", str(backup), "--db", str(live), "--force"]) == 0
    out = capsys.readouterr().out
    assert "Đã khôi phục" in out and "3 người dùng" in out and ".before-restore" in out
