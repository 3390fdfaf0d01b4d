"""The Word report, the scheduler's quarterly preparation, the targets files, periods, and
`hocvuso report` / `hocvuso admin` on the command line."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from bot.reports import quarterly
from bot.reports.periods import parse
from bot.reports.service import build_report, report_file
from bot.reports.targets import TargetsError, load_all, pick, read
from bot.store import audit, outbox, users
from tests.conftest import CONTENT
from tests.test_reports import helpers as h
from tests.test_reports.helpers import Scenario

ROOT = Path(__file__).resolve().parents[2]
TARGETS = CONTENT / "targets"


def _text(document: docx.document.Document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def test_word_report_layout_and_numbers(scenario: Scenario) -> None:
    services = scenario.services
    report = build_report(services, parse("2026-Q4"), now=h.ts("2026-12-10"))
    file = report_file(services, report, "docx")
    assert file.name == "bao-cao-xa-binh-minh-2026-Q4.docx"
    document = docx.Document(io.BytesIO(file.body))
    header = document.tables[0].rows[0].cells
    assert "ỦY BAN NHÂN DÂN" in header[0].text and "XÃ BÌNH MINH" in header[0].text
    assert "Số:" in header[0].text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header[1].text
    assert "Độc lập - Tự do - Hạnh phúc" in header[1].text
    assert "Bình Minh, ngày 10 tháng 12 năm 2026" in header[1].text
    text = _text(document)
    assert "BÁO CÁO" in text and "quý IV năm 2026" in text
    # As of 10/12: E erased their data and no longer counts (one rule: see model.py).
    assert "Đã có 6 người đăng ký học" in text and "Có 3 người đạt kỹ năng số cơ bản" in text
    assert "tính đến hết ngày 10/12/2026" in text and "không còn được tính từ ngày xoá" in text
    assert "6. So với chỉ tiêu" in text and "còn thiếu" in text
    assert "Các thôn còn xa chỉ tiêu nhất: Thôn Bắc, Thôn Nam, Xóm Chợ" in text
    villages = document.tables[1]
    names = [row.cells[0].text for row in villages.rows[1:]]
    assert names == [r.name for r in report.villages] + ["Tổng cộng"]
    dong = next(row for row in villages.rows if row.cells[0].text == "Thôn Đông")
    assert [c.text for c in dong.cells[1:4]] == ["820", "4", "0,5"]
    groups = document.tables[3]
    assert groups.rows[0].cells[0].text == "Nhóm người học"
    assert len(document.inline_shapes) == 1  # the chart


def test_xlsx_and_csv_from_the_same_report(scenario: Scenario) -> None:
    services = scenario.services
    report = build_report(services, parse("2026-Q4"))
    assert report_file(services, report, "xlsx").name.endswith(".xlsx")
    csv_text = report_file(services, report, "csv").body.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Thôn,Người trưởng thành,Đã đăng ký")


def test_quarterly_report_is_prepared_once_before_the_15th(scenario: Scenario) -> None:
    services = scenario.services
    db = services.db
    admin = h.official(db, "canbo.xa", "admin")
    h.official(db, "thon.tay", "village", "Thôn Tây")
    chat_user = h.learner(db, "Thôn Đông", name="Cán bộ xã")
    db.execute("UPDATE officials SET user_id = ? WHERE id = ?", [chat_user, admin])
    # Outside the window (not the last month of a quarter, or the 15th and after): nothing.
    assert quarterly.scheduled_job(services, h.ts("2026-11-10")) is None
    assert quarterly.scheduled_job(services, h.ts("2026-12-15")) is None
    path = quarterly.scheduled_job(services, h.ts("2026-12-03"))
    assert path is not None and path.name == "bao-cao-xa-binh-minh-2026-Q4.docx" and path.exists()
    user = users.get(db, chat_user)
    assert user is not None
    sent = outbox.take_for_chat(db, user.channel, user.chat_id, 2**40)
    assert len(sent) == 1 and "quý IV năm 2026" in sent[0].body["text"]
    assert "trước hạn nộp ngày 15 tháng 12" in sent[0].body["text"]
    # The next day's run does not prepare it again, nor tell the admin twice.
    assert quarterly.scheduled_job(services, h.ts("2026-12-04")) is None
    assert [e["subject"] for e in audit.entries(db, quarterly.ACTION)] == ["2026-Q4"]


def test_every_targets_file_loads_and_the_plans_are_there() -> None:
    files = {(t.commune, t.year): t for t in load_all(TARGETS)}
    dan_tien = files[("Xã Dân Tiến", 2026)]
    assert dan_tien.values["core_skills"].percent == 70 and dan_tien.values["ai_tool"].percent == 20
    hoa_lac = files[("Xã Hòa Lạc", 2026)]
    assert hoa_lac.values["smartphone"].percent == 85 and hoa_lac.values["epayment"].percent == 50
    assert files[("*", 2025)].values["core_skills"].percent == 80
    assert files[("*", 2025)].values["vneid2"].percent == 80
    assert files[("Xã Mỏ Cày", 2025)].values["vneid2"].people == 10000


def test_targets_are_picked_by_commune_and_year() -> None:
    picked = pick(TARGETS, "xa dan tien", 2026)
    assert picked is not None and picked.commune == "Xã Dân Tiến"
    later = pick(TARGETS, "Xã Dân Tiến", 2027)  # no 2027 file yet: the latest before it
    assert later is not None and later.year == 2026 and later.commune == "Xã Dân Tiến"
    other = pick(TARGETS, "Xã Chưa Có Tệp", 2025)
    assert other is not None and other.commune == "*" and other.year == 2025
    assert pick(TARGETS, "Xã Chưa Có Tệp", 2024) is None


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("commune: X\nyear: 2026\ntargets: {core_skills: 170}\n", "targets.core_skills"),
        ("commune: X\nyear: 2026\ntargets: {literacy: 50}\n", "unknown target"),
        ("commune: X\nyear: 26\ntargets: {core_skills: 70}\n", "year"),
        ("commune: X\nyear: 2026\ntargets: {vneid2: {people: -3}}\n", "targets.vneid2"),
    ],
)
def test_a_wrong_targets_file_names_file_and_field(tmp_path: Path, body: str, problem: str) -> None:
    path = tmp_path / "xa-x-2026.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(TargetsError, match=problem) as error:
        read(path)
    assert "xa-x-2026.yaml" in str(error.value)


def test_periods() -> None:
    q1 = parse("2026-q1")
    assert (q1.key, q1.start_day, q1.end_day, q1.last_month) == (
        "2026-Q1",
        "2026-01-01",
        "2026-04-01",
        3,
    )
    assert parse("2026-12").end_day == "2027-01-01"
    assert parse("2026").end_day == "2027-01-01"
    for bad in ("2026-Q5", "2026-13", "26", "2026-1", ""):
        with pytest.raises(ValueError):
            parse(bad)


def test_command_line_admin_and_report(tmp_path: Path) -> None:
    db_path = tmp_path / "cli.sqlite"

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", *args, "--db", str(db_path)],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
            env={"PATH": "/usr/bin:/bin", "DEMO_SEED": "true"},
        )

    run("admin", "list")  # creates the database with the demo villages
    done = run(
        "admin",
        "create-user",
        "thon.dong",
        "--role",
        "village",
        "--village",
        "thon dong",
        "--password-stdin",
        stdin="mat-khau-rat-dai\n",
    )
    assert done.returncode == 0, done.stderr
    assert "cán bộ thôn Thôn Đông" in done.stdout
    short = run(
        "admin", "create-user", "ngan", "--role", "admin", "--password-stdin", stdin="ngan\n"
    )
    assert short.returncode == 2 and "ít nhất 10 ký tự" in short.stderr
    unknown = run(
        "admin",
        "create-user",
        "x.y",
        "--role",
        "village",
        "--village",
        "Thôn Không Có",
        "--password-stdin",
        stdin="mat-khau-rat-dai\n",
    )
    assert unknown.returncode == 1 and "Không có thôn" in unknown.stderr
    role = run("admin", "set-role", "thon.dong", "--role", "admin")
    assert role.returncode == 0 and "quản trị xã" in role.stdout
    out = tmp_path / "baocao.docx"
    made = run("report", "--period", "2026-Q1", "--format", "docx", "--out", str(out))
    assert made.returncode == 0, made.stderr
    assert "CỘNG HÒA" in docx.Document(str(out)).tables[0].rows[0].cells[1].text
    bad = run("report", "--period", "2026-Q9", "--format", "csv", "--out", str(out))
    assert bad.returncode == 2 and "2026-Q1 (quý)" in bad.stderr
    # The numbers as they stood on a past day; a wrong or future day is refused politely.
    past = tmp_path / "ngay.docx"
    made = run("report", "--as-of", "2026-02-10", "--format", "docx", "--out", str(past))
    assert made.returncode == 0 and "quý I năm 2026" in made.stdout, made.stderr
    assert "tính đến hết ngày 10/02/2026" in _text(docx.Document(str(past)))
    for day in ("2026-02-30", "2999-01-01"):
        wrong = run("report", "--as-of", day, "--format", "csv", "--out", str(past))
        assert wrong.returncode == 2 and "2026-09-30 (năm-tháng-ngày)" in wrong.stderr
