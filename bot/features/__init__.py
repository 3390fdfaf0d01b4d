"""Feature handlers, one module per capability; `ROUTERS` is the order they are wired in."""

from bot.engine.router import Router
from bot.features import (
    ask,
    help,
    learning,
    onboarding,
    privacy,
    profile,
    progress_view,
    quiz,
)

ROUTERS: list[Router] = [
    onboarding.router,
    profile.router,
    privacy.router,
    learning.router,
    quiz.router,
    progress_view.router,
    ask.router,
    help.router,
]
