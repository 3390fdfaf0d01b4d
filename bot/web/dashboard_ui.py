"""Rendering dashboard pages: every word through content/vi/messages (dashboard.*, report.*),
numbers written the Vietnamese way, and the headers that keep the pages private."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.reports.columns import fmt
from bot.reports.service import commune_name
from bot.reports.wording import report_texts
from bot.web.keys import SERVICES, TEMPLATES

if TYPE_CHECKING:
    from bot.web.dashboard_auth import Auth

HEADERS = {
    # No script at all on the dashboard; inline styles and SVG only.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}


def number(text: str | None) -> int | None:
    """An id or count typed in ASCII digits that SQLite can hold; None for anything else: "²"
    and "٣" (digits to Python's isdigit, not to int or to a person), 24 digits, "-1", ""."""
    if not text or len(text) > 18 or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def redirect(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location, **HEADERS})


def render(
    request: web.Request, template: str, auth: Auth | None, *, status: int = 200, **values: Any
) -> web.Response:
    services = request.app[SERVICES]
    # The commune's unit word ("xóm", "thôn" …) in every page's words.
    texts = values.pop("texts", None) or report_texts(services)

    def t(key: str, **more: Any) -> str:
        return texts.render(key if "." in key else f"dashboard.{key}", **more)

    html = (
        request.app[TEMPLATES]
        .get_template(template)
        .render(
            t=t,
            fmt=fmt,
            official=auth.official if auth else None,
            csrf=values.pop("csrf", auth.csrf if auth else ""),
            commune=commune_name(services),
            **values,
        )
    )
    return web.Response(text=html, content_type="text/html", status=status, headers=HEADERS)


def download(name: str, content_type: str, body: bytes) -> web.Response:
    headers = dict(HEADERS)
    headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return web.Response(
        body=body,
        headers=headers,
        content_type=content_type.split(";")[0],
        charset="utf-8" if "charset" in content_type else None,
    )
