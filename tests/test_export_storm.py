"""The export storm (scripts/storm.py): 8 whole-world 4× map PNGs and 4 PDF reports at once at
gunicorn on 127.0.0.1. While they run the page and /healthz stay quick; every export ends in a
file, a job or a refusal with Retry-After; afterwards nothing runs and nothing is left on disk."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from pathlib import Path

from export import workdir
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
import soak  # scripts/ is not a package
import storm


def test_an_export_storm_leaves_the_page_quick_and_nothing_behind(tmp_path: Path) -> None:
    report = storm.storm(pngs=8, pdfs=4, export_timeout=240, results=tmp_path)
    assert report["healthz"]["p95_s"] < storm.HEALTH_P95_S, report["healthz"]
    assert report["page"]["p95_s"] < storm.PAGE_P95_S, report["page"]
    assert report["healthz"]["count"] > 10 and report["page"]["count"] > 3
    assert sum(report["outcomes"].values()) == 12
    assert set(report["outcomes"]) <= {"file", "job", "refused"}, report["exports"]
    assert report["outcomes"].get("file", 0) + report["outcomes"].get("job", 0) >= 1
    # The browsers the renders started were seen, and none outlived the server.
    assert report["processes_started"] > 2
    assert report["left_running"] == [] and report["left_on_disk"] == []
    assert report["passed"], report["failures"]


def test_the_storm_across_two_instances_sharing_redis(tmp_path: Path) -> None:
    report = storm.storm(pngs=8, pdfs=4, export_timeout=240, results=tmp_path, instances=2)
    assert report["instances"] == 2
    assert report["healthz"]["p95_s"] < storm.HEALTH_P95_S, report["healthz"]
    assert report["page"]["p95_s"] < storm.PAGE_P95_S, report["page"]
    assert set(report["outcomes"]) <= {"file", "job", "refused"}, report["exports"]
    # Two instances take twice the renders of one (each worker renders one, queues one).
    assert report["outcomes"].get("file", 0) + report["outcomes"].get("job", 0) >= 2
    assert report["left_running"] == [] and report["left_on_disk"] == []
    assert report["passed"], report["failures"]


def test_export_outcomes_are_classified_strictly() -> None:
    assert storm.export_outcome(200, {}, b"\x89PNG....") == "file"
    assert storm.export_outcome(200, {}, b"{}").startswith("bad")
    assert storm.export_outcome(202, {"Location": "/export/jobs/x"}, b"") == "job"
    assert storm.export_outcome(503, {"Retry-After": "10"}, b"") == "refused"
    assert storm.export_outcome(503, {}, b"").startswith("bad")  # no Retry-After


def test_a_worker_killed_mid_render_leaves_no_browser_and_no_files(tmp_path: Path) -> None:
    root = tmp_path / "run"
    os.environ["LANDFALL_TMP"] = str(root)
    os.environ["LANDFALL_JOBS_DIR"] = str(tmp_path / "jobs")
    server = soak.Gunicorn(soak.free_port(), tmp_path / "gunicorn.log", None)
    try:
        server.wait_ready(workers=2)
        firing = threading.Thread(
            target=_quietly, args=(server.port, "/export/report.pdf?region=world&theme=dark")
        )
        firing.start()
        # Wait until a worker renders: its folder holds a browser profile.
        deadline = time.monotonic() + 60
        busy: list[Path] = []
        while time.monotonic() < deadline and not busy:
            busy = [d for d in root.glob("*") if workdir.processes_using(d)]
            time.sleep(0.2)
        assert busy, "no render started"
        folder = busy[0]
        os.kill(int(folder.name), signal.SIGKILL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and (folder.exists() or workdir.processes_using(folder)):
            time.sleep(0.2)
        assert not folder.exists()
        assert workdir.processes_using(folder) == []
        firing.join(30)
        server.wait_ready(workers=2)  # the master replaced the worker
    finally:
        server.stop()
        os.environ.pop("LANDFALL_TMP", None)
        os.environ.pop("LANDFALL_JOBS_DIR", None)
    assert workdir.processes_using(root) == []
    assert not any(root.rglob("*"))


def _quietly(port: int, path: str) -> None:
    with contextlib.suppress(OSError):  # the worker answering it was killed
        soak.request(port, "GET", path, timeout=60)
