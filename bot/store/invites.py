"""Invitation codes: a mentor's (issued by officials), a mentor's own for mentees, a household's.

A code expires and runs out (`uses_left`, None: no limit); taking a use is one atomic UPDATE, so
two people redeeming the last use at once cannot both get it. bot/invites.py makes the codes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

_COLUMNS = "code, kind, unit_id, owner_user_id, household_id, uses_left, expires_at, created_at"
_USABLE = "(uses_left IS NULL OR uses_left > 0) AND (expires_at IS NULL OR expires_at > ?)"


@dataclass(frozen=True)
class Invite:
    code: str
    kind: str  # mentor | mentee | household | official
    unit_id: int | None
    owner_user_id: int | None
    household_id: int | None
    uses_left: int | None
    expires_at: int | None
    created_at: int

    def problem(self, now: int) -> str | None:
        """Why the code cannot be used now ("expired", "used_up"), or None."""
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        if self.uses_left is not None and self.uses_left <= 0:
            return "used_up"
        return None


def create(
    db: Database,
    *,
    code: str,
    kind: str,
    now: int,
    unit_id: int | None = None,
    owner_user_id: int | None = None,
    household_id: int | None = None,
    uses: int | None = None,
    expires_at: int | None = None,
    created_by: str | None = None,
) -> Invite:
    """Store a new code; sqlite3.IntegrityError if the code exists already."""
    db.execute(
        "INSERT INTO invite_codes (code, kind, unit_id, owner_user_id, household_id, uses_left, "
        "expires_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [code, kind, unit_id, owner_user_id, household_id, uses, expires_at, created_by, now],
    )
    return Invite(code, kind, unit_id, owner_user_id, household_id, uses, expires_at, now)


def get(db: Database, code: str) -> Invite | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM invite_codes WHERE code = ?", [code]).fetchone()
    return Invite(*row) if row else None


def take_use(db: Database, code: str, now: int) -> bool:
    """Use the code once; False when it expired or ran out meanwhile (nothing changes then)."""
    cursor = db.execute(
        "UPDATE invite_codes SET uses_left = uses_left - (uses_left IS NOT NULL) "
        f"WHERE code = ? AND {_USABLE}",
        [code, now],
    )
    return cursor.rowcount == 1


def current(
    db: Database,
    kind: str,
    now: int,
    *,
    owner_user_id: int | None = None,
    household_id: int | None = None,
) -> Invite | None:
    """The newest code still usable of a mentor (kind mentee) or of a household."""
    row = db.execute(
        f"SELECT {_COLUMNS} FROM invite_codes WHERE kind = ? "
        "AND (owner_user_id = ? OR ? IS NULL) AND (household_id = ? OR ? IS NULL) "
        f"AND {_USABLE} ORDER BY created_at DESC, rowid DESC LIMIT 1",
        [kind, owner_user_id, owner_user_id, household_id, household_id, now],
    ).fetchone()
    return Invite(*row) if row else None


def revoke(
    db: Database, kind: str, *, owner_user_id: int | None = None, household_id: int | None = None
) -> int:
    """Retire a mentor's or a household's codes (a new one replaces them)."""
    if owner_user_id is None and household_id is None:
        raise ValueError("revoke needs an owner or a household")
    cursor = db.execute(
        "DELETE FROM invite_codes WHERE kind = ? AND (owner_user_id = ? OR ? IS NULL) "
        "AND (household_id = ? OR ? IS NULL)",
        [kind, owner_user_id, owner_user_id, household_id, household_id],
    )
    return cursor.rowcount


# -- a code given before registering: kept until registration ends ---------------------------


def set_pending(db: Database, user_id: int, code: str, now: int) -> None:
    db.execute(
        "INSERT INTO pending_invites (user_id, code, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET code = excluded.code, "
        "created_at = excluded.created_at",
        [user_id, code, now],
    )


def pop_pending(db: Database, user_id: int) -> str | None:
    row = db.execute(
        "DELETE FROM pending_invites WHERE user_id = ? RETURNING code", [user_id]
    ).fetchone()
    return str(row[0]) if row else None


def refusals_since(db: Database, user_id: int, since: int) -> int:
    """Wrong or dead codes a user typed lately (the audit log has each): guessing is throttled."""
    row = db.execute(
        "SELECT COUNT(*) FROM audit_log WHERE at >= ? AND action = 'invite.refused' "
        "AND actor_user_id = ?",
        [since, user_id],
    ).fetchone()
    return int(row[0])
