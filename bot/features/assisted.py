"""Assisted learners: residents without a phone or chat whom a mentor (Tổ công nghệ số cộng
đồng, "đi từng ngõ, gõ từng nhà") registers and teaches face to face.

The mentor enters name, village, birth year and group, reads the consent aloud and confirms the
resident agreed; then records each lesson taught, with the quiz questions answered together.
These count in reports like any completion, flagged as assisted (users.assisted,
progress.assisted_by). Only the registering mentor (an active link) can see or record them.

Payloads (each checked against the state and the mentor's links): as:new · as:v:<village> ·
as:by:<year> / as:bn (a two-digit year confirmed or not) ·
as:g:<group> · as:ok / as:no (consent) · as:a:<question>:<y|n> the self-assessment the mentor
asks right after registering (the baseline, as onboarding asks it) · as:l:<id> record a
lesson · as:t:<topic> · as:s:<lesson> · as:q:<pos>:<1|0> right or wrong · as:h:<id> add to a
household (the code is taken in households.py) · as:x:<id> erase, as:xy confirmed.
"""

from __future__ import annotations

from typing import Any

from bot.engine.context import Context
from bot.engine.router import Router
from bot.engine.types import Button
from bot.features import onboarding, quiz
from bot.features.mentors import own_mentee, require_mentor, show_detail
from bot.features.onboarding_input import latest_birth_year, read_birth_year, yes_or_no
from bot.features.privacy import erase_person
from bot.store import answers, assessments, audit, progress, units, users
from bot.store import mentors as store
from lessons.render import render

router = Router("assisted")


def _cancel(ctx: Context) -> list[list[Button]]:
    return [[ctx.button("mentors.cancel", "as:no")]]


def _rows(buttons: list[Button]) -> list[list[Button]]:
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


# -- registering ------------------------------------------------------------------------------


def _village_buttons(ctx: Context, villages: list[units.Unit]) -> list[list[Button]]:
    home = store.mentor_unit(ctx.db, ctx.user.id)
    ordered = sorted(villages, key=lambda v: v.id != home)
    return _rows([Button(v.name, f"as:v:{v.id}") for v in ordered]) + _cancel(ctx)


@router.state("as:name", free_text=True)
def name_typed(ctx: Context) -> None:
    name = onboarding.clean_name(ctx.text)
    if name is None:
        return ctx.say("onboarding.name_invalid", _cancel(ctx), max_len=onboarding.MAX_NAME_LEN)
    ctx.set_state("as:village", name=name)
    ctx.say("mentors.assisted_village", _village_buttons(ctx, units.villages(ctx.db)), name=name)


@router.state("as:village", free_text=True)
def village_typed(ctx: Context) -> None:
    villages = units.villages(ctx.db)
    found = onboarding.match_villages(villages, ctx.text)
    if len(found) == 1:
        return _village(ctx, found[0].id)
    ctx.say(
        "onboarding.village_unknown", _village_buttons(ctx, found or villages), typed=ctx.text[:40]
    )


def _village(ctx: Context, unit_id: int) -> None:
    unit = units.get(ctx.db, unit_id)
    if unit is None or unit.kind != "village":
        return ctx.run("help.stale")
    ctx.set_state("as:birth", **{**ctx.user.state_data, "unit": unit.id})
    ctx.say("mentors.assisted_birth", _cancel(ctx), name=ctx.user.state_data["name"])


@router.state("as:birth")
def birth_typed(ctx: Context) -> None:
    """The same birth-year rules as onboarding (onboarding_input.read_birth_year): "nam 1954",
    two digits or an age confirmed first, never a year too recent to be offered."""
    this_year = ctx.engine.local_now().year
    found = read_birth_year(ctx.text, this_year)
    data = {k: v for k, v in ctx.user.state_data.items() if k != "year"}
    if found is None:
        ctx.set_state("as:birth", **data)
        return ctx.say(
            "onboarding.birth_year_invalid",
            _cancel(ctx),
            typed=ctx.text[:20],
            min_year=onboarding.MIN_BIRTH_YEAR,
            max_year=latest_birth_year(this_year),
        )
    if not found.confirm:
        return _birth(ctx, found.year)
    ctx.set_state("as:birth_ok", **data, year=found.year)
    yes, no = (
        ctx.button("buttons.yes_right", f"as:by:{found.year}"),
        ctx.button("buttons.no_change", "as:bn"),
    )
    ctx.say(
        "mentors.assisted_birth_confirm",
        [[yes, no], *_cancel(ctx)],
        expects="yes_no",
        name=data["name"],
        birth_year=found.year,
    )


