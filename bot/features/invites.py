"""Redeeming an invitation code, the same on every channel: `/ma CODE`, the code typed at a
prompt, or `/start CODE` (a Telegram deep link). A new user registers first (with consent), then
the invitation is offered; nothing is linked until the user agrees to it.

What a code does depends on its kind: the feature owning the kind registers the entries
`invite.offer.<kind>` (explain it and ask, or say why not) and `invite.accept.<kind>` (do it,
after `claim()` took a use). Both get the code in `ctx.args[0]`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot import code_guesses, invites
from bot.engine.context import Context
from bot.engine.router import Router
from bot.engine.types import Button
from bot.features import onboarding
from bot.store import audit
from bot.store import invites as store
from bot.store.invites import Invite

router = Router("invites")

HOUR = 3600


def day_text(ctx: Context, ts: int | None) -> str:
    if ts is None:
        return ctx.t("invites.never")
    return datetime.fromtimestamp(ts, ctx.engine.tz).strftime("%d/%m/%Y")


def share_values(ctx: Context, invite: Invite) -> dict[str, Any]:
    """How a code is shown to the person who hands it on: code, Telegram link, validity."""
    return {
        "code": invite.code,
        "link": invites.telegram_link(ctx.engine.settings, invite.code) or "",
        "until": day_text(ctx, invite.expires_at),
        "uses": invite.uses_left if invite.uses_left is not None else "",
    }


def offer_buttons(ctx: Context) -> list[list[Button]]:
    return [[ctx.button("buttons.consent_yes", "iv:y"), ctx.button("buttons.consent_no", "iv:n")]]


def refuse(ctx: Context, reason: str, code: str, **detail: Any) -> None:
    """A code that cannot be used: say why, record it (wrong guesses are throttled)."""
    audit.record(
        ctx.db, ctx.now, "invite.refused", actor_user_id=ctx.user.id, reason=reason, **detail
    )
    ctx.say(f"invites.{reason}", code=code)


def named(ctx: Context) -> Invite | None:
    """The invitation an `invite.offer/accept.<kind>` entry is about, if still usable."""
    invite = store.get(ctx.db, ctx.args[0]) if ctx.args else None
    return invite if invite is not None and invite.problem(ctx.now) is None else None


def claim(ctx: Context, invite: Invite) -> bool:
    """Take one use of the code for the user accepting it; False (and said so) if it is gone."""
    if store.take_use(ctx.db, invite.code, ctx.now):
        audit.record(
            ctx.db,
            ctx.now,
            "invite.redeemed",
            actor_user_id=ctx.user.id,
            subject=invite.code,
            kind=invite.kind,
            unit_id=invite.unit_id,
        )
        return True
    refuse(ctx, "used_up", invite.code, kind=invite.kind)
    return False


def _after(ctx: Context) -> None:
    """Where the conversation goes after a code that led nowhere."""
    if ctx.user.onboarded_at is None:
        ctx.args = []
        return onboarding.start(ctx)
    ctx.run("menu")


def lookup(ctx: Context, typed: str) -> Invite | None:
    """The usable invitation a typed code names; otherwise say why (and audit it) and None."""
    if (
        store.refusals_since(ctx.db, ctx.user.id, ctx.now - HOUR) >= invites.MAX_REFUSALS_PER_HOUR
        or code_guesses.blocked(ctx)  # per address too: the web chat's many cookies
    ):
        ctx.set_state(None)
        ctx.say("invites.too_many")
        return None
    code = invites.normalise(typed)
    invite = store.get(ctx.db, code)
    problem = "unknown" if invite is None else invite.problem(ctx.now)
    if problem is not None:
        code_guesses.wrong(ctx)
        refuse(ctx, problem, code[:20])
        return None
    return invite


def redeem(ctx: Context, typed: str, *, retry: bool = False) -> None:
    invite = lookup(ctx, typed)
    offer = f"invite.offer.{invite.kind}" if invite is not None else ""
    if invite is not None and offer not in ctx.engine.routes.entries:
        refuse(ctx, "unknown", invite.code)  # a kind this installation does not handle
        invite = None
    if invite is None:
        if retry and ctx.user.state == "inv:code":  # at the prompt: type it again
            return ctx.say("invites.ask_again", _cancel_row(ctx))
        return _after(ctx)
    if ctx.user.onboarded_at is None:
        store.set_pending(ctx.db, ctx.user.id, invite.code, ctx.now)
        ctx.say("invites.register_first", code=invite.code)
        ctx.args = []
        return onboarding.start(ctx)
    ctx.args = [invite.code]
    ctx.run(offer)


def _cancel_row(ctx: Context) -> list[list[Button]]:
    if ctx.user.onboarded_at is None:
        return []
    return [[ctx.button("buttons.menu", "m:menu")]]


@router.command("ma", "code")
def code_command(ctx: Context) -> None:
    if ctx.args:
        return redeem(ctx, "".join(ctx.args))
    ask_code(ctx)


@router.entry("invite.ask_code")
def ask_code(ctx: Context) -> None:
    ctx.set_state("inv:code")
    ctx.say("invites.ask_code", _cancel_row(ctx))


@router.state("inv:code")
def code_typed(ctx: Context) -> None:
    redeem(ctx, ctx.text, retry=True)


@router.payload("iv")
def answer(ctx: Context) -> None:
    """Yes or no to the invitation offered; the code is the one in the state, never a payload's."""
    if ctx.args == ["code"]:
        return ask_code(ctx)
    code = str(ctx.user.state_data.get("code", ""))
    if ctx.user.state != "inv:offer" or ctx.args not in (["y"], ["n"]):
        return ctx.run("help.stale")
    ctx.set_state(None)
    invite = store.get(ctx.db, code)
    if ctx.args == ["n"]:
        audit.record(ctx.db, ctx.now, "invite.declined", actor_user_id=ctx.user.id, subject=code)
        ctx.say("invites.declined")
        return ctx.run("menu")
    problem = "unknown" if invite is None else invite.problem(ctx.now)
    if problem is not None or invite is None:
        refuse(ctx, problem or "unknown", code)
        return ctx.run("menu")
    ctx.args = [invite.code]
    ctx.run(f"invite.accept.{invite.kind}")


@router.state("inv:offer")
def offer_typed(ctx: Context) -> None:
    """Something else than yes or no: offer the same invitation again."""
    code = str(ctx.user.state_data.get("code", ""))
    invite = store.get(ctx.db, code)
    if invite is None:
        ctx.set_state(None)
        return ctx.run("menu")
    ctx.args = [invite.code]
    ctx.run(f"invite.offer.{invite.kind}")


@router.entry("invite.start")
def start_with_code(ctx: Context) -> None:
    redeem(ctx, "".join(ctx.args))


@router.entry("invite.after_onboarding")
def after_onboarding(ctx: Context) -> None:
    code = store.pop_pending(ctx.db, ctx.user.id)
    if code is None:
        return ctx.run("menu")
    redeem(ctx, code)


@router.entry("invite.forget")
def forget_pending(ctx: Context) -> None:
    store.pop_pending(ctx.db, ctx.user.id)
