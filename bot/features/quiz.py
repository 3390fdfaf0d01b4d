"""The quiz after a lesson: one question at a time, immediate feedback, a pass mark, retry of the
questions missed; then certificates for finished topics and the core-track milestone."""

from __future__ import annotations

import math
from typing import Any

from bot import certificates
from bot.engine.context import Context
from bot.engine.router import Router
from bot.engine.types import Button
from bot.features import onboarding
from bot.features.conversation import nav_button
from bot.store import answers, audit, progress, units
from lessons.grading import grade
from lessons.model import Lesson, Question
from lessons.render import render

router = Router("quiz")


def needed(ctx: Context, total: int) -> int:
    """Right answers needed to pass: the configured share, rounded up (2 of 3 by default)."""
    return max(1, math.ceil(ctx.engine.quiz_pass_ratio * total - 1e-9))


def begin(ctx: Context, lesson: Lesson) -> None:
    progress.begin_quiz(ctx.db, ctx.user.id, lesson.id)
    total = len(lesson.quiz)
    ctx.say("learning.quiz_intro", count=total, need=needed(ctx, total))
    row = progress.get(ctx.db, ctx.user.id, lesson.id)
    attempt = (row.attempts if row else 0) + 1
    _ask(
        ctx,
        lesson,
        {
            "lesson": lesson.id,
            "attempt": attempt,
            "order": list(range(total)),
            "pos": 0,
            "right": [],
            "missed": [],
            "base": 0,
            "chosen": [],
        },
    )


def resume(ctx: Context, lesson: Lesson) -> None:
    data = ctx.user.state_data
    if ctx.user.state == "learn:quiz" and data.get("lesson") == lesson.id:
        return _ask(ctx, lesson, dict(data))
    # Left with "Tạm dừng" (or any detour that changed the state): the same question, the
    # answers already given kept.
    saved = progress.saved_quiz(ctx.db, ctx.user.id, lesson.id)
    if saved is not None and _still_fits(lesson, saved):
        return _ask(ctx, lesson, saved)
    begin(ctx, lesson)


def _still_fits(lesson: Lesson, place: dict[str, Any]) -> bool:
    """A stored quiz place that still matches the lesson (its content may have changed)."""
    try:
        order = [int(i) for i in place["order"]]
        return (
            place.get("lesson") == lesson.id
            and 0 <= int(place["pos"]) < len(order)
            and all(0 <= i < len(lesson.quiz) for i in order)
            and all(isinstance(place[k], list) for k in ("right", "missed", "chosen"))
            and isinstance(place["attempt"], int)
            and isinstance(place["base"], int)
        )
    except (KeyError, TypeError, ValueError):
        return False


def _question(lesson: Lesson, data: dict[str, Any]) -> tuple[int, Question]:
    index = int(data["order"][data["pos"]])
    return index, lesson.quiz[index]


def _prefix(lesson: Lesson, data: dict[str, Any], index: int) -> str:
    return f"{lesson.id}:{data['attempt']}:{index}"


def _ask(ctx: Context, lesson: Lesson, data: dict[str, Any]) -> None:
    ctx.set_state("learn:quiz", **data)
    progress.save_quiz(ctx.db, ctx.user.id, lesson.id, data)
    index, question = _question(lesson, data)
    text = ctx.t(
        "quiz.question",
        number=data["pos"] + 1,
        count=len(data["order"]),
        text=render(question.text, ctx.values()),
    )
    if question.multi:
        text += "\n" + ctx.t("quiz.question_multi_hint")
    ctx.say_text(
        text,
        _option_buttons(ctx, lesson, data, index, question),
        expects="multi" if question.multi else None,
    )


def _at_hand(ctx: Context) -> list[Button]:
    """Always at hand in a quiz: the lesson's last step, pause (the place is kept), ask."""
    return [
        nav_button(ctx, "learning.back_step", "learning.back"),
        nav_button(ctx, "learning.pause", "learning.pause"),
        nav_button(ctx, "learning.ask", "conversation.ask"),
    ]


def _option_buttons(
    ctx: Context,
    lesson: Lesson,
    data: dict[str, Any],
    index: int,
    question: Question,
) -> list[list[Button]]:
    prefix = _prefix(lesson, data, index)
    if not question.multi:
        rows = [[Button(option, f"q:{prefix}:{i}")] for i, option in enumerate(question.options)]
        return [*rows, _at_hand(ctx)]
    chosen = set(data.get("chosen", []))
    rows = [
        [
            Button(
                ctx.t("quiz.selected", label=option) if i in chosen else option, f"qt:{prefix}:{i}"
            )
        ]
        for i, option in enumerate(question.options)
    ]
    rows.append([ctx.button("quiz.done_choosing", f"qd:{prefix}")])
    rows.append(_at_hand(ctx))
    return rows


