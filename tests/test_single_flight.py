"""The ranking memo: one computation per key however many ask at once, at most one key computing
per process (others are told at once), and the last few results kept."""

from __future__ import annotations

import threading
import time

import pytest

from services.single_flight import Busy, SingleFlight


def test_concurrent_callers_of_one_key_share_one_computation() -> None:
    memo: SingleFlight[int] = SingleFlight()
    release = threading.Event()
    calls: list[int] = []

    def slow() -> int:
        calls.append(1)
        release.wait(10)
        return 42

    got: list[int] = []
    threads = [
        threading.Thread(target=lambda: got.append(memo.get("world", slow))) for _ in range(32)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    # A different ranking while one is computed is refused at once, not queued behind it.
    started = time.monotonic()
    with pytest.raises(Busy):
        memo.get("red-sea", lambda: 1)
    assert time.monotonic() - started < 0.1
    release.set()
    for thread in threads:
        thread.join(10)
    assert got == [42] * 32 and calls == [1] and memo.computed == 1
    assert memo.get("world", lambda: 0) == 42  # kept
    assert memo.get("red-sea", lambda: 7) == 7  # the slot is free again


def test_only_the_last_results_are_kept_and_failures_are_not() -> None:
    memo: SingleFlight[int] = SingleFlight(keep=2)
    for key in range(3):
        memo.get(key, lambda k=key: k)
    assert memo.get(0, lambda: -1) == -1  # evicted, computed again

    def broken() -> int:
        raise ValueError("no hub")

    with pytest.raises(ValueError):
        memo.get("x", broken)
    assert memo.get("x", lambda: 5) == 5
