"""Onboarding: greeting, consent, name, village, birth year, group, baseline self-assessment.

Nothing beyond the chat ids is stored before the user consents. Every step can be answered again
from "Thông tin của tôi" (`edit=True`), which returns to the profile instead of the next step.
"""

from __future__ import annotations

import re

from bot.engine.context import Context
from bot.engine.dispatcher import ADDRESS_FORMS
from bot.engine.router import Router
from bot.engine.types import Button
from bot.features import self_assessment
from bot.features.onboarding_input import (
    MAX_NAME_LEN,
    MIN_BIRTH_YEAR,
    clean_name,
    latest_birth_year,
    read_birth_year,
    read_name,
    yes_or_no,
)
from bot.features.self_assessment import ask_assessment
from bot.store import audit, units
from lessons.text import fold

router = Router("onboarding")

__all__ = ["MAX_NAME_LEN", "MIN_BIRTH_YEAR", "ask_assessment", "clean_name"]


def next_step(ctx: Context) -> str:
    user = ctx.user
    if user.consent_at is None:
        return "consent"
    if not user.display_name:
        return "name"
    if user.unit_id is None:
        return "village"
    if user.birth_year is None:
        return "birth"
    if user.address_form is None and ctx.engine.suggested_address(user.birth_year) is None:
        return "address"
    if user.grp is None:
        return "group"
    return "assess"


def ask(ctx: Context, step: str, *, edit: bool = False) -> None:
    {
        "consent": lambda: ask_consent(ctx),
        "name": lambda: ask_name(ctx, edit=edit),
        "village": lambda: ask_village(ctx, edit=edit),
        "birth": lambda: ask_birth_year(ctx, edit=edit),
        "address": lambda: ask_address(ctx, edit=edit),
        "group": lambda: ask_group(ctx, edit=edit),
        "assess": lambda: ask_assessment(ctx, 0, {}, edit=edit),
    }[step]()


def _after_step(ctx: Context, edit: bool) -> None:
    if edit:
        ctx.say("profile.saved")
        return ctx.run("profile.show")
    ask(ctx, next_step(ctx))


# -- consent ----------------------------------------------------------------------------------


def _consent_buttons(ctx: Context) -> list[list[Button]]:
    return [
        [ctx.button("buttons.consent_yes", "ob:c:y"), ctx.button("buttons.consent_no", "ob:c:n")],
        [ctx.button("buttons.consent_details", "ob:c:d")],
    ]


def ask_consent(ctx: Context) -> None:
    """The first screen: a short greeting and the consent question, small enough for a phone;
    the legal details come behind "Xem chi tiết"."""
    ctx.set_state("onb:consent")
    ctx.say("onboarding.greeting")
    ctx.say("onboarding.consent", _consent_buttons(ctx), expects="yes_no")


def _reset_profile(ctx: Context) -> None:
    user = ctx.user
    user.consent_at = user.display_name = user.unit_id = user.birth_year = user.grp = None


@router.command("batdau", "start")
def start(ctx: Context) -> None:
    if ctx.args:  # "/start CODE": an invitation code (a Telegram deep link, or typed)
        return ctx.run("invite.start")
    if ctx.user.onboarded_at is not None:
        ctx.say("help.welcome_back")
        return ctx.run("menu")
    if ctx.user.state not in (None, "declined"):
        ctx.say("onboarding.restarted")
    _reset_profile(ctx)
    ask_consent(ctx)


@router.entry("onboarding.resume")
def resume(ctx: Context) -> None:
    if ctx.user.state == "declined":
        return ctx.say("onboarding.declined_again", [[ctx.button("buttons.start", "ob:start")]])
    if ctx.user.state == "onb:paused":
        ctx.say("onboarding.resume")
    ask(ctx, next_step(ctx))


@router.state("onb:consent", free_text=True)  # "dung" here is "đúng", not "dừng"
def consent_typed(ctx: Context) -> None:
    # Typed text that is neither "đồng ý" nor "không": one line and the buttons again (never the
    # whole greeting), store nothing.
    answer = yes_or_no(ctx.text)
    if answer is not None:
        return _consent(ctx, "y" if answer else "n")
    ctx.say("onboarding.consent_again", _consent_buttons(ctx), expects="yes_no")


@router.state("declined", "onb:paused")
def idle_typed(ctx: Context) -> None:
    resume(ctx)


def _consent(ctx: Context, answer: str) -> None:
    if answer == "d":
        return ctx.say("onboarding.consent_details", _consent_buttons(ctx), expects="yes_no")
    if answer == "y":
        ctx.user.consent_at = ctx.now
        audit.record(ctx.db, ctx.now, "consent.given", actor_user_id=ctx.user.id)
        ask_name(ctx)
    else:
        _reset_profile(ctx)
        ctx.run("invite.forget")  # an invitation given before consent is not kept either
        ctx.set_state("declined")
        # The way back is one tap (or the typed words "bắt đầu", or "1") away.
        ctx.say("onboarding.declined", [[ctx.button("buttons.start", "ob:start")]])


