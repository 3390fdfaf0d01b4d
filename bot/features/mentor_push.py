"""A mentor's pushes: a lesson or a word of encouragement, to one mentee or to all of them;
and the quiz questions the mentor's people miss most.

The guard on mass pushes: the mentor sees how many people (and who) will receive it and
confirms; a mentor may push `MENTOR_PUSHES_PER_DAY` times a local day. The recipients are taken
again at the confirmation from the mentor's mentees of that moment, never from a payload.
Messages go through the outbox (`engine.push`), addressed the way each mentee is ("bác", ...).

Payloads: pu:to:<id|all> choose a topic · pu:t:<topic> a lesson · pu:l:<lesson> confirm ·
ch:<id|all> encouragement, confirm · pu:ok send · pu:no cancel · mp:<item> a mentee opens a
pushed lesson (valid any time, only for that mentee) · mw the most-missed questions.
"""

from __future__ import annotations

from bot.engine.context import Context
from bot.engine.router import Router
from bot.engine.types import Button
from bot.features import learning
from bot.features.mentors import idle, own_mentee, require_mentor, village_name
from bot.store import answers, audit, users
from bot.store import mentors as store
from bot.store.mentors import Mentee
from lessons.render import render

router = Router("mentor_push")

DEFAULT_DAILY_CAP = 5
MOST_MISSED = 5
NAMES_SHOWN = 10


def daily_cap(ctx: Context) -> int:
    return int(getattr(ctx.engine.settings, "mentor_pushes_per_day", DEFAULT_DAILY_CAP))


def left_today(ctx: Context) -> int:
    midnight = ctx.engine.local_now().replace(hour=0, minute=0, second=0, microsecond=0)
    sent = store.pushes_since(ctx.db, ctx.user.id, int(midnight.timestamp()))
    return max(0, daily_cap(ctx) - sent)


def recipients(ctx: Context, kind: str, target: str) -> list[Mentee] | None:
    """Who a push reaches now; None when the target is not the mentor's (already refused)."""
    if target == "all":
        people = [m for m in store.mentees(ctx.db, ctx.user.id) if not m.assisted and m.reachable]
        return [m for m in people if idle(m, ctx.now)] if kind == "cheer" else people
    mentee = own_mentee(ctx, target)
    if mentee is None:
        return None
    return [mentee] if not mentee.assisted and mentee.reachable else []


def _back(ctx: Context) -> list[list[Button]]:
    return [[ctx.button("mentors.back", "m:mentor")]]


def _can_push(ctx: Context, people: list[Mentee] | None) -> bool:
    if people is None:
        return False
    if not people:
        ctx.set_state(None)
        ctx.say("mentors.no_recipients", _back(ctx))
        return False
    if left_today(ctx) <= 0:
        ctx.set_state(None)
        ctx.say("mentors.cap_reached", _back(ctx), cap=daily_cap(ctx))
        return False
    return True


def choose_topic(ctx: Context, target: str) -> None:
    people = recipients(ctx, "lesson", target)
    if not _can_push(ctx, people):
        return None
    assert people is not None
    ctx.set_state("pu:topic", target=target)
    rows = [[Button(topic.title, f"pu:t:{topic.id}")] for topic in ctx.engine.curriculum.topics]
    rows.append([ctx.button("mentors.cancel", "pu:no")])
    ctx.say("mentors.push_choose_topic", rows, count=len(people))


def choose_lesson(ctx: Context, topic_id: str) -> None:
    lessons = ctx.engine.curriculum.lessons_in_topic(topic_id)
    target = str(ctx.user.state_data.get("target", ""))
    if not lessons or not target:
        return ctx.run("help.stale")
    ctx.set_state("pu:lesson", target=target)
    rows = [[Button(lesson.title, f"pu:l:{lesson.id}")] for lesson in lessons]
    rows.append(
        [
            ctx.button("mentors.other_topic", f"pu:to:{target}"),
            ctx.button("mentors.cancel", "pu:no"),
        ]
    )
    ctx.say("mentors.push_choose_lesson", rows)


def confirm(ctx: Context, kind: str, target: str, lesson_id: str | None = None) -> None:
    people = recipients(ctx, kind, target)
    if not _can_push(ctx, people):
        return None
    assert people is not None
    ctx.set_state("pu:confirm", kind=kind, target=target, lesson=lesson_id)
    lesson = ctx.engine.curriculum.lessons.get(lesson_id or "")
    ctx.say(
        "mentors.push_confirm",
        [[ctx.button("mentors.send", "pu:ok"), ctx.button("mentors.cancel", "pu:no")]],
        kind=kind,
        title=lesson.title if lesson else "",
        count=len(people),
        names=", ".join(m.name for m in people[:NAMES_SHOWN]),
        more=max(0, len(people) - NAMES_SHOWN),
        left=left_today(ctx),
    )


