"""Schema of migration m010_report_history: the report's "as of" columns for any past day.

Frozen with the migration: never edit this SQL once shipped; change it in a new migration.

Why: a report for a past period must give the same numbers whenever it is built, and an official
may ask how things stood on any day. report_totals (m007) only knows "now". Here every change of
a learner's report row (report_learners) is written as a dated delta: the old contribution leaves
and the new one arrives on the day of the change. The numbers as of day D are the sum of the
deltas up to D, read from a monthly roll-up (months before D's month) plus the days of D's month,
so the cost grows with villages × groups × (months + 31), never with users.

Ages: a person born in year B counts as 16+, 18+ or 60+ from 1 January of B + 16, 18 or 60 (the
plans count by birth year); such deltas are written on that day when it is later than the change,
so a minor becomes an adult in the reports on the right New Year's Day without any job running.
An unknown birth year counts in no age base.

The day of a change: each writer's row says when (joined, core track done, self-assessment taken,
mentor linked, household joined; else the person's last activity, which the engine sets to its
clock on every message). BEFORE triggers put it in report_clock (one row) for the AFTER triggers
below; a change is never dated before the person's previous change (report_learners.placed).

Attribution: a column counts a person in the village and group they had on the day counted (for
the "as of" columns, the report's day; for the period's flows, the day of the activity, as m007
does). Đại sứ số are counted in the village they serve (mentors.unit_id, else their own).
Erased people leave the "as of" columns on the day they erase (a report for an earlier day keeps
them), so a person who erased and came back counts once.
Web chat learners (channel 'webchat') are kept apart (wc = 1) so reports may leave them out.
"""

from __future__ import annotations

from sqlite_utils import Database

ASSESS = ("smartphone", "epayment", "vneid2", "ai_tool")

# Column -> (part, expression over a report_learners row R; multiplied by R.registered).
# Parts: (key column of R, age threshold or None).
PARTS: dict[str, tuple[str, int | None]] = {
    "all": ("unit_id", None),
    "p16": ("unit_id", 16),
    "p18": ("unit_id", 18),
    "p60": ("unit_id", 60),
    "serves": ("serves", None),
}
COLUMNS: dict[str, tuple[str, str]] = {
    "registered": ("all", "1"),
    "assisted": ("all", "{r}.assisted"),
    "core": ("all", "{r}.core_done"),
    "core_assisted": ("all", "{r}.assisted * {r}.core_done"),
    "mentored": ("all", "{r}.mentored"),
    "by_known": ("all", "({r}.birth_year IS NOT NULL)"),
    **{f"b_{q}": ("all", f"{{r}}.b_{q}") for q in ASSESS},
    **{f"n_{q}": ("all", f"{{r}}.n_{q}") for q in ASSESS},
    "reg16": ("p16", "1"),
    "id16": ("p16", "{r}.n_vneid2 * {r}.n_epayment"),
    "reg18": ("p18", "1"),
    "core18": ("p18", "{r}.core_done"),
    "assisted18": ("p18", "{r}.assisted"),
    **{f"n18_{q}": ("p18", f"{{r}}.n_{q}") for q in ASSESS},
    **{f"b18_{q}": ("p18", f"{{r}}.b_{q}") for q in ASSESS},
    "reg60": ("p60", "1"),
    "core60": ("p60", "{r}.core_done"),
    "mentors": ("serves", "{r}.mentor"),
    "mentors5": ("serves", "{r}.mentor * ({r}.mentees >= 5)"),
    "mentees": ("serves", "{r}.mentor * {r}.mentees"),
    # Tổ công nghệ số cộng đồng: mentors who finished the core track (its last lesson is AI).
    "mentors_core": ("serves", "{r}.mentor * {r}.core_done"),
}
HH_COLUMNS = ("known", "engaged", "covered")
CLOCK = "(SELECT day FROM report_clock WHERE id = 1)"


def _run(db: Database, script: str) -> None:
    for statement in script.split(";;\n"):
        if statement.strip():
            db.execute(statement)


def _day(ts: str) -> str:
    return f"date({ts}, 'unixepoch', '+7 hours')"


def _threshold(row: str, age: int | None) -> str:
    if age is None:
        return "''"
    return f"printf('%04d-01-01', {row}.birth_year + {age})"


