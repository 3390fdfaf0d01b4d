"""Certificates in view: what earns one, how many lessons are left to it, and the certificates
earned, each one sent again on request ("chứng nhận", "giấy chứng nhận", /chungnhan)."""

from __future__ import annotations

from datetime import datetime

from bot import certificates as drawing
from bot.engine.context import Context
from bot.engine.router import Router
from bot.engine.types import Button
from bot.store import certificates, progress
from lessons.model import Lesson

router = Router("certificates")


def lessons_left(ctx: Context, topic_id: str, done: set[str]) -> int:
    """Lessons of the topic not passed yet: what stands between the learner and its certificate."""
    return sum(
        1 for lesson in ctx.engine.curriculum.lessons_in_topic(topic_id) if lesson.id not in done
    )


def topics_note(ctx: Context) -> str:
    """For the topic list (a line of its own): what earns a certificate, and the topic closest
    to one."""
    done = progress.passed_ids(ctx.db, ctx.user.id)
    earned = {c.topic_id for c in certificates.for_user(ctx.db, ctx.user.id)}
    started = [
        (lessons_left(ctx, topic_id, done), ctx.engine.curriculum.topic(topic_id).title)
        for topic_id in ctx.engine.curriculum.topic_order(ctx.user.grp)
        if topic_id not in earned
        and any(lesson.id in done for lesson in ctx.engine.curriculum.lessons_in_topic(topic_id))
    ]
    left, topic = min((item for item in started if item[0] > 0), default=(0, ""))
    return "\n" + ctx.t("certificate.topics_note", left=left, topic=topic)


def lesson_end_note(ctx: Context, lesson: Lesson, step: int) -> str:
    """On a lesson's last step: how many lessons remain to the topic's certificate after it."""
    if step != len(lesson.steps) - 1:
        return ""
    if certificates.for_topic(ctx.db, ctx.user.id, lesson.topic) is not None:
        return ""
    done = progress.passed_ids(ctx.db, ctx.user.id) | {lesson.id}
    return "\n\n" + ctx.t(
        "certificate.lesson_end_note",
        left=lessons_left(ctx, lesson.topic, done),
        topic=ctx.engine.curriculum.topic(lesson.topic).title,
    )


@router.command("chungnhan", "giaychungnhan")
@router.entry("certificates.list")
def show(ctx: Context) -> None:
    earned = certificates.for_user(ctx.db, ctx.user.id)
    menu = [ctx.button("buttons.menu", "m:menu")]
    if not earned:
        return ctx.say("certificate.list_none", [menu], topics_note=topics_note(ctx).strip())
    items = [
        {
            "number": i,
            "topic": cert.topic_title,
            "code": cert.code,
            "date": datetime.fromtimestamp(cert.issued_at, ctx.engine.tz).strftime("%d/%m/%Y"),
        }
        for i, cert in enumerate(earned, 1)
    ]
    rows: list[list[Button]] = [
        [ctx.button("certificate.send_again", f"cv:{cert.code}", number=i, topic=cert.topic_title)]
        for i, cert in enumerate(earned, 1)
    ]
    rows.append(menu)
    ctx.say("certificate.list", rows, earned=items)


@router.payload("cv", anytime=True)
def send_again(ctx: Context) -> None:
    code = ctx.args[0] if ctx.args else ""
    cert = certificates.by_code(ctx.db, code)
    if cert is None or cert.user_id != ctx.user.id:
        return ctx.run("help.stale")
    path = drawing.image_path(ctx.engine.files_dir, cert.code)
    if not path.exists():
        path = drawing.render(cert, ctx.engine.texts, ctx.engine.tz, ctx.engine.files_dir)
    ctx.say(
        "certificate.sent_again",
        [[ctx.button("buttons.menu", "m:menu")]],
        image=str(path),
        topic=cert.topic_title,
        code=cert.code,
    )