# -- name -------------------------------------------------------------------------------------


def ask_name(ctx: Context, *, edit: bool = False) -> None:
    ctx.set_state("onb:name", edit=edit)
    ctx.say("onboarding.ask_name_edit" if edit else "onboarding.ask_name")


@router.state("onb:name", free_text=True)
def name_typed(ctx: Context) -> None:
    edit = bool(ctx.user.state_data.get("edit"))
    found = read_name(ctx.text)
    if found is None:
        return ctx.say("onboarding.name_invalid", max_len=MAX_NAME_LEN)
    if found.confirm:
        ctx.set_state("onb:name_ok", name=found.name, edit=edit)
        return ctx.say(
            "onboarding.name_confirm",
            [
                [
                    ctx.button("buttons.yes_right", "ob:n:y"),
                    ctx.button("buttons.no_change", "ob:n:n"),
                ]
            ],
            expects="yes_no",
            name=found.name,
        )
    _set_name(ctx, found.name, edit)


def _set_name(ctx: Context, name: str, edit: bool) -> None:
    ctx.user.display_name = name
    if edit:
        ctx.say("onboarding.name_saved")
        return ctx.run("profile.show")
    _after_step(ctx, edit)


def _name_answer(ctx: Context, yes: bool) -> None:
    data = ctx.user.state_data
    if ctx.user.state != "onb:name_ok" or not data.get("name"):
        return ctx.run("help.stale")
    edit = bool(data.get("edit"))
    if yes:
        return _set_name(ctx, str(data["name"]), edit)
    ctx.set_state("onb:name", edit=edit)
    ctx.say("onboarding.ask_name_again")


@router.state("onb:name_ok", free_text=True)
def name_confirm_typed(ctx: Context) -> None:
    """ "ok", "vâng", "ko" answer the question; anything else is the name typed again."""
    answer = yes_or_no(ctx.text)
    if answer is not None:
        return _name_answer(ctx, answer)
    ctx.user.state = "onb:name"
    name_typed(ctx)


# -- village ----------------------------------------------------------------------------------


def _village_buttons(villages: list[units.Unit]) -> list[list[Button]]:
    buttons = [Button(v.name, f"ob:v:{v.id}") for v in villages]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def ask_village(ctx: Context, *, edit: bool = False) -> None:
    villages = units.villages(ctx.db)
    if not villages:
        commune = units.commune(ctx.db)
        ctx.say("onboarding.no_villages")
        ctx.user.unit_id = commune.id if commune else None
        if ctx.user.unit_id is not None:
            return _after_step(ctx, edit)
    ctx.set_state("onb:village", edit=edit)
    ctx.say("onboarding.ask_village", _village_buttons(villages))


def match_villages(villages: list[units.Unit], typed: str) -> list[units.Unit]:
    """Villages whose name matches typed text without diacritics: "thon dong" → "Thôn Đông"."""
    wanted = fold(typed)
    if not wanted:
        return []
    exact = [v for v in villages if fold(v.name) == wanted]
    if exact:
        return exact
    return [v for v in villages if re.search(rf"(^|\s){re.escape(wanted)}(\s|$)", fold(v.name))]


@router.state("onb:village", free_text=True)
def village_typed(ctx: Context) -> None:
    villages = units.villages(ctx.db)
    found = match_villages(villages, ctx.text)
    if len(found) == 1:
        return _set_village(ctx, found[0].id)
    key = "onboarding.village_many" if found else "onboarding.village_unknown"
    ctx.say(key, _village_buttons(found or villages), typed=ctx.text[:40])


def _set_village(ctx: Context, unit_id: int) -> None:
    unit = units.get(ctx.db, unit_id)
    if unit is None or unit.kind != "village":
        return ctx.run("help.stale")
    ctx.user.unit_id = unit.id
    _after_step(ctx, bool(ctx.user.state_data.get("edit")))


# -- birth year -------------------------------------------------------------------------------


def ask_birth_year(ctx: Context, *, edit: bool = False) -> None:
    ctx.set_state("onb:birth", edit=edit)
    ctx.say("onboarding.ask_birth_year")


