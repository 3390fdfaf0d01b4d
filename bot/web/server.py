"""The one aiohttp application every web route is mounted on."""

from __future__ import annotations

from pathlib import Path

import jinja2
from aiohttp import web

from bot.app import Services
from bot.web import chat, dashboard, health
from bot.web.keys import SERVICES, TEMPLATES


def create_app(services: Services) -> web.Application:
    app = web.Application(client_max_size=64 * 1024)
    app[SERVICES] = services
    app[TEMPLATES] = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    if services.settings.webchat_on:
        chat.setup(app)
    else:
        chat.setup_off(app)
    health.setup(app)
    dashboard.setup(app)
    return app
