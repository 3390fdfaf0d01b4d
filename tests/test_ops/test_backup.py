"""`hocvuso backup`: consistent while the assistant writes, checked, rotated; restorable."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.cli import main
from bot.engine.dispatcher import Engine
from bot.ops import OpsError
from bot.ops.backup import backup_files, make_backup, rotate
from bot.ops.restore import restore
from bot.store import audit, maintenance, outbox, users
from bot.store.db import open_db
from tests.test_ops.conftest import populate


class Writer(threading.Thread):
    """The assistant at work: each transaction adds a user, two replies and an audit entry."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.stop = threading.Event()
        self.committed = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        db = open_db(self.path)
        try:
            while not self.stop.is_set():
                n = self.committed
                with db.atomic():
                    user = users.load_or_create(db, "telegram", f"w{n}", f"w{n}", 1795000000 + n)
                    for part in (1, 2):
                        outbox.enqueue(
                            db,
                            channel="telegram",
                            chat_id=f"w{n}",
                            user_id=user.id,
                            body={"text": f"Trả lời {part} cho lượt {n}"},
                            now=1795000000 + n,
                        )
                    audit.record(db, 1795000000 + n, "writer.turn", actor_user_id=user.id)
                self.committed += 1
        except BaseException as exc:  # surfaced by the test
            self.error = exc
        finally:
            db.close()


def assert_whole_transactions(path: Path) -> int:
    """Every writer transaction in the copy is complete, and they form an unbroken prefix."""
    db = Database(path)
    try:
        turns = [
            int(r[0][1:])
            for r in db.execute("SELECT external_id FROM users WHERE channel = 'telegram'")
        ]
        assert sorted(turns) == list(range(len(turns))), "a transaction is missing in the copy"
        per_user = db.execute(
            "SELECT u.external_id, COUNT(o.id) FROM users u LEFT JOIN outbox o "
            "ON o.user_id = u.id WHERE u.channel = 'telegram' GROUP BY u.id"
        ).fetchall()
        assert all(count == 2 for _, count in per_user), "half a transaction in the copy"
        audits = db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'writer.turn'")
        assert audits.fetchone()[0] == len(turns)
        return len(turns)
    finally:
        db.close()


def test_backup_while_writing_is_consistent_and_restores_row_for_row(
    engine: Engine, tmp_path: Path
) -> None:
    populate(engine)
    live = tmp_path / "test.sqlite"
    out = tmp_path / "backups"
    writer = Writer(live)
    writer.start()
    try:
        while writer.committed < 200:
            time.sleep(0.01)
        copies = []
        for _ in range(3):
            before = writer.committed
            # The real command, in its own process, as the nightly timer runs it.
            done = subprocess.run(
                [sys.executable, "-m", "bot.cli", "backup", "--db", str(live), "--out", str(out)],
                capture_output=True,
                text=True,
                timeout=60,
                env={**os.environ, "BACKUP_KEEP": "10"},
            )
            assert done.returncode == 0, done.stderr
            assert "kiểm tra toàn vẹn: đạt" in done.stdout
            copies.append((before, writer.committed))
        in_process = make_backup(live, out, keep=10)
        copies.append((0, writer.committed))
    finally:
        writer.stop.set()
        writer.join(10)
    assert writer.error is None, writer.error
    files = backup_files(out)
    assert len(files) == 4 and files[-1] == in_process.path
    for path, (before, after) in zip(files, copies, strict=True):
        assert maintenance.integrity_problems(path) == []
        turns = assert_whole_transactions(path)
        # Made while the writer was committing: at least what was there when the backup began.
        assert before <= turns <= after
    # The writer committed while each `hocvuso backup` process ran.
    assert all(after > before for before, after in copies[:3])

    # Restore a copy made mid-write into a fresh directory: every row equal to the copy.
    fresh = tmp_path / "fresh" / "hocvuso.sqlite"
    result = restore(files[1], fresh)
    assert result.before_restore is None
    assert maintenance.table_rows(fresh) == maintenance.table_rows(files[1])

    # After the writes stop, a backup holds every row of the live database.
    final = make_backup(live, out, keep=10)
    fresh2 = tmp_path / "fresh2" / "hocvuso.sqlite"
    restore(final.path, fresh2)
    live_rows = maintenance.table_rows(live)
    assert maintenance.table_rows(fresh2) == live_rows
    assert len(live_rows["users"]) == writer.committed + 3
    names = {row[4] for row in live_rows["users"]}
    assert {"Nguyễn Thị Hoa", "Trần Văn Bình", "Lê Thị Mai"} <= names


def test_backup_is_one_file_readable_by_the_service_user_only(
    engine: Engine, tmp_path: Path
) -> None:
    populate(engine)
    result = make_backup(tmp_path / "test.sqlite", tmp_path / "b", keep=3)
    assert result.path.name.startswith("hocvuso-") and result.path.suffix == ".sqlite"
    assert result.path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "b").stat().st_mode & 0o777 == 0o700
    # A rollback-journal file: copying it anywhere copies everything (no -wal beside it).
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == [result.path.name]
    journal = Database(result.path).execute("PRAGMA journal_mode").fetchone()[0]
    assert journal == "delete"


def test_rotation_keeps_the_newest_n_and_nothing_else_is_touched(tmp_path: Path) -> None:
    live = tmp_path / "live.sqlite"
    open_db(live).close()
    out = tmp_path / "backups"
    out.mkdir()
    (out / "notes.txt").write_text("bản sao tay của cán bộ")
    (out / "hocvuso-manual.sqlite").write_text("not ours")
    clock = iter(1795000000 + 86400 * day for day in range(10))
    made = [make_backup(live, out, keep=3, clock=lambda: next(clock)).path for _ in range(6)]
    kept = backup_files(out)
    assert kept == made[-3:]
    assert all(not path.exists() for path in made[:3])
    assert (out / "notes.txt").exists() and (out / "hocvuso-manual.sqlite").exists()
    # Two backups within the same second get distinct names, ordered.
    same = [make_backup(live, out, keep=10, clock=lambda: 1795999999).path for _ in range(3)]
    assert backup_files(out)[-3:] == same
    assert rotate(out, 2) == made[-3:] + same[:1]
    assert backup_files(out) == same[1:]


def test_cli_backup_rotates_with_settings_and_reports_in_vietnamese(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    populate(engine)
    monkeypatch.setenv("BACKUP_DIR", str(tmp_path / "nightly"))
    monkeypatch.setenv("BACKUP_KEEP", "2")
    for _ in range(3):
        assert main(["backup", "--db", str(tmp_path / "test.sqlite")]) == 0
    assert len(backup_files(tmp_path / "nightly")) == 2
    out = capsys.readouterr().out
    assert "Đã sao lưu vào" in out and "Đang giữ 2 bản mới nhất, đã xoá 1 bản cũ." in out


def test_backup_of_a_missing_database_says_so_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nothing" / "hocvuso.sqlite"
    assert main(["backup", "--db", str(missing), "--out", str(tmp_path / "b")]) == 1
    assert "chưa có gì để sao lưu" in capsys.readouterr().err
    assert not missing.exists() and not (tmp_path / "b").exists()
    with pytest.raises(OpsError):
        make_backup(missing, tmp_path / "b", keep=1)
