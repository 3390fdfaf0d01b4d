"""Upgrades: a database made by the first release, full of people's work, survives every migration.

Generic on purpose: it reads the migration list, so each new migration is tested here without
touching this file. A migration that deliberately reshapes old rows (renames a column, moves
data) must say so in RESHAPED below, with the check that replaces the row-for-row comparison.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from bot.engine.dispatcher import Engine
from bot.engine.texts import Texts
from bot.features import ROUTERS
from bot.ops.restore import known_migrations
from bot.store.db import open_db
from bot.store.migrations import migrations
from lessons.model import Curriculum
from lessons.text import fold
from tests.conftest import COMMUNE
from tests.factories import Clock, Conversation

MIGRATIONS = known_migrations()
# {table: reason} for tables whose old rows a migration intentionally changes.
RESHAPED: dict[str, str] = {}

NOW = 1_790_000_000  # September 2026: the first release's data is a little older than "now"


def fill_first_schema(db: Database) -> None:
    """What a commune's database looks like after weeks on the first release."""
    rows: dict[str, list[dict[str, Any]]] = {
        "units": [
            {"id": 1, "parent_id": None, "kind": "commune", "name": COMMUNE},
            {
                "id": 2,
                "parent_id": 1,
                "kind": "village",
                "name": "Thôn Đông",
                "adult_population": 820,
                "households": 290,
            },
            {
                "id": 3,
                "parent_id": 1,
                "kind": "village",
                "name": "Thôn Tây",
                "adult_population": 640,
                "households": 225,
            },
        ],
        "users": [
            {
                "id": 1,
                "channel": "console",
                "external_id": "u-hoa",
                "chat_id": "u-hoa",
                "display_name": "Nguyễn Thị Hoa",
                "unit_id": 2,
                "birth_year": 1956,
                "grp": "cao_tuoi",
                "consent_at": NOW - 86400 * 20,
                "onboarded_at": NOW - 86400 * 20,
                "state": None,
                "state_data": "{}",
                "last_buttons": "[]",
                "created_at": NOW - 86400 * 20,
                "last_active_at": NOW - 3600,
            },
            {
                "id": 2,
                "channel": "telegram",
                "external_id": "5550001",
                "chat_id": "5550001",
                "display_name": "Trần Văn Bình",
                "unit_id": 3,
                "birth_year": 1978,
                "grp": "nong_dan",
                "consent_at": NOW - 86400 * 9,
                "onboarded_at": NOW - 86400 * 9,
                "state": None,
                "state_data": "{}",
                "last_buttons": '[[["Bài tiếp theo","m:next"]]]',
                "created_at": NOW - 86400 * 9,
                "last_active_at": NOW - 7200,
            },
            {
                "id": 3,
                "channel": "zalo",
                "external_id": "z-77",
                "chat_id": "z-77",
                "display_name": None,
                "unit_id": None,
                "birth_year": None,
                "grp": None,
                "consent_at": None,
                "onboarded_at": None,
                "state": "ob:consent",
                "state_data": '{"step": 1}',
                "last_buttons": '[[["Đồng ý","ob:c:y"],["Không đồng ý","ob:c:n"]]]',
                "created_at": NOW - 600,
                "last_active_at": NOW - 600,
                "unreachable_at": NOW - 60,
            },
        ],
        "processed_updates": [
            {"channel": "telegram", "update_id": "900001", "processed_at": NOW - 7200},
            {"channel": "console", "update_id": "first-release-1", "processed_at": NOW - 3600},
        ],
        "outbox": [
            {
                "id": 1,
                "channel": "telegram",
                "chat_id": "5550001",
                "user_id": 2,
                "body": '{"text":"Chào anh Bình"}',
                "status": "sent",
                "attempts": 1,
                "not_before": NOW - 7200,
                "created_at": NOW - 7200,
                "sent_at": NOW - 7199,
            },
            {
                "id": 2,
                "channel": "telegram",
                "chat_id": "5550001",
                "user_id": 2,
                "body": '{"text":"Bài 2 đang chờ anh."}',
                "status": "pending",
                "attempts": 0,
                "not_before": NOW + 3600,
                "created_at": NOW - 60,
            },
            {
                "id": 3,
                "channel": "zalo",
                "chat_id": "z-77",
                "user_id": 3,
                "body": '{"text":"Xin chào"}',
                "status": "unreachable",
                "attempts": 3,
                "not_before": NOW - 600,
                "created_at": NOW - 600,
                "last_error": "403",
            },
        ],
        "progress": [
            {
                "user_id": 1,
                "lesson_id": "vneid-01",
                "status": "passed",
                "step": 5,
                "score": 3,
                "total": 3,
                "attempts": 1,
                "unit_id": 2,
                "started_at": NOW - 86400 * 19,
                "finished_at": NOW - 86400 * 19 + 900,
            },
            {
                "user_id": 1,
                "lesson_id": "lua-dao-01",
                "status": "quiz",
                "step": 4,
                "attempts": 0,
                "unit_id": 2,
                "started_at": NOW - 3600,
            },
            {
                "user_id": 2,
                "lesson_id": "thanh-toan-01",
                "status": "failed",
                "step": 6,
                "score": 1,
                "total": 3,
                "attempts": 2,
                "unit_id": 3,
                "started_at": NOW - 86400,
                "finished_at": NOW - 86000,
            },
        ],
        "anonymous_completions": [{"unit_id": 2, "lesson_id": "vneid-01", "completions": 4}],
        "self_assessments": [
            {
                "user_id": 1,
                "unit_id": 2,
                "kind": "baseline",
                "smartphone": 1,
                "epayment": 0,
                "vneid2": 0,
                "ai_tool": 0,
                "taken_at": NOW - 86400 * 20,
            },
            {
                "user_id": 2,
                "unit_id": 3,
                "kind": "baseline",
                "smartphone": 1,
                "epayment": 1,
                "vneid2": None,
                "ai_tool": 0,
                "taken_at": NOW - 86400 * 9,
            },
        ],
        "audit_log": [
            {"at": NOW - 86400 * 20, "actor_user_id": 1, "action": "consent.given", "detail": "{}"},
            {"at": NOW - 86400 * 5, "action": "user.erased", "subject": "user:9", "detail": "{}"},
        ],
    }
    for table, records in rows.items():
        for record in records:
            if table == "units":
                record.update(name_folded=fold(record["name"]), created_at=NOW, updated_at=NOW)
            columns = ", ".join(record)
            marks = ", ".join("?" for _ in record)
            db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(record.values()))
    db.conn.commit()


