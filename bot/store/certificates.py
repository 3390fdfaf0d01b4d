"""Certificates issued when a topic is finished, verifiable by their short code."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database


@dataclass(frozen=True)
class Certificate:
    code: str
    user_id: int | None
    topic_id: str
    holder_name: str
    topic_title: str
    commune_name: str
    issued_at: int


_COLUMNS = "code, user_id, topic_id, holder_name, topic_title, commune_name, issued_at"


def issue(db: Database, cert: Certificate) -> Certificate:
    """Store the certificate; a topic already certified for this user returns the first one."""
    existing = for_topic(db, cert.user_id, cert.topic_id) if cert.user_id else None
    if existing is not None:
        return existing
    db.execute(
        f"INSERT INTO certificates ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            cert.code,
            cert.user_id,
            cert.topic_id,
            cert.holder_name,
            cert.topic_title,
            cert.commune_name,
            cert.issued_at,
        ],
    )
    return cert


def for_topic(db: Database, user_id: int | None, topic_id: str) -> Certificate | None:
    row = db.execute(
        f"SELECT {_COLUMNS} FROM certificates WHERE user_id = ? AND topic_id = ?",
        [user_id, topic_id],
    ).fetchone()
    return Certificate(*row) if row else None


def by_code(db: Database, code: str) -> Certificate | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM certificates WHERE code = ?", [code]).fetchone()
    return Certificate(*row) if row else None


def for_user(db: Database, user_id: int) -> list[Certificate]:
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM certificates WHERE user_id = ? ORDER BY issued_at", [user_id]
    ).fetchall()
    return [Certificate(*r) for r in rows]
