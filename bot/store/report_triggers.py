"""The triggers of migration m007_officials that keep the report summaries on every write
(see report_schema.py for the tables and why). Frozen with the migration: never edit once shipped.
"""

from __future__ import annotations

from bot.store.report_schema import (
    ASSESS,
    IN_HOUSEHOLD,
    LEARNER_COLUMNS,
    SUMMED,
    _day,
    _day_event,
    _ensure_totals,
    _household_recount,
    _learner_values,
    _mark_active,
    _pass_event,
    _totals_delta,
)


def _hh_delta(row: str, sign: str) -> str:
    return (
        f"INSERT INTO report_hh_totals (unit_id) VALUES ({row}.unit_id) ON CONFLICT DO NOTHING;;\n"
        f"UPDATE report_hh_totals SET known = known {sign} 1, "
        f"engaged = engaged {sign} ({row}.members > 0), "
        f"covered = covered {sign} ({row}.members_done > 0) WHERE unit_id = {row}.unit_id"
    )


def triggers() -> str:
    learner_update = ", ".join(
        f"{c} = {v}"
        for c, v in zip(
            LEARNER_COLUMNS.split(", ")[1:],
            [
                "IFNULL(NEW.unit_id, 0)",
                "IFNULL(NEW.grp, '')",
                "NEW.assisted",
                "(NEW.onboarded_at IS NOT NULL OR NEW.assisted = 1)",
                "COALESCE(NEW.onboarded_at, NEW.created_at)",
                "NEW.core_done_at IS NOT NULL",
                "NEW.role = 'mentor'",
            ],
            strict=True,
        )
    )
    changed = " OR ".join(
        [
            "OLD.unit_id IS NOT NEW.unit_id",
            "OLD.grp IS NOT NEW.grp",
            "OLD.assisted IS NOT NEW.assisted",
            "OLD.role IS NOT NEW.role",
            "(OLD.onboarded_at IS NULL) != (NEW.onboarded_at IS NULL)",
            "(OLD.core_done_at IS NULL) != (NEW.core_done_at IS NULL)",
        ]
    )
    core_grp = "IFNULL(NEW.grp, '')"
    baseline_sets = ", ".join(
        f"b_{q} = IFNULL(NEW.{q} = 1, 0), "
        f"n_{q} = CASE WHEN has_followup THEN n_{q} ELSE IFNULL(NEW.{q} = 1, 0) END"
        for q in ASSESS
    )
    followup_sets = ", ".join(f"n_{q} = IFNULL(NEW.{q} = 1, 0)" for q in ASSESS)
    watched = ", ".join(("unit_id", "grp", "registered", *SUMMED))
    mentored = (
        "UPDATE report_learners SET mentored = EXISTS (SELECT 1 FROM mentor_links "
        "WHERE mentee_id = {id} AND ended_at IS NULL) WHERE user_id = {id}"
    )
    return f"""
CREATE TRIGGER report_user_insert AFTER INSERT ON users BEGIN
    INSERT INTO report_learners ({LEARNER_COLUMNS}) VALUES ({_learner_values("NEW")});
    {
        _day_event(
            "IFNULL(NEW.unit_id, 0)",
            core_grp,
            _day("NEW.core_done_at"),
            "core_done",
            when="NEW.core_done_at IS NOT NULL",
        )
    };
END;;
CREATE TRIGGER report_user_update AFTER UPDATE ON users WHEN {changed} BEGIN
    UPDATE report_learners SET {learner_update} WHERE user_id = NEW.id;
END;;
CREATE TRIGGER report_user_core_done AFTER UPDATE OF core_done_at ON users
WHEN OLD.core_done_at IS NULL AND NEW.core_done_at IS NOT NULL BEGIN
    {_day_event("IFNULL(NEW.unit_id, 0)", core_grp, _day("NEW.core_done_at"), "core_done")};
END;;
CREATE TRIGGER report_user_delete AFTER DELETE ON users BEGIN
    DELETE FROM report_learners WHERE user_id = OLD.id;
    DELETE FROM report_active_users WHERE user_id = OLD.id;
END;;
CREATE TRIGGER report_learner_insert AFTER INSERT ON report_learners BEGIN
    {_ensure_totals("NEW")};
    {_totals_delta("NEW", "+")};
    {
        _day_event(
            "NEW.unit_id", "NEW.grp", _day("NEW.joined_at"), "joined", when="NEW.registered = 1"
        )
    };
END;;
CREATE TRIGGER report_learner_update AFTER UPDATE OF {watched} ON report_learners BEGIN
    {_totals_delta("OLD", "-")};
    {_ensure_totals("NEW")};
    {_totals_delta("NEW", "+")};
    {_household_recount(IN_HOUSEHOLD.format(user="NEW.user_id"))};
END;;
CREATE TRIGGER report_learner_joined AFTER UPDATE OF registered ON report_learners
WHEN OLD.registered = 0 AND NEW.registered = 1 BEGIN
    {_day_event("NEW.unit_id", "NEW.grp", _day("NEW.joined_at"), "joined")};
END;;
CREATE TRIGGER report_learner_delete AFTER DELETE ON report_learners BEGIN
    {_totals_delta("OLD", "-")};
    UPDATE report_totals SET core_erased = core_erased + OLD.registered * OLD.core_done
        WHERE unit_id = OLD.unit_id AND grp = OLD.grp;
    {_household_recount(IN_HOUSEHOLD.format(user="OLD.user_id"))};
END;;
CREATE TRIGGER report_assessment AFTER INSERT ON self_assessments BEGIN
    UPDATE report_learners SET {baseline_sets}
        WHERE user_id = NEW.user_id AND NEW.kind = 'baseline';
    UPDATE report_learners SET {followup_sets}, has_followup = 1
        WHERE user_id = NEW.user_id AND NEW.kind = 'followup';
END;;
CREATE TRIGGER report_progress_insert AFTER INSERT ON progress BEGIN
    {_mark_active("NEW.user_id", _day("NEW.started_at"))};
END;;
CREATE TRIGGER report_progress_insert_passed AFTER INSERT ON progress
WHEN NEW.finished_at IS NOT NULL BEGIN
    {_pass_event("NEW", "NEW.finished_at").replace(";;", ";")};
END;;
CREATE TRIGGER report_progress_passed AFTER UPDATE OF finished_at ON progress
WHEN OLD.finished_at IS NULL AND NEW.finished_at IS NOT NULL BEGIN
    {_pass_event("NEW", "NEW.finished_at").replace(";;", ";")};
END;;
CREATE TRIGGER report_learning_day AFTER INSERT ON learning_days BEGIN
    {_mark_active("NEW.user_id", "NEW.day")};
END;;
CREATE TRIGGER report_active_insert AFTER INSERT ON report_active_users BEGIN
    INSERT INTO report_active (period, unit_id, grp, active) VALUES (NEW.period,
        IFNULL((SELECT unit_id FROM report_learners WHERE user_id = NEW.user_id), 0),
        IFNULL((SELECT grp FROM report_learners WHERE user_id = NEW.user_id), ''), 1)
        ON CONFLICT DO UPDATE SET active = active + 1;
END;;
CREATE TRIGGER report_mentor_link_insert AFTER INSERT ON mentor_links BEGIN
    {mentored.format(id="NEW.mentee_id")};
END;;
CREATE TRIGGER report_mentor_link_update AFTER UPDATE ON mentor_links BEGIN
    {mentored.format(id="NEW.mentee_id")};
    {mentored.format(id="OLD.mentee_id")};
END;;
CREATE TRIGGER report_mentor_link_delete AFTER DELETE ON mentor_links BEGIN
    {mentored.format(id="OLD.mentee_id")};
END;;
CREATE TRIGGER report_household_insert AFTER INSERT ON households BEGIN
    INSERT INTO report_households (household_id, unit_id) VALUES (NEW.id, IFNULL(NEW.unit_id, 0));
END;;
CREATE TRIGGER report_household_update AFTER UPDATE OF unit_id ON households BEGIN
    UPDATE report_households SET unit_id = IFNULL(NEW.unit_id, 0) WHERE household_id = NEW.id;
END;;
CREATE TRIGGER report_household_delete AFTER DELETE ON households BEGIN
    DELETE FROM report_households WHERE household_id = OLD.id;
END;;
CREATE TRIGGER report_member_insert AFTER INSERT ON household_members BEGIN
    {_household_recount("household_id = NEW.household_id")};
END;;
CREATE TRIGGER report_member_delete AFTER DELETE ON household_members BEGIN
    {_household_recount("household_id = OLD.household_id")};
END;;
CREATE TRIGGER report_hh_insert AFTER INSERT ON report_households BEGIN
    {_hh_delta("NEW", "+").replace(";;", ";")};
END;;
CREATE TRIGGER report_hh_update AFTER UPDATE ON report_households BEGIN
    {_hh_delta("OLD", "-").replace(";;", ";")};
    {_hh_delta("NEW", "+").replace(";;", ";")};
END;;
CREATE TRIGGER report_hh_delete AFTER DELETE ON report_households BEGIN
    {_hh_delta("OLD", "-").replace(";;", ";")};
END
"""
