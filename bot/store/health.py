"""What /healthz reads: the database answers and takes a write, the last periodic job run,
the outbox backlog."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database


@dataclass(frozen=True)
class JobRun:
    job_id: str
    started_at: int
    finished_at: int | None
    ok: bool | None


@dataclass(frozen=True)
class Backlog:
    pending: int  # due now and not yet sent
    oldest_due_at: int | None
    scheduled: int  # pending but not due yet (a reminder for tomorrow morning)


def ping(db: Database) -> None:
    """Raise sqlite3.Error when the database does not answer."""
    db.execute("SELECT 1").fetchone()


def probe_write(db: Database, now: int) -> None:
    """Raise sqlite3.Error when the database cannot take a write (full disk, read-only file):
    one tiny row rewritten in its own transaction."""
    with db.atomic():
        db.execute(
            "INSERT INTO health_probe (id, at) VALUES (1, ?) "
            "ON CONFLICT (id) DO UPDATE SET at = excluded.at",
            [now],
        )


def schema_version(db: Database) -> str | None:
    row = db.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = 'hocvuso' "
        "ORDER BY rowid DESC LIMIT 1"
    ).fetchone()
    return str(row[0]) if row else None


def job_started(db: Database, job_id: str, now: int) -> None:
    """Called by the scheduler when a periodic job starts (the row is replaced: one per job)."""
    db.execute(
        "INSERT INTO job_runs (job_id, started_at, finished_at, ok, error) "
        "VALUES (?, ?, NULL, NULL, NULL) "
        "ON CONFLICT (job_id) DO UPDATE SET started_at = excluded.started_at, "
        "finished_at = NULL, ok = NULL, error = NULL",
        [job_id, now],
    )


def job_finished(db: Database, job_id: str, now: int, *, error: str | None = None) -> None:
    """`error` is an exception type name, never a message that could hold personal data."""
    db.execute(
        "UPDATE job_runs SET finished_at = ?, ok = ?, error = ? WHERE job_id = ?",
        [now, error is None, error, job_id],
    )


def last_job_run(db: Database) -> JobRun | None:
    row = db.execute(
        "SELECT job_id, started_at, finished_at, ok FROM job_runs "
        "ORDER BY started_at DESC, job_id LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    return JobRun(row[0], row[1], row[2], None if row[3] is None else bool(row[3]))


def outbox_backlog(db: Database, now: int) -> Backlog:
    due = db.execute(
        "SELECT COUNT(*), MIN(not_before) FROM outbox WHERE status = 'pending' AND not_before <= ?",
        [now],
    ).fetchone()
    later = db.execute(
        "SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND not_before > ?", [now]
    ).fetchone()
    return Backlog(pending=int(due[0]), oldest_due_at=due[1], scheduled=int(later[0]))
