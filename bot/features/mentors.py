"""Đại sứ số: becoming a mentor (a code from the commune), the mentor's own code and Telegram
link for mentees, the mentor's menu, the list of mentees and one mentee's detail.

Rights: every payload naming a person goes through `own_mentee()`, which accepts only an active
mentee of the mentor pressing it; anything else is refused, audited, and changes nothing.
The mentee's side is in mentees.py; pushes, encouragement and the most-missed questions in
mentor_push.py; assisted learners (no phone, taught face to face) in assisted.py.

Payloads: mt:l:<page> the list · mt:d:<id> one mentee · mt:i the code for mentees · mt:in a new
code. The menu itself is `m:mentor` (valid any time, mentors only).
"""

from __future__ import annotations

from bot import invites
from bot.engine.context import Context
from bot.engine.router import Router, personal
from bot.engine.types import Button
from bot.features.invites import claim, day_text, named, offer_buttons, share_values
from bot.store import audit, progress, units
from bot.store import invites as invite_store
from bot.store import mentors as store
from bot.store.mentors import Mentee

router = Router("mentors")

DAY = 24 * 3600
INACTIVE_DAYS = 7
PAGE = 8


# -- rights -----------------------------------------------------------------------------------


def is_mentor(ctx: Context) -> bool:
    return ctx.user.role == "mentor"


def require_mentor(ctx: Context) -> bool:
    if is_mentor(ctx):
        return True
    ctx.say("mentors.not_mentor", [[ctx.button("buttons.menu", "m:menu")]])
    return False


def own_mentee(ctx: Context, mentee_id: str) -> Mentee | None:
    """The mentee a payload names, if they are this mentor's; otherwise refuse and say so."""
    found = (
        store.mentee(ctx.db, ctx.user.id, int(mentee_id))
        if is_mentor(ctx) and mentee_id.isdigit()
        else None
    )
    if found is None:
        audit.record(
            ctx.db,
            ctx.now,
            "mentor.refused",
            actor_user_id=ctx.user.id,
            subject=f"user:{mentee_id[:12]}",
            payload=(ctx.payload or "")[:64],
        )
        ctx.say("mentors.not_yours", [[ctx.button("mentors.back", "m:mentor")]])
    return found


def idle(mentee: Mentee, now: int) -> bool:
    """A mentee with a phone who has not written for INACTIVE_DAYS (assisted ones never do)."""
    return not mentee.assisted and mentee.last_active_at <= now - INACTIVE_DAYS * DAY


def village_name(ctx: Context, unit_id: int | None) -> str:
    unit = units.get(ctx.db, unit_id) if unit_id else None
    return unit.name if unit else ctx.engine.commune_name


# -- the mentor's menu ------------------------------------------------------------------------


@router.entry("menu.mentor")
@router.command("daisuso")
@personal
def show(ctx: Context) -> None:
    if ctx.user.onboarded_at is None:
        return ctx.run("onboarding.resume")
    if not require_mentor(ctx):
        return None
    ctx.set_state(None)
    people = store.mentees(ctx.db, ctx.user.id)
    idle_people = [m for m in people if idle(m, ctx.now)]
    rows = [[ctx.button("mentors.list", "mt:l:0")]]
    if any(not m.assisted for m in people):
        rows.append([ctx.button("mentors.push_all", "pu:to:all")])
    if idle_people:
        rows.append([ctx.button("mentors.cheer_idle", "ch:all", count=len(idle_people))])
    rows += [
        [ctx.button("mentors.most_missed", "mw"), ctx.button("mentors.invite", "mt:i")],
        [ctx.button("mentors.register_assisted", "as:new")],
        [ctx.button("ask.mentor_list_button", "mq")],  # their unanswered questions (ask.py)
        [ctx.button("buttons.menu", "m:menu")],
    ]
    ctx.say(
        "mentors.menu",
        rows,
        village=village_name(ctx, store.mentor_unit(ctx.db, ctx.user.id)),
        count=len(people),
        target=store.MENTEE_TARGET,
        core=sum(1 for m in people if m.core_done_at is not None),
        inactive=len(idle_people),
        idle_days=INACTIVE_DAYS,
    )


def _last_seen(ctx: Context, mentee: Mentee) -> str:
    return day_text(ctx, mentee.last_active_at)


