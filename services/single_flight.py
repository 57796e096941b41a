"""At most one heavy computation at a time across the processes of a server.

The critical-cable ranking runs as a background callback, each in a process of its own, so a
burst of rankings is a burst of processes: :func:`one_at_a_time` lets one of them compute while
the others wait their turn (a bounded wait, then :class:`Busy`). The lock is an ``flock`` on a
file, so it is released whenever its holder ends, a cancelled (killed) one included.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path


class Busy(RuntimeError):
    """Another computation held the lock for the whole wait; try again in a few seconds."""


@contextlib.contextmanager
def one_at_a_time(lock_file: Path, wait_s: float = 60.0) -> Iterator[None]:
    """Hold ``lock_file``'s exclusive lock for the block, waiting at most ``wait_s`` for it."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Busy(
                        "another ranking is being computed; try again in a few seconds"
                    ) from None
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)  # closing the file releases the lock
