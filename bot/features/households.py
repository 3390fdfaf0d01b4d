"""Gia đình số: a user creates a household and gets a code; family members join with it (after
agreeing that members see each other's progress); a mentor adds an assisted learner by typing
the household's code (state hh:assisted, from as:h:<id> in assisted.py). The household counts
as covered once a member finished the core track.

Every payload acts on the user's own household only; none names a household or a person, so
there is nothing to forge. Payloads: hh:new · hh:nc (a new code) · hh:l / hh:ly (leave).
"""

from __future__ import annotations

from bot import invites
from bot.engine.context import Context
from bot.engine.router import Router, personal
from bot.features.invites import claim, lookup, named, offer_buttons, share_values
from bot.features.mentors import show_detail, village_name
from bot.store import audit
from bot.store import households as store
from bot.store import invites as invite_store
from bot.store import mentors as mentor_store
from bot.store.households import Household
from bot.store.invites import Invite

router = Router("households")


def _code(ctx: Context, household: Household, *, renew: bool = False) -> Invite:
    """The household's code for new members; a new one (the old ones retired) when asked."""
    invite = (
        None
        if renew
        else invite_store.current(ctx.db, "household", ctx.now, household_id=household.id)
    )
    if invite is None:
        invite_store.revoke(ctx.db, "household", household_id=household.id)
        invite = invites.issue(
            ctx.db,
            "household",
            now=ctx.now,
            uses=invites.HOUSEHOLD_CODE_USES,
            days=invites.HOUSEHOLD_CODE_DAYS,
            unit_id=household.unit_id,
            owner_user_id=ctx.user.id,
            household_id=household.id,
        )
        store.set_code(ctx.db, household.id, invite.code)
        audit.record(
            ctx.db,
            ctx.now,
            "invite.issued",
            actor_user_id=ctx.user.id,
            subject=invite.code,
            kind="household",
            household_id=household.id,
        )
    return invite


@router.entry("menu.household")
@router.command("giadinh")
@personal
def show(ctx: Context) -> None:
    if ctx.user.onboarded_at is None:
        return ctx.run("onboarding.resume")
    ctx.set_state(None)
    household = store.of_user(ctx.db, ctx.user.id)
    if household is None:
        return ctx.say(
            "households.none",
            [
                [ctx.button("households.create", "hh:new")],
                [ctx.button("households.join", "iv:code")],
                [ctx.button("buttons.menu", "m:menu")],
            ],
        )
    curriculum = ctx.engine.curriculum
    members = store.members(ctx.db, household.id)
    yes, no = ctx.t("mentors.core_yes"), ctx.t("mentors.core_no")
    ctx.say(
        "households.view",
        [
            [ctx.button("households.new_code", "hh:nc"), ctx.button("households.leave", "hh:l")],
            [ctx.button("buttons.menu", "m:menu")],
        ],
        village=village_name(ctx, household.unit_id),
        members=[
            {
                "name": m.name,
                "assisted": m.assisted,
                "done": m.lessons_done,
                "core": yes if m.core_done_at is not None else no,
            }
            for m in members
        ],
        count=len(members),
        covered=any(m.core_done_at is not None for m in members),
        track=curriculum.core_track_name,
        core_total=len(curriculum.core_lessons()),
        **share_values(ctx, _code(ctx, household)),
    )


