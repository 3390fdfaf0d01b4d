"""Schema, as ordered named migrations applied at start-up (and by the tests' fresh databases).

Never edit a migration that has shipped: add a new one.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("hocvuso")


def _run(db: Database, script: str) -> None:
    # executescript() would COMMIT the migration's transaction; run statement by statement instead.
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)


@migrations()
def m001_initial(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE units (
            id INTEGER PRIMARY KEY,
            parent_id INTEGER REFERENCES units(id),
            kind TEXT NOT NULL CHECK (kind IN ('commune', 'village')),
            name TEXT NOT NULL,
            name_folded TEXT NOT NULL,
            adult_population INTEGER,
            households INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX units_parent_name ON units(IFNULL(parent_id, 0), name_folded);

        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            channel TEXT NOT NULL,
            external_id TEXT NOT NULL,
            chat_id TEXT NOT NULL,
            display_name TEXT,
            unit_id INTEGER REFERENCES units(id),
            birth_year INTEGER,
            grp TEXT,
            role TEXT NOT NULL DEFAULT 'resident',
            consent_at INTEGER,
            onboarded_at INTEGER,
            state TEXT,
            state_data TEXT NOT NULL DEFAULT '{}',
            last_buttons TEXT NOT NULL DEFAULT '[]',
            unreachable_at INTEGER,
            created_at INTEGER NOT NULL,
            last_active_at INTEGER NOT NULL,
            UNIQUE (channel, external_id)
        );
        CREATE INDEX users_unit ON users(unit_id);

        CREATE TABLE processed_updates (
            channel TEXT NOT NULL,
            update_id TEXT NOT NULL,
            processed_at INTEGER NOT NULL,
            PRIMARY KEY (channel, update_id)
        ) WITHOUT ROWID;

        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            channel TEXT NOT NULL,
            chat_id TEXT NOT NULL,
            user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
            body TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sent', 'failed', 'unreachable', 'cancelled')),
            attempts INTEGER NOT NULL DEFAULT 0,
            not_before INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            sent_at INTEGER,
            last_error TEXT
        );
        CREATE INDEX outbox_pending ON outbox(channel, status, not_before, id);
        CREATE INDEX outbox_chat ON outbox(channel, chat_id, status, id);

        CREATE TABLE progress (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            lesson_id TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('started', 'quiz', 'passed', 'failed')),
            step INTEGER NOT NULL DEFAULT 0,
            score INTEGER,
            total INTEGER,
            attempts INTEGER NOT NULL DEFAULT 0,
            unit_id INTEGER REFERENCES units(id),
            assisted_by INTEGER REFERENCES users(id),
            started_at INTEGER NOT NULL,
            finished_at INTEGER,
            UNIQUE (user_id, lesson_id)
        );
        CREATE INDEX progress_unit ON progress(unit_id, status);

        CREATE TABLE anonymous_completions (
            unit_id INTEGER NOT NULL,
            lesson_id TEXT NOT NULL,
            completions INTEGER NOT NULL,
            PRIMARY KEY (unit_id, lesson_id)
        );

        CREATE TABLE self_assessments (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            unit_id INTEGER REFERENCES units(id),
            kind TEXT NOT NULL CHECK (kind IN ('baseline', 'followup')),
            smartphone INTEGER,
            epayment INTEGER,
            vneid2 INTEGER,
            ai_tool INTEGER,
            taken_at INTEGER NOT NULL
        );
        CREATE INDEX self_assessments_user ON self_assessments(user_id, kind);

        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            actor_user_id INTEGER,
            action TEXT NOT NULL,
            subject TEXT,
            detail TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX audit_log_at ON audit_log(at);
        """,
    )


@migrations()
def m002_learning(db: Database) -> None:
    _run(
        db,
        """
        ALTER TABLE users ADD COLUMN core_done_at INTEGER;

        CREATE TABLE learning_days (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            day TEXT NOT NULL,
            PRIMARY KEY (user_id, day)
        ) WITHOUT ROWID;

        CREATE TABLE certificates (
            code TEXT PRIMARY KEY,
            user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
            topic_id TEXT NOT NULL,
            holder_name TEXT NOT NULL,
            topic_title TEXT NOT NULL,
            commune_name TEXT NOT NULL,
            issued_at INTEGER NOT NULL,
            UNIQUE (user_id, topic_id)
        );
        """,
    )


@migrations()
def m003_job_runs(db: Database) -> None:
    # The scheduler records each periodic job's last run here; /healthz reports it. The partial
    # index keeps the outbox backlog check cheap however many sent rows the outbox holds.
    _run(
        db,
        """
        CREATE TABLE job_runs (
            job_id TEXT PRIMARY KEY,
            started_at INTEGER NOT NULL,
            finished_at INTEGER,
            ok INTEGER,
            error TEXT
        );
        CREATE INDEX outbox_pending_due ON outbox(not_before) WHERE status = 'pending';
        """,
    )