def _upsert(table: str, bucket: str, cols: list[str], day: str, select: str, where: str) -> str:
    key = "month" if table.endswith("months") else "day"
    value = f"substr({day}, 1, 7)" if key == "month" else day
    key_cols = "unit_id, grp, wc" if "hh" not in table else "unit_id"
    sets = ", ".join(f"{c} = {c} + excluded.{c}" for c in cols)
    return (
        f"INSERT INTO {table} ({key}, {key_cols}, {', '.join(cols)}) "
        f"SELECT {value}, {select} FROM (SELECT {bucket}) WHERE {where} "
        f"ON CONFLICT DO UPDATE SET {sets}"
    )


def _emit(row: str, sign: str) -> list[str]:
    """The statements adding (+) or removing (-) row `row`'s contribution on the clock's day."""
    statements = []
    for part, (key, age) in PARTS.items():
        cols = [c for c, (p, _) in COLUMNS.items() if p == part]
        values = ", ".join(f"{sign}{row}.registered * {COLUMNS[c][1].format(r=row)}" for c in cols)
        day = f"MAX({CLOCK}, {_threshold(row, age)})"
        where = f"{row}.registered = 1"
        if age is not None:
            where += f" AND {row}.birth_year IS NOT NULL"
        if part == "serves":
            where += f" AND {row}.mentor = 1"
        select = f"{row}.{key}, {row}.grp, {row}.webchat, {values}"
        for table in ("report_hist_days", "report_hist_months"):
            statements.append(_upsert(table, f"{day} AS d", cols, "d", select, where))
    return statements


def _emit_hh(row: str, sign: str) -> list[str]:
    values = f"{row}.unit_id, {sign}1, {sign}({row}.members > 0), {sign}({row}.members_done > 0)"
    return [
        _upsert(table, f"{CLOCK} AS d", list(HH_COLUMNS), "d", values, "1")
        for table in ("report_hh_days", "report_hh_months")
    ]


def _webchat_flow(unit: str, grp: str, day: str, column: str, extra: str = "") -> str:
    """A web chat learner's flow (joined, core done, passed) in its month, kept apart so reports
    can leave it out (report_months counts everyone)."""
    extra_cols = ", assisted_passed" if extra else ""
    extra_vals = f", {extra}" if extra else ""
    extra_set = f", assisted_passed = assisted_passed + {extra}" if extra else ""
    return (
        f"INSERT INTO report_webchat_months (month, unit_id, grp, {column}{extra_cols}) "
        f"VALUES (substr({day}, 1, 7), {unit}, {grp}, 1{extra_vals}) "
        f"ON CONFLICT DO UPDATE SET {column} = {column} + 1{extra_set}"
    )


def _webchat_pass(row: str) -> str:
    grp = f"IFNULL((SELECT grp FROM report_learners WHERE user_id = {row}.user_id), '')"
    return _webchat_flow(
        f"IFNULL({row}.unit_id, 0)",
        grp,
        _day(f"{row}.finished_at"),
        "passed",
        f"({row}.assisted_by IS NOT NULL)",
    )


def _set_clock(day: str) -> str:
    return f"UPDATE report_clock SET day = {day} WHERE id = 1"


