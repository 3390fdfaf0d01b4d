""" "Hỏi đáp" and any free-text question: the best FAQ and lesson matches, each with a button to
its lesson; when nothing matches, say so and point to a mentor or the commune service centre."""

from __future__ import annotations

from bot.engine.context import Context
from bot.engine.router import Router
from bot.engine.types import Button
from lessons.render import render

router = Router("ask")

MAX_QUERY_SHOWN = 60


@router.entry("menu.ask")
def prompt(ctx: Context) -> None:
    ctx.set_state("ask")
    ctx.say("ask.prompt")


@router.state("ask")
def asked(ctx: Context) -> None:
    answer(ctx)
    ctx.set_state("ask")


@router.entry("ask.answer")
def answer(ctx: Context) -> None:
    hits = ctx.engine.search.search(ctx.text, limit=3)
    menu = [ctx.button("buttons.menu", "m:menu")]
    if not hits:
        return ctx.say("ask.nothing", [menu], query=ctx.text[:MAX_QUERY_SHOWN])
    curriculum = ctx.engine.curriculum
    values = ctx.values()
    parts = [ctx.t("ask.results")]
    buttons: list[list[Button]] = []
    seen: set[str] = set()
    for hit in hits:
        if hit.kind == "faq":
            entry = curriculum.faq_entry(hit.id)
            parts.append(
                ctx.t(
                    "ask.faq_hit",
                    question=render(entry.question, values),
                    answer=render(entry.answer, values),
                )
            )
        else:
            parts.append(
                ctx.t("ask.lesson_hit", title=hit.title, snippet=render(hit.snippet, values))
            )
        if hit.lesson_id not in seen and hit.lesson_id in curriculum.lessons:
            seen.add(hit.lesson_id)
            title = curriculum.lesson(hit.lesson_id).title
            buttons.append([ctx.button("ask.open_lesson", f"l:go:{hit.lesson_id}", title=title)])
    buttons.append(menu)
    ctx.say_text("\n\n".join(parts), buttons)
