"""Feature handlers, one module per capability; `ROUTERS` is the order they are wired in."""

from bot.engine.router import Router
from bot.features import help, onboarding, privacy, profile

ROUTERS: list[Router] = [onboarding.router, profile.router, privacy.router, help.router]