@router.state("as:birth_ok", free_text=True)
def birth_confirm_typed(ctx: Context) -> None:
    answer = yes_or_no(ctx.text)
    if answer is None:  # typed the year again
        return birth_typed(ctx)
    _birth_answer(ctx, f"by:{ctx.user.state_data.get('year')}" if answer else "bn")


def _birth_answer(ctx: Context, answer: str) -> None:
    year = ctx.user.state_data.get("year")
    if answer == f"by:{year}" and isinstance(year, int):
        return _birth(ctx, year)
    data = {k: v for k, v in ctx.user.state_data.items() if k != "year"}
    ctx.set_state("as:birth", **data)
    ctx.say("mentors.assisted_birth", _cancel(ctx), name=data["name"])


def _birth(ctx: Context, year: int) -> None:
    data = {k: v for k, v in ctx.user.state_data.items() if k != "year"}
    ctx.set_state("as:group", **data, birth=year)
    _ask_group(ctx)


def _ask_group(ctx: Context) -> None:
    buttons = [Button(g.name, f"as:g:{g.id}") for g in ctx.engine.curriculum.groups]
    ctx.say(
        "mentors.assisted_group", _rows(buttons) + _cancel(ctx), name=ctx.user.state_data["name"]
    )


@router.state("as:group")
def group_typed(ctx: Context) -> None:
    _ask_group(ctx)


def _group(ctx: Context, group_id: str) -> None:
    if group_id not in {g.id for g in ctx.engine.curriculum.groups}:
        return ctx.run("help.stale")
    ctx.set_state("as:consent", **{**ctx.user.state_data, "grp": group_id})
    ctx.say(
        "mentors.assisted_consent",
        [
            [ctx.button("mentors.consent_given", "as:ok")],
            [ctx.button("mentors.consent_refused", "as:no")],
        ],
        name=ctx.user.state_data["name"],
    )


def _register(ctx: Context) -> None:
    data = ctx.user.state_data
    learner_id = store.create_assisted_learner(
        ctx.db,
        mentor_id=ctx.user.id,
        name=data["name"],
        unit_id=int(data["unit"]),
        birth_year=int(data["birth"]),
        grp=str(data["grp"]),
        now=ctx.now,
    )
    store.link(ctx.db, ctx.user.id, learner_id, ctx.now)
    audit.record(
        ctx.db,
        ctx.now,
        "assisted.registered",
        actor_user_id=ctx.user.id,
        subject=f"user:{learner_id}",
        unit_id=int(data["unit"]),
        consent="spoken, mentor confirmed",
    )
    ctx.say("mentors.assisted_registered", name=data["name"])
    ctx.say("mentors.assisted_assess_intro", name=data["name"])
    _ask_assessment(ctx, learner_id, str(data["name"]), 0, {})


# -- the self-assessment, asked by the mentor face to face -----------------------------------


def _ask_assessment(
    ctx: Context, learner_id: int, name: str, index: int, found: dict[str, int]
) -> None:
    ctx.set_state("as:assess", learner=learner_id, name=name, i=index, answers=found)
    question = assessments.QUESTIONS[index]
    ctx.say(
        f"mentors.assisted_assess_{question}",
        [
            [
                ctx.button("buttons.answer_yes", f"as:a:{index}:y"),
                ctx.button("buttons.answer_no", f"as:a:{index}:n"),
            ]
        ],
        expects="yes_no",
        name=name,
    )


@router.state("as:assess")
def assessment_typed(ctx: Context) -> None:
    data = ctx.user.state_data
    ctx.say("mentors.assisted_assess_invalid")
    _ask_assessment(ctx, int(data["learner"]), str(data["name"]), int(data["i"]), data["answers"])


def _assessed(ctx: Context, index: str, code: str) -> None:
    data = ctx.user.state_data
    if not index.isdigit() or int(index) != data.get("i") or code not in ("y", "n"):
        return ctx.run("help.stale")
    learner = store.mentee(ctx.db, ctx.user.id, int(data["learner"]))
    if learner is None or not learner.assisted:
        ctx.set_state(None)
        return ctx.run("help.stale")
    found = {**data["answers"], assessments.QUESTIONS[int(index)]: int(code == "y")}
    if int(index) + 1 < len(assessments.QUESTIONS):
        return _ask_assessment(ctx, learner.id, learner.name, int(index) + 1, found)
    assessments.save(
        ctx.db,
        user_id=learner.id,
        unit_id=learner.unit_id,
        kind="baseline",
        answers=found,
        now=ctx.now,
    )
    audit.record(
        ctx.db,
        ctx.now,
        "assisted.assessed",
        actor_user_id=ctx.user.id,
        subject=f"user:{learner.id}",
    )
    ctx.set_state(None)
    ctx.say("mentors.assisted_assess_done", name=learner.name)
    show_detail(ctx, learner)