def send(ctx: Context) -> None:
    data = ctx.user.state_data
    kind, target = str(data.get("kind")), str(data.get("target"))
    lesson = ctx.engine.curriculum.lessons.get(str(data.get("lesson")))
    if kind not in ("lesson", "cheer") or (kind == "lesson" and lesson is None):
        return ctx.run("help.stale")
    people = recipients(ctx, kind, target)
    if not _can_push(ctx, people):
        return None
    assert people is not None
    items = store.record_push(
        ctx.db, ctx.user.id, kind, lesson.id if lesson else None, [m.id for m in people], ctx.now
    )
    mentor = ctx.user.display_name or ""
    village = village_name(ctx, store.mentor_unit(ctx.db, ctx.user.id))
    for mentee in people:
        recipient = users.get(ctx.db, mentee.id)
        if recipient is None:
            continue
        item = items[mentee.id]

        def compose(to: Context, item: int = item) -> None:
            if lesson is None:
                to.say(
                    "mentors.cheer",
                    [[to.button("menu.next_lesson", "m:next_lesson")]],
                    mentor=mentor,
                    village=village,
                )
                return
            to.say(
                "mentors.pushed_lesson",
                [[to.button("mentors.start_lesson", f"mp:{item}")]],
                mentor=mentor,
                village=village,
                title=lesson.title,
                minutes=lesson.minutes,
            )

        ctx.engine.push(recipient, compose, now=ctx.now)
    audit.record(
        ctx.db,
        ctx.now,
        "mentor.push",
        actor_user_id=ctx.user.id,
        subject=lesson.id if lesson else "cheer",
        kind=kind,
        target=target,
        recipients=len(people),
    )
    ctx.set_state(None)
    ctx.say("mentors.push_sent", _back(ctx), kind=kind, count=len(people), left=left_today(ctx))


@router.payload("pu")
def push_button(ctx: Context) -> None:
    if not require_mentor(ctx):
        return None
    action, *rest = ctx.args or [""]
    state = ctx.user.state
    if action == "to" and rest:
        return choose_topic(ctx, rest[0])
    if action == "t" and rest and state == "pu:topic":
        return choose_lesson(ctx, rest[0])
    if action == "l" and rest and state == "pu:lesson" and rest[0] in ctx.engine.curriculum.lessons:
        return confirm(ctx, "lesson", str(ctx.user.state_data.get("target")), rest[0])
    if action == "ok" and state == "pu:confirm":
        return send(ctx)
    if action == "no":
        ctx.say("mentors.push_cancelled")
        return ctx.run("menu.mentor")
    ctx.run("help.stale")


@router.payload("ch")
def cheer_button(ctx: Context) -> None:
    if not require_mentor(ctx):
        return None
    if not ctx.args:
        return ctx.run("help.stale")
    confirm(ctx, "cheer", ctx.args[0])


@router.payload("mp", anytime=True)
def open_pushed(ctx: Context) -> None:
    """A mentee starts a lesson their mentor sent: only the mentee it was sent to may."""
    arg = ctx.args[0] if ctx.args else ""
    item = store.push_item(ctx.db, int(arg)) if arg.isdigit() else None
    lesson = ctx.engine.curriculum.lessons.get(item.lesson_id or "") if item else None
    if item is None or lesson is None or item.mentee_id != ctx.user.id:
        return ctx.run("help.stale")
    if ctx.user.onboarded_at is None:
        return ctx.run("onboarding.resume")
    store.open_push(ctx.db, item.id, ctx.now)
    audit.record(
        ctx.db,
        ctx.now,
        "mentor.push_opened",
        actor_user_id=ctx.user.id,
        subject=lesson.id,
        mentor_id=item.mentor_id,
    )
    learning.start(ctx, lesson)


@router.payload("mw")
def most_missed(ctx: Context) -> None:
    if not require_mentor(ctx):
        return None
    curriculum = ctx.engine.curriculum
    questions = [
        {
            "lesson": curriculum.lesson(row.lesson_id).title,
            "number": row.question + 1,
            "question": render(
                curriculum.lesson(row.lesson_id).quiz[row.question].text, ctx.values()
            ),
            "missed": row.missed,
            "answered": row.answered,
        }
        for row in answers.most_missed(ctx.db, mentor_id=ctx.user.id, limit=MOST_MISSED)
        if row.lesson_id in curriculum.lessons
        and row.question < len(curriculum.lesson(row.lesson_id).quiz)
    ]
    audit.record(ctx.db, ctx.now, "mentor.most_missed", actor_user_id=ctx.user.id)
    ctx.say(
        "mentors.most_missed_list" if questions else "mentors.most_missed_none",
        _back(ctx),
        questions=questions,
    )