def _current(ctx: Context, args: list[str]) -> tuple[Lesson, dict[str, Any], Question] | None:
    """The lesson and question a payload answers, if it is the question being asked now."""
    data = dict(ctx.user.state_data)
    lesson = ctx.engine.curriculum.lessons.get(args[0]) if args else None
    if (
        lesson is None
        or ctx.user.state != "learn:quiz"
        or data.get("lesson") != lesson.id
        or len(args) < 3
        or args[1] != str(data.get("attempt"))
    ):
        return None
    index, question = _question(lesson, data)
    if args[2] != str(index):
        return None
    return lesson, data, question


def _answered(
    ctx: Context, lesson: Lesson, data: dict[str, Any], question: Question, chosen: tuple[int, ...]
) -> None:
    index, _ = _question(lesson, data)
    correct = question.is_correct(chosen)
    (data["right"] if correct else data["missed"]).append(index)
    # Every answer is kept: mentors see the questions their people miss most.
    answers.record(ctx.db, ctx.user.id, lesson.id, index, correct=correct, now=ctx.now)
    explain = render(question.explain, ctx.values())
    if correct:
        ctx.say("quiz.right", explain=explain)
    else:
        answer = "; ".join(question.options[i] for i in question.answers)
        ctx.say("quiz.wrong", answer=answer, explain=explain)
    data["pos"] += 1
    data["chosen"] = []
    progress.mark_day(ctx.db, ctx.user.id, ctx.engine.local_now().date().isoformat())
    if data["pos"] < len(data["order"]):
        return _ask(ctx, lesson, data)
    _finish(ctx, lesson, data)


@router.payload("q")
def answer_button(ctx: Context) -> None:
    current = _current(ctx, ctx.args)
    if current is None or len(ctx.args) != 4 or not ctx.args[3].isdigit():
        return ctx.say("quiz.stale")
    lesson, data, question = current
    option = int(ctx.args[3])
    if question.multi or option >= len(question.options):
        return ctx.say("quiz.stale")
    _answered(ctx, lesson, data, question, (option,))


@router.payload("qt")
def toggle_button(ctx: Context) -> None:
    current = _current(ctx, ctx.args)
    if current is None or len(ctx.args) != 4 or not ctx.args[3].isdigit():
        return ctx.say("quiz.stale")
    lesson, data, question = current
    option = int(ctx.args[3])
    if not question.multi or option >= len(question.options):
        return ctx.say("quiz.stale")
    chosen = set(data.get("chosen", [])) ^ {option}
    data["chosen"] = sorted(chosen)
    ctx.set_state("learn:quiz", **data)
    index, _ = _question(lesson, data)
    labels = "; ".join(question.options[i] for i in data["chosen"])
    ctx.say(
        "quiz.chosen_so_far",
        _option_buttons(ctx, lesson, data, index, question),
        expects="multi",
        chosen=labels,
    )


@router.payload("qd")
def done_button(ctx: Context) -> None:
    current = _current(ctx, ctx.args)
    if current is None or len(ctx.args) != 3:
        return ctx.say("quiz.stale")
    lesson, data, question = current
    if not data.get("chosen"):
        index, _ = _question(lesson, data)
        return ctx.say(
            "quiz.none_chosen",
            _option_buttons(ctx, lesson, data, index, question),
            expects="multi",
        )
    _answered(ctx, lesson, data, question, tuple(data["chosen"]))


@router.state("learn:quiz", questions=True)
def typed_answer(ctx: Context) -> None:
    data = dict(ctx.user.state_data)
    lesson = ctx.engine.curriculum.lessons.get(str(data.get("lesson")))
    if lesson is None:
        return ctx.run("help.stale")
    _, question = _question(lesson, data)
    result = grade(question, ctx.text)
    if result.unrecognised:
        ctx.say("quiz.unrecognised")
        return _ask(ctx, lesson, data)
    _answered(ctx, lesson, data, question, result.chosen)


