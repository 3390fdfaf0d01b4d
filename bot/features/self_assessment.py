"""The four-question self-assessment: the baseline that ends onboarding, and the follow-up after
the core track or from "Thông tin của tôi". Its buttons are "ob:a:<question>:<y|n|u>"."""

from __future__ import annotations

from bot.engine.context import Context
from bot.engine.router import Router
from bot.engine.types import Button
from bot.store import assessments, audit, units

router = Router("self_assessment")

ANSWER_CODES = {"y": 1, "n": 0, "u": None}


def _answer_buttons(ctx: Context, index: int) -> list[list[Button]]:
    return [
        [
            ctx.button("buttons.answer_yes", f"ob:a:{index}:y"),
            ctx.button("buttons.answer_no", f"ob:a:{index}:n"),
            ctx.button("buttons.not_sure", f"ob:a:{index}:u"),
        ]
    ]


def ask_assessment(
    ctx: Context,
    index: int,
    answers: dict[str, int | None],
    *,
    edit: bool = False,
    kind: str | None = None,
    after: str = "profile",
) -> None:
    if index == 0 and not edit and kind is None:
        ctx.say("onboarding.assessment_intro")
    kind = kind or ("followup" if edit else "baseline")
    ctx.set_state("onb:assess", i=index, answers=answers, edit=edit, kind=kind, after=after)
    question = assessments.QUESTIONS[index]
    ctx.say(f"onboarding.assessment_{question}", _answer_buttons(ctx, index))


@router.state("onb:assess")
def assessment_typed(ctx: Context) -> None:
    data = ctx.user.state_data
    ctx.say("onboarding.assessment_invalid")
    question = assessments.QUESTIONS[data["i"]]
    ctx.say(f"onboarding.assessment_{question}", _answer_buttons(ctx, data["i"]))


def answer(ctx: Context, index: int, code: str) -> None:
    data = ctx.user.state_data
    if ctx.user.state != "onb:assess" or data.get("i") != index or code not in ANSWER_CODES:
        return ctx.run("help.stale")
    answers = dict(data.get("answers", {}))
    answers[assessments.QUESTIONS[index]] = ANSWER_CODES[code]
    edit, kind = bool(data.get("edit")), str(data.get("kind", "baseline"))
    after = str(data.get("after", "profile"))
    if index + 1 < len(assessments.QUESTIONS):
        return ask_assessment(ctx, index + 1, answers, edit=edit, kind=kind, after=after)
    assessments.save(
        ctx.db,
        user_id=ctx.user.id,
        unit_id=ctx.user.unit_id,
        kind=kind,
        answers=answers,
        now=ctx.now,
    )
    ctx.set_state(None)
    if after == "core":
        ctx.say("quiz.followup_done", national_platform=ctx.t("learning.national_platform"))
        return ctx.run("menu")
    if edit or ctx.user.onboarded_at is not None:
        ctx.say("profile.saved")
        return ctx.run("profile.show")
    finish(ctx)


def finish(ctx: Context) -> None:
    """The last answer given: the person is registered."""
    user = ctx.user
    user.onboarded_at = ctx.now
    audit.record(ctx.db, ctx.now, "user.onboarded", actor_user_id=user.id, unit_id=user.unit_id)
    unit = units.get(ctx.db, user.unit_id) if user.unit_id else None
    group = next((g.name for g in ctx.engine.curriculum.groups if g.id == user.grp), "")
    ctx.say(
        "onboarding.done",
        village=unit.name if unit else "",
        birth_year=user.birth_year,
        group=group,
    )
    ctx.run("invite.after_onboarding")  # an invitation given before registering, or the menu