def _tables() -> str:
    cols = ",\n    ".join(f"{c} INTEGER NOT NULL DEFAULT 0" for c in COLUMNS)
    hh = ",\n    ".join(f"{c} INTEGER NOT NULL DEFAULT 0" for c in HH_COLUMNS)
    return f"""
ALTER TABLE report_learners ADD COLUMN birth_year INTEGER;;
ALTER TABLE report_learners ADD COLUMN webchat INTEGER NOT NULL DEFAULT 0;;
ALTER TABLE report_learners ADD COLUMN serves INTEGER NOT NULL DEFAULT 0;;
ALTER TABLE report_learners ADD COLUMN mentees INTEGER NOT NULL DEFAULT 0;;
ALTER TABLE report_learners ADD COLUMN placed TEXT NOT NULL DEFAULT '';;
CREATE TABLE report_clock (id INTEGER PRIMARY KEY CHECK (id = 1), day TEXT NOT NULL);;
INSERT INTO report_clock (id, day) VALUES (1, '1970-01-01');;
CREATE TABLE report_hist_days (
    day TEXT NOT NULL, unit_id INTEGER NOT NULL, grp TEXT NOT NULL, wc INTEGER NOT NULL,
    {cols},
    PRIMARY KEY (day, unit_id, grp, wc)
) WITHOUT ROWID;;
CREATE TABLE report_hist_months (
    month TEXT NOT NULL, unit_id INTEGER NOT NULL, grp TEXT NOT NULL, wc INTEGER NOT NULL,
    {cols},
    PRIMARY KEY (month, unit_id, grp, wc)
) WITHOUT ROWID;;
CREATE TABLE report_webchat_months (
    month TEXT NOT NULL, unit_id INTEGER NOT NULL, grp TEXT NOT NULL,
    joined INTEGER NOT NULL DEFAULT 0, core_done INTEGER NOT NULL DEFAULT 0,
    passed INTEGER NOT NULL DEFAULT 0, assisted_passed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, unit_id, grp)
) WITHOUT ROWID;;
CREATE TABLE report_webchat_active (
    period TEXT NOT NULL, unit_id INTEGER NOT NULL, grp TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (period, unit_id, grp)
) WITHOUT ROWID;;
CREATE TABLE report_hh_days (
    day TEXT NOT NULL, unit_id INTEGER NOT NULL,
    {hh},
    PRIMARY KEY (day, unit_id)
) WITHOUT ROWID;;
CREATE TABLE report_hh_months (
    month TEXT NOT NULL, unit_id INTEGER NOT NULL,
    {hh},
    PRIMARY KEY (month, unit_id)
) WITHOUT ROWID
"""


_SERVES = "COALESCE((SELECT unit_id FROM mentors WHERE user_id = {id}), {unit}, 0)"
_MENTEES = "(SELECT COUNT(*) FROM mentor_links WHERE mentor_id = {id} AND ended_at IS NULL)"


