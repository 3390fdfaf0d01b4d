"""Schema of migration m007_officials: officials' accounts, their dashboard sessions, login
throttling, and the report summaries that triggers keep up to date on every write.

Frozen with the migration: never edit this SQL once shipped; change it in a new migration.

Why summaries: reports must read indexed aggregates, never the whole history row by row (a
province is a million users and tens of millions of progress rows). Triggers keep them, so every
writer (the engine, mentors' assisted learning, imports, a hand-written fix) updates them in the
same transaction as the row itself. Per-learner values are recomputed or set from the row; only
the per-village sums move by deltas.

- report_learners: one row per user with what reports count (registered, assisted, core track
  done, mentor, mentored, lessons passed, self-assessment at baseline and now).
- report_totals: sums of report_learners per (village, group); core_erased keeps the core-track
  completions of people who erased their data, so the commune's totals stay true.
- report_months / report_weeks: per (month or week, village, group) how many joined, finished the
  core track and passed lessons (of those passes, how many a mentor assisted); never
  decremented, so a past period's numbers stay as they were when people erase their data later.
  Periods are whole months; weeks (from Monday) feed the trend.
- report_active_users / report_active: who learned in a month, quarter or year, and how many per
  (period, village, group).
- report_lessons: passes per (month, village, lesson); '' is the month of completions folded in
  before this migration from erased users (anonymous_completions), whose date is unknown.
- report_households / report_hh_totals: Gia đình số, households with a registered member and
  households with a member who finished the core track.

Dates are Vietnam dates: UTC+7 all year (Vietnam has one time zone and no daylight saving).
"""

from __future__ import annotations

from sqlite_utils import Database

DAY = "date({ts}, 'unixepoch', '+7 hours')"
ASSESS = ("smartphone", "epayment", "vneid2", "ai_tool")
# report_learners columns summed into report_totals (each counted for registered learners only).
SUMMED = (
    "assisted",
    "core_done",
    "mentor",
    "mentored",
    *(f"b_{q}" for q in ASSESS),
    *(f"n_{q}" for q in ASSESS),
)


def _run(db: Database, script: str) -> None:
    for statement in script.split(";;\n"):
        if statement.strip():
            db.execute(statement)


def _day(ts: str) -> str:
    return DAY.format(ts=ts)


def _totals_delta(row: str, sign: str) -> str:
    """UPDATE report_totals by the contribution of report_learners row OLD or NEW."""
    sets = [f"registered = registered {sign} {row}.registered"]
    sets += [f"{c} = {c} {sign} {row}.registered * {row}.{c}" for c in SUMMED]
    sets.append(
        f"assisted_core = assisted_core {sign} {row}.registered * {row}.assisted * {row}.core_done"
    )
    return (
        f"UPDATE report_totals SET {', '.join(sets)} "
        f"WHERE unit_id = {row}.unit_id AND grp = {row}.grp"
    )


def _ensure_totals(row: str) -> str:
    return (
        f"INSERT INTO report_totals (unit_id, grp) VALUES ({row}.unit_id, {row}.grp) "
        "ON CONFLICT DO NOTHING"
    )


def _week(day: str) -> str:
    """The Monday of the week of a Vietnam date."""
    return f"date({day}, 'weekday 0', '-6 days')"


def _day_event(unit: str, grp: str, day: str, column: str, extra: str = "", when: str = "1") -> str:
    """Count one event (joined, core_done, passed) in its month and in its week."""
    extra_cols = ", assisted_passed" if extra else ""
    extra_vals = f", {extra}" if extra else ""
    extra_set = f", assisted_passed = assisted_passed + {extra}" if extra else ""
    return ";\n".join(
        f"INSERT INTO {table} ({key}, unit_id, grp, {column}{extra_cols}) "
        f"SELECT {bucket}, {unit}, {grp}, 1{extra_vals} WHERE {when} "
        f"ON CONFLICT DO UPDATE SET {column} = {column} + 1{extra_set}"
        for table, key, bucket in (
            ("report_months", "month", f"substr({day}, 1, 7)"),
            ("report_weeks", "week", _week(day)),
        )
    )


def _mark_active(user: str, day: str) -> str:
    quarter = f"substr({day}, 1, 4) || '-Q' || ((CAST(substr({day}, 6, 2) AS INTEGER) + 2) / 3)"
    return (
        "INSERT OR IGNORE INTO report_active_users (user_id, period) VALUES "
        f"({user}, substr({day}, 1, 7)), ({user}, {quarter}), ({user}, substr({day}, 1, 4))"
    )


