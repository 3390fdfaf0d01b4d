""" "Tiến độ của tôi": lessons and topics done, quiz scores, learning streak, what is next."""

from __future__ import annotations

from datetime import date, timedelta

from bot.engine.context import Context
from bot.engine.router import Router, personal
from bot.features.learning import next_lesson_id
from bot.store import certificates, progress

router = Router("progress")

RECENT_SCORES = 3


def streak(days: list[str], today: date) -> int:
    """Days in a row with learning, ending today or yesterday (local dates, newest first)."""
    learned = {date.fromisoformat(day) for day in days}
    current = today if today in learned else today - timedelta(days=1)
    count = 0
    while current in learned:
        count += 1
        current -= timedelta(days=1)
    return count


@router.entry("menu.progress")
@personal
def show(ctx: Context) -> None:
    curriculum = ctx.engine.curriculum
    rows = progress.for_user(ctx.db, ctx.user.id)
    done = {row.lesson_id for row in rows if row.status == "passed"}
    topics_done = sum(
        1
        for topic in curriculum.topics
        if (ids := {lesson.id for lesson in curriculum.lessons_in_topic(topic.id)}) and ids <= done
    )
    core = [lesson.id for lesson in curriculum.core_lessons()]
    scored = sorted(
        (r for r in rows if r.total and r.lesson_id in curriculum.lessons),
        key=lambda r: r.finished_at or r.started_at,
        reverse=True,
    )[:RECENT_SCORES]
    next_id = next_lesson_id(ctx)
    certs = ", ".join(
        f"{c.topic_title} ({c.code})" for c in certificates.for_user(ctx.db, ctx.user.id)
    )
    ctx.say(
        "progress.summary",
        [[ctx.button("menu.next_lesson", "m:next_lesson"), ctx.button("buttons.menu", "m:menu")]],
        done=len(done & set(curriculum.lessons)),
        total=len(curriculum.lessons),
        topics_done=topics_done,
        topics_total=len(curriculum.topics),
        core_done=len(done & set(core)),
        core_total=len(core),
        core_complete=ctx.user.core_done_at is not None,
        scores=[
            {"title": curriculum.lesson(r.lesson_id).title, "score": r.score, "total": r.total}
            for r in scored
        ],
        streak=streak(progress.recent_days(ctx.db, ctx.user.id), ctx.engine.local_now().date()),
        next_title=curriculum.lesson(next_id).title if next_id else "",
        certificates=certs,
    )