def _backfill() -> str:
    """The history of the rows already there, each fact on its own day (best known)."""
    assess = ", ".join(f"b.{q} = 1 AS b_{q}" for q in ASSESS)
    fassess = ", ".join(f"f.{q} = 1 AS f_{q}" for q in ASSESS)
    flags = (
        "registered, assisted, core_done, core_assisted, mentored, mentor, mentees, "
        + ", ".join(f"b_{q}, n_{q}" for q in ASSESS)
        + ", idflag, mentor_core"
    )
    zero_assess = ", ".join(f"0 AS b_{q}, 0 AS n_{q}" for q in ASSESS)
    base_assess = ", ".join(f"IFNULL(a.b_{q}, 0), IFNULL(a.b_{q}, 0)" for q in ASSESS)
    follow_assess = ", ".join(f"0, IFNULL(a.f_{q}, 0) - IFNULL(a.b_{q}, 0)" for q in ASSESS)
    zeros = ", ".join("0, 0" for _ in ASSESS)
    # Each event row: the learner's keys, a day, and what changed that day (deltas of flags).
    events = f"""
CREATE TEMP TABLE bf_assess AS
SELECT rl.user_id, {_day("b.taken_at")} AS b_day, {_day("f.taken_at")} AS f_day,
    {assess}, {fassess}
FROM report_learners rl
LEFT JOIN self_assessments b ON b.id = (SELECT MAX(id) FROM self_assessments
    WHERE user_id = rl.user_id AND kind = 'baseline')
LEFT JOIN self_assessments f ON f.id = (SELECT MAX(id) FROM self_assessments
    WHERE user_id = rl.user_id AND kind = 'followup')
WHERE rl.registered = 1 AND (b.id IS NOT NULL OR f.id IS NOT NULL);;
CREATE TEMP TABLE bf_events AS
SELECT user_id, {_day("joined_at")} AS day, 1 AS registered, assisted, 0 AS core_done,
    0 AS core_assisted, 0 AS mentored, mentor, 0 AS mentees, {zero_assess}, 0 AS idflag,
    0 AS mentor_core
FROM report_learners WHERE registered = 1
UNION ALL
SELECT u.id, {_day("u.core_done_at")}, 0, 0, 1, rl.assisted, 0, 0, 0, {zeros}, 0, rl.mentor
FROM users u JOIN report_learners rl ON rl.user_id = u.id
WHERE rl.registered = 1 AND rl.core_done = 1
UNION ALL
SELECT a.user_id, a.b_day, 0, 0, 0, 0, 0, 0, 0, {base_assess},
    IFNULL(a.b_vneid2 AND a.b_epayment, 0), 0
FROM temp.bf_assess a WHERE a.b_day IS NOT NULL
UNION ALL
SELECT a.user_id, a.f_day, 0, 0, 0, 0, 0, 0, 0, {follow_assess},
    IFNULL(a.f_vneid2 AND a.f_epayment, 0) - IFNULL(a.b_vneid2 AND a.b_epayment, 0), 0
FROM temp.bf_assess a WHERE a.f_day IS NOT NULL
UNION ALL
SELECT l.mentee_id, {_day("l.linked_at")}, 0, 0, 0, 0, 1, 0, 0, {zeros}, 0, 0
FROM mentor_links l JOIN report_learners rl ON rl.user_id = l.mentee_id
WHERE l.ended_at IS NULL AND rl.registered = 1
UNION ALL
SELECT l.mentor_id, {_day("l.linked_at")}, 0, 0, 0, 0, 0, 0, 1, {zeros}, 0, 0
FROM mentor_links l JOIN report_learners rl ON rl.user_id = l.mentor_id
WHERE l.ended_at IS NULL AND rl.registered = 1 AND rl.mentor = 1;;
CREATE TEMP TABLE bf AS
SELECT MAX(e.day, {_day("rl.joined_at")}) AS day, rl.unit_id, rl.serves, rl.grp,
    rl.webchat AS wc, rl.birth_year, {", ".join(f"e.{f}" for f in flags.split(", "))}
FROM temp.bf_events e JOIN report_learners rl ON rl.user_id = e.user_id;;
DROP TABLE temp.bf_events;;
DROP TABLE temp.bf_assess
"""
    # mentors5: the day a mentor's fifth current mentee was linked.
    fifth = f"""
CREATE TEMP TABLE bf_fifth AS
SELECT mentor_id, day FROM (
    SELECT l.mentor_id, MAX({_day("l.linked_at")}, {_day("rl.joined_at")}) AS day,
        ROW_NUMBER() OVER (PARTITION BY l.mentor_id ORDER BY l.linked_at, l.mentee_id) AS n
    FROM mentor_links l JOIN report_learners rl ON rl.user_id = l.mentor_id
    WHERE l.ended_at IS NULL AND rl.registered = 1 AND rl.mentor = 1
) WHERE n = 5
"""
    inserts = []
    # Event expressions per column (the deltas are linear in the event flags).
    exprs = {
        "registered": "registered",
        "assisted": "assisted",
        "core": "core_done",
        "core_assisted": "core_assisted",
        "mentored": "mentored",
        "by_known": "registered * (birth_year IS NOT NULL)",
        **{f"b_{q}": f"b_{q}" for q in ASSESS},
        **{f"n_{q}": f"n_{q}" for q in ASSESS},
        "reg16": "registered",
        "id16": "idflag",
        "reg18": "registered",
        "core18": "core_done",
        "assisted18": "assisted",
        **{f"n18_{q}": f"n_{q}" for q in ASSESS},
        **{f"b18_{q}": f"b_{q}" for q in ASSESS},
        "reg60": "registered",
        "core60": "core_done",
        "mentors": "registered * mentor",
        "mentors5": "0",
        "mentees": "mentees",
        "mentors_core": "mentor_core",
    }
    for part, (key, age) in PARTS.items():
        cols = [c for c, (p, _) in COLUMNS.items() if p == part]
        day = "day" if age is None else f"MAX(day, {_threshold('bf', age)})"
        where = "1" if age is None else "birth_year IS NOT NULL"
        sums = ", ".join(f"SUM({exprs[c]})" for c in cols)
        key_col = "serves" if key == "serves" else "unit_id"
        inserts.append(
            f"INSERT INTO report_hist_days (day, unit_id, grp, wc, {', '.join(cols)}) "
            f"SELECT {day}, {key_col}, grp, wc, {sums} FROM temp.bf WHERE {where} "
            f"GROUP BY 1, 2, 3, 4 ON CONFLICT DO UPDATE SET "
            + ", ".join(f"{c} = {c} + excluded.{c}" for c in cols)
        )
    inserts.append(
        "INSERT INTO report_hist_days (day, unit_id, grp, wc, mentors5) "
        "SELECT f.day, rl.serves, rl.grp, rl.webchat, COUNT(*) FROM temp.bf_fifth f "
        "JOIN report_learners rl ON rl.user_id = f.mentor_id GROUP BY 1, 2, 3, 4 "
        "ON CONFLICT DO UPDATE SET mentors5 = mentors5 + excluded.mentors5"
    )
    all_cols = ", ".join(COLUMNS)
    sums = ", ".join(f"SUM({c})" for c in COLUMNS)
    hh_sums = ", ".join(f"SUM({c})" for c in HH_COLUMNS)
    rollup = f"""
DROP TABLE temp.bf;;
DROP TABLE temp.bf_fifth;;
INSERT INTO report_hist_months (month, unit_id, grp, wc, {all_cols})
SELECT substr(day, 1, 7), unit_id, grp, wc, {sums} FROM report_hist_days GROUP BY 1, 2, 3, 4;;
INSERT INTO report_hh_days (day, unit_id, known, engaged, covered)
SELECT {_day("h.created_at")}, rh.unit_id, 1, rh.members > 0, rh.members_done > 0
FROM report_households rh JOIN households h ON h.id = rh.household_id
WHERE true ON CONFLICT DO UPDATE SET known = known + excluded.known,
    engaged = engaged + excluded.engaged, covered = covered + excluded.covered;;
INSERT INTO report_hh_months (month, unit_id, {", ".join(HH_COLUMNS)})
SELECT substr(day, 1, 7), unit_id, {hh_sums} FROM report_hh_days GROUP BY 1, 2;;
INSERT INTO report_webchat_months (month, unit_id, grp, joined, core_done, passed,
    assisted_passed)
SELECT month, unit_id, grp, SUM(j), SUM(c), SUM(p), SUM(a) FROM (
    SELECT substr({_day("joined_at")}, 1, 7) AS month, unit_id, grp, 1 AS j, 0 AS c, 0 AS p,
        0 AS a FROM report_learners WHERE webchat = 1 AND registered = 1
    UNION ALL
    SELECT substr({_day("core_done_at")}, 1, 7), IFNULL(unit_id, 0), IFNULL(grp, ''), 0, 1, 0, 0
        FROM users WHERE channel = 'webchat' AND core_done_at IS NOT NULL
    UNION ALL
    SELECT substr({_day("p.finished_at")}, 1, 7), IFNULL(p.unit_id, 0), IFNULL(u.grp, ''), 0, 0,
        1, p.assisted_by IS NOT NULL
        FROM progress p JOIN users u ON u.id = p.user_id
        WHERE u.channel = 'webchat' AND p.finished_at IS NOT NULL
) GROUP BY 1, 2, 3;;
INSERT INTO report_webchat_active (period, unit_id, grp, active)
SELECT a.period, rl.unit_id, rl.grp, COUNT(*) FROM report_active_users a
JOIN report_learners rl ON rl.user_id = a.user_id WHERE rl.webchat = 1 GROUP BY 1, 2, 3;;
UPDATE report_clock SET day = IFNULL((SELECT MAX(day) FROM report_hist_days
    WHERE day <= date('now', '+7 hours')), '1970-01-01') WHERE id = 1
"""
    joined_inserts = ";;\n".join(inserts)
    return f"""
UPDATE report_learners SET birth_year = (SELECT birth_year FROM users WHERE id = user_id),
    webchat = IFNULL((SELECT channel = 'webchat' FROM users WHERE id = user_id), 0),
    serves = {_SERVES.format(id="user_id", unit="unit_id")},
    mentees = {_MENTEES.format(id="user_id")},
    placed = IFNULL((SELECT {_day("MAX(u.last_active_at, IFNULL(u.core_done_at, 0))")}
        FROM users u WHERE u.id = user_id), '');;
{events};;
{fifth};;
{joined_inserts};;
{rollup}
"""