def _household_recount(where: str) -> str:
    return (
        "UPDATE report_households SET "
        "members = (SELECT COUNT(*) FROM household_members hm JOIN report_learners rl "
        "ON rl.user_id = hm.user_id WHERE hm.household_id = report_households.household_id "
        "AND rl.registered = 1), "
        "members_done = (SELECT COUNT(*) FROM household_members hm JOIN report_learners rl "
        "ON rl.user_id = hm.user_id WHERE hm.household_id = report_households.household_id "
        f"AND rl.registered = 1 AND rl.core_done = 1) WHERE {where}"
    )


def _pass_event(row: str, day_ts: str) -> str:
    grp = f"IFNULL((SELECT grp FROM report_learners WHERE user_id = {row}.user_id), '')"
    assisted = f"({row}.assisted_by IS NOT NULL)"
    return ";;\n".join(
        [
            _day_event(f"IFNULL({row}.unit_id, 0)", grp, _day(day_ts), "passed", assisted),
            "INSERT INTO report_lessons (month, unit_id, lesson_id, passed, assisted) VALUES "
            f"(substr({_day(day_ts)}, 1, 7), IFNULL({row}.unit_id, 0), {row}.lesson_id, 1, "
            f"{assisted}) ON CONFLICT DO UPDATE SET passed = passed + 1, "
            f"assisted = assisted + {assisted}",
            "UPDATE report_learners SET lessons_passed = lessons_passed + 1 "
            f"WHERE user_id = {row}.user_id",
            _mark_active(f"{row}.user_id", _day(day_ts)),
        ]
    )


TABLES = """
CREATE TABLE officials (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'village')),
    unit_id INTEGER REFERENCES units(id),
    user_id INTEGER UNIQUE REFERENCES users(id) ON DELETE SET NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_login_at INTEGER,
    CHECK (role = 'admin' OR unit_id IS NOT NULL)
);;
CREATE TABLE official_sessions (
    token_hash TEXT PRIMARY KEY,
    official_id INTEGER NOT NULL REFERENCES officials(id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    seen_at INTEGER NOT NULL
) WITHOUT ROWID;;
CREATE INDEX official_sessions_official ON official_sessions(official_id);;
CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at INTEGER NOT NULL
);;
CREATE INDEX login_failures_key ON login_failures(key, at);;
CREATE TABLE report_learners (
    user_id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL DEFAULT 0,
    grp TEXT NOT NULL DEFAULT '',
    assisted INTEGER NOT NULL DEFAULT 0,
    registered INTEGER NOT NULL DEFAULT 0,
    joined_at INTEGER NOT NULL DEFAULT 0,
    core_done INTEGER NOT NULL DEFAULT 0,
    mentor INTEGER NOT NULL DEFAULT 0,
    mentored INTEGER NOT NULL DEFAULT 0,
    lessons_passed INTEGER NOT NULL DEFAULT 0,
    has_followup INTEGER NOT NULL DEFAULT 0,
    b_smartphone INTEGER NOT NULL DEFAULT 0, b_epayment INTEGER NOT NULL DEFAULT 0,
    b_vneid2 INTEGER NOT NULL DEFAULT 0, b_ai_tool INTEGER NOT NULL DEFAULT 0,
    n_smartphone INTEGER NOT NULL DEFAULT 0, n_epayment INTEGER NOT NULL DEFAULT 0,
    n_vneid2 INTEGER NOT NULL DEFAULT 0, n_ai_tool INTEGER NOT NULL DEFAULT 0
);;
CREATE INDEX report_learners_unit ON report_learners(unit_id, registered);;
CREATE TABLE report_totals (
    unit_id INTEGER NOT NULL,
    grp TEXT NOT NULL,
    registered INTEGER NOT NULL DEFAULT 0,
    assisted INTEGER NOT NULL DEFAULT 0,
    core_done INTEGER NOT NULL DEFAULT 0,
    assisted_core INTEGER NOT NULL DEFAULT 0,
    core_erased INTEGER NOT NULL DEFAULT 0,
    mentor INTEGER NOT NULL DEFAULT 0,
    mentored INTEGER NOT NULL DEFAULT 0,
    b_smartphone INTEGER NOT NULL DEFAULT 0, b_epayment INTEGER NOT NULL DEFAULT 0,
    b_vneid2 INTEGER NOT NULL DEFAULT 0, b_ai_tool INTEGER NOT NULL DEFAULT 0,
    n_smartphone INTEGER NOT NULL DEFAULT 0, n_epayment INTEGER NOT NULL DEFAULT 0,
    n_vneid2 INTEGER NOT NULL DEFAULT 0, n_ai_tool INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, grp)
) WITHOUT ROWID;;
CREATE TABLE report_months (
    month TEXT NOT NULL,
    unit_id INTEGER NOT NULL,
    grp TEXT NOT NULL,
    joined INTEGER NOT NULL DEFAULT 0,
    core_done INTEGER NOT NULL DEFAULT 0,
    passed INTEGER NOT NULL DEFAULT 0,
    assisted_passed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, unit_id, grp)
) WITHOUT ROWID;;
CREATE TABLE report_weeks (
    week TEXT NOT NULL,
    unit_id INTEGER NOT NULL,
    grp TEXT NOT NULL,
    joined INTEGER NOT NULL DEFAULT 0,
    core_done INTEGER NOT NULL DEFAULT 0,
    passed INTEGER NOT NULL DEFAULT 0,
    assisted_passed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (week, unit_id, grp)
) WITHOUT ROWID;;
CREATE TABLE report_active_users (
    user_id INTEGER NOT NULL,
    period TEXT NOT NULL,
    PRIMARY KEY (user_id, period)
) WITHOUT ROWID;;
CREATE TABLE report_active (
    period TEXT NOT NULL,
    unit_id INTEGER NOT NULL,
    grp TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (period, unit_id, grp)
) WITHOUT ROWID;;
CREATE TABLE report_lessons (
    month TEXT NOT NULL,
    unit_id INTEGER NOT NULL,
    lesson_id TEXT NOT NULL,
    passed INTEGER NOT NULL DEFAULT 0,
    assisted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, unit_id, lesson_id)
) WITHOUT ROWID;;
CREATE TABLE report_households (
    household_id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL DEFAULT 0,
    members INTEGER NOT NULL DEFAULT 0,
    members_done INTEGER NOT NULL DEFAULT 0
);;
CREATE TABLE report_hh_totals (
    unit_id INTEGER PRIMARY KEY,
    known INTEGER NOT NULL DEFAULT 0,
    engaged INTEGER NOT NULL DEFAULT 0,
    covered INTEGER NOT NULL DEFAULT 0
)
"""


