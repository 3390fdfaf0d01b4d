"""Officials' accounts: deactivate, activate, reset a password — from the CLI and the dashboard;
sessions end and never come back; a village official never gets the commune unit."""

from __future__ import annotations

import io
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.app import Services, web_app
from bot.cli import main
from bot.store import audit, units
from tests.test_reports import helpers as h


@pytest.fixture
def accounts(services: Services) -> Services:
    h.official(services.db, "canbo.xa", "admin")
    village = units.villages(services.db)[0].name
    h.official(services.db, "thon.mot", "village", village)
    return services


def _cli(services: Services, *argv: str, stdin: str = "") -> int:
    import sys

    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        return main(["admin", *argv, "--db", str(services.settings.database_path)])
    finally:
        sys.stdin = old


async def _logged_in(aiohttp_client: Any, services: Services, username: str, password: str = ""):
    client: TestClient = await aiohttp_client(web_app(services))
    response = await h.login(client, username, password or h.PASSWORD)
    assert response.status == 303, await response.text()
    return client


def _sessions(services: Services, username: str) -> int:
    return services.db.execute(
        "SELECT COUNT(*) FROM official_sessions s JOIN officials o ON o.id = s.official_id "
        "WHERE o.username = ?",
        [username],
    ).fetchone()[0]


async def test_cli_deactivate_ends_sessions_and_activate_revives_none(
    aiohttp_client, accounts: Services, capsys
):
    client = await _logged_in(aiohttp_client, accounts, "thon.mot")
    assert (await client.get("/dashboard/account", allow_redirects=False)).status == 200
    assert _cli(accounts, "deactivate", "thon.mot") == 0
    assert "Đã khoá tài khoản thon.mot" in capsys.readouterr().out
    assert (await client.get("/dashboard/account", allow_redirects=False)).status == 303
    assert _sessions(accounts, "thon.mot") == 0
    # Locked: the right password no longer logs in.
    other: TestClient = await aiohttp_client(web_app(accounts))
    assert (await h.login(other, "thon.mot")).status == 401
    assert _cli(accounts, "activate", "thon.mot") == 0
    # The old session stays dead; a new login works.
    assert (await client.get("/dashboard/account", allow_redirects=False)).status == 303
    fresh: TestClient = await aiohttp_client(web_app(accounts))
    assert (await h.login(fresh, "thon.mot")).status == 303
    actions = [e["action"] for e in audit.entries(accounts.db)]
    assert "official.deactivated" in actions and "official.activated" in actions
    assert _cli(accounts, "deactivate", "khong.co") == 1
    assert "Không có tài khoản khong.co" in capsys.readouterr().err


