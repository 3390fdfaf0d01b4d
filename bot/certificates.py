"""Certificates: a PNG with the learner's name, topic, commune, date and a verification code.

Rendered with Be Vietnam Pro (shipped by the fontpkg-be-vietnam-pro package), which has every
Vietnamese glyph; nothing is downloaded at run time. Images stay small (well under 200 KB).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import fontpkg_be_vietnam_pro
from PIL import Image, ImageDraw, ImageFont
from sqlite_utils import Database

from bot.engine.texts import Texts
from bot.store import certificates
from bot.store.certificates import Certificate

FONT_DIR = Path(fontpkg_be_vietnam_pro.__file__).parent / "files"
# No 0/O, 1/I/L: a code read aloud over the phone or copied by hand stays unambiguous.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SIZE = (1200, 850)
GREEN = (11, 122, 75)
INK = (29, 39, 48)


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(typed: str) -> str:
    raw = "".join(ch for ch in typed.upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else typed.strip().upper()


def font(weight: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / f"BeVietnamPro-{weight}.ttf"), size)


def image_path(directory: Path, code: str) -> Path:
    return directory / f"{code}.png"


def render(cert: Certificate, texts: Texts, tz: ZoneInfo, directory: Path) -> Path:
    """Draw the certificate to `directory/<code>.png` and return the path."""
    issued = datetime.fromtimestamp(cert.issued_at, tz)
    image = Image.new("RGB", SIZE, "white")
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    draw.rectangle([18, 18, width - 19, height - 19], outline=GREEN, width=8)
    draw.rectangle([40, 40, width - 41, height - 41], outline=GREEN, width=2)

    def centred(
        text: str, y: int, face: ImageFont.FreeTypeFont, fill: tuple[int, int, int]
    ) -> None:
        left, _, right, _ = draw.textbbox((0, 0), text, font=face)
        draw.text(((width - (right - left)) / 2, y), text, font=face, fill=fill)

    def fitted(text: str, weight: str, size: int) -> ImageFont.FreeTypeFont:
        face = font(weight, size)
        while draw.textlength(text, font=face) > width - 160 and size > 24:
            size -= 4
            face = font(weight, size)
        return face

    centred(texts.render("certificate.movement"), 90, font("Medium", 30), GREEN)
    centred(texts.render("certificate.heading"), 150, font("Bold", 72), GREEN)
    centred(texts.render("certificate.awarded_to"), 280, font("Regular", 32), INK)
    centred(cert.holder_name, 330, fitted(cert.holder_name, "Bold", 64), INK)
    centred(texts.render("certificate.completed"), 440, font("Regular", 32), INK)
    title = f"“{cert.topic_title}”"
    centred(title, 490, fitted(title, "SemiBold", 46), GREEN)
    place = texts.render(
        "certificate.place_date",
        commune=cert.commune_name,
        day=issued.day,
        month=issued.month,
        year=issued.year,
    )
    centred(place, 620, font("Italic", 30), INK)
    centred(texts.render("certificate.issuer"), 670, font("Medium", 28), INK)
    centred(texts.render("certificate.code", code=cert.code), 740, font("Regular", 26), INK)
    directory.mkdir(parents=True, exist_ok=True)
    path = image_path(directory, cert.code)
    image.quantize(colors=64).save(path, optimize=True)
    return path


def issue(
    db: Database,
    *,
    user_id: int,
    topic_id: str,
    holder_name: str,
    topic_title: str,
    commune_name: str,
    now: int,
) -> Certificate:
    return certificates.issue(
        db,
        Certificate(
            code=new_code(),
            user_id=user_id,
            topic_id=topic_id,
            holder_name=holder_name,
            topic_title=topic_title,
            commune_name=commune_name,
            issued_at=now,
        ),
    )


def verify(db: Database, texts: Texts, tz: ZoneInfo, typed_code: str) -> tuple[bool, str]:
    code = normalise_code(typed_code)
    cert = certificates.by_code(db, code)
    if cert is None:
        return False, texts.render("certificate.verify_unknown", code=code)
    date = datetime.fromtimestamp(cert.issued_at, tz).strftime("%d/%m/%Y")
    return True, texts.render(
        "certificate.verify_ok",
        code=cert.code,
        name=cert.holder_name,
        topic=cert.topic_title,
        commune=cert.commune_name,
        date=date,
    )