# -- recording a lesson taught face to face ---------------------------------------------------


def _learner(ctx: Context, learner_id: str) -> store.Mentee | None:
    """An assisted learner of this mentor; anyone else is refused (by own_mentee)."""
    mentee = own_mentee(ctx, learner_id)
    if mentee is not None and not mentee.assisted:
        ctx.run("help.stale")
        return None
    return mentee


def _choose_topic(ctx: Context, learner: store.Mentee) -> None:
    curriculum = ctx.engine.curriculum
    learner_user = users.get(ctx.db, learner.id)
    order = curriculum.topic_order(learner_user.grp if learner_user else None)
    ctx.set_state("as:topic", learner=learner.id)
    rows = [[Button(curriculum.topic(t).title, f"as:t:{t}")] for t in order]
    ctx.say("mentors.assisted_topic", rows + _cancel(ctx), name=learner.name)


def _choose_lesson(ctx: Context, topic_id: str) -> None:
    lessons = ctx.engine.curriculum.lessons_in_topic(topic_id)
    learner_id = int(ctx.user.state_data.get("learner", 0))
    if not lessons:
        return ctx.run("help.stale")
    done = progress.passed_ids(ctx.db, learner_id)
    ctx.set_state("as:lesson", learner=learner_id)
    rows = [
        [
            ctx.button(
                "mentors.assisted_lesson_label",
                f"as:s:{lesson.id}",
                title=lesson.title,
                done=lesson.id in done,
            )
        ]
        for lesson in lessons
    ]
    ctx.say("mentors.assisted_lesson", rows + _cancel(ctx))


def _ask_question(ctx: Context, data: dict[str, Any]) -> None:
    lesson = ctx.engine.curriculum.lesson(data["lesson"])
    pos = int(data["pos"])
    question = lesson.quiz[pos]
    ctx.set_state("as:quiz", **data)
    ctx.say(
        "mentors.assisted_question",
        [
            [
                ctx.button("mentors.answer_right", f"as:q:{pos}:1"),
                ctx.button("mentors.answer_wrong", f"as:q:{pos}:0"),
            ],
            *_cancel(ctx),
        ],
        number=pos + 1,
        count=len(lesson.quiz),
        text=render(question.text, ctx.values()),
        options=list(question.options),
        answer="; ".join(question.options[i] for i in question.answers),
        name=data["name"],
    )


def _start_quiz(ctx: Context, lesson_id: str) -> None:
    learner = store.mentee(ctx.db, ctx.user.id, int(ctx.user.state_data.get("learner", 0)))
    lesson = ctx.engine.curriculum.lessons.get(lesson_id)
    if learner is None or lesson is None:
        return ctx.run("help.stale")
    ctx.say(
        "mentors.assisted_quiz_intro", title=lesson.title, name=learner.name, count=len(lesson.quiz)
    )
    data = {
        "learner": learner.id,
        "name": learner.name,
        "lesson": lesson.id,
        "pos": 0,
        "right": [],
        "missed": [],
    }
    _ask_question(ctx, data)


def _answered(ctx: Context, pos: str, right: str) -> None:
    data = dict(ctx.user.state_data)
    if pos != str(data.get("pos")) or right not in ("0", "1"):
        return ctx.run("help.stale")
    (data["right"] if right == "1" else data["missed"]).append(int(pos))
    data["pos"] = int(pos) + 1
    if data["pos"] < len(ctx.engine.curriculum.lesson(data["lesson"]).quiz):
        return _ask_question(ctx, data)
    _save_lesson(ctx, data)