async def test_cli_reset_password_asks_twice_and_bounds_the_length(
    aiohttp_client, accounts: Services, capsys, monkeypatch
):
    import getpass
    import sys

    client = await _logged_in(aiohttp_client, accounts, "thon.mot")
    before = accounts.db.execute(
        "SELECT password_hash FROM officials WHERE username = 'thon.mot'"
    ).fetchone()
    # At a terminal it asks twice; two different answers change nothing.
    answers = iter(["mat-khau-moi-2026", "mat-khau-khac-2026"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(answers))
    monkeypatch.setattr(sys, "stdin", type("Tty", (), {"isatty": lambda self: True})())
    main(["admin", "reset-password", "thon.mot", "--db", str(accounts.settings.database_path)])
    assert "không khớp" in capsys.readouterr().err
    monkeypatch.undo()
    after = accounts.db.execute(
        "SELECT password_hash FROM officials WHERE username = 'thon.mot'"
    ).fetchone()
    assert after == before
    # Longer than the login form takes: refused, since it could never log in.
    assert _cli(accounts, "reset-password", "thon.mot", "--password-stdin", stdin="x" * 201) == 2
    assert "tối đa 200 ký tự" in capsys.readouterr().err
    assert _cli(accounts, "reset-password", "thon.mot", "--password-stdin", stdin="ngan\n") == 2
    new = "mat-khau-moi-" + "9" * 187  # exactly 200 characters
    assert _cli(accounts, "reset-password", "thon.mot", "--password-stdin", stdin=new + "\n") == 0
    assert "Đã đặt mật khẩu mới cho thon.mot" in capsys.readouterr().out
    # The session ended.
    assert (await client.get("/dashboard/account", allow_redirects=False)).status == 303
    other: TestClient = await aiohttp_client(web_app(accounts))
    assert (await h.login(other, "thon.mot")).status == 401  # the old password is gone
    fresh: TestClient = await aiohttp_client(web_app(accounts))
    assert (await h.login(fresh, "thon.mot", new)).status == 303


def test_cli_create_user_refuses_a_password_that_could_never_log_in(accounts, capsys):
    code = _cli(
        accounts, "create-user", "dai.qua", "--role", "admin", "--password-stdin", stdin="y" * 250
    )
    assert code == 2 and "tối đa 200 ký tự" in capsys.readouterr().err


async def test_dashboard_deactivate_activate_and_reset(aiohttp_client, accounts: Services):
    services = accounts
    target = services.db.execute("SELECT id FROM officials WHERE username = 'thon.mot'").fetchone()
    victim = await _logged_in(aiohttp_client, services, "thon.mot")
    admin = await _logged_in(aiohttp_client, services, "canbo.xa")
    listing = await (await admin.get("/dashboard/officials")).text()
    assert f"/dashboard/officials/{target[0]}" in listing
    page = await admin.get(f"/dashboard/officials/{target[0]}")
    token = h.csrf(await page.text())
    # Without the CSRF token nothing changes.
    refused = await admin.post(f"/dashboard/officials/{target[0]}/active", data={"active": "0"})
    assert refused.status == 403
    assert (await victim.get("/dashboard/account", allow_redirects=False)).status == 200
    response = await admin.post(
        f"/dashboard/officials/{target[0]}/active", data={"csrf": token, "active": "0"}
    )
    html = await response.text()
    assert response.status == 200 and "Đã khoá tài khoản" in html and "đang bị khoá" in html
    assert (await victim.get("/dashboard/account", allow_redirects=False)).status == 303
    assert "đang bị khoá" in await (await admin.get("/dashboard/officials")).text()
    response = await admin.post(
        f"/dashboard/officials/{target[0]}/active", data={"csrf": token, "active": "1"}
    )
    assert "Đã mở lại tài khoản" in await response.text()
    # The old session stays ended.
    assert (await victim.get("/dashboard/account", allow_redirects=False)).status == 303
    # A new password: typed twice, bounded, and the account's sessions end.
    victim = await _logged_in(aiohttp_client, services, "thon.mot")
    url = f"/dashboard/officials/{target[0]}/password"
    mismatch = await admin.post(
        url, data={"csrf": token, "password": "mat-khau-moi-1", "password_again": "khac-han-2"}
    )
    assert mismatch.status == 400 and "không khớp" in await mismatch.text()
    long = "z" * 201
    too_long = await admin.post(url, data={"csrf": token, "password": long, "password_again": long})
    assert too_long.status == 400 and "từ 10 đến 200 ký tự" in await too_long.text()
    assert (await victim.get("/dashboard/account", allow_redirects=False)).status == 200
    done = await admin.post(
        url, data={"csrf": token, "password": "mat-khau-moi-1", "password_again": "mat-khau-moi-1"}
    )
    assert done.status == 200 and "Đã đặt mật khẩu mới" in await done.text()
    assert (await victim.get("/dashboard/account", allow_redirects=False)).status == 303
    fresh: TestClient = await aiohttp_client(web_app(services))
    assert (await h.login(fresh, "thon.mot", "mat-khau-moi-1")).status == 303
    actions = [e["action"] for e in audit.entries(services.db)]
    for action in ("official.deactivated", "official.activated", "official.password_reset"):
        assert action in actions
    # The admin cannot lock themselves out from here.
    me = services.db.execute("SELECT id FROM officials WHERE username = 'canbo.xa'").fetchone()
    response = await admin.post(
        f"/dashboard/officials/{me[0]}/active", data={"csrf": token, "active": "0"}
    )
    assert response.status == 400
    assert (await admin.get("/dashboard/account", allow_redirects=False)).status == 200
    # A village official cannot open these pages.
    assert (await fresh.get(f"/dashboard/officials/{me[0]}")).status == 403
    assert (await admin.get("/dashboard/officials/999999")).status == 404


async def test_the_village_role_never_gets_the_commune_unit(aiohttp_client, accounts, capsys):
    services = accounts
    commune = units.commune(services.db)
    assert commune is not None
    target = services.db.execute("SELECT id FROM officials WHERE username = 'thon.mot'").fetchone()
    before = services.db.execute("SELECT role, unit_id FROM officials").fetchall()
    admin = await _logged_in(aiohttp_client, services, "canbo.xa")
    token = h.csrf(await (await admin.get("/dashboard/officials")).text())
    response = await admin.post(
        "/dashboard/officials",
        data={
            "csrf": token,
            "official_id": str(target[0]),
            "role": "village",
            "unit_id": str(commune.id),
        },
    )
    assert response.status == 400
    assert "không phụ trách cả xã" in await response.text()
    assert services.db.execute("SELECT role, unit_id FROM officials").fetchall() == before
    from bot import officials as accounts_module

    with pytest.raises(ValueError):
        accounts_module.create(
            services.db,
            username="xa.gia",
            display_name="x",
            password="mat-khau-rat-dai",
            role="village",
            unit_id=commune.id,
            now=0,
            actor="test",
        )