WATCHED = (
    "unit_id",
    "grp",
    "registered",
    "assisted",
    "core_done",
    "mentor",
    "mentored",
    *(f"b_{q}" for q in ASSESS),
    *(f"n_{q}" for q in ASSESS),
    "birth_year",
    "webchat",
    "serves",
    "mentees",
)


def _lines(statements: list[str]) -> str:
    return ";\n    ".join(statements)


def _triggers() -> str:
    emit_new, emit_old = _lines(_emit("NEW", "+")), _lines(_emit("OLD", "-"))
    # Only a change the reports count moves the clock (not every message's save).
    user_changed = " OR ".join(
        f"OLD.{c} IS NOT NEW.{c}"
        for c in (
            "unit_id",
            "grp",
            "assisted",
            "role",
            "onboarded_at",
            "core_done_at",
            "birth_year",
            "channel",
            "created_at",
        )
    )
    hh_new, hh_old = _lines(_emit_hh("NEW", "+")), _lines(_emit_hh("OLD", "-"))
    joined_clock = _set_clock(f"MAX({CLOCK}, {_day('NEW.joined_at')})")
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED)
    # The clock never goes back for a person: their change is dated no earlier than the last.
    placed = "UPDATE report_clock SET day = MAX(day, NEW.placed) WHERE id = 1"
    learner_day = (
        "MAX(NEW.last_active_at, IFNULL(NEW.core_done_at, 0), IFNULL(NEW.onboarded_at, 0))"
    )
    mentor_refresh = "UPDATE report_learners SET serves = {serves} WHERE user_id = {id}"
    mentees_refresh = "UPDATE report_learners SET mentees = {count} WHERE user_id = {id}"
    return f"""
CREATE TRIGGER report_clock_user_insert BEFORE INSERT ON users BEGIN
    {_set_clock(_day("COALESCE(NEW.onboarded_at, NEW.created_at)"))};
END;;
CREATE TRIGGER report_clock_user_update BEFORE UPDATE ON users WHEN {user_changed} BEGIN
    {_set_clock(_day(learner_day))};
END;;
CREATE TRIGGER report_clock_user_delete BEFORE DELETE ON users BEGIN
    {_set_clock(_day("OLD.last_active_at"))};
END;;
CREATE TRIGGER report_clock_assessment BEFORE INSERT ON self_assessments BEGIN
    {_set_clock(_day("NEW.taken_at"))};
END;;
CREATE TRIGGER report_clock_link_insert BEFORE INSERT ON mentor_links BEGIN
    {_set_clock(_day("NEW.linked_at"))};
END;;
CREATE TRIGGER report_clock_link_update BEFORE UPDATE ON mentor_links BEGIN
    {_set_clock(_day("MAX(NEW.linked_at, IFNULL(NEW.ended_at, 0))"))};
END;;
CREATE TRIGGER report_clock_mentor_insert BEFORE INSERT ON mentors BEGIN
    {_set_clock(_day("NEW.since"))};
END;;
CREATE TRIGGER report_clock_household_insert BEFORE INSERT ON households BEGIN
    {_set_clock(_day("NEW.created_at"))};
END;;
CREATE TRIGGER report_clock_member_insert BEFORE INSERT ON household_members BEGIN
    {_set_clock(_day("NEW.joined_at"))};
END;;
CREATE TRIGGER report_clock_member_delete BEFORE DELETE ON household_members BEGIN
    {
        _set_clock(
            _day(
                "MAX(OLD.joined_at, IFNULL((SELECT last_active_at FROM users "
                "WHERE id = OLD.user_id), 0))"
            )
        )
    };
END;;
CREATE TRIGGER report_learner_facts AFTER INSERT ON report_learners BEGIN
    {joined_clock};
    UPDATE report_learners SET
        birth_year = (SELECT birth_year FROM users WHERE id = NEW.user_id),
        webchat = IFNULL((SELECT channel = 'webchat' FROM users WHERE id = NEW.user_id), 0),
        serves = {_SERVES.format(id="NEW.user_id", unit="NULLIF(NEW.unit_id, 0)")}
        WHERE user_id = NEW.user_id;
    {emit_new};
END;;
CREATE TRIGGER report_user_facts AFTER UPDATE OF birth_year, channel, unit_id ON users
WHEN OLD.birth_year IS NOT NEW.birth_year OR OLD.channel IS NOT NEW.channel
    OR OLD.unit_id IS NOT NEW.unit_id BEGIN
    UPDATE report_learners SET birth_year = NEW.birth_year,
        webchat = (NEW.channel = 'webchat'),
        serves = {_SERVES.format(id="NEW.id", unit="NEW.unit_id")}
        WHERE user_id = NEW.id;
END;;
CREATE TRIGGER report_learner_history AFTER UPDATE ON report_learners WHEN {changed} BEGIN
    {placed};
    {emit_old};
    {emit_new};
    UPDATE report_learners SET placed = {CLOCK} WHERE user_id = NEW.user_id;
END;;
CREATE TRIGGER report_learner_history_delete AFTER DELETE ON report_learners BEGIN
    UPDATE report_clock SET day = MAX(day, OLD.placed) WHERE id = 1;
    {emit_old};
END;;
CREATE TRIGGER report_mentor_serves_insert AFTER INSERT ON mentors BEGIN
    {mentor_refresh.format(serves=_SERVES.format(id="NEW.user_id", unit="NULL"), id="NEW.user_id")};
END;;
CREATE TRIGGER report_mentor_serves_update AFTER UPDATE ON mentors BEGIN
    {
        mentor_refresh.format(
            serves=_SERVES.format(
                id="NEW.user_id", unit="(SELECT unit_id FROM users WHERE id = NEW.user_id)"
            ),
            id="NEW.user_id",
        )
    };
END;;
CREATE TRIGGER report_mentor_serves_delete AFTER DELETE ON mentors BEGIN
    {
        mentor_refresh.format(
            serves="IFNULL((SELECT unit_id FROM users WHERE id = OLD.user_id), 0)",
            id="OLD.user_id",
        )
    };
END;;
CREATE TRIGGER report_mentees_insert AFTER INSERT ON mentor_links BEGIN
    {mentees_refresh.format(count=_MENTEES.format(id="NEW.mentor_id"), id="NEW.mentor_id")};
END;;
CREATE TRIGGER report_mentees_update AFTER UPDATE ON mentor_links BEGIN
    {mentees_refresh.format(count=_MENTEES.format(id="NEW.mentor_id"), id="NEW.mentor_id")};
    {mentees_refresh.format(count=_MENTEES.format(id="OLD.mentor_id"), id="OLD.mentor_id")};
END;;
CREATE TRIGGER report_mentees_delete AFTER DELETE ON mentor_links BEGIN
    {mentees_refresh.format(count=_MENTEES.format(id="OLD.mentor_id"), id="OLD.mentor_id")};
END;;
CREATE TRIGGER report_webchat_joined AFTER UPDATE OF webchat, registered ON report_learners
WHEN NEW.webchat = 1 AND NEW.registered = 1 AND NOT (OLD.webchat = 1 AND OLD.registered = 1)
BEGIN
    {_webchat_flow("NEW.unit_id", "NEW.grp", _day("NEW.joined_at"), "joined")};
END;;
CREATE TRIGGER report_webchat_core AFTER UPDATE OF core_done_at ON users
WHEN NEW.channel = 'webchat' AND OLD.core_done_at IS NULL AND NEW.core_done_at IS NOT NULL
BEGIN
    {
        _webchat_flow(
            "IFNULL(NEW.unit_id, 0)", "IFNULL(NEW.grp, '')", _day("NEW.core_done_at"), "core_done"
        )
    };
END;;
CREATE TRIGGER report_webchat_passed AFTER UPDATE OF finished_at ON progress
WHEN OLD.finished_at IS NULL AND NEW.finished_at IS NOT NULL
    AND (SELECT channel FROM users WHERE id = NEW.user_id) = 'webchat'
BEGIN
    {_webchat_pass("NEW")};
END;;
CREATE TRIGGER report_webchat_passed_insert AFTER INSERT ON progress
WHEN NEW.finished_at IS NOT NULL AND (SELECT channel FROM users WHERE id = NEW.user_id) = 'webchat'
BEGIN
    {_webchat_pass("NEW")};
END;;
CREATE TRIGGER report_webchat_active_insert AFTER INSERT ON report_active_users
WHEN (SELECT webchat FROM report_learners WHERE user_id = NEW.user_id) = 1 BEGIN
    INSERT INTO report_webchat_active (period, unit_id, grp, active) VALUES (NEW.period,
        (SELECT unit_id FROM report_learners WHERE user_id = NEW.user_id),
        (SELECT grp FROM report_learners WHERE user_id = NEW.user_id), 1)
        ON CONFLICT DO UPDATE SET active = active + 1;
END;;
CREATE TRIGGER report_hh_history_insert AFTER INSERT ON report_households BEGIN
    {hh_new};
END;;
CREATE TRIGGER report_hh_history_update AFTER UPDATE ON report_households BEGIN
    {hh_old};
    {hh_new};
END;;
CREATE TRIGGER report_hh_history_delete AFTER DELETE ON report_households BEGIN
    {hh_old};
END
"""


def m010(db: Database) -> None:
    """Add the columns and tables, fill the history from the rows already there, then triggers."""
    _run(db, _tables())
    _run(db, _backfill())
    _run(db, _triggers())
