"""The Word report as an official prints it: rendered to PDF by LibreOffice (Debian's, installed
by .ci/run) and read back with pdftotext; plus the layout details checked in the .docx itself."""

from __future__ import annotations

import io
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from bot.app import Services, build
from bot.config import Settings
from bot.reports.periods import parse
from bot.reports.service import build_report, report_file
from bot.store import report_sections
from bot.units import import_file
from tests.browser import ARTIFACTS
from tests.test_reports import helpers as h

XOM = [
    "Xóm Vũ Hà", "Xóm Nà Lay", "Xóm Đồng Cậy", "Xóm Dạo", "Xóm Đèo Khế", "Xóm Bản Chang",
    "Xóm Cầu Mành", "Xóm Ao Sen", "Xóm Làng Mới", "Xóm Khuôn Vạc", "Xóm Đỗ Xá", "Xóm Đặng",
    "Xóm Eo Gió", "Xóm Gốc Gạo", "Xóm Hin Hạ", "Xóm Ích Lũ", "Xóm Kim Sơn", "Xóm Minh Tiến",
    "Xóm Na Mao", "Xóm Ổ Gà", "Xóm Phố Hích", "Xóm Quang Trung",
]  # fmt: skip
SIGNER = "Nguyễn Văn Bình"
LONG = "\n".join(
    f"Nội dung đánh giá số {n}: các xóm đã tổ chức họp dân, hướng dẫn người dân cài đặt và dùng "
    "ứng dụng VNeID, dịch vụ công trực tuyến; Tổ công nghệ số cộng đồng hỗ trợ tận nhà."
    for n in range(1, 9)
)


def dan_tien(tmp_path: Path, **more: object) -> Services:
    settings = Settings(
        database_path=tmp_path / "dt.sqlite",
        commune_name="Xã Dân Tiến",
        demo_seed=False,
        _env_file=None,
        **more,
    )  # type: ignore[call-arg]
    services = build(settings)
    rows = ["ten_thon,so_nguoi_truong_thanh,so_ho"]
    rows += [f"{name},{300 + 17 * i},{90 + 5 * i}" for i, name in enumerate(XOM)]
    path = tmp_path / "xom.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert import_file(services.db, path, services.texts, "Xã Dân Tiến").ok
    h.populate(services, per_village=12)
    return services


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    built = dan_tien(tmp_path, report_signer_name=SIGNER)
    yield built
    built.db.close()


def _docx(services: Services, period: str = "2026-Q4", unit_id: int | None = None) -> bytes:
    report = build_report(services, parse(period), unit_id=unit_id, now=h.ts("2026-12-03"))
    return report_file(services, report, "docx").body


def _pdf(body: bytes, directory: Path, name: str) -> Path:
    """The .docx converted by LibreOffice headless (its own profile, so runs never collide)."""
    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (.ci/run installs libreoffice-writer-nogui)")
    source = directory / f"{name}.docx"
    source.write_bytes(body)
    profile = directory / f"lo-{uuid.uuid4().hex}"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(directory),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return directory / f"{name}.pdf"


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def test_long_report_keeps_the_signature_together_and_numbers_its_pages(
    services: Services, tmp_path: Path
) -> None:
    with services.db.atomic():
        report_sections.save(
            services.db,
            "2026-Q4",
            None,
            report_sections.Sections(
                achieved=LONG, difficulties=LONG, proposals=LONG, next_tasks=LONG
            ),
            h.ts("2026-12-03"),
            "test",
        )
    pdf = _pdf(_docx(services), tmp_path, "bao-cao-dan-tien")
    pages = _pages(pdf)
    assert len(pages) >= 3
    signed = [i for i, page in enumerate(pages) if "CHỦ TỊCH" in page]
    assert signed and SIGNER in pages[signed[-1]], "the title and the name on one page"
    for number, page in enumerate(pages, start=1):
        assert f"Trang {number}" in page
    first = pages[0]
    assert "Dân Tiến, ngày 03 tháng 12 năm 2026" in first
    assert "Ủy ban nhân dân xã Dân Tiến báo cáo" in " ".join(first.split())
    # The village table's header row is printed again on every page the table runs onto.
    text = "\f".join(pages)
    assert text.count("Xóm Vũ Hà") >= 1 and "Kết quả theo xóm" in text
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / pdf.name)