@router.state("onb:birth")
def birth_year_typed(ctx: Context) -> None:
    this_year = ctx.engine.local_now().year
    edit = bool(ctx.user.state_data.get("edit"))
    found = read_birth_year(ctx.text, this_year)
    if found is None:
        ctx.set_state("onb:birth", edit=edit)
        return ctx.say(
            "onboarding.birth_year_invalid",
            typed=ctx.text[:20],
            min_year=MIN_BIRTH_YEAR,
            max_year=latest_birth_year(this_year),
        )
    if found.confirm:
        ctx.set_state("onb:birth_ok", year=found.year, edit=edit)
        return ctx.say(
            "onboarding.birth_year_confirm",
            [
                [
                    ctx.button("buttons.yes_right", f"ob:b:y:{found.year}"),
                    ctx.button("buttons.no_change", "ob:b:n"),
                ]
            ],
            expects="yes_no",
            birth_year=found.year,
            # The question is about this year: call the person as it would.
            Goi=(
                ctx.user.address_form or ctx.engine.suggested_address(found.year) or "bạn"
            ).capitalize(),
        )
    _set_birth_year(ctx, found.year, edit)


def _set_birth_year(ctx: Context, year: int, edit: bool) -> None:
    ctx.user.birth_year = year
    if ctx.user.address_form is None and ctx.engine.suggested_address(year) is None:
        return ask_address(ctx, edit=edit)
    _after_step(ctx, edit)


def _birth_answer(ctx: Context, rest: list[str]) -> None:
    data = ctx.user.state_data
    if ctx.user.state != "onb:birth_ok" or "year" not in data:
        return ctx.run("help.stale")
    edit = bool(data.get("edit"))
    if rest[:1] == ["y"] and rest[1:] == [str(data["year"])]:
        return _set_birth_year(ctx, int(data["year"]), edit)
    ask_birth_year(ctx, edit=edit)


@router.state("onb:birth_ok", free_text=True)
def birth_confirm_typed(ctx: Context) -> None:
    answer = yes_or_no(ctx.text)
    if answer is not None:
        return _birth_answer(ctx, ["y", str(ctx.user.state_data.get("year"))] if answer else ["n"])
    ctx.user.state = "onb:birth"
    birth_year_typed(ctx)


# -- how to be called -------------------------------------------------------------------------


def _address_buttons(ctx: Context) -> list[list[Button]]:
    buttons = [
        ctx.button("buttons.address_form", f"ob:x:{i}", form=form.capitalize())
        for i, form in enumerate(ADDRESS_FORMS)
    ]
    return [buttons[i : i + 4] for i in range(0, len(buttons), 4)]


def ask_address(ctx: Context, *, edit: bool = False) -> None:
    ctx.set_state("onb:address", edit=edit)
    ctx.say("onboarding.ask_address", _address_buttons(ctx))


@router.state("onb:address")
def address_typed(ctx: Context) -> None:
    ctx.say("onboarding.address_invalid", _address_buttons(ctx))


def _set_address(ctx: Context, index: str) -> None:
    if not index.isdigit() or int(index) >= len(ADDRESS_FORMS) or ctx.user.state != "onb:address":
        return ctx.run("help.stale")
    ctx.user.address_form = ADDRESS_FORMS[int(index)]
    _after_step(ctx, bool(ctx.user.state_data.get("edit")))


# -- group ------------------------------------------------------------------------------------


def _group_buttons(ctx: Context) -> list[list[Button]]:
    buttons = [Button(g.name, f"ob:g:{g.id}") for g in ctx.engine.curriculum.groups]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def ask_group(ctx: Context, *, edit: bool = False) -> None:
    ctx.set_state("onb:group", edit=edit)
    ctx.say("onboarding.ask_group", _group_buttons(ctx))


@router.state("onb:group")
def group_typed(ctx: Context) -> None:
    ctx.say("onboarding.group_invalid", _group_buttons(ctx))


def _set_group(ctx: Context, group_id: str) -> None:
    if group_id not in {g.id for g in ctx.engine.curriculum.groups}:
        return ctx.run("help.stale")
    ctx.user.grp = group_id
    _after_step(ctx, bool(ctx.user.state_data.get("edit")))


@router.payload("ob")
def onboarding_button(ctx: Context) -> None:
    kind, *rest = ctx.args or [""]
    if kind == "start":
        ctx.args = []  # the button's own "start" is not an invitation code
        return start(ctx)
    if kind == "c" and rest:
        return _consent(ctx, rest[0])
    if kind == "n" and rest:
        return _name_answer(ctx, rest[0] == "y")
    if kind == "b" and rest:
        return _birth_answer(ctx, rest)
    if kind == "x" and rest:
        return _set_address(ctx, rest[0])
    if kind == "v" and rest and rest[0].isdigit():
        return _set_village(ctx, int(rest[0]))
    if kind == "g" and rest:
        return _set_group(ctx, rest[0])
    if kind == "a" and len(rest) == 2 and rest[0].isdigit():
        return self_assessment.answer(ctx, int(rest[0]), rest[1])
    ctx.run("help.stale")