def _finish(ctx: Context, lesson: Lesson, data: dict[str, Any]) -> None:
    total = len(lesson.quiz)
    score = int(data["base"]) + len(data["right"])
    need = needed(ctx, total)
    passed = score >= need
    was_passed = lesson.id in progress.passed_ids(ctx.db, ctx.user.id)
    progress.record_attempt(
        ctx.db,
        ctx.user.id,
        lesson.id,
        score=score,
        total=total,
        passed=passed,
        unit_id=ctx.user.unit_id,
        now=ctx.now,
    )
    progress.save_quiz(ctx.db, ctx.user.id, lesson.id, None)
    missed = list(data["missed"])
    ctx.set_state("learn:done", lesson=lesson.id, missed=missed, score=score)
    buttons: list[list[Button]] = []
    if missed:
        buttons.append([ctx.button("quiz.retry_missed", f"qr:{lesson.id}")])
    if passed:
        buttons.append([ctx.button("quiz.next_lesson", "m:next_lesson")])
    else:
        buttons.append([ctx.button("quiz.review_lesson", f"l:go:{lesson.id}")])
    buttons.append([ctx.button("buttons.menu", "m:menu")])
    key = "quiz.passed" if passed else "quiz.failed"
    topic_done = core_done = False
    if passed and not was_passed:
        audit.record(
            ctx.db,
            ctx.now,
            "lesson.passed",
            actor_user_id=ctx.user.id,
            subject=lesson.id,
            unit_id=ctx.user.unit_id,
        )
        topic_done, core_done = _milestones(ctx, lesson)
    # The buttons go on the last message of the turn.
    ctx.say(
        key,
        None if topic_done or core_done else buttons,
        score=score,
        total=total,
        need=need,
        title=lesson.title,
    )
    if topic_done:
        _certificate(ctx, lesson, None if core_done else buttons)
    if core_done:
        ctx.user.core_done_at = ctx.now
        audit.record(
            ctx.db, ctx.now, "core_track.done", actor_user_id=ctx.user.id, unit_id=ctx.user.unit_id
        )
        ctx.say("quiz.core_done", track=ctx.engine.curriculum.core_track_name)
        onboarding.ask_assessment(ctx, 0, {}, kind="followup", after="core")


def _milestones(ctx: Context, lesson: Lesson) -> tuple[bool, bool]:
    """Did passing `lesson` finish its topic, and the core track ("Kỹ năng số cơ bản")?"""
    curriculum = ctx.engine.curriculum
    done = progress.passed_ids(ctx.db, ctx.user.id)
    topic_done = {item.id for item in curriculum.lessons_in_topic(lesson.topic)} <= done
    core_done = (
        ctx.user.core_done_at is None
        and lesson.core
        and {item.id for item in curriculum.core_lessons()} <= done
    )
    return topic_done, core_done


def _certificate(ctx: Context, lesson: Lesson, buttons: list[list[Button]] | None) -> None:
    curriculum = ctx.engine.curriculum
    commune = units.commune(ctx.db)
    cert = certificates.issue(
        ctx.db,
        user_id=ctx.user.id,
        topic_id=lesson.topic,
        holder_name=ctx.user.display_name or "",
        topic_title=curriculum.topic(lesson.topic).title,
        commune_name=commune.name if commune else ctx.engine.commune_name,
        now=ctx.now,
    )
    path = certificates.render(cert, ctx.engine.texts, ctx.engine.tz, ctx.engine.files_dir)
    audit.record(
        ctx.db,
        ctx.now,
        "certificate.issued",
        actor_user_id=ctx.user.id,
        subject=cert.code,
        topic=lesson.topic,
    )
    ctx.say("quiz.topic_done", buttons, image=str(path), topic=cert.topic_title, code=cert.code)


@router.payload("qr")
def retry_missed(ctx: Context) -> None:
    data = ctx.user.state_data
    lesson = ctx.engine.curriculum.lessons.get(ctx.args[0]) if ctx.args else None
    if (
        lesson is None
        or ctx.user.state != "learn:done"
        or data.get("lesson") != lesson.id
        or not data.get("missed")
    ):
        return ctx.say("quiz.stale")
    row = progress.get(ctx.db, ctx.user.id, lesson.id)
    progress.begin_quiz(ctx.db, ctx.user.id, lesson.id)
    _ask(
        ctx,
        lesson,
        {
            "lesson": lesson.id,
            "attempt": (row.attempts if row else 0) + 1,
            "order": list(data["missed"]),
            "pos": 0,
            "right": [],
            "missed": [],
            "base": int(data.get("score", 0)),
            "chosen": [],
        },
    )
