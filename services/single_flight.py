"""Deterministic heavy results (the critical-cable ranking) computed once per key and bounded.

The data never changes while the app runs, so a ranking for one region and hub is the same for
every visitor: :class:`SingleFlight` keeps the last few results by key, lets concurrent callers
of one key share a single computation, and computes at most ``slots`` keys at once per process.
A caller whose key would need another slot is told at once (:class:`Busy`), so a burst of
rankings never holds every server thread.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Busy(RuntimeError):
    """Every computing slot is taken by other keys; try again in a few seconds."""


class SingleFlight(Generic[V]):
    """Results by key: cached (``keep`` most recent), shared while in flight, bounded."""

    def __init__(self, slots: int = 1, keep: int = 32, wait_s: float = 60.0) -> None:
        self.slots, self.keep, self.wait_s = slots, keep, wait_s
        self._lock = threading.Lock()
        self._done: OrderedDict[Hashable, V] = OrderedDict()
        self._flying: dict[Hashable, threading.Event] = {}
        self.computed = 0

    def get(self, key: Hashable, compute: Callable[[], V]) -> V:
        """The result for ``key``: cached, joined while another caller computes it, or computed
        here if a slot is free (else :class:`Busy`)."""
        with self._lock:
            if key in self._done:
                self._done.move_to_end(key)
                return self._done[key]
            flying = self._flying.get(key)
            if flying is None:
                if len(self._flying) >= self.slots:
                    raise Busy("another ranking is being computed; try again in a few seconds")
                self._flying[key] = threading.Event()
        if flying is not None:
            # The same question is being answered: wait for that answer, do not compute twice.
            if not flying.wait(self.wait_s):
                raise Busy("the ranking is taking long; try again in a few seconds")
            return self.get(key, compute)
        try:
            value = compute()
            with self._lock:
                self.computed += 1
                self._done[key] = value
                while len(self._done) > self.keep:
                    self._done.popitem(last=False)
            return value
        finally:
            with self._lock:
                self._flying.pop(key).set()