def _save_lesson(ctx: Context, data: dict[str, Any]) -> None:
    curriculum = ctx.engine.curriculum
    lesson = curriculum.lesson(data["lesson"])
    learner = users.get(ctx.db, int(data["learner"]))
    if learner is None or not store.is_linked(ctx.db, ctx.user.id, learner.id):
        return ctx.run("help.stale")
    score, total = len(data["right"]), len(lesson.quiz)
    passed = score >= quiz.needed(ctx, total)
    for index in sorted(data["right"] + data["missed"]):
        answers.record(
            ctx.db,
            learner.id,
            lesson.id,
            index,
            correct=index in data["right"],
            now=ctx.now,
            assisted_by=ctx.user.id,
        )
    store.record_assisted_lesson(
        ctx.db,
        learner_id=learner.id,
        mentor_id=ctx.user.id,
        lesson_id=lesson.id,
        unit_id=learner.unit_id,
        score=score,
        total=total,
        passed=passed,
        now=ctx.now,
    )
    audit.record(
        ctx.db,
        ctx.now,
        "assisted.lesson",
        actor_user_id=ctx.user.id,
        subject=lesson.id,
        learner=f"user:{learner.id}",
        score=score,
        total=total,
        passed=passed,
    )
    learner.last_active_at = ctx.now
    core = {item.id for item in curriculum.core_lessons()}
    core_done = (
        passed and learner.core_done_at is None and core <= progress.passed_ids(ctx.db, learner.id)
    )
    if core_done:
        learner.core_done_at = ctx.now
        audit.record(
            ctx.db,
            ctx.now,
            "core_track.done",
            actor_user_id=ctx.user.id,
            subject=f"user:{learner.id}",
            unit_id=learner.unit_id,
            assisted=1,
        )
    users.save(ctx.db, learner)
    ctx.set_state(None)
    ctx.say(
        "mentors.assisted_saved",
        [
            [ctx.button("mentors.record_another", f"as:l:{learner.id}")],
            [ctx.button("mentors.back", "m:mentor")],
        ],
        name=learner.display_name or "",
        title=lesson.title,
        score=score,
        total=total,
        need=quiz.needed(ctx, total),
        passed=passed,
        core_done=core_done,
        track=curriculum.core_track_name,
    )


@router.state("as:quiz")
def quiz_typed(ctx: Context) -> None:
    _ask_question(ctx, dict(ctx.user.state_data))


# -- household, erasure -----------------------------------------------------------------------


def _erase(ctx: Context) -> None:
    learner = store.mentee(ctx.db, ctx.user.id, int(ctx.user.state_data.get("learner", 0)))
    ctx.set_state(None)
    if learner is None or not learner.assisted:
        return ctx.run("help.stale")
    erase_person(ctx, learner.id, actor_user_id=ctx.user.id)
    ctx.say("mentors.assisted_erased")
    ctx.run("menu.mentor")


def _on_learner(ctx: Context, action: str, learner: store.Mentee) -> None:
    """as:l record a lesson · as:h add to a household · as:x erase (asks first)."""
    if action == "l":
        return _choose_topic(ctx, learner)
    if action == "h":
        ctx.set_state("hh:assisted", learner=learner.id)  # households.py
        return ctx.say("mentors.assisted_household_code", _cancel(ctx), name=learner.name)
    ctx.set_state("as:erase", learner=learner.id)
    ctx.say(
        "mentors.assisted_erase_confirm",
        [[ctx.button("mentors.erase_yes", "as:xy"), ctx.button("mentors.cancel", "as:no")]],
        expects="yes_no",
        name=learner.name,
    )


@router.payload("as")
def assisted_button(ctx: Context) -> None:
    if not require_mentor(ctx):
        return None
    action, *rest = ctx.args or [""]
    arg = rest[0] if rest else ""
    state = ctx.user.state
    if action == "new":
        ctx.set_state("as:name")
        return ctx.say("mentors.assisted_name", _cancel(ctx))
    if action == "no":
        ctx.say("mentors.assisted_cancelled")
        return ctx.run("menu.mentor")
    if action == "v" and state == "as:village" and arg.isdigit():
        return _village(ctx, int(arg))
    if action in ("by", "bn") and state == "as:birth_ok":
        return _birth_answer(ctx, ":".join([action, *rest]))
    if action == "g" and state == "as:group":
        return _group(ctx, arg)
    if action == "ok" and state == "as:consent":
        return _register(ctx)
    if action == "a" and state == "as:assess" and len(rest) == 2:
        return _assessed(ctx, rest[0], rest[1])
    if action in ("l", "h", "x"):
        learner = _learner(ctx, arg)  # None: refused and said so
        return _on_learner(ctx, action, learner) if learner is not None else None
    if action == "t" and state == "as:topic":
        return _choose_lesson(ctx, arg)
    if action == "s" and state == "as:lesson":
        return _start_quiz(ctx, arg)
    if action == "q" and state == "as:quiz" and len(rest) == 2:
        return _answered(ctx, rest[0], rest[1])
    if action == "xy" and state == "as:erase":
        return _erase(ctx)
    ctx.run("help.stale")
