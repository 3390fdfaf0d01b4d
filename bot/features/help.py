"""Main menu, help, and the polite answers for what the assistant does not understand."""

from __future__ import annotations

from collections.abc import Callable

from bot.engine.context import Context
from bot.engine.router import Router
from bot.engine.types import Button
from bot.store import mentors

router = Router("help")

# Menu items in the order shown; an item appears once a feature registers its entry `menu.<id>`.
MENU_ITEMS = (
    "next_lesson",
    "topics",
    "progress",
    "ask",
    "reminders",
    "profile",
    "household",
    "my_mentor",
    "mentor",
)
# Items only some people see: the mentor's tools by role, "my mentor" to someone who has one.
MENU_SHOWN_IF: dict[str, Callable[[Context], bool]] = {
    "mentor": lambda ctx: ctx.user.role == "mentor",
    "my_mentor": lambda ctx: mentors.mentor_of(ctx.db, ctx.user.id) is not None,
}


def _everyone(ctx: Context) -> bool:
    return True


def menu_buttons(ctx: Context) -> list[list[Button]]:
    available = [
        ctx.button(f"menu.{item}", f"m:{item}")
        for item in MENU_ITEMS
        if f"menu.{item}" in ctx.engine.routes.entries and MENU_SHOWN_IF.get(item, _everyone)(ctx)
    ]
    return [available[i : i + 2] for i in range(0, len(available), 2)]


@router.entry("menu")
def show_menu(ctx: Context) -> None:
    ctx.set_state(None)
    ctx.say("help.menu", menu_buttons(ctx))


@router.command("menu")
def menu_command(ctx: Context) -> None:
    if ctx.user.onboarded_at is None:
        return ctx.run("onboarding.resume")
    show_menu(ctx)


@router.payload("m", anytime=True)
def menu_choice(ctx: Context) -> None:
    if ctx.user.onboarded_at is None:
        return ctx.run("onboarding.resume")
    if ctx.args == ["menu"]:
        return show_menu(ctx)
    entry = f"menu.{ctx.args[0]}" if ctx.args else ""
    if entry not in ctx.engine.routes.entries:
        return ctx.run("help.stale")
    ctx.set_state(None)
    ctx.run(entry)


@router.command("trogiup", "help")
@router.entry("help.help")
def help_command(ctx: Context) -> None:
    """How to use the assistant; in the middle of something, that something comes back after."""
    ctx.say("help.help")
    waiting = ctx.user.pending_question
    if ctx.user.state is not None and waiting.get("buttons"):
        ctx.say(
            "conversation.reshow",
            [[Button(label, payload) for label, payload in row] for row in waiting["buttons"]],
            expects=waiting.get("expects"),
            line=ctx.t("conversation.back_to_flow"),
            again=waiting.get("text", ""),
        )
        ctx.keep_pending = True
        return
    if ctx.user.onboarded_at is not None:
        show_menu(ctx)


@router.command("huy", "cancel")
@router.entry("help.cancel")
def cancel(ctx: Context) -> None:
    if ctx.user.onboarded_at is None:
        if ctx.user.consent_at is None:
            ctx.set_state(None)
            return ctx.say("help.cancelled_onboarding")
        ctx.set_state("onb:paused")
        return ctx.say("help.cancelled_onboarding")
    if ctx.user.state is None:
        ctx.say("help.nothing_to_cancel")
    else:
        ctx.say("help.cancelled")
    show_menu(ctx)


@router.entry("help.fallback")
def fallback(ctx: Context) -> None:
    if ctx.user.onboarded_at is None:
        return ctx.say("help.fallback_new", [[ctx.button("buttons.start", "ob:start")]])
    if ctx.text.startswith("/"):
        return ctx.say("help.fallback", menu_buttons(ctx))
    # Free text from a learner is a question: search the FAQ and lessons.
    ctx.run("ask.answer")


def _offered_again(ctx: Context) -> list[list[Button]]:
    """The question waiting (else the buttons last offered), to offer again unchanged."""
    rows = ctx.user.pending_question.get("buttons") or ctx.user.last_buttons
    return [[Button(label, payload) for label, payload in row] for row in rows]


@router.entry("help.stale")
def stale(ctx: Context) -> None:
    """An old button: say so, change nothing, and offer again the question waiting."""
    last = _offered_again(ctx)
    if not last and ctx.user.onboarded_at is not None:
        last = menu_buttons(ctx)
    ctx.say("help.stale", last, expects=ctx.user.pending_question.get("expects"))
    ctx.keep_pending = bool(ctx.user.pending_question)


@router.entry("help.unsupported")
def unsupported(ctx: Context) -> None:
    ctx.say(
        "help.unsupported",
        _offered_again(ctx),
        expects=ctx.user.pending_question.get("expects"),
    )
    ctx.keep_pending = bool(ctx.user.pending_question)
