"""The per-channel pacer, on a fake clock."""

from __future__ import annotations

from bot.delivery.pacing import ChannelPacer


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_the_next_post_waits_a_full_interval_after_the_previous_one_returned() -> None:
    clock = FakeTime()
    pacer = ChannelPacer(1.0, monotonic=clock.monotonic, sleep=clock.sleep)
    starts = []
    for _ in range(3):
        with pacer.turn("C1"):
            starts.append(clock.now)
            clock.now += 0.3  # the post's round trip
    assert starts == [100.0, 101.3, 102.6]


def test_channels_do_not_wait_for_each_other() -> None:
    clock = FakeTime()
    pacer = ChannelPacer(1.0, monotonic=clock.monotonic, sleep=clock.sleep)
    with pacer.turn("C1"):
        pass
    with pacer.turn("C2"):
        assert clock.now == 100.0


def test_retry_after_holds_the_channel() -> None:
    clock = FakeTime()
    pacer = ChannelPacer(1.0, monotonic=clock.monotonic, sleep=clock.sleep)
    pacer.push_back("C1", 30)
    with pacer.turn("C1"):
        assert clock.now == 130.0


def test_quiet_conversations_are_forgotten_but_a_pending_wait_is_kept() -> None:
    clock = FakeTime()
    pacer = ChannelPacer(1.0, monotonic=clock.monotonic, sleep=clock.sleep)
    for n in range(500):
        with pacer.turn(f"C{n}"):
            pass
    pacer.push_back("C-limited", 30)
    assert len(pacer) == 501
    clock.now += 2  # every channel's interval is over; C-limited still has 28 s to wait
    pacer.forget_idle()
    assert len(pacer) == 1
    with pacer.turn("C-limited"):
        assert clock.now >= 130  # the Retry-After was not forgotten


def test_the_pacer_cleans_up_by_itself_as_conversations_come_and_go() -> None:
    clock = FakeTime()
    pacer = ChannelPacer(1.0, monotonic=clock.monotonic, sleep=clock.sleep)
    for n in range(20_000):
        with pacer.turn(f"C{n}"):
            clock.now += 0.01
    assert len(pacer) < 2_000
