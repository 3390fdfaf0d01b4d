"""Erasing a person so that nothing names them: their rows, the rows of others that mention
them, the freed pages and the WAL, and — through the erasure ledger — restored backups too.

The ledger is a file beside the database (`<db>.erasures`): one line per erasure, an HMAC of the
person's channel and platform id (never the id itself) and the time. `hocvuso backup` copies it
into the backup folder; `hocvuso restore` erases again everyone the ledger names who was
registered before their erasure, so a restored backup does not bring erased people back (and a
person who came back afterwards keeps their new account).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from bot.certificates import image_path
from bot.store import audit, certificates, erasure, progress, users
from bot.store import db as store_db

log = logging.getLogger(__name__)

LEDGER_SUFFIX = ".erasures"
KEY_SUFFIX = ".erasure-key"


def database_file(db: Database) -> Path | None:
    """The file of the main database, or None for an in-memory one."""
    for _, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main" and file:
            return Path(file)
    return None


@dataclass(frozen=True)
class Ledger:
    path: Path
    key_path: Path

    @classmethod
    def beside(cls, database: Path) -> Ledger:
        return cls(
            database.with_name(database.name + LEDGER_SUFFIX),
            database.with_name(database.name + KEY_SUFFIX),
        )

    @classmethod
    def of(cls, db: Database) -> Ledger | None:
        path = database_file(db)
        return None if path is None else cls.beside(path)

    def _key(self, *, create: bool) -> bytes | None:
        if self.key_path.is_file():
            return bytes.fromhex(self.key_path.read_text().strip())
        if not create:
            return None
        key = secrets.token_bytes(32)
        fd = os.open(self.key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(key.hex())
            out.flush()
            os.fsync(out.fileno())
        return key

    @staticmethod
    def digest(key: bytes, channel: str, external_id: str) -> str:
        return hmac.new(key, f"{channel}\n{external_id}".encode(), hashlib.sha256).hexdigest()

    def add(self, channel: str, external_id: str, at: int) -> None:
        """Record an erasure. Written before the erasure commits: if the commit then fails, the
        person asked to be erased anyway, so re-applying it at a restore is right."""
        key = self._key(create=True)
        assert key is not None
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a") as out:
            out.write(f"{self.digest(key, channel, external_id)} {at}\n")
            out.flush()
            os.fsync(out.fileno())

    def entries(self) -> dict[str, int]:
        """HMAC → the latest erasure time."""
        if not self.path.is_file():
            return {}
        found: dict[str, int] = {}
        for line in self.path.read_text().splitlines():
            digest, _, at = line.partition(" ")
            if digest and at.isdigit():
                found[digest] = max(found.get(digest, 0), int(at))
        return found

    def merge_from(self, other: Ledger) -> None:
        """Take in another ledger's lines (a backup folder's copy) made with the same key."""
        if other.path.resolve() == self.path.resolve() or not other.path.is_file():
            return
        mine = self.entries()
        theirs = other.entries()
        new = {d: at for d, at in theirs.items() if mine.get(d, -1) < at}
        if not new:
            return
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a") as out:
            out.writelines(f"{d} {at}\n" for d, at in sorted(new.items()))
            out.flush()
            os.fsync(out.fileno())

    @classmethod
    def in_backups(cls, directory: Path) -> Ledger:
        """The copy `hocvuso backup` keeps beside the backups."""
        return cls(directory / "erasures.ledger", directory / "erasures.key")

    def copy_to(self, other: Ledger) -> None:
        """Replace `other`'s files with this ledger and its key (atomically, each)."""
        for source, target in ((self.key_path, other.key_path), (self.path, other.path)):
            if source.is_file():
                tmp = target.with_name(target.name + ".tmp")
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "wb") as out:
                    out.write(source.read_bytes())
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(tmp, target)


def erase_user(
    db: Database,
    user_id: int,
    *,
    files_dir: Path,
    now: int,
    replacement: str,
    actor_user_id: int | None = None,
    ledger: Ledger | None = None,
) -> None:
    """Forget someone (a user, or an assisted learner at their mentor's request): finished lessons
    stay as anonymous per-village counts; every row naming them goes or is made anonymous.
    `replacement` stands for their name in messages still waiting to reach other people."""
    person = users.get(db, user_id)
    if person is None:
        return
    if ledger is not None:
        ledger.add(person.channel, person.external_id, now)
    progress.anonymize_for_user(db, user_id)
    for cert in certificates.for_user(db, user_id):
        image_path(files_dir, cert.code).unlink(missing_ok=True)
    if person.display_name:
        erasure.scrub_outbox_mentions(db, person.display_name, replacement)
        erasure.scrub_others_screens(db, person.display_name)
    erasure.forget_updates(db, person.channel, person.chat_id)
    erasure.scrub_audit(db, user_id)
    audit.record(db, now, "user.erased", actor_user_id=actor_user_id)
    users.erase(db, user_id)


def reapply(db: Database, ledger: Ledger, *, files_dir: Path, now: int, replacement: str) -> int:
    """Erase again everyone the ledger names who registered before their erasure (a restored
    backup brought them back). Returns how many were erased."""
    entries = ledger.entries()
    key = ledger._key(create=False)
    if not entries or key is None:
        return 0
    erased = 0
    for user_id, channel, external_id, created_at in erasure.all_identities(db):
        at = entries.get(Ledger.digest(key, channel, external_id))
        if at is not None and created_at <= at:
            with db.atomic():
                erase_user(db, user_id, files_dir=files_dir, now=now, replacement=replacement)
            erased += 1
    if erased:
        wipe_freed(db)
    return erased


def wipe_freed(db: Database) -> None:
    """After an erasure has committed: fold the WAL into the database and truncate it, so old
    copies of the erased rows do not linger in the -wal file (freed pages are zeroed by
    PRAGMA secure_delete, set when the database is opened)."""
    busy = store_db.truncate_wal(db)
    if busy:
        log.warning("wal not truncated after an erasure: a reader was busy")
