"""The export storm (scripts/storm.py): 8 whole-world 4× map PNGs and 4 PDF reports at once at
gunicorn on 127.0.0.1. While they run the page and /healthz stay quick; every export ends in a
file, a job or a refusal with Retry-After; afterwards nothing runs and nothing is left on disk."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
import storm  # scripts/ is not a package


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


def test_export_outcomes_are_classified_strictly() -> None:
    assert storm.export_outcome(200, {}, b"\x89PNG....") == "file"
    assert storm.export_outcome(200, {}, b"{}").startswith("bad")
    assert storm.export_outcome(202, {"Location": "/export/jobs/x"}, b"") == "job"
    assert storm.export_outcome(503, {"Retry-After": "10"}, b"") == "refused"
    assert storm.export_outcome(503, {}, b"").startswith("bad")  # no Retry-After
