"""Every message template renders with realistic values; a missing variable fails the test."""

from __future__ import annotations

from typing import Any

import pytest

from bot.engine.texts import Texts
from tests.conftest import CONTENT

# Realistic values for every variable a template may use. A new variable must be added here.
SAMPLE: dict[str, Any] = {
    "backup_days": 14,
    "answered": 12,
    "right": 9,
    "my_certificates": [
        {
            "topic": "VNeID và định danh điện tử",
            "issued_at": "09:30 01/12/2026",
            "code": "K7QX-9MPD",
        }
    ],
    "reminder": "lúc 19:00, mọi ngày",
    "messages_kept": 23,
    "oldest_message": "08:00 05/11/2026",
    "retention_days": 30,
    "erased_count": 1,
    "goi": "bác",
    "Goi": "Bác",
    "ten": "Tư",
    "xa": "Xã Bình Minh",
    "ten_luu": "Tư",
    "form": "Bác",
    "co_nut": True,
    "earned": [
        {
            "number": 1,
            "topic": "VNeID và định danh điện tử",
            "code": "K7QX-9MPD",
            "date": "24/11/2026",
        }
    ],
    "topics_note": "Học xong tất cả bài của một chủ đề thì bác được giấy chứng nhận.",
    "max_len": 40,
    "typed": "thon ha",
    "min_year": 1900,
    "max_year": 2026,
    "village": "Thôn Đông",
    "birth_year": 1958,
    "group": "Người cao tuổi",
    "numbered": True,
    "assessment": "2/4",
    "yes_count": 2,
    "channel": "telegram",
    "external_id": "12345",
    "consent_at": "08:00 1/11/2026",
    "created_at": "08:00 1/11/2026",
    "lessons_done": 3,
    "lessons_open": 1,
    "assessments": [
        {
            "kind": "lúc đăng ký",
            "taken_at": "08:00 1/11/2026",
            "smartphone": "có",
            "epayment": "chưa",
            "vneid2": "không rõ",
            "ai_tool": "chưa",
        }
    ],
    "number": 1,
    "label": "Có",
    "numbers": "1, 2 hoặc 3",
    "total": 5,
    "added": 4,
    "updated": 1,
    "count": 2,
    "row": 3,
    "message": "thiếu tên thôn",
    "limit": 5000,
    "column": "so_ho",
    "reason": "không mở được",
    "value": "ba",
    "name": "Thôn Đông",
    "other": 2,
    "host": "127.0.0.1",
    "port": 8080,
    "channels": "Telegram, Zalo",
    "answer": "Bộ Công an",
    "explain": "VNeID là ứng dụng của Bộ Công an.",
    "question": "Tôi quên mật mã VNeID thì làm sao?",
    "certificates": "VNeID (K7QX-9MPD)",
    "core_complete": True,
    "core_done": 11,
    "core_total": 11,
    "done": 5,
    "next_title": "Mã OTP là gì?",
    "scores": [{"title": "VNeID là gì?", "score": 3, "total": 3}],
    "streak": 3,
    "topics_done": 1,
    "topics_total": 9,
    "chosen": "Bộ Công an; Ngân hàng",
    "code": "K7QX-9MPD",
    "commune": "Xã Bình Minh",
    "date": "24/11/2026",
    "topic": "VNeID và định danh điện tử",
    "day": 24,
    "month": 11,
    "year": 2026,
    "title": "VNeID là gì?",
    "minutes": 3,
    "steps": 5,
    "step": 2,
    "national_platform": "Muốn học sâu hơn, vào binhdanhocvuso.gov.vn.",
    "need": 2,
    "score": 2,
    "query": "lua dao",
    "snippet": "Kẻ gian gọi điện xưng công an...",
    "text": "VNeID do cơ quan nào phát triển?",
    "track": "Kỹ năng số cơ bản",
    "items": [{"mark": "✓", "number": 1, "title": "VNeID là gì?"}],
    "unanswered": [{"question": "ban hang online co phai dong thue ko", "count": 3}],
    "cancelled": 0,
    "failed": 1,
    "id": 3,
    "queued": 120,
    "sent": 870,
    "status": "sending",
    "unreachable": 4,
    "days": "mỗi ngày",
    "next": "19:30 Thứ Ba 24/11",
    "time": "19:30",
    "when": "08:00 10/10/2027",
    "template_key": "campaign_10_10",
    "lesson": "vneid-01",
    "spec": "villages:x",
    "quiet_start": "21:00",
    "quiet_end": "6:30",
    "weekday": "Thứ Ba",
    "path": "/var/lib/hocvuso/backups/hocvuso-20261118T193000Z.sqlite",
    "size_kb": 2048,
    "kept": 14,
    "removed": 1,
    "users": 1250,
    "lessons": 8400,
    "lock": "/var/lib/hocvuso/hocvuso.sqlite.lock",
    "migration": "m009_households",
    # Mentors, assisted learners, households, invitation codes.
    "target": 5,
    "core": 2,
    "inactive": 1,
    "idle_days": 7,
    "people": [
        {
            "number": 1,
            "name": "Tư",
            "assisted": True,
            "done": 4,
            "core": "chưa xong",
            "last": "18/11/2026",
        }
    ],
    "page": 1,
    "pages": 2,
    "assisted": True,
    "last": "18/11/2026",
    "recent": "VNeID là gì?, Mã OTP là gì?",
    "pushed": [{"title": "Nhận diện cuộc gọi lừa đảo", "status": "đã học xong"}],
    "uses": 48,
    "until": "17/01/2027",
    "link": "https://t.me/hocvuso_binhminh_bot?start=K7QX-9MPD",
    "mentor": "Minh",
    "current": "Hoa",
    "cap": 5,
    "names": "Tư, Lan, Tám",
    "more": 2,
    "left": 4,
    "kind": "lesson",
    "passed": True,
    "passed_week": 6,
    "questions": [
        {
            "lesson": "Nhận diện cuộc gọi lừa đảo",
            "number": 2,
            "question": "Người gọi xưng công an đòi chuyển tiền, bác làm gì?",
            "missed": 3,
            "answered": 5,
        }
    ],
    "options": ["Chuyển tiền ngay", "Cúp máy, gọi lại số của công an xã"],
    "members": [{"name": "Tư", "assisted": False, "done": 11, "core": "đã xong"}],
    "covered": True,
    "moving": True,
    "is_mentor": True,
    "my_mentor": "Minh",
    "household_size": 3,
    # Officials: reports, the dashboard, /baocao, `hocvuso admin`.
    "period": "quý I năm 2026",
    "period_key": "2026-Q1",
    "roman": "I",
    "scope": "Xã Dân Tiến",
    "place": "Dân Tiến",
    "source": "Kế hoạch năm 2026 của UBND xã Dân Tiến, mục II",
    "username": "canbo.xa",
    "admin": True,
    "active": True,
    "linked": True,
    "min_len": 10,
    "shown": 200,
    "registered": "1.204",
    "registered_pct": "31,5%",
    "adults": "3.822",
    "joined": "86",
    "core_pct": "18,2%",
    "core_in_period": "41",
    "assisted_passed": "37",
    "mentors": "12",
    "mentored": "58",
    "hh_covered": "240",
    "has_targets": True,
    "gaps": ["Người có kỹ năng số cơ bản: đạt 18,2%, chỉ tiêu 70% — còn thiếu 1.980 người."],
    "behind": [{"name": "Xóm Na Chặng", "pct": "4,1%"}],
    "villages": "Xóm Na Chặng, Xóm Đồng Kêu, Xóm Khuôn Ngục",
    "achieved": "18,2%",
    "needed": "70%",
    "met": False,
    "missing": "1.980",
    "households": False,
    "vneid2_before": "310",
    "vneid2_now": "702",
    "smartphone_before": "980",
    "smartphone_now": "1.104",
    "epayment_before": "402",
    "epayment_now": "655",
    "ai_before": "35",
    "ai_now": "190",
    # Understanding: a short answer, then the question waiting shown again in one line.
    "line": "Dạ vâng ạ.",
    "again": "Câu 2/3: Người gọi xưng công an đòi chuyển tiền, bác làm gì?",
}

TEXTS = Texts(CONTENT / "messages")


@pytest.mark.parametrize("key", TEXTS.all_keys())
def test_every_template_renders(key: str) -> None:
    missing = TEXTS.variables(key) - SAMPLE.keys()
    assert not missing, f"{key}: add realistic values for {sorted(missing)} to SAMPLE"
    rendered = TEXTS.render(key, **SAMPLE)
    assert rendered.strip(), key
    assert "{{" not in rendered and "{%" not in rendered


def test_no_template_mixes_up_address_forms() -> None:
    # "{{ Goi }}" opens a sentence, "{{ goi }}" sits inside one: a lower-case form right after a
    # full stop would read as a mistake to the learner.
    for key in TEXTS.all_keys():
        rendered = TEXTS.render(key, **SAMPLE)
        assert ". bác" not in rendered and "\nbác" not in rendered, key