@router.payload("hh")
@personal
def household_button(ctx: Context) -> None:
    if ctx.user.onboarded_at is None:
        return ctx.run("onboarding.resume")
    action = ctx.args[0] if ctx.args else ""
    household = store.of_user(ctx.db, ctx.user.id)
    if action == "new" and household is None:
        # The household's own code is its invitation code, set right after.
        household_id = store.create(
            ctx.db,
            code=f"new-{ctx.user.id}-{ctx.now}",
            unit_id=ctx.user.unit_id,
            created_by=ctx.user.id,
            now=ctx.now,
        )
        store.add_member(ctx.db, household_id, ctx.user.id, ctx.now)
        audit.record(
            ctx.db,
            ctx.now,
            "household.created",
            actor_user_id=ctx.user.id,
            subject=f"household:{household_id}",
            unit_id=ctx.user.unit_id,
        )
        ctx.say("households.created")
        return show(ctx)
    if household is None or action not in ("nc", "l", "ly"):
        return ctx.run("help.stale")
    if action == "nc":
        _code(ctx, household, renew=True)
        return show(ctx)
    if action == "l":
        return ctx.say(
            "households.leave_confirm",
            [[ctx.button("households.leave_yes", "hh:ly"), ctx.button("buttons.menu", "m:menu")]],
            expects="yes_no",
        )
    store.remove_member(ctx.db, ctx.user.id)
    audit.record(
        ctx.db,
        ctx.now,
        "household.left",
        actor_user_id=ctx.user.id,
        subject=f"household:{household.id}",
    )
    ctx.say("households.left")
    ctx.run("menu")


# -- joining with a household's code ----------------------------------------------------------


def _target(ctx: Context) -> tuple[Invite, Household] | None:
    invite = named(ctx)
    if invite is None or invite.household_id is None:
        return None
    household = store.get(ctx.db, invite.household_id)
    return (invite, household) if household is not None else None


@router.entry("invite.offer.household")
def offer(ctx: Context) -> None:
    found = _target(ctx)
    if found is None:
        ctx.say("invites.unknown", code=ctx.args[0] if ctx.args else "")
        return ctx.run("menu")
    invite, household = found
    current = store.of_user(ctx.db, ctx.user.id)
    if current is not None and current.id == household.id:
        ctx.say("households.already_member")
        return show(ctx)
    members = store.members(ctx.db, household.id)
    ctx.set_state("inv:offer", code=invite.code)
    ctx.say(
        "households.offer",
        offer_buttons(ctx),
        expects="yes_no",
        names=", ".join(m.name for m in members),
        count=len(members),
        village=village_name(ctx, household.unit_id),
        moving=current is not None,
    )


@router.entry("invite.accept.household")
def accept(ctx: Context) -> None:
    found = _target(ctx)
    if found is None:
        ctx.say("invites.unknown", code=ctx.args[0] if ctx.args else "")
        return ctx.run("menu")
    invite, household = found
    if not claim(ctx, invite):
        return ctx.run("menu")
    store.add_member(ctx.db, household.id, ctx.user.id, ctx.now)
    audit.record(
        ctx.db,
        ctx.now,
        "household.joined",
        actor_user_id=ctx.user.id,
        subject=f"user:{ctx.user.id}",
        household_id=household.id,
    )
    ctx.say("households.joined")
    show(ctx)


# -- a mentor adds an assisted learner --------------------------------------------------------


@router.state("hh:assisted", free_text=True)
def assisted_code_typed(ctx: Context) -> None:
    """A mentor adds an assisted learner (no phone) to a household, with the household's code."""
    learner = mentor_store.mentee(ctx.db, ctx.user.id, int(ctx.user.state_data.get("learner", 0)))
    ctx.set_state(None)
    if learner is None or not learner.assisted:
        return ctx.run("help.stale")
    invite = lookup(ctx, ctx.text)
    if invite is not None and (invite.kind != "household" or invite.household_id is None):
        ctx.say("mentors.not_household_code")
    elif invite is not None and claim(ctx, invite):
        assert invite.household_id is not None
        store.add_member(ctx.db, invite.household_id, learner.id, ctx.now)
        audit.record(
            ctx.db,
            ctx.now,
            "household.joined",
            actor_user_id=ctx.user.id,
            subject=f"user:{learner.id}",
            household_id=invite.household_id,
        )
        ctx.say("mentors.assisted_household_added", name=learner.name)
    show_detail(ctx, learner)
