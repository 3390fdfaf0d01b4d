"""Learning: the next lesson on the learner's path, topics, and a lesson one step at a time.

Where a learner stopped is stored (progress.step and the user's state), so "Học bài tiếp theo"
resumes at the same step, also after the process restarts.
"""

from __future__ import annotations

from bot.engine.context import Context
from bot.engine.router import Router
from bot.engine.types import Button
from bot.features import quiz
from bot.store import assessments, progress
from lessons.model import Lesson
from lessons.render import render

router = Router("learning")


def local_day(ctx: Context) -> str:
    return ctx.engine.local_now().date().isoformat()


def learning_path(ctx: Context) -> list[str]:
    """Lesson ids in the order this learner should take them."""
    curriculum = ctx.engine.curriculum
    order = curriculum.path_for(ctx.user.grp)
    baseline = assessments.latest(ctx.db, ctx.user.id, "baseline")
    basics = curriculum.basics_topic
    if basics and baseline is not None and baseline.answers.get("smartphone") == 0:
        first = [lid for lid in order if curriculum.lesson(lid).topic == basics]
        order = first + [lid for lid in order if lid not in first]
    return order


def next_lesson_id(ctx: Context) -> str | None:
    done = progress.passed_ids(ctx.db, ctx.user.id)
    return next((lid for lid in learning_path(ctx) if lid not in done), None)


def _may_skip(ctx: Context, lesson: Lesson) -> bool:
    """A learner who already has what a topic's first lesson teaches may go to its quiz."""
    question = ctx.engine.curriculum.skip_first_lesson_if.get(lesson.topic)
    if question is None or progress.get(ctx.db, ctx.user.id, lesson.id) is not None:
        return False
    first = ctx.engine.curriculum.lessons_in_topic(lesson.topic)[0]
    baseline = assessments.latest(ctx.db, ctx.user.id, "baseline")
    return first.id == lesson.id and baseline is not None and baseline.answers.get(question) == 1


@router.entry("menu.next_lesson")
def next_lesson(ctx: Context) -> None:
    unfinished = progress.unfinished(ctx.db, ctx.user.id)
    if unfinished is not None:
        return resume(ctx, unfinished.lesson_id)
    lesson_id = next_lesson_id(ctx)
    if lesson_id is None:
        national = ctx.t("learning.national_platform")
        return ctx.say("learning.all_done", _menu_row(ctx), national_platform=national)
    lesson = ctx.engine.curriculum.lesson(lesson_id)
    if _may_skip(ctx, lesson):
        return ctx.say(
            "learning.skip_offer",
            [
                [ctx.button("learning.take_quiz", f"l:q:{lesson.id}")],
                [ctx.button("learning.study_anyway", f"l:go:{lesson.id}")],
            ],
            title=lesson.title,
        )
    start(ctx, lesson)


def _menu_row(ctx: Context) -> list[list[Button]]:
    return [[ctx.button("buttons.menu", "m:menu")]]


def start(ctx: Context, lesson: Lesson) -> None:
    progress.start(ctx.db, ctx.user.id, lesson.id, ctx.user.unit_id, ctx.now)
    ctx.say(
        "learning.lesson_intro",
        title=lesson.title,
        topic=ctx.engine.curriculum.topic(lesson.topic).title,
        minutes=lesson.minutes,
        steps=len(lesson.steps),
    )
    show_step(ctx, lesson, 0)


def resume(ctx: Context, lesson_id: str) -> None:
    lesson = ctx.engine.curriculum.lessons.get(lesson_id)
    row = progress.get(ctx.db, ctx.user.id, lesson_id)
    if lesson is None or row is None:  # content changed under a stored position
        return start_by_id(ctx, lesson_id)
    if row.status == "quiz":
        return quiz.resume(ctx, lesson)
    step = min(row.step, len(lesson.steps) - 1)
    ctx.say("learning.resume_intro", title=lesson.title, step=step + 1, steps=len(lesson.steps))
    show_step(ctx, lesson, step)


def start_by_id(ctx: Context, lesson_id: str) -> None:
    lesson = ctx.engine.curriculum.lessons.get(lesson_id)
    if lesson is None:
        return ctx.run("help.stale")
    start(ctx, lesson)