@migrations()
def m004_outbox_lease(db: Database) -> None:
    # A delivery worker claims a pending row by setting a lease; the row stays 'pending' (so a
    # later row of the same chat waits behind it) until it is confirmed sent. A lease left by a
    # process that died is released at the next start, so the row is sent again (at least once).
    # `parts_sent` counts the platform messages of a row already delivered (a long reply is split
    # into several), so a retry never repeats a part the user already has.
    _run(
        db,
        """
        ALTER TABLE outbox ADD COLUMN lease_until INTEGER;
        ALTER TABLE outbox ADD COLUMN parts_sent INTEGER NOT NULL DEFAULT 0
        """,
    )


@migrations()
def m005_mentors_households(db: Database) -> None:
    # Đại sứ số (mentors) and their mentees, assisted learners registered by a mentor, households
    # (Gia đình số), and the invitation codes that link them.
    _run(
        db,
        """
        ALTER TABLE users ADD COLUMN assisted INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE users ADD COLUMN registered_by INTEGER REFERENCES users(id) ON DELETE SET NULL;

        CREATE TABLE invite_codes (
            code TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('mentor', 'mentee', 'household', 'official')),
            unit_id INTEGER REFERENCES units(id),
            owner_user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
            household_id INTEGER,
            official_id INTEGER,
            uses_left INTEGER,
            expires_at INTEGER,
            created_by TEXT,
            created_at INTEGER NOT NULL
        );

        CREATE TABLE mentor_links (
            mentor_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            mentee_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            linked_at INTEGER NOT NULL,
            ended_at INTEGER,
            PRIMARY KEY (mentor_id, mentee_id)
        );
        CREATE INDEX mentor_links_mentee ON mentor_links(mentee_id);

        CREATE TABLE households (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            unit_id INTEGER REFERENCES units(id),
            created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE household_members (
            household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
            joined_at INTEGER NOT NULL,
            PRIMARY KEY (household_id, user_id)
        );
        CREATE INDEX users_role_unit ON users(role, unit_id)
        """,
    )


@migrations()
def m006_reminders_broadcasts(db: Database) -> None:
    # Reminders are rows swept every minute by an indexed next_reminder_at; broadcasts are rows
    # with a target and a send time, fanned out into the outbox by one job.
    _run(
        db,
        """
        ALTER TABLE users ADD COLUMN reminder_minute INTEGER;
        ALTER TABLE users ADD COLUMN reminder_days TEXT NOT NULL DEFAULT '0123456';
        ALTER TABLE users ADD COLUMN next_reminder_at INTEGER;
        ALTER TABLE users ADD COLUMN nudges_unanswered INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE users ADD COLUMN last_nudge_at INTEGER;
        ALTER TABLE users ADD COLUMN reminders_off INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX users_next_reminder ON users(next_reminder_at)
            WHERE next_reminder_at IS NOT NULL;

        CREATE TABLE broadcasts (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            target TEXT NOT NULL,
            message_key TEXT,
            message_text TEXT,
            lesson_id TEXT,
            send_at INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'scheduled'
                CHECK (status IN ('scheduled', 'sending', 'done', 'cancelled')),
            recurring TEXT,
            created_by TEXT,
            created_at INTEGER NOT NULL,
            -- fan-out progress: users with a smaller id already have their outbox row
            cursor_user_id INTEGER NOT NULL DEFAULT 0,
            queued INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX broadcasts_due ON broadcasts(status, send_at);
        ALTER TABLE outbox ADD COLUMN broadcast_id INTEGER REFERENCES broadcasts(id);
        CREATE INDEX outbox_broadcast ON outbox(broadcast_id, status) WHERE broadcast_id IS NOT NULL
        """,
    )


@migrations()
def m007_officials(db: Database) -> None:
    # Officials' accounts and dashboard sessions, login throttling, and the report summaries
    # that triggers keep on every write (bot/store/report_schema.py holds this frozen SQL).
    from bot.store.report_schema import m007

    m007(db)


