"""Work after the ack: what someone waits to see runs at once; background work (a handoff's post)
lets the requests Slack is timing be answered first, but never waits longer than its limit."""

from __future__ import annotations

import threading
import time

from bot.after_ack import AfterAck, Foreground


def test_background_work_waits_for_the_requests_in_flight() -> None:
    after_ack = AfterAck(foreground=Foreground(max_yield=30))
    ran = threading.Event()
    request_done = threading.Event()
    inside = threading.Event()

    def request() -> None:
        with after_ack.foreground.request():
            inside.set()
            request_done.wait(5)

    thread = threading.Thread(target=request)
    thread.start()
    assert inside.wait(5)
    after_ack(ran.set, background=True)
    assert not ran.wait(0.3), "background work ran while a request was in flight"
    request_done.set()
    assert ran.wait(5), "background work did not run once the request was answered"
    thread.join()
    after_ack.close()


def test_prompt_work_does_not_wait_for_requests_nor_for_background_work() -> None:
    after_ack = AfterAck(background_workers=1, foreground=Foreground(max_yield=30))
    opened = threading.Event()
    with after_ack.foreground.request():
        after_ack(lambda: None, background=True)  # holds the only background worker
        after_ack(opened.set)  # a views.open: its trigger_id expires in 3 s
        assert opened.wait(5)
    assert after_ack.wait_idle(5)
    after_ack.close()


def test_background_work_is_never_held_longer_than_its_limit() -> None:
    after_ack = AfterAck(foreground=Foreground(max_yield=0.2))
    ran = threading.Event()
    with after_ack.foreground.request():  # a request that never seems to end
        started = time.monotonic()
        after_ack(ran.set, background=True)
        assert ran.wait(5)
        assert time.monotonic() - started < 3
    after_ack.close()


def test_work_run_inside_a_request_does_not_wait_for_that_request() -> None:
    foreground = Foreground(max_yield=30)
    with foreground.request():
        started = time.monotonic()
        foreground.wait_for_gap(since=started)
        assert time.monotonic() - started < 1, "a request waited for itself to end"


def test_waiting_for_idle_covers_work_that_background_work_hands_on() -> None:
    after_ack = AfterAck(foreground=Foreground(max_yield=30))
    finished = threading.Event()

    def hand_on() -> None:
        time.sleep(0.05)
        after_ack(finished.set)

    after_ack(hand_on, background=True)
    assert after_ack.wait_idle(5)
    assert finished.is_set()
    after_ack.close()


def test_background_work_waits_for_a_quiet_moment_not_the_instant_between_two_requests() -> None:
    foreground = Foreground(max_yield=30, quiet=0.2)
    ran = threading.Event()
    stop = threading.Event()

    def one_client() -> None:  # the next request 2 ms after each answer (the network)
        while not stop.is_set():
            with foreground.request():
                time.sleep(0.01)
            time.sleep(0.002)

    client = threading.Thread(target=one_client, daemon=True)
    client.start()
    waiter = threading.Thread(
        target=lambda: (foreground.wait_for_gap(since=time.monotonic()), ran.set()), daemon=True
    )
    waiter.start()
    try:
        assert not ran.wait(0.5), "background work slipped in between two requests"
    finally:
        stop.set()
    client.join()
    assert ran.wait(5)
