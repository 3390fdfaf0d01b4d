"""Broadcasts and campaigns as rows: targets, fan-out that survives a crash, tally, cancel."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import broadcasts
from bot.broadcasts import Target
from bot.store import outbox, units
from tests.factories import Conversation

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ROOT = Path(__file__).resolve().parents[2]


def at(text: str) -> int:
    return int(datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=VN).timestamp())


@pytest.fixture
def people(engine, clock) -> list[Conversation]:
    clock.now = at("2026-11-23 09:00")
    result = []
    for i, (village, group) in enumerate(
        [
            ("Thôn Đông", "Người cao tuổi"),
            ("Thôn Đông", "Nông dân"),
            ("Thôn Tây", "Nông dân"),
            ("Xóm Chợ", "Tiểu thương, hộ kinh doanh"),
        ]
    ):
        conv = Conversation(engine, user=f"p{i}")
        conv.onboard(village=village, group=group, birth_year=1960 + i)
        result.append(conv)
    declined = Conversation(engine, user="declined")
    declined.send("/batdau")
    declined.tap("Không đồng ý")
    for conv in [*result, declined]:
        outbox.take_for_chat(engine.db, conv.channel, conv.user, 2**40)
    return result


def test_targets_count_the_right_people(engine, people, clock) -> None:
    db, now = engine.db, int(clock.now)
    east = next(v.id for v in units.villages(db) if v.name == "Thôn Đông")
    assert broadcasts.count_recipients(db, Target("all"), now) == 4  # not the one who declined
    assert broadcasts.count_recipients(db, Target("villages", unit_ids=(east,)), now) == 2
    assert broadcasts.count_recipients(db, Target("groups", groups=("nong_dan",)), now) == 2
    assert broadcasts.count_recipients(db, Target("not_core"), now) == 4
    assert broadcasts.count_recipients(db, Target("inactive", inactive_days=7), now) == 0
    assert (
        broadcasts.count_recipients(db, Target("inactive", inactive_days=7), now + 8 * 86400) == 4
    )
    assert Target.parse("villages:3,4") == Target("villages", unit_ids=(3, 4))
    assert Target.parse("inactive:14") == Target("inactive", inactive_days=14)
    for bad in ("villages:", "everyone", "inactive:x", "groups:"):
        with pytest.raises(ValueError):
            Target.parse(bad)


def test_fan_out_survives_a_crash_and_keeps_one_message_each(engine, people, clock) -> None:
    db, now = engine.db, int(clock.now)
    with db.atomic():
        bid = broadcasts.create(
            db,
            name="Thử",
            target=Target("all"),
            send_at=now,
            now=now,
            message_text="Xã mời bà con học bài mới.",
            lesson_id="vneid-01",
        )
    # The first batch goes out, then the process "dies" before the rest.
    assert broadcasts.dispatch(engine, now, batch=3, max_batches=1) == 3
    assert broadcasts.tally(db, bid)["queued"] == 3
    # After the restart the fan-out resumes where it stopped.
    assert broadcasts.dispatch(engine, now, batch=3) == 1
    assert broadcasts.dispatch(engine, now, batch=3) == 0
    rows = db.execute(
        "SELECT chat_id, COUNT(*) FROM outbox WHERE broadcast_id = ? GROUP BY chat_id", [bid]
    ).fetchall()
    assert sorted(rows) == [("p0", 1), ("p1", 1), ("p2", 1), ("p3", 1)]
    item = outbox.take_for_chat(db, "console", "p0", 2**40)[0]
    assert item.body["text"] == "Xã mời bà con học bài mới."
    assert item.body["buttons"][0][0][1] == "l:go:vneid-01"
    tally = broadcasts.tally(db, bid)
    assert (tally["queued"], tally["sent"]) == (3, 1)
    # The lesson button works from the broadcast, even though it was not a reply.
    people[0].press("l:go:vneid-01")
    assert "Bài:" in people[0].text


def test_cancel_in_flight(engine, people, clock) -> None:
    db, now = engine.db, int(clock.now)
    with db.atomic():
        bid = broadcasts.create(
            db,
            name="Huỷ",
            target=Target("all"),
            send_at=now,
            now=now,
            message_key="core_track_invite",
        )
    broadcasts.dispatch(engine, now, batch=2, max_batches=1)
    assert broadcasts.cancel(db, bid, now)
    assert broadcasts.dispatch(engine, now) == 0
    tally = broadcasts.tally(db, bid)
    assert (tally["queued"], tally["cancelled"]) == (0, 2)
    assert not broadcasts.cancel(db, bid, now)


def test_template_renders_per_person_and_quiet_hours_wait(engine, people, clock) -> None:
    db = engine.db
    late = at("2026-11-23 22:00")
    with db.atomic():
        broadcasts.create(
            db,
            name="Tối",
            target=Target("all"),
            send_at=late,
            now=late,
            message_key="core_track_invite",
        )
    assert broadcasts.dispatch(engine, late) == 0
    morning = at("2026-11-24 06:30")
    assert broadcasts.dispatch(engine, morning) == 4
    texts = [i.body["text"] for i in outbox.take_for_chat(db, "console", "p0", 2**40)]
    assert texts and texts[0].startswith("Chào Tư! Bác còn vài bài nữa")


def test_the_10_10_campaign_is_scheduled_once(engine, clock) -> None:
    campaigns = broadcasts.load_campaigns(ROOT / "content" / "vi")
    assert [c.template for c in campaigns] == ["campaign_10_10"]
    now = at("2026-11-23 09:00")
    db = engine.db
    with db.atomic():
        assert broadcasts.ensure_campaigns(db, campaigns, now, VN) == 1
        assert broadcasts.ensure_campaigns(db, campaigns, now, VN) == 0
    (row,) = broadcasts.list_broadcasts(db)
    assert row.name.endswith("2027") and row.send_at == at("2027-10-10 08:00")


def test_cli_create_list_status(tmp_path: Path, engine) -> None:
    db_file = tmp_path / "cli.sqlite"

    def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", "broadcast", *args, "--db", str(db_file)],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )

    bad = cli("create", "--name", "X", "--target", "ai cung duoc", "--message", "a", "--yes")
    assert bad.returncode == 1 and "không hợp lệ" in bad.stderr
    unconfirmed = cli("create", "--name", "X", "--message", "Chào bà con", stdin="khong\n")
    assert unconfirmed.returncode == 1 and "Chưa xác nhận" in unconfirmed.stderr
    ok = cli(
        "create",
        "--name",
        "Học VNeID",
        "--template",
        "core_track_invite",
        "--at",
        "2026-12-01 08:00",
        "--yes",
    )
    assert ok.returncode == 0, ok.stderr
    assert "sẽ tới 0 người" in ok.stdout and "Đã tạo lượt gửi số 1" in ok.stdout
    listed = cli("list")
    assert "1. Học VNeID — 08:00 01/12/2026 — scheduled" in listed.stdout
    status = cli("status", "1")
    assert "chờ gửi 0, đã gửi 0" in status.stdout
