"""/baocao for officials in chat: the commune's (or the village's) headline numbers against the
plan's targets, and the villages furthest behind. `/baocao MÃ` links the chat account to an
official's dashboard account with a one-time code made on the dashboard.
"""

from __future__ import annotations

from bot import code_guesses
from bot import officials as accounts
from bot.config import PROJECT_ROOT
from bot.engine.context import Context
from bot.engine.router import Router, personal
from bot.reports import model
from bot.reports.columns import display_name, fmt
from bot.reports.periods import quarter_of
from bot.reports.sentences import gap_text, short_pct
from bot.reports.targets import TargetsError, pick
from bot.store import audit, officials, units

router = Router("officials")


def _pct(ctx: Context, value: float | None) -> str:
    return "—" if value is None else short_pct(value, ctx.engine.texts)


@router.command("baocao")
@personal
def report_command(ctx: Context) -> None:
    official = officials.by_user(ctx.db, ctx.user.id)
    if ctx.args:
        if code_guesses.blocked(ctx):
            return ctx.say("officials.too_many_codes")  # not even checked
        linked = accounts.link_chat(ctx.db, " ".join(ctx.args), ctx.user.id, ctx.now)
        if linked is None:
            code_guesses.wrong(ctx)
            return ctx.say("officials.bad_code")
        ctx.say("officials.linked", name=linked.display_name, admin=linked.is_admin)
        official = linked
    if official is None:
        return ctx.say("officials.not_linked")
    show(ctx, official.unit_id if not official.is_admin else None)
    audit.record(ctx.db, ctx.now, "report.chat", subject=f"official:{official.id}")


def show(ctx: Context, unit_id: int | None) -> None:
    today = ctx.engine.local_now().date()
    period = quarter_of(today)
    commune = units.commune(ctx.db)
    commune_name = commune.name if commune else ctx.engine.commune_name
    settings = ctx.engine.settings
    content_dir = settings.content_dir if settings is not None else PROJECT_ROOT / "content/vi"
    try:
        targets = pick(content_dir / "targets", commune_name, period.year)
    except TargetsError:
        targets = None
    report = model.build(
        ctx.db,
        ctx.engine.curriculum,
        commune=commune_name,
        period=period,
        today=today,
        targets=targets,
        unit_id=unit_id,
        webchat_kiosk=bool(settings is not None and settings.webchat_kiosk),
    )
    total = report.total
    behind = [
        {"name": display_name(r, ctx.engine.texts), "pct": _pct(ctx, r.core_pct)}
        for r in report.behind()
    ]
    ctx.say(
        "officials.report",
        scope=report.scope_name,
        period=period.label(ctx.engine.texts),
        date=today.strftime("%d/%m/%Y"),
        registered=fmt(total.registered),
        registered_pct=_pct(ctx, total.registered_pct),
        assisted=fmt(total.assisted),
        joined=fmt(total.joined),
        active=fmt(total.active),
        core_done=fmt(total.core_done),
        core_pct=_pct(ctx, total.core_pct),
        gaps=[gap_text(gap, ctx.engine.texts) for gap in report.gaps],
        has_targets=targets is not None,
        behind=behind if unit_id is None else [],
    )
