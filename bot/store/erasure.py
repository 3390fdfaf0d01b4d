"""The SQL of erasing a person everywhere their name or ids still stand after their own rows go.

`users.erase` deletes the person's rows; these functions reach the rows that name them but belong
to others (a mentor's "X đã nhận lời…" message, the audit log, the ids of processed updates).
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlite_utils import Database

# Erased subjects in the audit log keep their action and time, not who it was.
ERASED_SUBJECT = "user:erased"


def scrub_audit(db: Database, user_id: int) -> None:
    """The audit log keeps what happened and when, never the erased person's id."""
    db.execute("UPDATE audit_log SET actor_user_id = NULL WHERE actor_user_id = ?", [user_id])
    db.execute(
        "UPDATE audit_log SET subject = ? WHERE subject = ?", [ERASED_SUBJECT, f"user:{user_id}"]
    )


def forget_updates(db: Database, channel: str, chat_id: str) -> None:
    """Processed update ids that carry the person's chat id ("m:<chat>:<message>" on Telegram and
    Zalo, "<chat>:<message>" on the web chat)."""
    chat = chat_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    db.execute(
        "DELETE FROM processed_updates WHERE channel = ? "
        "AND (update_id LIKE ? ESCAPE '\\' OR update_id LIKE ? ESCAPE '\\')",
        [channel, f"m:{chat}:%", f"{chat}:%"],
    )


def scrub_outbox_mentions(db: Database, name: str, replacement: str) -> int:
    """Other people's messages that name the person: sent ones are deleted (they are already
    delivered; the outbox is no archive), pending ones get `replacement` instead of the name.
    The name must stand as a whole word, so "An" does not touch "an toàn". Returns rows changed."""
    if not name.strip():
        return 0
    word = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
    rows = db.execute(
        "SELECT id, status, body FROM outbox WHERE instr(body, ?) > 0", [name]
    ).fetchall()
    changed = 0
    for item_id, status, raw in rows:
        # Matched on the decoded text: in the JSON a line break before the name is "\\n".
        body = json.loads(raw)
        scrubbed = _replace_in(body, word, replacement)
        if scrubbed == body:
            continue
        if status == "pending":
            db.execute(
                "UPDATE outbox SET body = ? WHERE id = ?",
                [json.dumps(scrubbed, ensure_ascii=False, separators=(",", ":")), item_id],
            )
        else:
            db.execute("DELETE FROM outbox WHERE id = ?", [item_id])
        changed += 1
    return changed


def scrub_others_screens(db: Database, name: str) -> int:
    """Other people's remembered buttons and waiting question that show the person's name (a
    mentor's list of mentees): forgotten, so a later tap gets the gentle "old button" answer."""
    if not name.strip():
        return 0
    word = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
    rows = db.execute(
        "SELECT id, last_buttons, pending_question FROM users "
        "WHERE instr(last_buttons, ?) > 0 OR instr(pending_question, ?) > 0",
        [name, name],
    ).fetchall()
    changed = 0
    for user_id, buttons, waiting in rows:
        if word.search(str(json.loads(buttons))) or word.search(str(json.loads(waiting))):
            db.execute(
                "UPDATE users SET last_buttons = '[]', pending_question = '{}' WHERE id = ?",
                [user_id],
            )
            changed += 1
    return changed


def _replace_in(value: Any, word: re.Pattern[str], replacement: str) -> Any:
    if isinstance(value, str):
        return word.sub(replacement, value)
    if isinstance(value, list):
        return [_replace_in(item, word, replacement) for item in value]
    if isinstance(value, dict):
        return {key: _replace_in(item, word, replacement) for key, item in value.items()}
    return value


def all_identities(db: Database) -> list[tuple[int, str, str, int]]:
    """(id, channel, external_id, created_at) of every user, for matching the erasure ledger."""
    rows = db.execute("SELECT id, channel, external_id, created_at FROM users").fetchall()
    return [(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]