@migrations()
def m008_mentors(db: Database) -> None:
    # Who is a mentor for which village (users.role says only that one is), invitations waiting
    # for a new user to finish registering, a mentor's pushes (counted for the daily cap), the
    # alerts already sent (so a restart never repeats one), and every quiz answer (the questions
    # mentees miss most). A mentee has one active mentor at a time.
    _run(
        db,
        """
        CREATE TABLE mentors (
            user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
            unit_id INTEGER REFERENCES units(id),
            since INTEGER NOT NULL,
            invite_code TEXT
        );
        CREATE INDEX mentors_unit ON mentors(unit_id);
        CREATE UNIQUE INDEX mentor_links_active ON mentor_links(mentee_id) WHERE ended_at IS NULL;
        CREATE INDEX invite_codes_owner ON invite_codes(owner_user_id, kind);
        CREATE INDEX invite_codes_household ON invite_codes(household_id);
        CREATE INDEX households_unit ON households(unit_id);
        CREATE INDEX users_assisted_unit ON users(unit_id) WHERE assisted = 1;

        CREATE TABLE pending_invites (
            user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
            code TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );

        CREATE TABLE mentor_pushes (
            id INTEGER PRIMARY KEY,
            mentor_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('lesson', 'cheer')),
            lesson_id TEXT,
            recipients INTEGER NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX mentor_pushes_mentor ON mentor_pushes(mentor_id, created_at);
        CREATE TABLE mentor_push_items (
            id INTEGER PRIMARY KEY,
            push_id INTEGER NOT NULL REFERENCES mentor_pushes(id) ON DELETE CASCADE,
            mentee_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            opened_at INTEGER
        );
        CREATE INDEX mentor_push_items_mentee ON mentor_push_items(mentee_id);
        CREATE INDEX mentor_push_items_push ON mentor_push_items(push_id);

        CREATE TABLE mentor_alerts (
            mentor_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            ref TEXT NOT NULL,
            sent_at INTEGER NOT NULL,
            PRIMARY KEY (mentor_id, kind, ref)
        ) WITHOUT ROWID;

        CREATE TABLE quiz_answers (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            lesson_id TEXT NOT NULL,
            question INTEGER NOT NULL,
            correct INTEGER NOT NULL,
            assisted_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
            answered_at INTEGER NOT NULL
        );
        CREATE INDEX quiz_answers_user ON quiz_answers(user_id, lesson_id)
        """,
    )


@migrations()
def m009_zalo(db: Database) -> None:
    # Zalo sends photos only by URL: a certificate is served at /files/cert/<token>.png, where the
    # token is random (the certificate's code is shared for verification and must not open it).
    # The link goes with the certificate (and so with the person, when they erase their data).
    _run(
        db,
        """
        CREATE TABLE certificate_links (
            token TEXT PRIMARY KEY,
            code TEXT NOT NULL UNIQUE REFERENCES certificates(code) ON DELETE CASCADE,
            created_at INTEGER NOT NULL
        ) WITHOUT ROWID
        """,
    )


@migrations()
def m010_report_history(db: Database) -> None:
    # The report's "as of" columns for any past day: dated deltas of every learner's report row
    # (by day, rolled up by month), ages from the birth year, the village a mentor serves, web
    # chat learners apart (bot/store/report_history.py holds this frozen SQL).
    from bot.store.report_history import m010

    m010(db)


@migrations()
def m011_unanswered_questions(db: Database) -> None:
    # Questions search could not answer, normalised and counted, so content follows real needs.
    # No user id on purpose: erasing a person must not leave their words linked to them. Only
    # their village and their Đại sứ số (who sees the questions of the people they guide).
    _run(
        db,
        """
        CREATE TABLE unanswered_questions (
            id INTEGER PRIMARY KEY,
            normalized TEXT NOT NULL,
            sample TEXT NOT NULL,
            unit_id INTEGER REFERENCES units(id) ON DELETE SET NULL,
            mentor_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
            asked INTEGER NOT NULL DEFAULT 1,
            to_mentor INTEGER NOT NULL DEFAULT 0,
            to_commune INTEGER NOT NULL DEFAULT 0,
            first_at INTEGER NOT NULL,
            last_at INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX unanswered_questions_key
            ON unanswered_questions(normalized, IFNULL(unit_id, 0), IFNULL(mentor_id, 0));
        CREATE INDEX unanswered_questions_mentor ON unanswered_questions(mentor_id)
        """,
    )


@migrations()
def m012_address_form(db: Database) -> None:
    # How the person asked to be called ("bác", "cô", "chú", "anh", "chị", "em", "bạn"); when
    # set, it wins over the age rule. NULL: not chosen.
    _run(db, "ALTER TABLE users ADD COLUMN address_form TEXT")


@migrations()
def m013_pending_question(db: Database) -> None:
    # The question waiting for an answer (its text in short, buttons, what it expects), kept
    # across detours (a search, a help message, a reminder) apart from the buttons last offered.
    _run(db, "ALTER TABLE users ADD COLUMN pending_question TEXT NOT NULL DEFAULT '{}'")


