"""/baocao in chat: linking with a one-time code, the headline numbers, villages behind."""

from __future__ import annotations

import time

from bot import officials as accounts
from bot.engine.dispatcher import Engine
from bot.features import ROUTERS
from bot.store import officials
from tests.conftest import COMMUNE
from tests.factories import Clock, Conversation
from tests.test_reports import helpers as h
from tests.test_reports.helpers import Scenario


def _conv(scenario: Scenario, user: str = "cb1") -> Conversation:
    services = scenario.services
    clock = Clock(h.ts("2026-11-20"))
    engine = Engine(
        services.db,
        services.texts,
        services.curriculum,
        ROUTERS,
        commune_name=COMMUNE,
        clock=clock,
        settings=services.settings,
    )
    return Conversation(engine, user=user)


def test_baocao_needs_a_link_and_a_code_works_once(scenario: Scenario) -> None:
    db = scenario.services.db
    official_id = h.official(db, "canbo.xa", "admin")
    conv = _conv(scenario)
    conv.send("/baocao")
    assert "dành cho cán bộ" in conv.text and "Đã đăng ký" not in conv.text
    conv.send("/baocao ABCD-EFGH")
    assert "không đúng hoặc đã hết hạn" in conv.text
    code = accounts.new_link_code(db, official_id, int(time.time()), "test")
    conv.send(f"/baocao {code.lower().replace('-', '')}")
    assert "Đã liên kết tài khoản cán bộ canbo.xa (quản trị xã)" in conv.text
    assert "Xã Bình Minh — quý IV năm 2026" in conv.text
    linked = officials.get(db, official_id)
    assert linked is not None and linked.user_id is not None
    # The same code does not work a second time, for anyone.
    other = _conv(scenario, "cb2")
    other.send(f"/baocao {code}")
    assert "không đúng hoặc đã hết hạn" in other.text


def test_baocao_headline_numbers_and_villages_behind(scenario: Scenario) -> None:
    db = scenario.services.db
    official_id = h.official(db, "canbo.xa", "admin")
    conv = _conv(scenario)
    conv.send(f"/baocao {accounts.new_link_code(db, official_id, int(time.time()), 'test')}")
    text = conv.text
    # As of the engine's day (20/11): mentor, A, B, C in Thôn Đông; F in Thôn Tây (G joins on
    # 2/12; E erased their data and no longer counts).
    assert "(đến ngày 20/11/2026)" in text
    assert "Đã đăng ký: 5 người" in text and "1 người được hỗ trợ trực tiếp" in text
    # Basic digital skills: A, C in Đông; F in Tây.
    assert "Có kỹ năng số cơ bản: 3 người" in text
    assert "Người trưởng thành có kỹ năng số cơ bản: đạt" in text and "chỉ tiêu 70%" in text
    # Three villages furthest behind: the three with nobody done yet, by name.
    behind = text.split("Các thôn còn xa chỉ tiêu nhất:")[1]
    assert "1. Thôn Bắc: 0%" in behind and "2. Thôn Nam: 0%" in behind
    assert "3. Xóm Chợ: 0%" in behind and "Thôn Đông" not in behind
    assert "còn thiếu 1.117 hộ" in text  # 1.119 households, 2 with someone done


def test_village_official_gets_their_village_only(scenario: Scenario) -> None:
    db = scenario.services.db
    official_id = h.official(db, "thon.tay", "village", "Thôn Tây")
    conv = _conv(scenario)
    conv.send(f"/baocao {accounts.new_link_code(db, official_id, int(time.time()), 'test')}")
    assert "(cán bộ thôn)" in conv.text and "Số liệu Thôn Tây" in conv.text
    assert "Đã đăng ký: 1 người" in conv.text and "còn xa chỉ tiêu" not in conv.text
