"""The dashboard's "as of" day (?as_of=2026-09-30, a date field beside the period): the cards,
the tables and every download follow it; a bad or future date is a clear 400."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import docx

from bot.app import Services, web_app
from bot.reports.columns import fmt, village_table
from bot.reports.periods import parse
from bot.reports.service import build_report, report_file
from tests.test_reports import helpers as h


def _world(services: Services) -> None:
    db = services.db
    with db.atomic():
        h.learner(db, "Thôn Đông", joined="2026-09-10", core_done="2026-09-20")
        h.learner(db, "Thôn Đông", joined="2026-09-12", core_done="2026-10-20")
        h.learner(db, "Thôn Tây", joined="2026-10-20")
    h.official(db, "canbo.xa", "admin")
    h.official(db, "canbo.dong", "village", "Thôn Đông")


async def test_as_of_on_the_screen_and_in_the_files(
    services: Services, aiohttp_client: Any
) -> None:
    _world(services)
    client = await aiohttp_client(web_app(services))
    assert (await h.login(client, "canbo.xa")).status == 303
    page = await client.get("/dashboard?period=2026-Q4&as_of=2026-09-30")
    html = await page.text()
    assert page.status == 200
    assert 'name="as_of"' in html and 'value="2026-09-30"' in html
    assert "Số liệu đến ngày 30/09/2026" in html
    assert '<b id="card-registered">2</b>' in html and '<b id="card-core">1</b>' in html
    report = build_report(services, parse("2026-Q4"), as_of=date(2026, 9, 30))
    header, rows = village_table(report, services.texts)
    assert h.tables(html)["village-table"][1:] == [[fmt(v) for v in row] for row in rows]
    # The download links carry the day, and the files hold the same numbers.
    assert 'href="/dashboard/export/table.csv?period=2026-Q4&amp;as_of=2026-09-30"' in html
    got = await client.get("/dashboard/export/table.csv?period=2026-Q4&as_of=2026-09-30")
    assert got.status == 200
    assert await got.read() == report_file(services, report, "csv").body
    parsed = list(csv.reader(io.StringIO((await got.read()).decode("utf-8-sig"))))
    total = next(r for r in parsed if r[0] == "Tổng cộng")
    assert total[header.index("Đã đăng ký")] == "2"
    word = await client.get("/dashboard/export/report.docx?period=2026-Q4&as_of=2026-09-30")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(await word.read())).paragraphs)
    assert "Đã có 2 người đăng ký học" in text and "30/09/2026" in text
    # Without a day: the period's end (or today while it runs): all three.
    html = await (await client.get("/dashboard?period=2026-Q4")).text()
    assert '<b id="card-registered">3</b>' in html

    dong = h.village_id(services.db, "Thôn Đông")
    paths = ("/dashboard", "/dashboard/export/table.csv", f"/dashboard/village/{dong}")
    for bad in ("30/09/2026", "2026-02-30", "2999-01-01", "hôm qua"):
        for path in paths:
            answer = await client.get(path, params={"period": "2026-Q4", "as_of": bad})
            assert answer.status == 400, (path, bad)
            assert "Ngày xem số liệu không hợp lệ" in await answer.text()


async def test_a_village_official_keeps_the_day(services: Services, aiohttp_client: Any) -> None:
    _world(services)
    client = await aiohttp_client(web_app(services))
    assert (await h.login(client, "canbo.dong")).status == 303
    page = await client.get("/dashboard?period=2026-Q4&as_of=2026-09-30", allow_redirects=False)
    dong = h.village_id(services.db, "Thôn Đông")
    assert page.headers["Location"] == f"/dashboard/village/{dong}?period=2026-Q4&as_of=2026-09-30"
    html = await (await client.get(page.headers["Location"])).text()
    assert '<b id="card-registered">2</b>' in html
