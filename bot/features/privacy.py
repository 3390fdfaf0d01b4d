"""The user's rights over their data: see everything stored (/dulieucuatoi), erase it (/xoadulieu).

Erasing keeps only anonymous per-village counts of finished lessons, so reports stay true.
"""

from __future__ import annotations

from datetime import datetime

from bot import erasure
from bot.engine.context import Context
from bot.engine.router import Router, personal
from bot.features import reminders
from bot.features.profile import group_name
from bot.store import (
    answers,
    assessments,
    certificates,
    households,
    mentors,
    outbox,
    progress,
    units,
)

router = Router("privacy")


def _when(ctx: Context, ts: int | None) -> str:
    if ts is None:
        return ctx.t("profile.unknown")
    return datetime.fromtimestamp(ts, ctx.engine.tz).strftime("%H:%M %d/%m/%Y")


def _answer(ctx: Context, value: int | None) -> str:
    key = {1: "answer_yes", 0: "answer_no"}.get(value, "answer_unknown")  # type: ignore[arg-type]
    return ctx.t(f"privacy.{key}")


@router.entry("privacy.my_data")
@router.command("dulieucuatoi")
@personal
def my_data(ctx: Context) -> None:
    """Every category of what is kept about the person, and none of the ids that work as a key
    (the web chat's cookie, a platform id)."""
    user = ctx.user
    if user.consent_at is None:
        return ctx.say("privacy.my_data_none")
    unit = units.get(ctx.db, user.unit_id) if user.unit_id else None
    unknown = ctx.t("profile.unknown")
    taken = [
        {
            "kind": ctx.t(f"privacy.kind_{a.kind}"),
            "taken_at": _when(ctx, a.taken_at),
            **{q: _answer(ctx, a.answers[q]) for q in assessments.QUESTIONS},
        }
        for a in assessments.for_user(ctx.db, user.id)
    ]
    counts = progress.count_for_user(ctx.db, user.id)
    mentor, home = mentors.mentor_of(ctx.db, user.id), households.of_user(ctx.db, user.id)
    answered, right = answers.count_for_user(ctx.db, user.id)
    kept, oldest = outbox.kept_for_user(ctx.db, user.id)
    reminder = ""
    if not user.reminders_off and user.reminder_minute is not None:
        reminder = ctx.t(
            "privacy.reminder_at",
            time=reminders.clock_text(user.reminder_minute),
            days=reminders.days_text(ctx, user.reminder_days),
        )
    ctx.say(
        "privacy.my_data",
        channel=ctx.t(f"privacy.channel_{user.channel}")
        if f"privacy.channel_{user.channel}" in ctx.engine.texts.sources
        else user.channel,
        ten_luu=user.display_name or unknown,
        village=unit.name if unit else unknown,
        birth_year=user.birth_year or unknown,
        group=group_name(ctx, user.grp) or unknown,
        is_mentor=user.role == "mentor",
        my_mentor=mentor.name if mentor else "",
        household_size=len(households.members(ctx.db, home.id)) if home else 0,
        consent_at=_when(ctx, user.consent_at),
        created_at=_when(ctx, user.created_at),
        assessments=taken,
        lessons_done=counts.get("passed", 0),
        lessons_open=sum(n for status, n in counts.items() if status != "passed"),
        answered=answered,
        right=right,
        my_certificates=[
            {"topic": c.topic_title, "issued_at": _when(ctx, c.issued_at), "code": c.code}
            for c in certificates.for_user(ctx.db, user.id)
        ],
        reminder=reminder,
        messages_kept=kept,
        oldest_message=_when(ctx, oldest) if oldest else "",
        retention_days=outbox.KEEP_DAYS,
    )


@router.command("xoadulieu")
@personal
def ask_delete(ctx: Context) -> None:
    if ctx.user.consent_at is None and ctx.user.onboarded_at is None:
        return ctx.say("privacy.nothing_to_delete")
    ctx.say(
        "privacy.confirm_delete",
        [[ctx.button("buttons.confirm_delete", "x:y"), ctx.button("buttons.keep_data", "x:n")]],
        expects="yes_no",
    )


@router.payload("x")
@personal
def confirm_delete(ctx: Context) -> None:
    if ctx.args != ["y"]:
        ctx.say("privacy.kept")
        if ctx.user.onboarded_at is not None:
            ctx.run("menu")
        return
    # Say goodbye with the address the user knew, then forget them.
    ctx.say("privacy.deleted", backup_days=_backup_days(ctx))
    erase_person(ctx, ctx.user.id)
    ctx.erased = True


def _backup_days(ctx: Context) -> int:
    """How long nightly backups may still hold a copy: one a night, the newest BACKUP_KEEP."""
    settings = ctx.engine.settings
    return int(getattr(settings, "backup_keep", 14))


def erase_person(ctx: Context, user_id: int, *, actor_user_id: int | None = None) -> None:
    """Forget someone (the user, or an assisted learner at their mentor's request): see
    bot/erasure.py for everything that goes."""
    erasure.erase_user(
        ctx.db,
        user_id,
        files_dir=ctx.engine.files_dir,
        now=ctx.now,
        replacement=ctx.t("privacy.erased_person"),
        actor_user_id=actor_user_id,
        ledger=erasure.Ledger.of(ctx.db),
    )
    ctx.wipe_after_commit = True
