"""The counting rules of issue 17 on rows written straight into the tables: web chat learners only
with a kiosk at the commune centre, the channel in the learner list, age bands from the birth
year, villages without a population kept out of the percentages."""

from __future__ import annotations

from datetime import date

from bot.app import Services
from bot.reports import model
from bot.reports.columns import age_table, learner_columns, learner_table
from bot.reports.periods import parse
from bot.store import report_webchat
from bot.store import reports as queries
from tests.test_reports import helpers as h


def _build(services: Services, kiosk: bool) -> model.Report:
    return model.build(
        services.db,
        services.curriculum,
        commune="Xã Bình Minh",
        period=parse("2026-Q4"),
        today=date(2026, 12, 1),
        targets=None,
        webchat_kiosk=kiosk,
    )


def test_web_chat_learners_count_only_with_a_kiosk(services: Services) -> None:
    db = services.db
    core = services.curriculum.core_lessons()[0].id
    with db.atomic():
        h.learner(db, "Thôn Tây", joined="2026-10-05")
        h.learner(
            db,
            "Thôn Tây",
            channel="webchat",
            name="Thử Web",
            joined="2026-10-05",
            core_done="2026-10-20",
            passed=((core, "2026-10-06"),),
            days=("2026-10-06",),
        )
    tay = h.village_id(db, "Thôn Tây")
    plain = next(r for r in _build(services, False).villages if r.key == tay)
    assert (plain.registered, plain.assisted, plain.joined, plain.active) == (1, 0, 1, 0)
    assert (plain.passed, plain.core_done, plain.core_in_period) == (0, 0, 0)
    kiosk = next(r for r in _build(services, True).villages if r.key == tay)
    assert (kiosk.registered, kiosk.assisted, kiosk.joined, kiosk.active) == (2, 1, 2, 1)
    assert (kiosk.passed, kiosk.core_done, kiosk.core_in_period, kiosk.webchat) == (1, 1, 1, 1)
    # The weekly trend and the topic/domain tables follow the same rule (issue 17).
    for report, count in ((_build(services, False), 0), (_build(services, True), 1)):
        week = next(w for w in report.weeks if w.start == date(2026, 10, 5))
        assert (week.joined, week.core_done, week.passed) == (1 + count, 0, count)
        assert sum(w.core_done for w in report.weeks) == count
        assert sum(line.passed for line in report.topics) == count
        assert sum(line.passed for line in report.domains) == count
    # The learner list says how each person learns.
    columns = learner_columns(services.engine.tz, services.texts, {})
    header, rows = learner_table(queries.learners(db, tay), columns, services.texts)
    channel = header.index("Học qua")
    assert sorted(r[channel] for r in rows) == ["Máy tính", "Trang web (máy ở xã)"]


def test_age_bands_and_villages_without_a_population(services: Services) -> None:
    db = services.db
    with db.atomic():
        for year in (2012, 2009, 1990, 1966, 1950, None):
            h.learner(db, "Thôn Đông", birth_year=year, core_done="2026-10-20")
        db.execute("UPDATE units SET adult_population = NULL WHERE name = 'Thôn Tây'")
        h.learner(db, "Thôn Tây", birth_year=1980, core_done="2026-10-20")
    report = _build(services, False)
    dong = next(r for r in report.villages if r.name == "Thôn Đông")
    # 2009 is 17 in 2026; 1966 is 60 (60+ by birth year, whatever group was chosen).
    assert dong.age_bands == {"under16": 1, "16_17": 1, "18_59": 1, "60plus": 2, "unknown": 1}
    assert dong.core_adults == 3 and dong.core_done == 6
    tay = next(r for r in report.villages if r.name == "Thôn Tây")
    assert tay.core_pct is None and [r.name for r in report.unknown_population] == ["Thôn Tây"]
    total = report.total
    assert total.core_adults == 4 and total.adults is not None
    # The total's percentage leaves out Thôn Tây, whose adults are not known.
    assert total.core_pct == 100.0 * 3 / total.adults
    header, rows = age_table(report, services.texts)
    assert header[1:] == [
        "Dưới 16 tuổi",
        "Từ 16 đến 17 tuổi",
        "Từ 18 đến 59 tuổi",
        "Từ 60 tuổi",
        "Chưa rõ năm sinh",
    ]
    assert rows[-1] == ["Tổng cộng", 1, 1, 2, 2, 1]


def test_web_chat_weeks_and_lessons_backfill_as_the_triggers_keep_them(services: Services) -> None:
    db = services.db
    core = [lesson.id for lesson in services.curriculum.core_lessons()]
    with db.atomic():
        h.learner(db, "Thôn Tây", passed=((core[0], "2026-10-06"),))
        for village, day in (("Thôn Tây", "2026-10-07"), ("Thôn Đông", "2026-11-12")):
            h.learner(
                db,
                village,
                channel="webchat",
                joined=day,
                core_done=day,
                passed=((core[0], day), (core[1], "2026-11-20")),
            )
    tables = ("report_webchat_weeks", "report_webchat_lessons")
    kept = {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}
    assert sum(r[5] for r in kept["report_webchat_weeks"]) == 4  # passes, web chat only
    with db.atomic():
        for table in tables:
            db.execute(f"DELETE FROM {table}")
        report_webchat.backfill(db)
    assert {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall()) for t in tables} == kept