def _learner_values(row: str) -> str:
    return (
        f"{row}.id, IFNULL({row}.unit_id, 0), IFNULL({row}.grp, ''), {row}.assisted, "
        f"({row}.onboarded_at IS NOT NULL OR {row}.assisted = 1), "
        f"COALESCE({row}.onboarded_at, {row}.created_at), {row}.core_done_at IS NOT NULL, "
        f"{row}.role = 'mentor'"
    )


IN_HOUSEHOLD = "household_id IN (SELECT household_id FROM household_members WHERE user_id = {user})"
LEARNER_COLUMNS = "user_id, unit_id, grp, assisted, registered, joined_at, core_done, mentor"


def _backfill() -> str:
    b_cols = ", ".join(f"IFNULL(b.{q} = 1, 0)" for q in ASSESS)
    n_cols = ", ".join(
        f"CASE WHEN f.id IS NOT NULL THEN IFNULL(f.{q} = 1, 0) ELSE IFNULL(b.{q} = 1, 0) END"
        for q in ASSESS
    )
    sums = ", ".join(f"SUM(registered * {c})" for c in SUMMED)
    return f"""
INSERT INTO report_learners ({LEARNER_COLUMNS}, mentored, lessons_passed, has_followup,
    {", ".join(f"b_{q}" for q in ASSESS)}, {", ".join(f"n_{q}" for q in ASSESS)})
SELECT {_learner_values("u")},
    EXISTS (SELECT 1 FROM mentor_links m WHERE m.mentee_id = u.id AND m.ended_at IS NULL),
    (SELECT COUNT(*) FROM progress p WHERE p.user_id = u.id AND p.finished_at IS NOT NULL),
    f.id IS NOT NULL, {b_cols}, {n_cols}
FROM users u
LEFT JOIN self_assessments b ON b.id = (SELECT MAX(id) FROM self_assessments
    WHERE user_id = u.id AND kind = 'baseline')
LEFT JOIN self_assessments f ON f.id = (SELECT MAX(id) FROM self_assessments
    WHERE user_id = u.id AND kind = 'followup');;
INSERT INTO report_totals (unit_id, grp, registered, {", ".join(SUMMED)}, assisted_core)
SELECT unit_id, grp, SUM(registered), {sums}, SUM(registered * assisted * core_done)
FROM report_learners GROUP BY unit_id, grp;;
CREATE TEMP TABLE event_days AS
SELECT day, unit_id, grp, SUM(joined) AS joined, SUM(core_done) AS core_done,
    SUM(passed) AS passed, SUM(assisted_passed) AS assisted_passed FROM (
    SELECT {_day("joined_at")} AS day, unit_id, grp, 1 AS joined, 0 AS core_done, 0 AS passed,
        0 AS assisted_passed FROM report_learners WHERE registered = 1
    UNION ALL
    SELECT {_day("u.core_done_at")}, IFNULL(u.unit_id, 0), IFNULL(u.grp, ''), 0, 1, 0, 0
        FROM users u WHERE u.core_done_at IS NOT NULL
    UNION ALL
    SELECT {_day("p.finished_at")}, IFNULL(p.unit_id, 0), IFNULL(u.grp, ''), 0, 0, 1,
        p.assisted_by IS NOT NULL
        FROM progress p JOIN users u ON u.id = p.user_id WHERE p.finished_at IS NOT NULL
) GROUP BY day, unit_id, grp;;
INSERT INTO report_months (month, unit_id, grp, joined, core_done, passed, assisted_passed)
SELECT substr(day, 1, 7), unit_id, grp, SUM(joined), SUM(core_done), SUM(passed),
    SUM(assisted_passed) FROM temp.event_days GROUP BY 1, 2, 3;;
INSERT INTO report_weeks (week, unit_id, grp, joined, core_done, passed, assisted_passed)
SELECT {_week("day")}, unit_id, grp, SUM(joined), SUM(core_done), SUM(passed),
    SUM(assisted_passed) FROM temp.event_days GROUP BY 1, 2, 3;;
DROP TABLE temp.event_days;;
INSERT INTO report_lessons (month, unit_id, lesson_id, passed, assisted)
SELECT substr({_day("finished_at")}, 1, 7), IFNULL(unit_id, 0), lesson_id, COUNT(*),
    SUM(assisted_by IS NOT NULL)
FROM progress WHERE finished_at IS NOT NULL GROUP BY 1, 2, 3;;
INSERT INTO report_lessons (month, unit_id, lesson_id, passed, assisted)
SELECT '', unit_id, lesson_id, completions, 0 FROM anonymous_completions WHERE completions > 0;;
CREATE TEMP TABLE active_days AS
    SELECT user_id, day FROM learning_days
    UNION SELECT user_id, {_day("started_at")} FROM progress
    UNION SELECT user_id, {_day("finished_at")} FROM progress WHERE finished_at IS NOT NULL;;
INSERT OR IGNORE INTO report_active_users (user_id, period)
SELECT user_id, substr(day, 1, 7) FROM active_days
UNION SELECT user_id, substr(day, 1, 4) || '-Q' || ((CAST(substr(day, 6, 2) AS INTEGER) + 2) / 3)
    FROM active_days
UNION SELECT user_id, substr(day, 1, 4) FROM active_days;;
DROP TABLE temp.active_days;;
INSERT INTO report_active (period, unit_id, grp, active)
SELECT a.period, IFNULL(rl.unit_id, 0), IFNULL(rl.grp, ''), COUNT(*)
FROM report_active_users a LEFT JOIN report_learners rl ON rl.user_id = a.user_id
GROUP BY 1, 2, 3;;
INSERT INTO report_households (household_id, unit_id) SELECT id, IFNULL(unit_id, 0)
FROM households;;
{_household_recount("1")};;
INSERT INTO report_hh_totals (unit_id, known, engaged, covered)
SELECT unit_id, COUNT(*), SUM(members > 0), SUM(members_done > 0) FROM report_households
GROUP BY unit_id
"""


def m007(db: Database) -> None:
    """Create the tables, fill the summaries from the rows already there, then the triggers."""
    from bot.store.report_triggers import triggers

    _run(db, TABLES)
    _run(db, _backfill())
    _run(db, triggers())
