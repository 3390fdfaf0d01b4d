"""Feature handlers, one module per capability; `ROUTERS` is the order they are wired in."""

from bot.engine.router import Router
from bot.features import (
    ask,
    assisted,
    conversation,
    help,
    households,
    invites,
    learning,
    mentees,
    mentor_push,
    mentors,
    officials,
    onboarding,
    privacy,
    profile,
    progress_view,
    quiz,
    reminders,
)

ROUTERS: list[Router] = [
    onboarding.router,
    profile.router,
    privacy.router,
    learning.router,
    quiz.router,
    progress_view.router,
    reminders.router,
    officials.router,
    invites.router,
    mentors.router,
    mentees.router,
    mentor_push.router,
    assisted.router,
    households.router,
    ask.router,
    conversation.router,
    help.router,
]
