"""Users: one row per channel + external id, with the conversation state."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from bot.store import households

_COLUMNS = (
    "id, channel, external_id, chat_id, display_name, unit_id, birth_year, grp, role, consent_at, "
    "onboarded_at, state, state_data, last_buttons, unreachable_at, created_at, last_active_at, "
    "core_done_at, assisted, registered_by, reminder_minute, reminder_days, next_reminder_at, "
    "nudges_unanswered, last_nudge_at, reminders_off, address_form, pending_question"
)


@dataclass
class User:
    id: int
    channel: str
    external_id: str
    chat_id: str
    display_name: str | None = None
    unit_id: int | None = None
    birth_year: int | None = None
    grp: str | None = None
    role: str = "resident"
    consent_at: int | None = None
    onboarded_at: int | None = None
    state: str | None = None
    state_data: dict[str, Any] = field(default_factory=dict)
    # The buttons last shown, rows of [label, payload]: what a tap or a typed number may mean now.
    last_buttons: list[list[list[str]]] = field(default_factory=list)
    unreachable_at: int | None = None
    created_at: int = 0
    last_active_at: int = 0
    # When the core track "Kỹ năng số cơ bản" was finished: the user has basic digital skills.
    core_done_at: int | None = None
    # A resident without a phone or chat, registered by a mentor who teaches them face to face.
    assisted: int = 0
    registered_by: int | None = None
    # Reminders: minute of the local day (None: none chosen), weekdays as digits 0=Monday.
    reminder_minute: int | None = None
    reminder_days: str = "0123456"
    next_reminder_at: int | None = None
    nudges_unanswered: int = 0
    last_nudge_at: int | None = None
    reminders_off: int = 0
    # How the person chose to be called ("bác", "cô", "chú", "anh", "chị", "em", "bạn"), or None.
    address_form: str | None = None
    # The question waiting for an answer: {"text": a short line to show it again, "buttons": rows
    # of [label, payload], "expects": "yes_no" | "multi" | None}; {} when nothing waits. Unlike
    # last_buttons it survives detours (a search, help, a reminder), so "2" still answers it.
    pending_question: dict[str, Any] = field(default_factory=dict)


def _from_row(row: tuple[Any, ...]) -> User:
    values = list(row)
    values[12] = json.loads(values[12])
    values[13] = json.loads(values[13])
    values[27] = json.loads(values[27])
    return User(*values)


def get(db: Database, user_id: int) -> User | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM users WHERE id = ?", [user_id]).fetchone()
    return _from_row(row) if row else None


def find(db: Database, channel: str, external_id: str) -> User | None:
    row = db.execute(
        f"SELECT {_COLUMNS} FROM users WHERE channel = ? AND external_id = ?",
        [channel, external_id],
    ).fetchone()
    return _from_row(row) if row else None


def load_or_create(db: Database, channel: str, external_id: str, chat_id: str, now: int) -> User:
    """The user behind an update; a first message creates a row holding only the chat ids."""
    user = find(db, channel, external_id)
    if user is not None:
        return user
    cursor = db.execute(
        "INSERT INTO users (channel, external_id, chat_id, created_at, last_active_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [channel, external_id, chat_id, now, now],
    )
    assert cursor.lastrowid is not None
    return User(
        id=cursor.lastrowid,
        channel=channel,
        external_id=external_id,
        chat_id=chat_id,
        created_at=now,
        last_active_at=now,
    )


def save(db: Database, user: User) -> None:
    db.execute(
        "UPDATE users SET chat_id = ?, display_name = ?, unit_id = ?, birth_year = ?, grp = ?, "
        "role = ?, consent_at = ?, onboarded_at = ?, state = ?, state_data = ?, last_buttons = ?, "
        "unreachable_at = ?, last_active_at = ?, core_done_at = ?, assisted = ?, "
        "registered_by = ?, reminder_minute = ?, reminder_days = ?, next_reminder_at = ?, "
        "nudges_unanswered = ?, last_nudge_at = ?, reminders_off = ?, address_form = ?, "
        "pending_question = ? "
        "WHERE id = ?",
        [
            user.chat_id,
            user.display_name,
            user.unit_id,
            user.birth_year,
            user.grp,
            user.role,
            user.consent_at,
            user.onboarded_at,
            user.state,
            json.dumps(user.state_data, ensure_ascii=False, separators=(",", ":")),
            json.dumps(user.last_buttons, separators=(",", ":")),
            user.unreachable_at,
            user.last_active_at,
            user.core_done_at,
            user.assisted,
            user.registered_by,
            user.reminder_minute,
            user.reminder_days,
            user.next_reminder_at,
            user.nudges_unanswered,
            user.last_nudge_at,
            user.reminders_off,
            user.address_form,
            json.dumps(user.pending_question, ensure_ascii=False, separators=(",", ":")),
            user.id,
        ],
    )


def erase(db: Database, user_id: int) -> None:
    """Delete the user and everything personal; progress must already be made anonymous."""
    # Messages already sent hold names and answers too: nothing of them is kept.
    db.execute("DELETE FROM outbox WHERE user_id = ?", [user_id])
    db.execute("DELETE FROM progress WHERE user_id = ?", [user_id])
    db.execute("DELETE FROM self_assessments WHERE user_id = ?", [user_id])
    db.execute("DELETE FROM learning_days WHERE user_id = ?", [user_id])
    db.execute("DELETE FROM certificates WHERE user_id = ?", [user_id])
    # A mentor's name leaves the lessons they taught face to face (the learners stay assisted);
    # a household left empty goes. Mentor links, codes and pushes go by ON DELETE CASCADE.
    db.execute("UPDATE progress SET assisted_by = NULL WHERE assisted_by = ?", [user_id])
    households.remove_member(db, user_id)
    db.execute("DELETE FROM users WHERE id = ?", [user_id])


def prune_idle_trials(db: Database, channel: str, idle_before: int) -> int:
    """Delete the users of `channel` who never consented and wrote nothing since then (web chat
    visitors who left): nothing of theirs counts anywhere. How many went."""
    rows = db.execute(
        "SELECT id FROM users WHERE channel = ? AND consent_at IS NULL AND last_active_at < ?",
        [channel, idle_before],
    ).fetchall()
    for (user_id,) in rows:
        erase(db, user_id)
    return len(rows)


def count(db: Database) -> int:
    row = db.execute("SELECT COUNT(*) FROM users").fetchone()
    return int(row[0])


def mark_unreachable(db: Database, user_id: int, chat_id: str, now: int) -> None:
    """The platform refuses to deliver to the user's chat (they blocked the bot, or left).

    Only while the user's replies still go to that chat: a user who wrote from elsewhere since is
    reachable there.
    """
    with db.atomic():
        db.execute(
            "UPDATE users SET unreachable_at = ? WHERE id = ? AND chat_id = ? "
            "AND unreachable_at IS NULL",
            [now, user_id, chat_id],
        )


def mark_reachable(db: Database, channel: str, external_id: str) -> None:
    """The user wrote to the bot (or unblocked it): messages may be sent to them again."""
    with db.atomic():
        db.execute(
            "UPDATE users SET unreachable_at = NULL "
            "WHERE channel = ? AND external_id = ? AND unreachable_at IS NOT NULL",
            [channel, external_id],
        )
