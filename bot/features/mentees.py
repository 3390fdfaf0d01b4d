"""The mentee's side of Đại sứ số: joining a mentor with their code or link (after agreeing to
what the mentor will see), "Người hướng dẫn của tôi", and leaving the mentor at any time.

Payloads: me:l (ask to leave) · me:y (leave); both only ever about the user's own mentor.
"""

from __future__ import annotations

from bot.engine.context import Context
from bot.engine.router import Router, personal
from bot.features.invites import claim, named, offer_buttons
from bot.features.mentors import village_name
from bot.store import audit, users
from bot.store import invites as invite_store
from bot.store import mentors as store

router = Router("mentees")


def _inviting_mentor(ctx: Context) -> tuple[invite_store.Invite, users.User] | None:
    invite = named(ctx)
    owner = users.get(ctx.db, invite.owner_user_id) if invite and invite.owner_user_id else None
    if invite is None or owner is None or owner.role != "mentor":
        return None
    return invite, owner


@router.entry("invite.offer.mentee")
def offer_mentee(ctx: Context) -> None:
    found = _inviting_mentor(ctx)
    if found is None:
        ctx.say("invites.unknown", code=ctx.args[0] if ctx.args else "")
        return ctx.run("menu")
    invite, owner = found
    if owner.id == ctx.user.id:
        ctx.say("mentors.own_code")
        return ctx.run("menu")
    current = store.mentor_of(ctx.db, ctx.user.id)
    if current is not None and current.id == owner.id:
        ctx.say("mentors.already_linked", mentor=owner.display_name or "")
        return ctx.run("menu")
    ctx.set_state("inv:offer", code=invite.code)
    ctx.say(
        "mentors.offer_mentee",
        offer_buttons(ctx),
        expects="yes_no",
        mentor=owner.display_name or "",
        village=village_name(ctx, store.mentor_unit(ctx.db, owner.id)),
        current=current.name if current else "",
    )


@router.entry("invite.accept.mentee")
def accept_mentee(ctx: Context) -> None:
    found = _inviting_mentor(ctx)
    if found is None:
        ctx.say("invites.unknown", code=ctx.args[0] if ctx.args else "")
        return ctx.run("menu")
    invite, owner = found
    if owner.id == ctx.user.id or not claim(ctx, invite):
        return ctx.run("menu")
    store.link(ctx.db, owner.id, ctx.user.id, ctx.now)
    audit.record(
        ctx.db,
        ctx.now,
        "mentee.linked",
        actor_user_id=ctx.user.id,
        subject=f"user:{ctx.user.id}",
        mentor_id=owner.id,
        code=invite.code,
    )
    ctx.say("mentors.linked", mentor=owner.display_name or "")
    name, count = ctx.user.display_name or "", len(store.mentees(ctx.db, owner.id))

    def tell_mentor(mentor_ctx: Context) -> None:
        mentor_ctx.say(
            "mentors.new_mentee",
            [[mentor_ctx.button("mentors.back", "m:mentor")]],
            name=name,
            count=count,
            target=store.MENTEE_TARGET,
        )

    if owner.unreachable_at is None:
        ctx.engine.push(owner, tell_mentor, now=ctx.now)
    ctx.run("menu")


# -- the mentee's side: "Người hướng dẫn của tôi" ----------------------------------------------


@router.entry("menu.my_mentor")
@router.command("nguoihuongdan")
@personal
def my_mentor(ctx: Context) -> None:
    if ctx.user.onboarded_at is None:
        return ctx.run("onboarding.resume")
    ctx.set_state(None)
    mentor = store.mentor_of(ctx.db, ctx.user.id)
    if mentor is None:
        return ctx.say(
            "mentors.no_mentor",
            [[ctx.button("mentors.enter_code", "iv:code")], [ctx.button("buttons.menu", "m:menu")]],
        )
    ctx.say(
        "mentors.my_mentor",
        [
            [ctx.button("mentors.leave", "me:l", mentor=mentor.name)],
            [ctx.button("buttons.menu", "m:menu")],
        ],
        mentor=mentor.name,
        village=village_name(ctx, mentor.unit_id),
    )


@router.payload("me")
@personal
def mentee_button(ctx: Context) -> None:
    """me:l ask to leave · me:y leave. Only ever about the user's own mentor."""
    mentor = store.mentor_of(ctx.db, ctx.user.id)
    if mentor is None or ctx.args not in (["l"], ["y"]):
        return ctx.run("help.stale")
    if ctx.args == ["l"]:
        return ctx.say(
            "mentors.leave_confirm",
            [[ctx.button("mentors.leave_yes", "me:y"), ctx.button("mentors.leave_no", "m:menu")]],
            expects="yes_no",
            mentor=mentor.name,
        )
    store.unlink(ctx.db, mentor.id, ctx.user.id, ctx.now)
    audit.record(
        ctx.db,
        ctx.now,
        "mentee.left",
        actor_user_id=ctx.user.id,
        subject=f"user:{ctx.user.id}",
        mentor_id=mentor.id,
    )
    ctx.say("mentors.left", mentor=mentor.name)
    ctx.run("menu")
