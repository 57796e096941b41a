"""One heavy computation at a time across processes: the others wait their turn (bounded), and
a holder that dies releases the lock."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from services.single_flight import Busy, one_at_a_time

HOLD = (
    "import sys, time\n"
    "from pathlib import Path\n"
    "from services.single_flight import one_at_a_time\n"
    "with one_at_a_time(Path(sys.argv[1])):\n"
    "    print('held', flush=True)\n"
    "    time.sleep(60)\n"
)


def _holder(lock: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(lock)],
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "held"
    return process


def test_a_second_process_waits_its_bounded_turn_and_a_dead_holder_frees_the_lock(
    tmp_path: Path,
) -> None:
    lock = tmp_path / "ranking.lock"
    holder = _holder(lock)
    try:
        started = time.monotonic()
        with pytest.raises(Busy), one_at_a_time(lock, wait_s=0.5):
            pass
        assert 0.4 < time.monotonic() - started < 2
    finally:
        holder.kill()  # as a cancelled ranking is killed
        holder.wait()
    with one_at_a_time(lock, wait_s=2):
        pass  # free again