def snapshot(db: Database) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    result = {}
    for table in db.table_names():
        if table.startswith(("sqlite_", "_sqlite")):
            continue
        columns = [c.name for c in db[table].columns]
        rows = db.execute(f'SELECT {", ".join(columns)} FROM "{table}"').fetchall()
        result[table] = (columns, sorted(rows, key=repr))
    return result


def first_release_database(path: Path) -> Database:
    db = Database(sqlite3.connect(path))
    db.execute("PRAGMA foreign_keys = ON")
    migrations.apply(db, stop_before=MIGRATIONS[1] if len(MIGRATIONS) > 1 else None)
    assert [m.name for m in migrations.applied(db)] == MIGRATIONS[:1]
    fill_first_schema(db)
    return db


# Upgrade from the first schema, and from the first schema's data carried through each later
# version in turn (a commune that skipped some releases and one that took them all).
@pytest.mark.parametrize(
    "via", [None, *MIGRATIONS[2:]], ids=lambda v: f"via-{v}" if v else "direct"
)
def test_upgrade_keeps_every_row_of_the_first_schema(tmp_path: Path, via: str | None) -> None:
    path = tmp_path / "first.sqlite"
    db = first_release_database(path)
    before = snapshot(db)
    assert all(rows for _, rows in before.values()), "fill every table of the first schema"
    if via is not None:
        migrations.apply(db, stop_before=via)
    db.close()

    upgraded = open_db(path)  # what `hocvuso run` does at start
    assert migrations.pending(upgraded) == []
    assert upgraded.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert upgraded.execute("PRAGMA foreign_key_check").fetchall() == []
    after_tables = set(upgraded.table_names())
    for table, (columns, rows) in before.items():
        if table in RESHAPED:
            continue
        assert table in after_tables, f"table {table} disappeared"
        new_columns = {c.name for c in upgraded[table].columns}
        assert set(columns) <= new_columns, f"{table} lost {set(columns) - new_columns}"
        kept = upgraded.execute(f'SELECT {", ".join(columns)} FROM "{table}"').fetchall()
        assert sorted(kept, key=repr) == rows, f"rows of {table} changed"
    upgraded.close()


def test_people_carry_on_after_the_upgrade(
    tmp_path: Path, texts: Texts, curriculum: Curriculum
) -> None:
    path = tmp_path / "first.sqlite"
    first_release_database(path).close()
    db = open_db(path)
    engine = Engine(db, texts, curriculum, ROUTERS, commune_name=COMMUNE, clock=Clock(NOW))
    hoa = Conversation(engine, user="u-hoa", channel="console")
    hoa.send("/dulieucuatoi")
    assert "Tên gọi: Nguyễn Thị Hoa" in hoa.text and "Thôn: Thôn Đông" in hoa.text
    # An update processed before the upgrade is still recognised as a repeat.
    hoa.send("/menu", update_id="first-release-1")
    assert hoa.last_outcome is not None and hoa.last_outcome.duplicate
    db.close()
