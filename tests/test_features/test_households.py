"""Gia đình số through the engine: a household of several people, covered once one of them
finishes the core track."""

from __future__ import annotations

from bot.engine.dispatcher import Engine
from bot.reports import model
from bot.reports.periods import quarter_of
from bot.store import audit, units, users
from bot.store import households as store
from lessons.model import Curriculum
from tests.community_helpers import code_in, make_mentor, register
from tests.factories import Clock, Conversation
from tests.learning_helpers import pass_lesson

DAY = 24 * 3600


def _dong(engine: Engine) -> tuple[int, int | None]:
    village = next(v for v in units.villages(engine.db) if v.name == "Thôn Đông")
    return village.id, village.households


def _household(engine: Engine, user: str, name: str) -> tuple[Conversation, str]:
    """Someone who creates a household, and its code."""
    founder = Conversation(engine, user=user)
    founder.onboard(name=name, birth_year=1985, group="Người dân")
    founder.tap("Gia đình số")
    assert "Lập hộ gia đình của tôi" in founder.labels()
    founder.tap("Lập hộ gia đình của tôi")
    assert "Đã lập hộ gia đình" in founder.text
    return founder, code_in(founder.text)


def test_household_of_three_is_covered_once_one_finishes_the_core_track(
    engine: Engine, curriculum: Curriculum
) -> None:
    an, code = _household(engine, "an", "An")
    binh = Conversation(engine, user="binh")
    binh.onboard(name="Bình")
    binh.send(f"/ma {code}")
    assert "một hộ gia đình ở Thôn Đông, hiện có 1 người: An" in binh.text
    assert "xem được tên và số bài đã học của nhau" in binh.text
    binh.tap("Đồng ý")
    assert "đã vào hộ gia đình" in binh.text
    chi = Conversation(engine, user="chi")  # new to the assistant: opens the link, registers
    chi.send(f"/start {code}")
    register(chi, name="Chi", birth_year=2000, group="Người dân")
    assert "hiện có 2 người: An, Bình" in chi.text
    chi.tap("Đồng ý")

    an.press("m:household")
    assert "Hộ gia đình của anh (Thôn Đông), 3 người:" in an.text
    assert 'Hộ sẽ đạt "Gia đình số" khi có một người học xong' in an.text
    dong, total = _dong(engine)
    assert store.households_covered_per_village(engine.db)[dong] == (0, total)

    for lesson in curriculum.core_lessons():
        pass_lesson(chi, lesson)
    chi_record = chi.record()
    assert chi_record is not None and chi_record.core_done_at is not None

    an.press("m:household")
    assert 'Hộ đã đạt "Gia đình số"' in an.text
    assert (
        f"Chi: {len(curriculum.core_lessons())} bài đã học, Kỹ năng số cơ bản: đã xong" in an.text
    )
    assert "Bình: 0 bài đã học, Kỹ năng số cơ bản: chưa xong" in an.text
    covered = store.households_covered_per_village(engine.db)
    assert covered[dong] == (1, total)
    assert all(n == 0 for unit, (n, _) in covered.items() if unit != dong)
    today = engine.local_now().date()
    report = model.build(
        engine.db,
        curriculum,
        commune="Xã Bình Minh",
        period=quarter_of(today),
        today=today,
        targets=None,
    )
    assert next(r for r in report.villages if r.key == dong).hh_covered == 1
    assert [e["action"] for e in audit.entries(engine.db, "household.joined")] == [
        "household.joined"
    ] * 2


def test_a_member_sees_only_their_own_household(engine: Engine) -> None:
    an, code = _household(engine, "an", "An")
    dao, _ = _household(engine, "dao", "Đào")
    binh = Conversation(engine, user="binh")
    binh.onboard(name="Bình")
    binh.send(f"/ma {code}")
    binh.tap("Đồng ý")
    dao.press("m:household")
    assert "1 người:" in dao.text and "Đào" in dao.text
    assert "An" not in dao.text and "Bình" not in dao.text
    # Household payloads name no household: a forged one acts on the sender's own, or nothing.
    eve = Conversation(engine, user="eve")
    eve.onboard(name="Em")
    eve.press("hh:ly")
    assert "Nút này thuộc tin nhắn cũ" in eve.text
    record = eve.record()
    assert record is not None
    record.last_buttons = [[["Rời hộ", "hh:ly"], ["Mã mới", "hh:nc"]]]
    users.save(engine.db, record)
    eve.press("hh:nc")
    assert "Nút này thuộc tin nhắn cũ" in eve.text
    assert len(store.members(engine.db, store.of_user(engine.db, an.record().id).id)) == 2  # type: ignore[union-attr]


def test_leaving_and_erasing_members_and_the_last_one_takes_the_household(
    engine: Engine,
) -> None:
    an, code = _household(engine, "an", "An")
    binh = Conversation(engine, user="binh")
    binh.onboard(name="Bình")
    binh.send(f"/ma {code}")
    binh.tap("Đồng ý")
    binh.tap("Rời hộ")
    assert "có chắc muốn rời hộ" in binh.text
    binh.tap("Rời hộ")
    assert "đã rời hộ gia đình" in binh.text
    binh.tap("Gia đình số")
    assert "Lập hộ gia đình của tôi" in binh.labels()
    db = engine.db
    assert db.execute("SELECT COUNT(*) FROM household_members").fetchone()[0] == 1
    an.send("/xoadulieu")  # erasing the last member takes the household and its codes
    an.tap("Xoá hết dữ liệu")
    assert db.execute("SELECT COUNT(*) FROM households").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM invite_codes").fetchone()[0] == 0
    binh.send(f"/ma {code}")
    assert "không tìm thấy mã mời" in binh.text


def test_household_codes_expire_and_can_be_renewed(engine: Engine, clock: Clock) -> None:
    an, old = _household(engine, "an", "An")
    clock.advance(31 * DAY)
    late = Conversation(engine, user="late")
    late.onboard(name="Lâm")
    late.send(f"/ma {old}")
    assert "đã hết hạn" in late.text
    an.press("m:household")  # the view makes a fresh code when the old one is dead
    fresh = code_in(an.text)
    assert fresh != old
    an.tap("Tạo mã mời mới")
    newest = code_in(an.text)
    assert newest != fresh
    late.send(f"/ma {fresh}")
    assert "không tìm thấy mã mời" in late.text  # replaced codes stop working
    late.send(f"/ma {newest}")
    late.tap("Đồng ý")
    assert "đã vào hộ gia đình" in late.text


def test_a_mentor_adds_an_assisted_learner_to_a_household(engine: Engine) -> None:
    an, code = _household(engine, "an", "An")
    mentor = make_mentor(engine)
    mentor.press("m:mentor")
    mentor.tap("Ghi tên người học trực tiếp")
    mentor.send("Tám")
    mentor.tap("Thôn Đông")
    mentor.send("1948")
    mentor.tap("Người cao tuổi")
    mentor.tap("Người học đã đồng ý")
    for _ in range(4):  # the self-assessment the mentor asks
        mentor.tap("Chưa")
    mentor.tap("Thêm vào hộ gia đình")
    mentor.send(code)
    assert "Đã thêm Tám vào hộ gia đình" in mentor.text
    an.press("m:household")
    assert "Tám (học trực tiếp): 0 bài đã học" in an.text
    mentor.tap("Thêm vào hộ gia đình")
    mentor.send("ZZZZ-ZZZZ")
    assert "không tìm thấy mã mời" in mentor.text
