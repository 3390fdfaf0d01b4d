"""What the engine understood but no feature owns: a courtesy word, a stop or cancel word, a
question asked in the middle of something, a message not understood, the assistant's own
navigation buttons ("u:" payloads).

After a detour the question waiting is shown again briefly (a short line and its buttons, never
the whole lesson step), and stays the one a typed number answers (bot/engine/pending.py)."""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.engine import pending
from bot.engine.context import Context
from bot.engine.router import Router
from bot.engine.types import Button
from bot.features import ask as ask_feature
from bot.features.help import menu_buttons

router = Router("conversation")

COURTESY_KINDS = ("thanks", "ack", "greet", "dontknow", "confused")


def _current(ctx: Context) -> dict[str, Any]:
    waiting = ctx.user.pending_question
    if not waiting and ctx.user.last_buttons:  # a user from before the waiting question was kept
        waiting = {"buttons": ctx.user.last_buttons}
    return waiting


def reshow(ctx: Context, line: str) -> bool:
    """`line`, then the question waiting in short; False when nothing waits to be shown."""
    waiting = _current(ctx)
    if not waiting or (not waiting.get("buttons") and ctx.user.state is None):
        return False
    ctx.say(
        "conversation.reshow",
        pending.buttons(waiting),
        expects=waiting.get("expects"),
        line=line,
        again=waiting.get("text", ""),
    )
    ctx.keep_pending = True
    return True


def _not_for_us(ctx: Context) -> bool:
    """Someone registering with no buttons to answer: registration itself handles the text."""
    return ctx.user.onboarded_at is None and not _current(ctx).get("buttons")


def _to_registration(ctx: Context) -> None:
    handler = ctx.engine.routes.states.get(ctx.user.state or "")
    if handler is not None:
        return handler(ctx)
    ctx.run("onboarding.resume")


def _or_menu(ctx: Context, line: str) -> None:
    if not reshow(ctx, line):
        ctx.say("conversation.reshow", menu_buttons(ctx), line=line, again="")


@router.entry("conversation.courtesy")
def courtesy(ctx: Context) -> None:
    if _not_for_us(ctx):
        return _to_registration(ctx)
    understood = ctx.understood
    kind = understood.action if understood and understood.action in COURTESY_KINDS else "ack"
    _or_menu(ctx, ctx.t(f"conversation.{kind}"))


@router.entry("conversation.unclear")
def unclear(ctx: Context) -> None:
    if _not_for_us(ctx):
        return _to_registration(ctx)
    _or_menu(ctx, ctx.t("conversation.unclear"))


@router.entry("conversation.question")
def question(ctx: Context) -> None:
    """A question: the FAQ answers it; in the middle of a flow the flow's question comes back."""
    in_flow = ctx.user.state is not None and bool(_current(ctx))
    ctx.run("ask.answer")
    if in_flow:
        _hint_more(ctx)
        reshow(ctx, ctx.t("conversation.back_to_flow"))


def _hint_more(ctx: Context) -> None:
    """On a text channel only the waiting question is numbered, so an answer's "Xem thêm" has no
    number: one short line under the answer says to type "xem thêm" (conversation.more)."""
    if ctx.engine.channel_has_buttons(ctx.incoming.channel) or not ctx.replies:
        return
    reply = ctx.replies[-1]
    rows = [[[b.label, b.payload] for b in row] for row in reply.buttons]
    if ask_feature.more_offered(rows) is not None:
        text = reply.text.rstrip() + "\n" + ctx.t("conversation.more_hint")
        ctx.replies[-1] = dataclasses.replace(reply, text=text)


@router.entry("conversation.more")
def more(ctx: Context) -> None:
    """ "xem thêm" typed right after an answer: the rest of it; mid-flow the flow waits still."""
    payload = ask_feature.more_offered(ctx.user.last_buttons)
    if payload is None:
        return unclear(ctx)
    in_flow = ctx.user.state is not None and bool(_current(ctx))
    if not ask_feature.show_more(ctx, payload):
        return unclear(ctx)
    if in_flow:
        _hint_more(ctx)
        reshow(ctx, ctx.t("conversation.back_to_flow"))


def _confirm(ctx: Context, kind: str, letter: str) -> None:
    """Ask yes/no before a stop or cancel word takes effect mid-flow; the flow's question is
    kept under it and shown again after the answer."""
    ctx.pending_under = _current(ctx)
    ctx.say(
        f"conversation.{kind}_confirm",
        [
            [ctx.button(f"conversation.{kind}_yes", f"u:{letter}:y")],
            [ctx.button(f"conversation.{kind}_no", f"u:{letter}:n")],
        ],
        expects="yes_no",
    )


@router.entry("conversation.stop")
def stop(ctx: Context) -> None:
    """A stop word: reminders off at once, or after a confirmation in the middle of a flow."""
    if ctx.user.state is None:
        return ctx.run("reminders.opt_out")
    _confirm(ctx, "stop", "s")


@router.entry("conversation.cancel")
def cancel(ctx: Context) -> None:
    """ "huỷ" (like /huy): leave what is being done, after a confirmation; never reminders."""
    if ctx.user.state is None:
        return ctx.run("help.cancel")
    _confirm(ctx, "cancel", "c")


@router.entry("conversation.ask")
def ask(ctx: Context) -> None:
    """ "Hỏi đáp" in the middle of a lesson: ask away, the lesson waits."""
    if ctx.user.state is None or ctx.user.state == "ask":
        return ctx.run("menu.ask")
    ctx.say("conversation.ask_prompt")
    ctx.keep_pending = True


def _back_under(ctx: Context, line: str) -> None:
    """After a confirmation: the question asked before it waits again."""
    under = ctx.user.pending_question.get("under")
    ctx.user.pending_question = under if isinstance(under, dict) else {}
    if not reshow(ctx, line):
        ctx.say("conversation.reshow", line=line, again="")
        ctx.keep_pending = True


@router.payload("u")
def own_button(ctx: Context) -> None:
    args = ctx.args
    if args == ["s", "y"]:
        state, data = ctx.user.state, dict(ctx.user.state_data)
        ctx.run("reminders.opt_out")
        ctx.set_state(state, **data)  # reminders off, the lesson goes on
        return _back_under(ctx, ctx.t("conversation.stop_done"))
    if args == ["s", "n"]:
        return _back_under(ctx, ctx.t("conversation.stop_kept"))
    if args == ["c", "y"]:
        return ctx.run("help.cancel")
    if args == ["c", "n"]:
        return _back_under(ctx, ctx.t("conversation.cancel_kept"))
    if len(args) == 2 and args[0] == "n" and args[1] in ctx.engine.routes.entries:
        return ctx.run(args[1])
    ctx.run("help.stale")


def nav_button(ctx: Context, key: str, entry: str) -> Button:
    """A button of the assistant's own ("Xem lại bước trước"), chosen by its number or its word."""
    return ctx.button(key, f"u:n:{entry}")
