"""The report summaries the triggers keep equal what migration m007 builds from the same rows,
and follow every kind of change: moving village, changing group, erasing, leaving a household."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from bot.store.db import open_db
from bot.store.migrations import migrations
from bot.units import seed_demo
from tests.conftest import CONTENT
from tests.test_reports import helpers as h

SUMMARIES = (
    "report_learners",
    "report_totals",
    "report_months",
    "report_weeks",
    "report_active_users",
    "report_active",
    "report_lessons",
    "report_households",
    "report_hh_totals",
)


def _fill(db: Database) -> None:
    seed_demo(db, CONTENT, "Xã Bình Minh")
    with db.atomic():
        mentor = h.learner(
            db,
            "Thôn Đông",
            role="mentor",
            baseline=(1, 1, 1, 1),
            passed=(("vneid-01", "2026-10-02"),),
        )
        h.learner(
            db,
            "Thôn Đông",
            core_done="2026-10-20",
            baseline=(0, 1, 0, None),
            followup=(1, 1, 1, 0),
            passed=(("vneid-01", "2026-10-03"),),
            days=("2026-10-03", "2026-11-01"),
        )
        learner = h.learner(
            db,
            "Thôn Tây",
            assisted=True,
            registered_by=mentor,
            passed=(("lua-dao-01", "2026-11-05"),),
            started=(("ai-01", "2026-11-06"),),
        )
        db.execute(
            "INSERT INTO mentor_links (mentor_id, mentee_id, linked_at) VALUES (?, ?, 1)",
            [mentor, learner],
        )
        house = db.execute(
            "INSERT INTO households (code, unit_id, created_at) VALUES ('H1', ?, 1)",
            [h.village_id(db, "Thôn Tây")],
        ).lastrowid
        db.execute(
            "INSERT INTO household_members (household_id, user_id, joined_at) VALUES (?, ?, 1)",
            [house, learner],
        )
        db.execute(
            "INSERT INTO anonymous_completions VALUES (?, 'vneid-01', 2)",
            [h.village_id(db, "Thôn Nam")],
        )


def _snapshot(db: Database) -> dict[str, list[tuple]]:
    result = {}
    for table in SUMMARIES:
        rows = db.execute(f"SELECT * FROM {table}").fetchall()
        # Zero rows left by moves (a village emptied) carry no information.
        result[table] = sorted(
            r
            for r in rows
            if any(v not in (0, "") for v in r[2:])
            or table in ("report_active_users", "report_learners", "report_households")
        )
    return result


def test_triggers_equal_the_backfill_of_an_upgrade(tmp_path: Path) -> None:
    live = open_db(tmp_path / "live.sqlite")
    _fill(live)
    old = open_db(tmp_path / "old.sqlite", migrate=False)
    migrations.apply(old, stop_before="m007_officials")
    _fill(old)
    migrations.apply(old)  # the upgrade: m007 builds the summaries from the rows
    live_rows, old_rows = _snapshot(live), _snapshot(old)
    for table in SUMMARIES:
        if table == "report_lessons":
            # Before m007 the anonymous completions have no month; afterwards they are counted
            # when the lesson is passed, so the live database has none of its own here.
            old_rows[table] = [r for r in old_rows[table] if r[0] != ""]
        assert live_rows[table] == old_rows[table], table
    live.close()
    old.close()


HISTORY = (
    "report_hist_days",
    "report_hist_months",
    "report_hh_days",
    "report_hh_months",
    "report_webchat_months",
    "report_webchat_active",
)


def _history(db: Database) -> dict[str, list[tuple]]:
    result = {}
    for table in HISTORY:
        rows = db.execute(f"SELECT * FROM {table}").fetchall()
        keys = 4 if "hist" in table else (2 if "hh" in table else 3)
        result[table] = sorted(r for r in rows if any(v != 0 for v in r[keys:]))
    return result


def test_history_triggers_equal_the_backfill_of_an_upgrade(tmp_path: Path) -> None:
    """m010 dates the facts already there as the triggers date them on a live database."""
    live = open_db(tmp_path / "live.sqlite")
    _fill(live)
    with live.atomic():
        h.learner(live, "Thôn Tây", channel="webchat", passed=(("vneid-01", "2026-10-04"),))
    old = open_db(tmp_path / "old.sqlite", migrate=False)
    migrations.apply(old, stop_before="m010_report_history")
    _fill(old)
    with old.atomic():
        h.learner(old, "Thôn Tây", channel="webchat", passed=(("vneid-01", "2026-10-04"),))
    migrations.apply(old)
    live_rows, old_rows = _history(live), _history(old)
    for table in HISTORY:
        assert live_rows[table] and live_rows[table] == old_rows[table], table
    live.close()
    old.close()


def _totals(db: Database, unit: int) -> tuple:
    return db.execute(
        "SELECT SUM(registered), SUM(core_done), SUM(core_erased), SUM(n_vneid2), SUM(mentored) "
        "FROM report_totals WHERE unit_id = ?",
        [unit],
    ).fetchone()


def test_moves_group_changes_and_erasure_follow(fresh_db: Database) -> None:
    db = fresh_db
    seed_demo(db, CONTENT, "Xã Bình Minh")
    dong, tay = h.village_id(db, "Thôn Đông"), h.village_id(db, "Thôn Tây")
    with db.atomic():
        mentor = h.learner(db, "Thôn Đông", role="mentor")
        user = h.learner(db, "Thôn Đông", core_done="2026-10-20", followup=(1, 1, 1, 1))
        db.execute(
            "INSERT INTO mentor_links (mentor_id, mentee_id, linked_at) VALUES (?, ?, 1)",
            [mentor, user],
        )
    assert _totals(db, dong) == (2, 1, 0, 1, 1)
    with db.atomic():
        db.execute("UPDATE users SET unit_id = ?, grp = 'cao_tuoi' WHERE id = ?", [tay, user])
    assert _totals(db, dong) == (1, 0, 0, 0, 0)
    assert _totals(db, tay) == (1, 1, 0, 1, 1)
    groups = dict(
        db.execute("SELECT grp, SUM(registered) FROM report_totals GROUP BY grp").fetchall()
    )
    assert groups["cao_tuoi"] == 1 and groups["nguoi_dan"] == 1
    with db.atomic():
        db.execute("UPDATE mentor_links SET ended_at = 5 WHERE mentee_id = ?", [user])
    assert _totals(db, tay) == (1, 1, 0, 1, 0)
    with db.atomic():
        db.execute("DELETE FROM users WHERE id = ?", [user])
    # Gone from "registered now"; the finished core track stays counted, anonymously.
    assert _totals(db, tay) == (0, 0, 1, 0, 0)
    assert (
        db.execute("SELECT COUNT(*) FROM report_active_users WHERE user_id = ?", [user]).fetchone()[
            0
        ]
        == 0
    )


def test_learning_through_the_chat_shows_in_the_report(conv, curriculum) -> None:
    """The whole way: onboarding and a lesson in chat, then the report's village row."""
    from bot.reports import model
    from bot.reports.periods import quarter_of
    from tests.learning_helpers import pass_lesson

    conv.onboard(village="Thôn Tây", answers=("Có", "Chưa", "Có", "Chưa"))
    lesson = curriculum.lesson(curriculum.path_for("cao_tuoi")[0])
    pass_lesson(conv, lesson)
    db = conv.engine.db
    today = conv.engine.local_now().date()
    report = model.build(
        db, curriculum, commune="Xã Bình Minh", period=quarter_of(today), today=today, targets=None
    )
    row = next(r for r in report.villages if r.name == "Thôn Tây")
    assert (row.registered, row.joined, row.active, row.passed) == (1, 1, 1, 1)
    assert row.baseline == {"smartphone": 1, "epayment": 0, "vneid2": 1, "ai_tool": 0}
    assert row.now == row.baseline and row.core_done == 0
    topic = next(t for t in report.topics if t.key == lesson.topic)
    assert topic.passed == 1
    assert sum(r.registered for r in report.villages) == 1
