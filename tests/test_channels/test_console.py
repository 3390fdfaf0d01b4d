"""`hocvuso chat` as a subprocess: onboarding typed line by line, as a person or a script would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.channels.textual import render_numbered
from bot.engine.types import Button, Reply

ROOT = Path(__file__).resolve().parents[2]


def _hocvuso(*args: str, stdin: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_PATH": str(tmp_path / "console.sqlite")}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )


def test_onboarding_through_the_terminal(tmp_path: Path) -> None:
    script = "\n".join(["1", "Tư", "thon dong", "abc", "1958", "2", "1", "2", "3", "2"]) + "\n"
    db = tmp_path / "chat.sqlite"
    result = _hocvuso("chat", "--user", "ba-tu", "--db", str(db), stdin=script, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "1. Đồng ý\n2. Không đồng ý\n3. Xem chi tiết\n(Gõ 1, 2 hoặc 3)" in out
    assert '"abc" chưa phải là năm sinh' in out
    assert "Xong rồi! Cảm ơn Tư." in out
    assert "Thôn Đông, sinh năm 1958, nhóm Người cao tuổi" in out
    # The same user id later continues the same conversation.
    again = _hocvuso("chat", "--user", "ba-tu", "--db", str(db), stdin="", tmp_path=tmp_path)
    assert "Bác muốn làm gì?" in again.stdout


def test_numbered_rendering() -> None:
    reply = Reply(
        "Chọn:", ((Button("Có", "a:1"), Button("Chưa", "a:0")), (Button("Không rõ", "a:u"),))
    )
    from bot.engine.texts import Texts

    texts = Texts(ROOT / "content" / "vi" / "messages")
    assert render_numbered(reply, texts) == "Chọn:\n\n1. Có\n2. Chưa\n3. Không rõ\n(Gõ 1, 2 hoặc 3)"
    assert render_numbered(Reply("Chỉ chữ"), texts) == "Chỉ chữ"


def test_hostile_lines_are_each_answered(tmp_path: Path) -> None:
    """Lines of control characters, spaces or bytes that are not UTF-8 each get an answer."""
    lines = ["\x85", "\x0b", " " * 5000, "\u202e\u2066", "xin \udcff chào"]
    script = ("\n".join(lines) + "\n").encode("utf-8", "surrogateescape")
    env = {**os.environ, "DATABASE_PATH": str(tmp_path / "console.sqlite")}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--user", "u"],
        input=script,
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert out.count("Trợ lý chỉ đọc được chữ.") == 4
    assert "Traceback" not in result.stderr.decode()
