"""The officials' dashboard through the real aiohttp app: numbers equal counts made from the raw
rows, the files equal the screen, roles limit what is seen, and forms need their CSRF token."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from aiohttp.test_utils import TestClient

from bot.app import Services, web_app
from bot.reports.columns import fmt
from bot.store import audit
from tests.test_reports import helpers as h
from tests.test_reports.helpers import Scenario, build_scenario

Q4 = "?period=2026-Q4"
CHECKED = [
    "registered",
    "assisted",
    "joined",
    "active",
    "core_done",
    "mentors",
    "mentored",
    "hh_covered",
    *(
        f"{w}_{q}"
        for q in ("vneid2", "smartphone", "epayment", "ai_tool")
        for w in ("baseline", "now")
    ),
]


@pytest.fixture
def scenario(services: Services) -> Scenario:
    data = build_scenario(services)
    h.official(services.db, "canbo.xa", "admin")
    h.official(services.db, "thon.dong", "village", "Thôn Đông")
    return data


async def _client(aiohttp_client: Any, services: Services, username: str | None) -> TestClient:
    client: TestClient = await aiohttp_client(web_app(services))
    if username:
        response = await h.login(client, username)
        assert response.status == 303, await response.text()
    return client


def _columns(services: Services) -> list[str]:
    from bot.reports.columns import VILLAGE_COLUMNS

    return [c.key for c in VILLAGE_COLUMNS]


async def test_village_table_equals_counts_from_raw_rows(aiohttp_client, scenario: Scenario):
    services = scenario.services
    client = await _client(aiohttp_client, services, "canbo.xa")
    response = await client.get("/dashboard" + Q4)
    assert response.status == 200
    table = h.tables(await response.text())["village-table"]
    keys = _columns(services)
    shown = {row[0]: dict(zip(keys, row, strict=True)) for row in table[1:]}
    raw = h.raw_counts(services.db, "2026-10-01", "2027-01-01", scenario.erased)
    villages = {
        v.name: v for v in __import__("bot.store.units", fromlist=["x"]).villages(services.db)
    }
    for name, village in villages.items():
        row = shown[name]
        for key in CHECKED:
            assert h.number(row[key]) == raw[village.id][key], (name, key, row[key])
        assert h.number(row["adults"]) == village.adult_population
    dong = shown["Thôn Đông"]
    # Hand-checked against the scenario: mentor, A, B, C registered (D never finished
    # onboarding, E erased); C assisted; B, C and E joined and learned in Q4, A and the mentor
    # before it: a past period's numbers do not change when someone erases their data later.
    assert [h.number(dong[k]) for k in ("registered", "assisted", "joined", "active")] == [
        4,
        1,
        3,
        3,
    ]
    # A and C have basic digital skills now; E, who erased their data, counts only in the period's
    # flows (finished the core track in Q4), not in the "as of" columns.
    assert h.number(dong["core_done"]) == 2 and h.number(dong["core_in_period"]) == 2
    assert dong["core_pct"] == fmt(round(100 * 2 / 820, 1))
    assert h.number(dong["mentored"]) == 2 and h.number(dong["hh_covered"]) == 2
    total = table[-1]
    assert total[0] == "Tổng cộng"
    assert h.number(total[keys.index("registered")]) == sum(r["registered"] for r in raw.values())


async def test_exports_equal_the_screen(aiohttp_client, scenario: Scenario):
    client = await _client(aiohttp_client, scenario.services, "canbo.xa")
    html = await (await client.get("/dashboard" + Q4)).text()
    screen = h.tables(html)["village-table"]
    response = await client.get("/dashboard/export/table.xlsx" + Q4)
    assert response.status == 200
    assert "attachment" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(await response.read()))
    sheet = book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert [[_screen(text) for text in row] for row in screen] == rows
    assert [s.title for s in book.worksheets] == [
        "Theo thôn",
        "Theo nhóm",
        "Theo chủ đề",
        "Theo miền năng lực",
    ]
    groups = [list(r) for r in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert [[_screen(t) for t in row] for row in h.tables(html)["group-table"]] == groups
    response = await client.get("/dashboard/export/table.csv" + Q4)
    text = (await response.read()).decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0] == screen[0]
    for csv_row, screen_row in zip(parsed[1:], screen[1:], strict=True):
        assert [fmt(_num(v)) for v in csv_row] == screen_row


def _screen(text: str) -> Any:
    """A cell as the screen writes it, read back: 1.234 -> 1234, 45,2 -> 45.2, — -> None."""
    if text == "—":
        return None
    digits = text.replace(".", "").replace(",", ".")
    if digits.replace(".", "").isdigit():
        return float(digits) if "," in text else int(digits)
    return text


def _num(text: str) -> Any:
    if text == "":
        return None
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


async def test_village_official_sees_only_their_village(aiohttp_client, scenario: Scenario):
    services = scenario.services
    dong, tay = h.village_id(services.db, "Thôn Đông"), h.village_id(services.db, "Thôn Tây")
    client = await _client(aiohttp_client, services, "thon.dong")
    response = await client.get("/dashboard" + Q4, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == f"/dashboard/village/{dong}{Q4}"
    page = await client.get(f"/dashboard/village/{dong}{Q4}")
    table = h.tables(await page.text())["village-table"]
    assert [row[0] for row in table[1:]] == ["Thôn Đông"]
    for url in (
        f"/dashboard/village/{tay}",
        f"/dashboard/export/table.xlsx?unit={tay}",
        f"/dashboard/export/table.csv?unit={tay}",
        f"/dashboard/export/learners.xlsx?unit={tay}",
        f"/dashboard/export/report.docx?unit={tay}",
        "/dashboard/import",
        "/dashboard/broadcasts",
        "/dashboard/audit",
        "/dashboard/officials",
    ):
        response = await client.get(url)
        assert response.status == 403, url
        assert "không có quyền" in await response.text()
    # Without a village named, a file holds the official's own village only.
    book = openpyxl.load_workbook(
        io.BytesIO(await (await client.get("/dashboard/export/table.xlsx")).read())
    )
    names = [r[0] for r in book.worksheets[0].iter_rows(min_row=3, values_only=True)]
    assert names == ["Thôn Đông"]
    learners = openpyxl.load_workbook(
        io.BytesIO(await (await client.get("/dashboard/export/learners.xlsx")).read())
    )
    villages = {r[1] for r in learners.worksheets[0].iter_rows(min_row=3, values_only=True)}
    assert villages == {"Thôn Đông"}


async def test_posts_without_csrf_change_nothing(aiohttp_client, scenario: Scenario):
    services = scenario.services
    client = await _client(aiohttp_client, services, "canbo.xa")
    before = services.db.execute("SELECT COUNT(*) FROM broadcasts").fetchone()[0]
    for url, data in (
        ("/dashboard/logout", {}),
        ("/dashboard/broadcasts", {"name": "x", "text": "Chào", "kind": "all", "confirm": "6"}),
        ("/dashboard/account", {"csrf": "wrong"}),
        ("/dashboard/officials", {"official_id": "2", "role": "admin"}),
    ):
        response = await client.post(url, data=data)
        assert response.status == 403, url
    assert services.db.execute("SELECT COUNT(*) FROM broadcasts").fetchone()[0] == before
    assert services.db.execute("SELECT COUNT(*) FROM invite_codes").fetchone()[0] == 0
    # Still logged in: the refused logout did not end the session.
    assert (await client.get("/dashboard" + Q4)).status == 200
    # A login form posted without its token, or from another site, is refused too.
    other: TestClient = await aiohttp_client(web_app(services))
    response = await other.post(
        "/dashboard/login", data={"username": "canbo.xa", "password": h.PASSWORD}
    )
    assert response.status == 403
    page = await other.get("/dashboard/login")
    response = await other.post(
        "/dashboard/login",
        data={"csrf": h.csrf(await page.text()), "username": "canbo.xa", "password": h.PASSWORD},
        headers={"Origin": "https://evil.example"},
        allow_redirects=False,
    )
    assert response.status == 403
    assert (await other.get("/dashboard", allow_redirects=False)).status == 303


async def test_session_cookie_is_private_and_logout_ends_it(aiohttp_client, scenario: Scenario):
    client: TestClient = await aiohttp_client(web_app(scenario.services))
    response = await h.login(client, "canbo.xa")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/dashboard" in cookie
    page = await client.get("/dashboard" + Q4)
    response = await client.post(
        "/dashboard/logout", data={"csrf": h.csrf(await page.text())}, allow_redirects=False
    )
    assert response.status == 303
    assert (await client.get("/dashboard", allow_redirects=False)).status == 303
    actions = [e["action"] for e in audit.entries(scenario.services.db)]
    assert "official.login" in actions and "official.logout" in actions


async def test_login_is_throttled_after_repeated_failures(
    aiohttp_client, scenario: Scenario, monkeypatch
):
    from bot.web import dashboard_auth

    now = [2_000_000_000.0]
    monkeypatch.setattr(dashboard_auth, "clock", lambda: now[0])
    client: TestClient = await aiohttp_client(web_app(scenario.services))

    async def attempt(password: str, address: str = "203.0.113.7") -> tuple[int, str]:
        page = await client.get("/dashboard/login")
        response = await client.post(
            "/dashboard/login",
            data={"csrf": h.csrf(await page.text()), "username": "canbo.xa", "password": password},
            headers={"X-Real-IP": address},
            allow_redirects=False,
        )
        return response.status, await response.text()

    for _ in range(2):
        status, html = await attempt("sai-mat-khau")
        assert status == 401 and "không đúng" in html
    status, html = await attempt("sai-mat-khau")  # the third: from now on this address waits
    assert status == 429 and "chờ 1 phút" in html
    status, html = await attempt(h.PASSWORD)  # the right password, but too soon: not checked
    assert status == 429
    # The real official, from their own address, is not locked out by the stranger.
    assert (await attempt(h.PASSWORD, "198.51.100.2"))[0] == 303
    client.session.cookie_jar.clear()
    # The waits grow: 30 s after the third failure, 60 s after the fourth, 120 s after the fifth.
    now[0] += 31
    assert (await attempt("sai-mat-khau"))[0] == 429
    now[0] += 31
    assert (await attempt(h.PASSWORD))[0] == 429
    now[0] += 31
    status, html = await attempt("sai-mat-khau")
    assert status == 429 and "chờ 2 phút" in html
    now[0] += 121
    assert (await attempt(h.PASSWORD))[0] == 303
    actions = [e["action"] for e in audit.entries(scenario.services.db)]
    assert actions.count("official.login_failed") == 5
    assert actions.count("official.login_throttled") == 1  # one notice, not one per try


async def test_a_typed_password_in_the_username_field_is_stored_nowhere(
    aiohttp_client, scenario: Scenario
):
    services = scenario.services
    client: TestClient = await aiohttp_client(web_app(services))
    for _ in range(4):
        await h.login(client, "MatKhauBiMat-2026!", "sai")
    await h.login(client, "canbo.xa", "sai-mat-khau")
    failed = [e for e in audit.entries(services.db) if e["action"].startswith("official.login_")]
    known = services.db.execute("SELECT id FROM officials WHERE username = 'canbo.xa'").fetchone()
    # Three failures and the notice that the address now waits (the fourth try was not checked),
    # then a known account's failure, which names the account by its id.
    assert [(e["action"], e["subject"]) for e in failed] == [
        *[("official.login_failed", None)] * 3,
        ("official.login_throttled", None),
        ("official.login_failed", f"official:{known[0]}"),
    ]
    for (table,) in services.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        for row in services.db.execute(f'SELECT * FROM "{table}"').fetchall():
            assert "matkhaubimat" not in repr(row).lower(), table
    client = await _client(aiohttp_client, services, "canbo.xa")
    html = await (await client.get("/dashboard/audit")).text()
    assert "matkhaubimat" not in html.lower()


async def test_a_rotated_x_real_ip_from_an_untrusted_peer_buys_nothing(
    aiohttp_client, scenario: Scenario, monkeypatch
):
    monkeypatch.setattr(scenario.services.settings, "trusted_proxies", "")
    client: TestClient = await aiohttp_client(web_app(scenario.services))
    statuses = []
    for n in range(5):
        page = await client.get("/dashboard/login")
        response = await client.post(
            "/dashboard/login",
            data={"csrf": h.csrf(await page.text()), "username": "canbo.xa", "password": "sai"},
            headers={"X-Real-IP": f"203.0.113.{n}"},
            allow_redirects=False,
        )
        statuses.append(response.status)
    assert statuses == [401, 401, 429, 429, 429]


async def test_spreadsheet_formulas_in_names_stay_text(aiohttp_client, scenario: Scenario):
    client = await _client(aiohttp_client, scenario.services, "canbo.xa")
    response = await client.get("/dashboard/export/learners.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(await response.read())).worksheets[0]
    cells = [row[0] for row in sheet.iter_rows(min_row=3)]
    evil = next(c for c in cells if "HYPERLINK" in str(c.value))
    assert evil.value.startswith("'=") and evil.data_type == "s"
    text = (await (await client.get("/dashboard/export/learners.csv")).read()).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text


async def test_bad_import_row_is_named_and_nothing_is_imported(aiohttp_client, scenario: Scenario):
    services = scenario.services
    client = await _client(aiohttp_client, services, "canbo.xa")
    page = await client.get("/dashboard/import")
    token = h.csrf(await page.text())
    before = services.db.execute("SELECT name, adult_population FROM units ORDER BY id").fetchall()
    body = "ten_thon,so_nguoi_truong_thanh,so_ho\nThôn Mới,300,100\nThôn Lỗi,ba trăm,90\n"
    import aiohttp

    form = aiohttp.FormData()
    form.add_field("csrf", token)
    form.add_field("file", body.encode(), filename="thon.csv", content_type="text/csv")
    response = await client.post("/dashboard/import", data=form)
    assert response.status == 400
    html = await response.text()
    assert "Dòng 3" in html and "Chưa nhập gì" in html
    after = services.db.execute("SELECT name, adult_population FROM units ORDER BY id").fetchall()
    assert after == before
    good = aiohttp.FormData()
    good.add_field("csrf", token)
    good.add_field(
        "file",
        body.splitlines(True)[0].encode() + "Thôn Mới,300,100\n".encode(),
        filename="thon.csv",
        content_type="text/csv",
    )
    response = await client.post("/dashboard/import", data=good)
    assert response.status == 200 and "Đã nhập xong" in await response.text()
    assert "Thôn Mới" in [r[0] for r in services.db.execute("SELECT name FROM units").fetchall()]
    no_token = aiohttp.FormData()
    no_token.add_field("file", b"ten_thon\nThon X\n", filename="x.csv", content_type="text/csv")
    assert (await client.post("/dashboard/import", data=no_token)).status == 403


async def test_broadcast_preview_confirm_and_cancel(aiohttp_client, scenario: Scenario):
    services = scenario.services
    client = await _client(aiohttp_client, services, "canbo.xa")
    token = h.csrf(await (await client.get("/dashboard/broadcasts")).text())
    dong = h.village_id(services.db, "Thôn Đông")
    form = {
        "csrf": token,
        "name": "Nhắc học thôn Đông",
        "text": "Mời bà con học bài mới.",
        "kind": "villages",
        "unit_ids": str(dong),
        "date": "2030-01-02",
        "time": "09:00",
    }
    response = await client.post("/dashboard/broadcasts", data=form)
    html = await response.text()
    assert response.status == 200 and "Tin này sẽ gửi tới" in html
    assert services.db.execute("SELECT COUNT(*) FROM broadcasts").fetchone()[0] == 0
    from bot import broadcasts

    count = broadcasts.count_recipients(
        services.db, broadcasts.Target("villages", unit_ids=(dong,)), 0
    )
    assert f"gửi tới {count} người" in html
    response = await client.post("/dashboard/broadcasts", data={**form, "confirm": str(count)})
    assert response.status == 200
    row = services.db.execute("SELECT id, name, status FROM broadcasts").fetchone()
    assert row[1:] == ("Nhắc học thôn Đông", "scheduled")
    response = await client.post(f"/dashboard/broadcasts/{row[0]}/cancel", data={"csrf": token})
    assert services.db.execute("SELECT status FROM broadcasts").fetchone()[0] == "cancelled"
    actions = [e["action"] for e in audit.entries(services.db)]
    assert "broadcast.created" in actions and "broadcast.cancelled" in actions


async def test_audit_log_shows_logins_and_exports_to_the_admin(aiohttp_client, scenario: Scenario):
    client = await _client(aiohttp_client, scenario.services, "canbo.xa")
    await client.get("/dashboard/export/report.docx" + Q4)
    html = await (await client.get("/dashboard/audit")).text()
    rows = h.tables(html)["audit-table"]
    actions = [r[1] for r in rows[1:]]
    assert "official.login" in actions and "report.exported" in actions


async def test_role_change_from_dashboard_is_audited(aiohttp_client, scenario: Scenario):
    services = scenario.services
    client = await _client(aiohttp_client, services, "canbo.xa")
    token = h.csrf(await (await client.get("/dashboard/officials")).text())
    village = services.db.execute(
        "SELECT id FROM officials WHERE username = 'thon.dong'"
    ).fetchone()[0]
    response = await client.post(
        "/dashboard/officials",
        data={"csrf": token, "official_id": str(village), "role": "admin", "unit_id": ""},
        allow_redirects=False,
    )
    assert response.status == 303
    assert (
        services.db.execute("SELECT role FROM officials WHERE id = ?", [village]).fetchone()[0]
        == "admin"
    )
    assert "official.role_changed" in [e["action"] for e in audit.entries(services.db)]


async def test_many_failures_from_one_address_slow_that_address_only(
    aiohttp_client, scenario: Scenario
):
    client: TestClient = await aiohttp_client(web_app(scenario.services))

    async def attempt(username: str, password: str, address: str) -> int:
        page = await client.get("/dashboard/login")
        response = await client.post(
            "/dashboard/login",
            data={"csrf": h.csrf(await page.text()), "username": username, "password": password},
            headers={"X-Real-IP": address},
            allow_redirects=False,
        )
        return response.status

    for n in range(19):
        assert await attempt(f"doan-{n}", "sai-mat-khau", "203.0.113.7") == 401
    assert await attempt("doan-19", "sai-mat-khau", "203.0.113.7") == 429
    assert await attempt("canbo.xa", h.PASSWORD, "203.0.113.7") == 429
    assert await attempt("canbo.xa", h.PASSWORD, "198.51.100.2") == 303


async def test_password_checks_leave_the_event_loop_free_and_a_full_queue_gets_429(
    aiohttp_client, scenario: Scenario, monkeypatch
):
    import asyncio
    import threading

    from bot import officials as accounts
    from bot.web.dashboard_auth import PASSWORDS

    services = scenario.services
    monkeypatch.setattr(services.settings, "login_threads", 1)
    monkeypatch.setattr(services.settings, "login_queue", 1)
    release = threading.Event()
    real = accounts._hasher

    class SlowHasher:
        """argon2 as slow as the test wants: blocks until released (at most 5 s)."""

        def verify(self, hashed: str, password: str) -> bool:
            release.wait(5)
            return real.verify(hashed, password)

        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

    monkeypatch.setattr(accounts, "_hasher", SlowHasher())
    client: TestClient = await aiohttp_client(web_app(services))
    other: TestClient = await aiohttp_client(web_app(services))
    order: list[str] = []

    async def login(c: TestClient, name: str) -> int:
        response = await h.login(c, "canbo.xa")
        order.append(name)
        return response.status

    first = asyncio.create_task(login(client, "login"))
    pool = client.app[PASSWORDS]
    while pool.in_flight == 0 and not first.done():
        await asyncio.sleep(0.01)
    # While the password is being checked, the assistant answers others...
    health = await client.get("/healthz")
    assert health.status == 200
    order.append("healthz")
    # ...and a second login beyond the queue is refused at once, politely, unchecked.
    response = await h.login(client, "canbo.xa")
    assert response.status == 429 and "đang bận" in await response.text()
    release.set()
    assert await first == 303
    assert order == ["healthz", "login"]
    assert (await login(other, "again")) == 303  # the queue is free again
