"""A password set on the command line is one the login form can take."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.officials import MAX_PASSWORD
from bot.web.dashboard_auth import MAX_FIELD

ROOT = Path(__file__).resolve().parents[2]


def test_a_password_longer_than_the_login_form_takes_is_refused(tmp_path: Path) -> None:
    assert MAX_PASSWORD == MAX_FIELD
    db_path = tmp_path / "cli.sqlite"
    done = subprocess.run(
        [
            *(sys.executable, "-m", "bot.cli", "admin", "create-user", "ngan"),
            *("--role", "admin", "--password-stdin", "--db", str(db_path)),
        ],
        input="x" * 201 + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "DEMO_SEED": "false"},
    )
    assert done.returncode == 2
    assert "tối đa 200 ký tự" in done.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "bot.cli", "admin", "list", "--db", str(db_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "DEMO_SEED": "false"},
    )
    assert "ngan" not in listed.stdout