def test_the_docx_layout(services: Services) -> None:
    document = docx.Document(io.BytesIO(_docx(services)))
    header = document.tables[0].rows[0].cells
    assert "XÃ DÂN TIẾN" in header[0].text and "Số:" in header[0].text
    assert "Dân Tiến, ngày 03 tháng 12 năm 2026" in header[1].text
    # A short rule under the commune's name (a bottom border on a paragraph of its own).
    assert header[0]._tc.xpath(".//w:pBdr/w:bottom")
    villages = document.tables[1]
    assert villages.rows[0].cells[0].text == "Xóm"
    names = [row.cells[0].text for row in villages.rows[1:-1]]
    assert names[:3] == ["Xóm Ao Sen", "Xóm Bản Chang", "Xóm Cầu Mành"]
    assert names.index("Xóm Dạo") < names.index("Xóm Đặng") < names.index("Xóm Đèo Khế")
    assert names.index("Xóm Đỗ Xá") < names.index("Xóm Eo Gió") and names[-1] == "Xóm Vũ Hà"
    for table in document.tables[1:4]:
        first = table.rows[0]._tr
        assert first.xpath("./w:trPr/w:tblHeader"), "header row repeated on each page"
        assert all(row._tr.xpath("./w:trPr/w:cantSplit") for row in table.rows)
    sign = document.tables[-1]
    assert sign.rows[0]._tr.xpath("./w:trPr/w:cantSplit")
    right = sign.rows[0].cells[1].text
    assert "CHỦ TỊCH" in right and right.strip().endswith(SIGNER)
    assert "NĂNG LỰC" not in "\n".join(p.text for p in document.paragraphs)
    text = "\n".join(p.text for p in document.paragraphs)
    for heading in (
        "I. KẾT QUẢ ĐẠT ĐƯỢC",
        "II. KHÓ KHĂN, VƯỚNG MẮC",
        "III. ĐỀ XUẤT, KIẾN NGHỊ",
        "IV. NHIỆM VỤ TRỌNG TÂM QUÝ TỚI",
        "3. Điện thoại, tài khoản số và công cụ AI của người học (người học tự khai)",
    ):
        assert heading in text
    footer = document.sections[0].footer._element
    assert any("PAGE" in (t.text or "") for t in footer.iter(qn("w:instrText")))


def test_a_past_period_is_dated_at_its_end(services: Services) -> None:
    document = docx.Document(io.BytesIO(_docx(services, "2026-Q3")))
    assert "ngày 30 tháng 09 năm 2026" in document.tables[0].rows[0].cells[1].text
    text = "\n".join(p.text for p in document.paragraphs)
    assert "tính đến ngày 30/09/2026" in text


def test_written_sections_and_date_are_kept_with_the_report(services: Services) -> None:
    with services.db.atomic():
        report_sections.save(
            services.db,
            "2026-Q4",
            None,
            report_sections.Sections(
                difficulties="Sóng điện thoại yếu ở xóm Đèo Khế.",
                signer="Hoàng Thị Mai",
                report_date=date(2026, 12, 5),
            ),
            h.ts("2026-12-03"),
            "test",
        )
    document = docx.Document(io.BytesIO(_docx(services)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Sóng điện thoại yếu ở xóm Đèo Khế." in text
    assert "ngày 05 tháng 12 năm 2026" in document.tables[0].rows[0].cells[1].text
    assert document.tables[-1].rows[0].cells[1].text.strip().endswith("Hoàng Thị Mai")
    # Another period keeps its own (empty) sections.
    other = docx.Document(io.BytesIO(_docx(services, "2026-Q3")))
    assert "Sóng điện thoại" not in "\n".join(p.text for p in other.paragraphs)


def test_a_village_report_is_the_village_s_own(services: Services) -> None:
    unit = h.village_id(services.db, "Xóm Nà Lay")
    document = docx.Document(io.BytesIO(_docx(services, unit_id=unit)))
    header = document.tables[0].rows[0].cells[0].text
    assert "UBND XÃ DÂN TIẾN" in header and "XÓM NÀ LAY" in header
    assert "Số:" not in header and "BC-UBND" not in header
    text = "\n".join(p.text for p in document.paragraphs)
    assert "tại Xóm Nà Lay" in text and "Xóm Nà Lay báo cáo kết quả" in text
    assert "Ủy ban nhân dân xã Dân Tiến báo cáo" not in text
    sign = document.tables[-1].rows[0].cells[1].text
    assert "TRƯỞNG XÓM" in sign and "CHỦ TỊCH" not in sign
    assert SIGNER not in sign  # the commune's signer (the setting) does not sign for a village