def show_list(ctx: Context, page: int) -> None:
    people = store.mentees(ctx.db, ctx.user.id)
    if not people:
        return ctx.say(
            "mentors.list_empty",
            [[ctx.button("mentors.invite", "mt:i")], [ctx.button("mentors.back", "m:mentor")]],
        )
    pages = max(1, -(-len(people) // PAGE))
    page = min(max(page, 0), pages - 1)
    shown = people[page * PAGE : (page + 1) * PAGE]
    yes, no = ctx.t("mentors.core_yes"), ctx.t("mentors.core_no")
    people_shown = [
        {
            "number": page * PAGE + i,
            "name": m.name,
            "assisted": m.assisted,
            "done": m.lessons_done,
            "core": yes if m.core_done_at is not None else no,
            "last": _last_seen(ctx, m),
        }
        for i, m in enumerate(shown, 1)
    ]
    names = [Button(m.name, f"mt:d:{m.id}") for m in shown]
    rows = [names[i : i + 2] for i in range(0, len(names), 2)]
    turn = []
    if page > 0:
        turn.append(ctx.button("mentors.page_back", f"mt:l:{page - 1}"))
    if page + 1 < pages:
        turn.append(ctx.button("mentors.page_next", f"mt:l:{page + 1}"))
    if turn:
        rows.append(turn)
    rows.append([ctx.button("mentors.back", "m:mentor")])
    ctx.say(
        "mentors.list_page",
        rows,
        count=len(people),
        people=people_shown,
        page=page + 1,
        pages=pages,
    )


def show_detail(ctx: Context, mentee: Mentee) -> None:
    curriculum = ctx.engine.curriculum
    audit.record(
        ctx.db, ctx.now, "mentor.viewed", actor_user_id=ctx.user.id, subject=f"user:{mentee.id}"
    )
    rows = progress.for_user(ctx.db, mentee.id)
    passed = sorted(
        (r for r in rows if r.status == "passed" and r.lesson_id in curriculum.lessons),
        key=lambda r: r.finished_at or 0,
        reverse=True,
    )
    done = {r.lesson_id for r in passed}
    core = [lesson.id for lesson in curriculum.core_lessons()]
    status = {r.lesson_id: r.status for r in rows}
    pushed = [
        {
            "title": curriculum.lesson(lesson_id).title,
            "status": ctx.t(f"mentors.pushed_{status.get(lesson_id, 'new')}"),
        }
        for lesson_id in store.pushed_lessons(ctx.db, ctx.user.id, mentee.id)
        if lesson_id in curriculum.lessons
    ]
    if mentee.assisted:
        buttons = [
            [ctx.button("mentors.record_lesson", f"as:l:{mentee.id}")],
            [ctx.button("mentors.add_household", f"as:h:{mentee.id}")],
            [ctx.button("mentors.erase_assisted", f"as:x:{mentee.id}")],
        ]
    else:
        buttons = [
            [
                ctx.button("mentors.push_one", f"pu:to:{mentee.id}"),
                ctx.button("mentors.cheer_one", f"ch:{mentee.id}"),
            ]
        ]
    buttons.append([ctx.button("mentors.list", "mt:l:0"), ctx.button("mentors.back", "m:mentor")])
    ctx.say(
        "mentors.detail",
        buttons,
        name=mentee.name,
        assisted=mentee.assisted,
        village=village_name(ctx, mentee.unit_id),
        done=len(done),
        core_done=len(done & set(core)),
        core_total=len(core),
        core_complete=mentee.core_done_at is not None,
        last=_last_seen(ctx, mentee),
        recent=", ".join(curriculum.lesson(r.lesson_id).title for r in passed[:3]),
        pushed=pushed,
    )


def show_code(ctx: Context, *, renew: bool = False) -> None:
    """The mentor's own code for mentees (and its Telegram link); made on first use."""
    invite = (
        None
        if renew
        else invite_store.current(ctx.db, "mentee", ctx.now, owner_user_id=ctx.user.id)
    )
    if invite is None:
        if renew:
            invite_store.revoke(ctx.db, "mentee", owner_user_id=ctx.user.id)
        invite = invites.issue(
            ctx.db,
            "mentee",
            now=ctx.now,
            uses=invites.MENTEE_CODE_USES,
            days=invites.MENTEE_CODE_DAYS,
            unit_id=store.mentor_unit(ctx.db, ctx.user.id),
            owner_user_id=ctx.user.id,
        )
        audit.record(
            ctx.db,
            ctx.now,
            "invite.issued",
            actor_user_id=ctx.user.id,
            subject=invite.code,
            kind="mentee",
        )
    ctx.say(
        "mentors.my_code",
        [[ctx.button("mentors.new_code", "mt:in"), ctx.button("mentors.back", "m:mentor")]],
        **share_values(ctx, invite),
    )


@router.payload("mt")
@personal
def mentor_button(ctx: Context) -> None:
    """mt:l:<page> list · mt:d:<id> one mentee · mt:i my code for mentees · mt:in a new one."""
    if not require_mentor(ctx):
        return None
    action, *rest = ctx.args or [""]
    if action == "l":
        return show_list(ctx, int(rest[0]) if rest and rest[0].isdigit() else 0)
    if action == "d" and rest:
        mentee = own_mentee(ctx, rest[0])
        return show_detail(ctx, mentee) if mentee else None
    if action in ("i", "in"):
        return show_code(ctx, renew=action == "in")
    ctx.run("help.stale")


# -- invitations: a mentor's code from the commune, a mentee's code from a mentor --------------


@router.entry("invite.offer.mentor")
def offer_mentor(ctx: Context) -> None:
    invite = named(ctx)
    if invite is None:
        return ctx.run("help.stale")
    if is_mentor(ctx) and store.mentor_unit(ctx.db, ctx.user.id) == invite.unit_id:
        ctx.say("mentors.already_mentor")
        return ctx.run("menu.mentor")
    ctx.set_state("inv:offer", code=invite.code)
    ctx.say(
        "mentors.offer_mentor",
        offer_buttons(ctx),
        expects="yes_no",
        village=village_name(ctx, invite.unit_id),
    )


@router.entry("invite.accept.mentor")
def accept_mentor(ctx: Context) -> None:
    invite = named(ctx)
    if invite is None or not claim(ctx, invite):
        return ctx.run("menu")
    store.make_mentor(ctx.db, ctx.user.id, invite.unit_id, invite.code, ctx.now)
    ctx.user.role = "mentor"
    audit.record(
        ctx.db,
        ctx.now,
        "mentor.granted",
        actor_user_id=ctx.user.id,
        subject=f"user:{ctx.user.id}",
        unit_id=invite.unit_id,
    )
    ctx.say(
        "mentors.welcome", village=village_name(ctx, invite.unit_id), target=store.MENTEE_TARGET
    )
    show(ctx)
