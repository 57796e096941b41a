"""The short soak: gunicorn on 127.0.0.1 under a few clients, one worker killed halfway.

The long run (10 minutes, 10 clients) is ``scripts/soak.py --minutes 10``; see the README.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
import soak  # scripts/ is not a package


def test_short_soak_has_no_errors_and_keeps_url_state_across_a_worker_kill(
    tmp_path: Path,
) -> None:
    options = soak.parse_args(
        [
            "--seconds",
            "15",
            "--warmup",
            "4",
            "--clients",
            "4",
            "--max-requests",
            "200000",
            "--results",
            str(tmp_path),
            "--state",
            "",
            "--state",
            "?owner=Orange&region=world",
            "--state",
            "?sel=lp:marseille-france&layers=cables,landing_points",
            "--state",
            "?country=Egypt&year_min=2000",
        ]
    )
    assert options.check_rss is False  # too short to say anything about memory
    report = soak.soak(options)
    assert report["requests"] > 0
    assert report["errors"] == 0, report["error_samples"]
    restart = report["restart"]
    assert restart["identical"], restart
    assert restart["new_pids"] and restart["killed_pid"] not in restart["new_pids"]
    assert restart["compared"] >= 4 * 3  # page and both callbacks of every state, and the API
    assert report["server_header"] == ["landfall"]
    assert report["passed"]
    assert (tmp_path / "soak.md").read_text(encoding="utf-8").startswith("# Landfall soak test")


def test_soak_refuses_unbounded_runs() -> None:
    for argv in (["--seconds", "1"], ["--minutes", "500"], ["--clients", "1000"]):
        try:
            soak.parse_args(argv)
        except SystemExit as exit_:
            assert exit_.code == 2
        else:
            raise AssertionError(f"accepted {argv}")


def test_soak_only_talks_to_loopback() -> None:
    assert soak.HOST == "127.0.0.1"
    command = soak.gunicorn_command(8050)
    assert f"{soak.HOST}:8050" in command
