"""Groups with a population (imported with the villages): the share of officials, students,
workers and elderly reached, registered and with basic skills, on the dashboard, in the files
and in the Word report; a group without a population has no percentage."""

from __future__ import annotations

import io
from typing import Any

import docx
import openpyxl

from bot.app import Services, web_app
from bot.reports.columns import GROUP_COLUMNS, fmt, group_table
from bot.reports.periods import parse
from bot.reports.service import build_report, report_file
from bot.store import units
from tests.test_reports import helpers as h

NOW = h.ts("2026-12-10")


def _world(services: Services) -> None:
    db = services.db
    with db.atomic():
        dong = h.village_id(db, "Thôn Đông")
        units.set_group_population(db, dong, "can_bo", 10, NOW)
        units.set_group_population(db, dong, "hoc_sinh", 40, NOW)
        # Officials of Thôn Tây: no population imported there, so they are not in the share.
        h.learner(db, "Thôn Đông", group="can_bo", core_done="2026-10-20")
        h.learner(db, "Thôn Đông", group="can_bo")
        h.learner(db, "Thôn Đông", group="can_bo", joined="2026-12-20")  # after the report's day
        h.learner(db, "Thôn Tây", group="can_bo", core_done="2026-10-21")
        h.learner(db, "Thôn Đông", group="hoc_sinh", birth_year=2010)
        h.learner(db, "Thôn Đông", group="hoc_sinh", channel="webchat")  # left out: no kiosk
        h.learner(db, "Thôn Đông", group="cao_tuoi", birth_year=1950)


def _row(header: list[str], rows: list[list[Any]], name: str) -> dict[str, Any]:
    keys = [c.key for c in GROUP_COLUMNS]
    found = next(r for r in rows if r[0] == name)
    assert len(header) == len(keys)
    return dict(zip(keys, found, strict=True))


async def test_group_shares_everywhere(services: Services, aiohttp_client: Any) -> None:
    _world(services)
    report = build_report(services, parse("2026-Q4"), now=NOW)
    header, rows = group_table(report, services.texts)
    officials = _row(header, rows, "Cán bộ, công chức")
    assert officials["group_population"] == 10
    # 2 of 10 registered (Thôn Đông only; the one who joined after 10/12 not yet), 1 of 10 done.
    assert (officials["group_registered_pct"], officials["group_core_pct"]) == (20.0, 10.0)
    assert officials["registered"] == 3  # the group's own count keeps Thôn Tây
    students = _row(header, rows, "Học sinh, sinh viên")
    assert (students["group_population"], students["group_registered_pct"]) == (40, 2.5)
    elderly = _row(header, rows, "Người cao tuổi")
    assert elderly["registered"] == 1
    assert (elderly["group_population"], elderly["group_registered_pct"]) == (None, None)
    assert [fmt(v) for v in (10, 20.0, None)] == ["10", "20,0", "—"]

    text = report_file(services, report, "csv").body.decode("utf-8-sig")  # the village table
    assert "Số người của nhóm" not in text
    book = openpyxl.load_workbook(io.BytesIO(report_file(services, report, "xlsx").body))
    sheet = [list(r) for r in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert sheet[0] == header
    assert sheet[1:] == [list(r) for r in rows]

    document = docx.Document(io.BytesIO(report_file(services, report, "docx").body))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Nhóm người học")
    heads = [c.text for c in table.rows[0].cells]
    assert heads[-3:] == [
        "Số người của nhóm (theo danh sách xã nhập)",
        "Đã đăng ký / số người của nhóm (%)",
        "Có kỹ năng số cơ bản / số người của nhóm (%)",
    ]
    line = next(r for r in table.rows if r.cells[0].text == "Cán bộ, công chức")
    assert [c.text for c in line.cells[-3:]] == ["10", "20,0", "10,0"]
    line = next(r for r in table.rows if r.cells[0].text == "Người cao tuổi")
    assert [c.text for c in line.cells[-3:]] == ["—", "—", "—"]

    h.official(services.db, "canbo.xa", "admin")
    client = await aiohttp_client(web_app(services))
    assert (await h.login(client, "canbo.xa")).status == 303
    live = build_report(services, parse("2026-Q4"))
    html = await (await client.get("/dashboard?period=2026-Q4")).text()
    screen = h.tables(html)["group-table"]
    assert screen[0] == group_table(live, services.texts)[0]
    got = next(r for r in screen if r[0] == "Cán bộ, công chức")
    assert got[-3:][0] == "10" and got[-1] != "—"
    got = next(r for r in screen if r[0] == "Người cao tuổi")
    assert got[-3:] == ["—", "—", "—"]
