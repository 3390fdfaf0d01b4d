"""Rate limits and the retry policy, on a clock the test controls."""

from __future__ import annotations

from bot.delivery.policy import Rate, RateLimiter, RetryPolicy


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def _limiter(time: FakeTime, overall: Rate, chat: Rate) -> RateLimiter:
    return RateLimiter(overall, lambda chat_id: chat, clock=time.clock, sleep=time.sleep)


async def _send_times(limiter: RateLimiter, time: FakeTime, chats: list[str]) -> list[float]:
    times = []
    for chat in chats:
        await limiter.acquire(chat)
        times.append(round(time.now - 1000.0, 3))
    return times


async def test_one_chat_gets_a_short_burst_then_one_message_a_second() -> None:
    time = FakeTime()
    limiter = _limiter(time, Rate(30, burst=5), Rate(1, burst=3))
    assert await _send_times(limiter, time, ["a"] * 6) == [0, 0, 0, 1, 2, 3]


async def test_many_chats_share_the_overall_rate() -> None:
    time = FakeTime()
    limiter = _limiter(time, Rate(30, burst=5), Rate(1, burst=3))
    times = await _send_times(limiter, time, [f"chat{i}" for i in range(95)])
    assert times[:5] == [0] * 5
    # After the burst, one every 1/30 s: at most 30 in any second after the first.
    assert times[-1] == round(90 / 30, 3)
    for start in times:
        in_window = [t for t in times if start <= t < start + 1]
        assert len(in_window) <= 35


async def test_a_chat_that_rested_has_its_burst_again() -> None:
    time = FakeTime()
    limiter = _limiter(time, Rate(30, burst=5), Rate(1, burst=2))
    assert await _send_times(limiter, time, ["a", "a", "a"]) == [0, 0, 1]
    time.now += 10
    assert await _send_times(limiter, time, ["a", "a", "a"]) == [11, 11, 12]


async def test_idle_chats_are_forgotten() -> None:
    time = FakeTime()
    limiter = _limiter(time, Rate(1e6, burst=10**6), Rate(1, burst=1))
    limiter.MAX_IDLE_CHATS = 10
    await _send_times(limiter, time, [f"c{i}" for i in range(10)])
    time.now += 5
    await limiter.acquire("new")
    assert len(limiter._chats) == 1


def test_backoff_doubles_up_to_a_cap_then_gives_up() -> None:
    policy = RetryPolicy(first_delay=1, factor=2, max_delay=60, max_attempts=10)
    assert [policy.delay(n) for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert not policy.exhausted(9) and policy.exhausted(10)
