"""Unguessable links to certificate images, for platforms that fetch photos by URL (Zalo)."""

from __future__ import annotations

from sqlite_utils import Database


def link(db: Database, code: str, new_token: str, now: int) -> str:
    """The certificate's token: the one it already has, else `new_token`, stored now."""
    with db.atomic():
        db.execute(
            "INSERT OR IGNORE INTO certificate_links (token, code, created_at) VALUES (?, ?, ?)",
            [new_token, code, now],
        )
        row = db.execute("SELECT token FROM certificate_links WHERE code = ?", [code]).fetchone()
    return str(row[0])


def code_for(db: Database, token: str) -> str | None:
    row = db.execute("SELECT code FROM certificate_links WHERE token = ?", [token]).fetchone()
    return None if row is None else str(row[0])