@migrations()
def m014_failed_updates(db: Database) -> None:
    # An update whose processing failed: counted, and given up ("failed") after the second
    # failure, so one bad update never stops a channel. Ids only: no text, no name.
    _run(
        db,
        """
        CREATE TABLE failed_updates (
            channel TEXT NOT NULL,
            update_id TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            error TEXT NOT NULL,
            first_failed_at INTEGER NOT NULL,
            last_failed_at INTEGER NOT NULL,
            given_up_at INTEGER,
            PRIMARY KEY (channel, update_id)
        ) WITHOUT ROWID
        """,
    )


@migrations()
def m015_access(db: Database) -> None:
    # A key this installation signs its web chat cookies with (a chat exists only after a real
    # page load), and one row /healthz rewrites to prove the database still takes writes.
    _run(
        db,
        """
        CREATE TABLE app_secrets (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            created_at INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE health_probe (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            at INTEGER NOT NULL
        )
        """,
    )


@migrations()
def m017_report_sections(db: Database) -> None:
    # What the commune writes in its report (results, difficulties, proposals, next quarter's
    # tasks), the signer and the report's date: one row per period and scope (unit_id 0 is the
    # whole commune), edited in the dashboard before the Word file is made.
    _run(
        db,
        """
        CREATE TABLE report_sections (
            period TEXT NOT NULL,
            unit_id INTEGER NOT NULL DEFAULT 0,
            achieved TEXT NOT NULL DEFAULT '',
            difficulties TEXT NOT NULL DEFAULT '',
            proposals TEXT NOT NULL DEFAULT '',
            next_tasks TEXT NOT NULL DEFAULT '',
            signer TEXT NOT NULL DEFAULT '',
            report_date TEXT,
            updated_at INTEGER NOT NULL,
            updated_by TEXT,
            PRIMARY KEY (period, unit_id)
        ) WITHOUT ROWID
        """,
    )


@migrations()
def m018_units_codes(db: Database) -> None:
    # Villages keep a stable code from the commune's list (a rename is not a new village); demo
    # villages are marked so real ones replace them; populations per learner group; and the
    # official figures the commune receives (Công an xã, the national platform), dated and sourced.
    _run(
        db,
        """
        ALTER TABLE units ADD COLUMN code TEXT;
        ALTER TABLE units ADD COLUMN demo INTEGER NOT NULL DEFAULT 0;
        CREATE UNIQUE INDEX units_parent_code ON units(IFNULL(parent_id, 0), code)
            WHERE code IS NOT NULL;

        CREATE TABLE unit_group_populations (
            unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
            grp TEXT NOT NULL,
            population INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (unit_id, grp)
        ) WITHOUT ROWID;

        CREATE TABLE official_figures (
            id INTEGER PRIMARY KEY,
            unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
            measure TEXT NOT NULL,
            value INTEGER NOT NULL,
            as_of TEXT NOT NULL,
            source TEXT NOT NULL,
            entered_at INTEGER NOT NULL,
            entered_by TEXT
        );
        CREATE INDEX official_figures_unit ON official_figures(unit_id, measure, as_of);

        UPDATE units SET demo = 1 WHERE kind = 'village'
            AND (name, adult_population, households) IN (VALUES
                ('Thôn Đông', 820, 290), ('Thôn Tây', 640, 225), ('Thôn Nam', 710, 248),
                ('Thôn Bắc', 555, 196), ('Xóm Chợ', 430, 160))
        """,
    )
    # (The last statement marks the villages an older trial database was seeded with from
    # content/vi/demo_units.yaml, recognised by their exact names and figures.)


@migrations()
def m019_report_gaps(db: Database) -> None:
    # Web chat learners' weekly flows and lesson passes kept apart (as their monthly flows are),
    # so the trend and the topic/domain tables leave them out unless the web chat is a kiosk
    # (bot/store/report_webchat.py holds this frozen SQL).
    from bot.store.report_webchat import m019

    m019(db)


@migrations()
def m020_conversation_polish(db: Database) -> None:
    # A quiz left with "Tạm dừng" resumes at the same question with the answers given kept: the
    # quiz's place (question order, position, answers so far) as JSON, NULL when none is open.
    _run(db, "ALTER TABLE progress ADD COLUMN quiz_state TEXT")


@migrations()
def m021_report_indexes(db: Database) -> None:
    # The report's "face-to-face learners asked the self-assessment" line reads every assisted
    # learner registered before the day counted: these two indexes answer it without reading a
    # users row or a self-assessment row (4× faster; bench/report.py).
    _run(
        db,
        """
        CREATE INDEX users_assisted_created ON users(created_at) WHERE assisted = 1;
        CREATE INDEX self_assessments_user_taken ON self_assessments(user_id, taken_at)
        """,
    )
