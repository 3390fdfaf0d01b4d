"""Typed keys of what the aiohttp application holds."""

from __future__ import annotations

import jinja2
from aiohttp import web

from bot.app import Services

SERVICES: web.AppKey[Services] = web.AppKey("services")
TEMPLATES: web.AppKey[jinja2.Environment] = web.AppKey("templates")
