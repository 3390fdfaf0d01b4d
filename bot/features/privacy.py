"""The user's rights over their data: see everything stored (/dulieucuatoi), erase it (/xoadulieu).

Erasing keeps only anonymous per-village counts of finished lessons, so reports stay true.
"""

from __future__ import annotations

from datetime import datetime

from bot.certificates import image_path
from bot.engine.context import Context
from bot.engine.router import Router
from bot.features.profile import group_name
from bot.store import assessments, audit, certificates, households, mentors, progress, units, users

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
def my_data(ctx: Context) -> None:
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
    ctx.say(
        "privacy.my_data",
        channel=user.channel,
        external_id=user.external_id,
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
    )


@router.command("xoadulieu")
def ask_delete(ctx: Context) -> None:
    if ctx.user.consent_at is None and ctx.user.onboarded_at is None:
        return ctx.say("privacy.nothing_to_delete")
    ctx.say(
        "privacy.confirm_delete",
        [[ctx.button("buttons.confirm_delete", "x:y"), ctx.button("buttons.keep_data", "x:n")]],
        expects="yes_no",
    )


@router.payload("x")
def confirm_delete(ctx: Context) -> None:
    if ctx.args != ["y"]:
        ctx.say("privacy.kept")
        if ctx.user.onboarded_at is not None:
            ctx.run("menu")
        return
    # Say goodbye with the address the user knew, then forget them.
    ctx.say("privacy.deleted")
    erase_person(ctx, ctx.user.id)
    ctx.erased = True


def erase_person(ctx: Context, user_id: int, *, actor_user_id: int | None = None) -> None:
    """Forget someone (the user, or an assisted learner at their mentor's request): finished
    lessons stay as anonymous per-village counts; mentor links and household membership go with
    the rows (users.erase)."""
    progress.anonymize_for_user(ctx.db, user_id)
    for cert in certificates.for_user(ctx.db, user_id):
        image_path(ctx.engine.files_dir, cert.code).unlink(missing_ok=True)
    audit.record(
        ctx.db, ctx.now, "user.erased", actor_user_id=actor_user_id, subject=f"user:{user_id}"
    )
    users.erase(ctx.db, user_id)
