""" "Thông tin của tôi": the answers given at onboarding, each one editable again."""

from __future__ import annotations

from bot.engine.context import Context
from bot.engine.router import Router, personal
from bot.features import onboarding
from bot.store import assessments, units

router = Router("profile")

EDITS = {
    "name": ("buttons.edit_name", "name"),
    "address": ("buttons.edit_address", "address"),
    "village": ("buttons.edit_village", "village"),
    "birth": ("buttons.edit_birth_year", "birth"),
    "group": ("buttons.edit_group", "group"),
    "assess": ("buttons.edit_assessment", "assess"),
}


def group_name(ctx: Context, group_id: str | None) -> str:
    return next((g.name for g in ctx.engine.curriculum.groups if g.id == group_id), "")


@router.entry("menu.profile")
@router.entry("profile.show")
@personal
def show(ctx: Context) -> None:
    user = ctx.user
    unit = units.get(ctx.db, user.unit_id) if user.unit_id else None
    latest = assessments.latest(ctx.db, user.id)
    unknown = ctx.t("profile.unknown")
    if latest is None:
        summary = ctx.t("profile.assessment_none")
    else:
        yes_count = sum(1 for v in latest.answers.values() if v == 1)
        summary = ctx.t("profile.assessment_summary", yes_count=yes_count)
    buttons = [ctx.button(label, f"p:{code}") for code, (label, _) in EDITS.items()]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([ctx.button("buttons.my_data", "p:data"), ctx.button("buttons.menu", "m:menu")])
    ctx.set_state(None)
    ctx.say(
        "profile.show",
        rows,
        village=unit.name if unit else unknown,
        birth_year=user.birth_year or unknown,
        group=group_name(ctx, user.grp) or unknown,
        assessment=summary,
    )


@router.payload("p")
@personal
def edit(ctx: Context) -> None:
    code = ctx.args[0] if ctx.args else ""
    if ctx.user.onboarded_at is None:
        return ctx.run("onboarding.resume")
    if code == "data":
        return ctx.run("privacy.my_data")
    if code not in EDITS:
        return ctx.run("help.stale")
    onboarding.ask(ctx, EDITS[code][1], edit=True)
