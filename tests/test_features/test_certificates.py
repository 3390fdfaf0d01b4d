"""A finished topic earns a certificate PNG whose Vietnamese letters all render."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw

from bot import certificates
from bot.store import certificates as stored
from tests.factories import Conversation
from tests.learning_helpers import pass_lesson

ROOT = Path(__file__).resolve().parents[2]
VIETNAMESE = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"


def _glyph(face, char: str) -> bytes:
    image = Image.new("L", (80, 80), 0)
    ImageDraw.Draw(image).text((10, 5), char, font=face, fill=255)
    return image.tobytes()


def test_font_has_every_vietnamese_letter() -> None:
    """Each letter draws differently from a character the font lacks (which draws a box)."""
    face = certificates.font("Bold", 48)
    missing = _glyph(face, "\ue000")  # private use: not in the font
    letters = VIETNAMESE + VIETNAMESE.upper()
    boxes = [ch for ch in letters if _glyph(face, ch) == missing]
    assert boxes == []
    # Tone marks really are drawn: "ệ" differs from "e" and from "ê".
    assert len({_glyph(face, ch) for ch in "eêệ"}) == 3


def test_topic_finished_gives_a_certificate(conv: Conversation, curriculum, tmp_path) -> None:
    conv.onboard(name="Nguyễn Thị Đào")
    topic = curriculum.topics[0]
    for lesson in curriculum.lessons_in_topic(topic.id):
        pass_lesson(conv, lesson)
    reply = next(r for r in reversed(conv.history) if r.image)
    assert "giấy chứng nhận" in reply.text
    path = Path(reply.image or "")
    assert path.exists() and path.stat().st_size < 200_000
    user = conv.record()
    assert user is not None
    cert = stored.for_topic(conv.engine.db, user.id, topic.id)
    assert cert is not None and cert.code in reply.text
    assert cert.holder_name == "Nguyễn Thị Đào" and cert.topic_title == topic.title
    image = Image.open(path)
    assert image.size == certificates.SIZE
    # Rendering the same certificate again gives the same picture (nothing random in it).
    again = certificates.render(cert, conv.engine.texts, conv.engine.tz, tmp_path)
    assert (
        ImageChops.difference(image.convert("RGB"), Image.open(again).convert("RGB")).getbbox()
        is None
    )


def test_verify_command(conv: Conversation, curriculum, tmp_path) -> None:
    conv.onboard(name="Lan")
    topic = curriculum.topics[0]
    for lesson in curriculum.lessons_in_topic(topic.id):
        pass_lesson(conv, lesson)
    user = conv.record()
    assert user is not None
    cert = stored.for_topic(conv.engine.db, user.id, topic.id)
    assert cert is not None
    db_path = conv.engine.db.execute("PRAGMA database_list").fetchone()[2]
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "certificate",
            "verify",
            cert.code.lower().replace("-", " "),
            "--db",
            db_path,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert f'Lan đã hoàn thành chủ đề "{topic.title}"' in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "bot.cli", "certificate", "verify", "ZZZZ-ZZZZ", "--db", db_path],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert bad.returncode == 1 and "Không có giấy chứng nhận" in bad.stderr


def test_codes_are_short_and_unambiguous() -> None:
    codes = {certificates.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == 9 and c[4] == "-" and not set(c) & set("01OIL") for c in codes)
