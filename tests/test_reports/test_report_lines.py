"""The report's lines where the data exists: Gia đình số % (households with a member who has basic
skills), face-to-face learners asked the self-assessment by their mentor, and how many people the
10/10 campaign reached; in the Word report and on the dashboard, as of the report's day."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import docx

from bot.app import Services, web_app
from bot.reports.periods import parse
from bot.reports.service import build_report, report_file
from bot.store import broadcasts
from tests.test_reports import helpers as h


def _world(services: Services) -> None:
    db = services.db
    with db.atomic():
        dong = h.village_id(db, "Thôn Đông")
        db.execute("UPDATE units SET households = 4 WHERE kind = 'village' AND id != ?", [dong])
        db.execute("UPDATE units SET households = 10 WHERE id = ?", [dong])
        one = h.learner(db, "Thôn Đông", core_done="2026-10-08")
        two = h.learner(db, "Thôn Đông")
        mentor = h.learner(db, "Thôn Đông", role="mentor")
        h.learner(db, "Thôn Đông", assisted=True, registered_by=mentor, baseline=(0, 0, 1, 0))
        h.learner(db, "Thôn Đông", assisted=True, registered_by=mentor)
        for code, member in (("H1", one), ("H2", two)):
            house = db.execute(
                "INSERT INTO households (code, unit_id, created_at) VALUES (?, ?, ?)",
                [code, dong, h.ts("2026-10-06")],
            ).lastrowid
            db.execute(
                "INSERT INTO household_members (household_id, user_id, joined_at) VALUES (?, ?, ?)",
                [house, member, h.ts("2026-10-06")],
            )
        campaign = broadcasts.insert(
            db,
            name="Ngày hội toàn dân học tập số 2026",
            target={"kind": "all"},
            message_key="campaign_10_10",
            message_text=None,
            lesson_id=None,
            send_at=h.ts("2026-10-10", 8),
            recurring="yearly",
            created_by="campaign",
            now=h.ts("2026-01-01"),
        )
        db.execute("UPDATE broadcasts SET status = 'done' WHERE id = ?", [campaign])
        for user, status, day in (
            (one, "sent", "2026-10-10"),
            (two, "sent", "2026-10-12"),
            (mentor, "failed", "2026-10-10"),
        ):
            db.execute(
                "INSERT INTO outbox (channel, chat_id, user_id, body, status, not_before, "
                "created_at, sent_at, broadcast_id) VALUES ('telegram', ?, ?, 'x', ?, 0, 0, ?, ?)",
                [str(user), user, status, h.ts(day, 8), campaign],
            )


async def test_lines_in_word_and_on_the_dashboard(services: Services, aiohttp_client: Any) -> None:
    _world(services)
    total = sum(v.households or 0 for v in build_report(services, parse("2026-Q4")).villages)
    report = build_report(services, parse("2026-Q4"), now=h.ts("2026-12-01"))
    document = docx.Document(io.BytesIO(report_file(services, report, "docx").body))
    text = "\n".join(p.text for p in document.paragraphs)
    pct = f"{100 * 1 / total:.1f}".replace(".", ",").removesuffix(",0")
    assert f"Gia đình số: 1 trong {total} hộ có ít nhất một người đạt kỹ năng số cơ bản" in text
    assert f"({pct}% số hộ)" in text
    assert "Người học trực tiếp: 1 trong 2 người đã được Đại sứ số hỏi 4 câu tự đánh giá" in text
    assert "Ngày hội toàn dân học tập số 2026: tin nhắn của Trợ lý đã đến được 2 người" in text
    # As of 11/10: one message delivered so far.
    early = build_report(
        services, parse("2026-Q4"), now=h.ts("2026-12-01"), as_of=date(2026, 10, 11)
    )
    assert early.campaigns == [("Ngày hội toàn dân học tập số 2026", 1)]
    # Before the campaign day: no campaign line; a past quarter: none either.
    assert build_report(services, parse("2026-Q3"), now=h.ts("2026-12-01")).campaigns == []

    h.official(services.db, "canbo.xa", "admin")
    client = await aiohttp_client(web_app(services))
    assert (await h.login(client, "canbo.xa")).status == 303
    html = await (await client.get("/dashboard?period=2026-Q4&as_of=2026-10-11")).text()
    assert 'id="report-lines"' in html
    assert "tin nhắn của Trợ lý đã đến được 1 người" in html
    assert "Người học trực tiếp: 1 trong 2 người" in html