def show_step(ctx: Context, lesson: Lesson, step: int) -> None:
    progress.set_step(ctx.db, ctx.user.id, lesson.id, step)
    progress.mark_day(ctx.db, ctx.user.id, local_day(ctx))
    ctx.set_state("learn:step", lesson=lesson.id, step=step)
    counter = ctx.t("learning.step_counter", step=step + 1, steps=len(lesson.steps))
    text = render(lesson.steps[step], ctx.values()) + "\n\n" + counter
    ctx.say_text(
        text,
        [
            [
                ctx.button("learning.next", f"l:n:{lesson.id}:{step + 1}"),
                ctx.button("learning.pause", f"l:p:{lesson.id}"),
            ]
        ],
    )


def _next_step(ctx: Context, lesson_id: str, step_text: str) -> None:
    lesson = ctx.engine.curriculum.lessons.get(lesson_id)
    data = ctx.user.state_data
    if (
        lesson is None
        or not step_text.isdigit()
        or ctx.user.state != "learn:step"
        or data.get("lesson") != lesson_id
        or int(step_text) != data.get("step", -1) + 1
    ):
        return ctx.run("help.stale")
    step = int(step_text)
    if step < len(lesson.steps):
        return show_step(ctx, lesson, step)
    quiz.begin(ctx, lesson)


@router.payload("l")
def lesson_button(ctx: Context) -> None:
    action, *rest = ctx.args or [""]
    curriculum = ctx.engine.curriculum
    if not rest or rest[0] not in curriculum.lessons:
        return ctx.run("help.stale")
    lesson = curriculum.lesson(rest[0])
    if action == "go":
        return start(ctx, lesson)
    if action == "n" and len(rest) == 2:
        return _next_step(ctx, lesson.id, rest[1])
    if action == "p":
        ctx.say("learning.paused")
        return ctx.run("menu")
    if action == "q":
        progress.start(ctx.db, ctx.user.id, lesson.id, ctx.user.unit_id, ctx.now)
        return quiz.begin(ctx, lesson)
    ctx.run("help.stale")


@router.state("learn:step")
def typed_during_lesson(ctx: Context) -> None:
    """Free text in the middle of a lesson is a question: answer it, and keep the lesson open."""
    data = ctx.user.state_data
    ctx.run("ask.answer")
    lesson = ctx.engine.curriculum.lessons.get(str(data.get("lesson")))
    if lesson is not None:
        step = int(data.get("step", 0))
        ctx.set_state("learn:step", lesson=lesson.id, step=step)
        ctx.say(
            "learning.resume_intro",
            [
                [
                    ctx.button("learning.next", f"l:n:{lesson.id}:{step + 1}"),
                    ctx.button("learning.pause", f"l:p:{lesson.id}"),
                ]
            ],
            title=lesson.title,
            step=step + 1,
            steps=len(lesson.steps),
        )


# -- topics -----------------------------------------------------------------------------------


@router.entry("menu.topics")
def topics(ctx: Context) -> None:
    curriculum = ctx.engine.curriculum
    done = progress.passed_ids(ctx.db, ctx.user.id)
    buttons = []
    for topic_id in curriculum.topic_order(ctx.user.grp):
        lessons = curriculum.lessons_in_topic(topic_id)
        label = ctx.t(
            "learning.topic_label",
            title=curriculum.topic(topic_id).title,
            done=sum(1 for lesson in lessons if lesson.id in done),
            total=len(lessons),
        )
        buttons.append([Button(label, f"t:{topic_id}")])
    ctx.say("learning.choose_topic", buttons)


@router.payload("t")
def topic_chosen(ctx: Context) -> None:
    curriculum = ctx.engine.curriculum
    topic_id = ctx.args[0] if ctx.args else ""
    lessons = curriculum.lessons_in_topic(topic_id)
    if not lessons:
        return ctx.run("help.stale")
    rows = {p.lesson_id: p.status for p in progress.for_user(ctx.db, ctx.user.id)}

    def mark(lesson_id: str) -> str:
        status = rows.get(lesson_id)
        key = "mark_done" if status == "passed" else "mark_started" if status else "mark_new"
        return ctx.t(f"learning.{key}")

    items = [
        {"mark": mark(lesson.id), "number": i, "title": lesson.title}
        for i, lesson in enumerate(lessons, 1)
    ]
    buttons = [
        [ctx.button("learning.lesson_button", f"l:go:{lesson.id}", number=i, title=lesson.title)]
        for i, lesson in enumerate(lessons, 1)
    ]
    buttons.append(
        [ctx.button("learning.back_to_topics", "m:topics"), ctx.button("buttons.menu", "m:menu")]
    )
    ctx.say("learning.topic_lessons", buttons, topic=curriculum.topic(topic_id).title, items=items)
