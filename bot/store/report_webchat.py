"""Schema of migration m019_report_gaps: the web chat learners' weekly flows and lesson passes,
kept apart like their monthly flows (report_webchat_months, m010), so the weekly trend and the
topic and domain tables can leave them out unless the web chat is a kiosk at the commune centre.

Frozen with the migration: never edit this SQL once shipped; change it in a new migration.

report_weeks and report_lessons (m007) count everyone; a report without a kiosk subtracts these.
Dates are Vietnam dates (UTC+7), weeks start on Monday, as in report_schema.py.
"""

from __future__ import annotations

from sqlite_utils import Database


def _day(ts: str) -> str:
    return f"date({ts}, 'unixepoch', '+7 hours')"


def _week(day: str) -> str:
    return f"date({day}, 'weekday 0', '-6 days')"


def _week_flow(unit: str, grp: str, day: str, column: str) -> str:
    return (
        f"INSERT INTO report_webchat_weeks (week, unit_id, grp, {column}) "
        f"VALUES ({_week(day)}, {unit}, {grp}, 1) "
        f"ON CONFLICT DO UPDATE SET {column} = {column} + 1"
    )


def _pass(row: str) -> str:
    grp = f"IFNULL((SELECT grp FROM report_learners WHERE user_id = {row}.user_id), '')"
    day = _day(f"{row}.finished_at")
    assisted = f"({row}.assisted_by IS NOT NULL)"
    return (
        f"{_week_flow(f'IFNULL({row}.unit_id, 0)', grp, day, 'passed')};\n    "
        "INSERT INTO report_webchat_lessons (month, unit_id, lesson_id, passed, assisted) "
        f"VALUES (substr({day}, 1, 7), IFNULL({row}.unit_id, 0), {row}.lesson_id, 1, {assisted}) "
        f"ON CONFLICT DO UPDATE SET passed = passed + 1, assisted = assisted + {assisted}"
    )


TABLES = """
CREATE TABLE report_webchat_weeks (
    week TEXT NOT NULL, unit_id INTEGER NOT NULL, grp TEXT NOT NULL,
    joined INTEGER NOT NULL DEFAULT 0, core_done INTEGER NOT NULL DEFAULT 0,
    passed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (week, unit_id, grp)
) WITHOUT ROWID;;
CREATE TABLE report_webchat_lessons (
    month TEXT NOT NULL, unit_id INTEGER NOT NULL, lesson_id TEXT NOT NULL,
    passed INTEGER NOT NULL DEFAULT 0, assisted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, unit_id, lesson_id)
) WITHOUT ROWID
"""


def _backfill() -> str:
    return f"""
INSERT INTO report_webchat_weeks (week, unit_id, grp, joined, core_done, passed)
SELECT {_week("day")}, unit_id, grp, SUM(joined), SUM(core_done), SUM(passed) FROM (
    SELECT {_day("rl.joined_at")} AS day, rl.unit_id, rl.grp, 1 AS joined, 0 AS core_done,
        0 AS passed
        FROM report_learners rl WHERE rl.webchat = 1 AND rl.registered = 1
    UNION ALL
    SELECT {_day("u.core_done_at")}, IFNULL(u.unit_id, 0), IFNULL(u.grp, ''), 0, 1, 0
        FROM users u WHERE u.channel = 'webchat' AND u.core_done_at IS NOT NULL
    UNION ALL
    SELECT {_day("p.finished_at")}, IFNULL(p.unit_id, 0),
        IFNULL((SELECT grp FROM report_learners WHERE user_id = p.user_id), ''), 0, 0, 1
        FROM progress p JOIN users u ON u.id = p.user_id
        WHERE u.channel = 'webchat' AND p.finished_at IS NOT NULL
) GROUP BY 1, 2, 3;;
INSERT INTO report_webchat_lessons (month, unit_id, lesson_id, passed, assisted)
SELECT substr({_day("p.finished_at")}, 1, 7), IFNULL(p.unit_id, 0), p.lesson_id, COUNT(*),
    SUM(p.assisted_by IS NOT NULL)
FROM progress p JOIN users u ON u.id = p.user_id
WHERE u.channel = 'webchat' AND p.finished_at IS NOT NULL GROUP BY 1, 2, 3
"""


def _triggers() -> str:
    webchat = "(SELECT channel FROM users WHERE id = NEW.user_id) = 'webchat'"
    return f"""
CREATE TRIGGER report_webchat_week_joined AFTER UPDATE OF webchat, registered ON report_learners
WHEN NEW.webchat = 1 AND NEW.registered = 1 AND NOT (OLD.webchat = 1 AND OLD.registered = 1)
BEGIN
    {_week_flow("NEW.unit_id", "NEW.grp", _day("NEW.joined_at"), "joined")};
END;;
CREATE TRIGGER report_webchat_week_core AFTER UPDATE OF core_done_at ON users
WHEN NEW.channel = 'webchat' AND OLD.core_done_at IS NULL AND NEW.core_done_at IS NOT NULL
BEGIN
    {
        _week_flow(
            "IFNULL(NEW.unit_id, 0)", "IFNULL(NEW.grp, '')", _day("NEW.core_done_at"), "core_done"
        )
    };
END;;
CREATE TRIGGER report_webchat_lesson_passed AFTER UPDATE OF finished_at ON progress
WHEN OLD.finished_at IS NULL AND NEW.finished_at IS NOT NULL AND {webchat}
BEGIN
    {_pass("NEW")};
END;;
CREATE TRIGGER report_webchat_lesson_passed_insert AFTER INSERT ON progress
WHEN NEW.finished_at IS NOT NULL AND {webchat}
BEGIN
    {_pass("NEW")};
END
"""


def _run(db: Database, script: str) -> None:
    for statement in script.split(";;\n"):
        if statement.strip():
            db.execute(statement)


def backfill(db: Database) -> None:
    """Fill the (empty) tables from the rows already there."""
    _run(db, _backfill())


def m019(db: Database) -> None:
    """The tables, filled from the rows already there, then the triggers that keep them."""
    _run(db, TABLES)
    backfill(db)
    _run(db, _triggers())
