"""Export storm: map PNGs and PDF reports fired at once at gunicorn, the page probed meanwhile.

Usage::

    .venv/bin/python scripts/storm.py [--pngs 8] [--pdfs 4] [--results out/storm]

It starts gunicorn (``gunicorn.conf.py``) on a free 127.0.0.1 port with its own temporary root
(``LANDFALL_TMP``), fires ``--pngs`` map PNGs at 4× and ``--pdfs`` PDF reports at once, each a
different query (region × theme, the whole world first), and while they run probes ``/healthz`` every 0.25 s and ``/`` every second.
Every export must end in a file (200 with an image or PDF), a job (202 with a ``Location``, polled
as a script would until it answers the file) or a refusal with ``Retry-After`` (503/429), within
``--export-timeout`` seconds. After the storm it
stops gunicorn and checks that no process it started (workers, browsers, their helpers) still
runs and that the temporary root is empty.

The run passes when ``/healthz`` answers in under 1 s at p95, ``/`` in under 2 s at p95, every
export ends as above and nothing is left running or on disk. With ``--instances 2`` the same
storm is spread over two gunicorn instances sharing a redis-server and a Celery worker started
for the run (the deployment of scripts/serve_cluster.sh): the exports are rendered by the worker. Everything goes to 127.0.0.1 and is
bounded by the timeouts. Results go to ``<results>/storm.json``; exit status 0 on a pass.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import soak  # scripts/ is not a package

REGIONS = ("world", "mediterranean", "red-sea", "black-sea", "gulf-of-aden")
#: Distinct queries (region × theme), so no export is another's cached twin: 4× map PNGs
#: (5600 × 3600 px) and PDF reports, each its own render.
PNG_URLS = tuple(
    f"/export/figure/map.png?region={region}&theme={theme}&scale=4"
    for theme in ("light", "dark")
    for region in REGIONS
)
PDF_URLS = tuple(
    f"/export/report.pdf?region={region}&theme={theme}"
    for theme in ("dark", "light")
    for region in REGIONS
)
HEALTH_P95_S, PAGE_P95_S = 1.0, 2.0
#: A probe that gets no answer in this time counts as this long (and as a failure).
PROBE_TIMEOUT_S = 10.0


def _get(port: int, path: str, timeout: float) -> tuple[int, dict[str, str], bytes]:
    conn = soak.http.client.HTTPConnection(soak.HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def export_outcome(status: int, headers: dict[str, str], body: bytes) -> str:
    """``file``, ``job``, ``refused`` (with Retry-After) or ``bad: …`` for one export answer."""
    if status == 200 and (body.startswith(b"\x89PNG") or body.startswith(b"%PDF")):
        return "file"
    if status == 202 and headers.get("Location"):
        return "job"
    if status in (429, 503) and headers.get("Retry-After", "").isdigit():
        return "refused"
    return f"bad: {status} {body[:120]!r}"


def _follow(port: int, headers: dict[str, str], deadline: float) -> str:
    """Poll a job until it answers something else than 202: ``job`` if that is the file."""
    while time.monotonic() < deadline:
        time.sleep(min(2.0, float(headers.get("Retry-After", "2"))))
        status, headers, body = _get(port, headers["Location"], PROBE_TIMEOUT_S)
        if status != 202:
            outcome = export_outcome(status, headers, body)
            return "job" if outcome == "file" else f"bad: job ended {outcome}"
    return "bad: job still running at the deadline"


def _export(port: int, url: str, timeout: float, out: list[dict[str, Any]]) -> None:
    """One export, its job followed to the end as a script would."""
    started = time.monotonic()
    try:
        status, headers, body = _get(port, url, timeout)
        outcome = export_outcome(status, headers, body)
        if outcome == "job":
            outcome = _follow(port, headers, started + timeout)
    except OSError as exc:
        outcome = f"bad: {type(exc).__name__}"
    out.append({"url": url, "outcome": outcome, "seconds": round(time.monotonic() - started, 2)})


def _probe(port: int, path: str, every: float, stop: threading.Event, out: list[float]) -> None:
    while not stop.is_set():
        started = time.monotonic()
        try:
            status, _, _ = _get(port, path, PROBE_TIMEOUT_S)
            seconds = time.monotonic() - started if status == 200 else PROBE_TIMEOUT_S
        except OSError:
            seconds = PROBE_TIMEOUT_S
        out.append(seconds)
        stop.wait(max(0.0, every - (time.monotonic() - started)))


def _children(pid: int) -> list[int]:
    """Children of every thread of ``pid`` (a browser is started from a worker's thread)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        for child in _children(todo.pop()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _watch_tree(pid: int, stop: threading.Event, seen: set[int]) -> None:
    """Every process gunicorn started, sampled while the storm runs."""
    while not stop.is_set():
        seen |= _descendants(pid)
        stop.wait(0.2)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:200]
    except OSError:
        return ""


def _running(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie has ended; only its parent has not read its status)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def _alive(pids: set[int]) -> list[int]:
    return sorted(p for p in pids if _running(p))


def _stats(values: Sequence[float]) -> dict[str, float]:
    return {
        "count": len(values),
        "p50_s": round(soak.percentile(values, 50), 3),
        "p95_s": round(soak.percentile(values, 95), 3),
        "max_s": round(max(values, default=0.0), 3),
        "timeouts": sum(v >= PROBE_TIMEOUT_S for v in values),
    }


def start_redis(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Debian's redis-server on a free 127.0.0.1 port, no persistence; (process, URL)."""
    server = shutil.which("redis-server")
    if server is None:
        raise RuntimeError("redis-server is missing: apt-get install redis-server")
    port = soak.free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1) as s:
            s.sendall(b"PING\r\n")
            if s.recv(16).startswith(b"+PONG"):
                return process, f"redis://127.0.0.1:{port}/0"
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("redis-server did not start")


class CeleryWorker:
    """Landfall's Celery worker (``celery -A worker worker``) in a subprocess, its log in a file:
    ``concurrency`` render processes taking jobs from the shared queue."""

    def __init__(self, log_path: Path, concurrency: int = 1) -> None:
        command = [
            *(sys.executable, "-m", "celery", "-A", "worker", "worker"),
            *("--pool", "prefork", "--concurrency", str(concurrency), "--loglevel", "INFO"),
            *("-Q", "landfall", "--without-gossip", "--without-mingle", "--without-heartbeat"),
        ]
        self.log = log_path.open("wb")
        self.process = subprocess.Popen(
            command, cwd=soak.REPO, stdout=self.log, stderr=subprocess.STDOUT
        )

    def wait_ready(self, timeout: float = 120) -> None:
        """Until the worker says it is ready (its log's ``ready.`` line)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited with {self.process.returncode}")
            if b" ready." in Path(self.log.name).read_bytes():
                return
            time.sleep(0.3)
        raise RuntimeError("the Celery worker was not ready in time")

    def stop(self) -> None:
        """A warm stop (running tasks end), bounded; then killed."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


def _fire(
    servers: list[soak.Gunicorn], urls: list[str], timeout: float, workers: Sequence[int] = ()
) -> tuple[dict[str, list[float]], list[dict[str, Any]], set[int], float]:
    """Fire ``urls`` at the servers in turn while probing each; (probes, exports, pids, s).
    The processes of the servers and of ``workers`` (process ids) are watched."""
    stop, seen = threading.Event(), set[int]()
    probes: dict[str, list[float]] = {"healthz": [], "page": []}
    exports: list[dict[str, Any]] = []
    threads = []
    for pid in workers:
        threading.Thread(target=_watch_tree, args=(pid, stop, seen)).start()
    for server in servers:
        threading.Thread(target=_watch_tree, args=(server.process.pid, stop, seen)).start()
        threads += [
            threading.Thread(
                target=_probe, args=(server.port, "/healthz", 0.25, stop, probes["healthz"])
            ),
            threading.Thread(target=_probe, args=(server.port, "/", 1.0, stop, probes["page"])),
        ]
    firing = [
        threading.Thread(
            target=_export, args=(servers[i % len(servers)].port, url, timeout, exports)
        )
        for i, url in enumerate(urls)
    ]
    started = time.monotonic()
    try:
        for thread in [*threads, *firing]:
            thread.start()
        for thread in firing:
            thread.join(timeout + 10)
    finally:
        stop.set()
    return probes, exports, seen, time.monotonic() - started


def storm(
    pngs: int, pdfs: int, export_timeout: float, results: Path, instances: int = 1
) -> dict[str, Any]:
    """Run the storm once; the report (see the module's docstring). With ``instances`` > 1,
    that many gunicorn instances share a redis-server and a Celery worker started here
    (``LANDFALL_REDIS_URL``)."""
    results.mkdir(parents=True, exist_ok=True)
    tmp_root = Path(tempfile.mkdtemp(prefix="landfall-storm-"))
    os.environ["LANDFALL_TMP"] = str(tmp_root)
    # The job store (finished files are kept on purpose) lives beside it, removed at the end.
    jobs_dir = Path(f"{tmp_root}-jobs")
    os.environ["LANDFALL_JOBS_DIR"] = str(jobs_dir)
    os.environ["LANDFALL_EXPORT_WAIT_S"] = "5"  # production's short wait, whoever runs it
    redis = start_redis(results) if instances > 1 else None
    if redis is not None:
        os.environ["LANDFALL_REDIS_URL"] = redis[1]
    servers = [
        soak.Gunicorn(soak.free_port(), results / f"gunicorn-{i}.log", None)
        for i in range(instances)
    ]
    worker = CeleryWorker(results / "celery.log") if redis is not None else None
    urls = [*PNG_URLS[:pngs], *PDF_URLS[:pdfs]]
    try:
        for server in servers:
            server.wait_ready(workers=None)
        if worker is not None:
            worker.wait_ready()
        pids = [worker.process.pid] if worker is not None else []
        probes, exports, seen, storm_s = _fire(servers, urls, export_timeout, pids)
    finally:
        for server in servers:
            server.stop()
        if worker is not None:
            worker.stop()
        if redis is not None:
            redis[0].terminate()
            redis[0].wait(10)
            os.environ.pop("LANDFALL_REDIS_URL", None)
    deadline = time.monotonic() + 10  # what the stop ended may take a moment to go
    while _alive(seen) and time.monotonic() < deadline:
        time.sleep(0.2)
    left_running = [f"{pid} {_cmdline(pid)}" for pid in _alive(seen)]
    left_on_disk = sorted(str(p) for p in tmp_root.rglob("*"))
    shutil.rmtree(tmp_root, ignore_errors=True)
    shutil.rmtree(jobs_dir, ignore_errors=True)
    outcomes = [e["outcome"] for e in exports]
    report: dict[str, Any] = {
        "instances": instances,
        "pngs": pngs,
        "pdfs": pdfs,
        "storm_s": round(storm_s, 1),
        "healthz": _stats(probes["healthz"]),
        "page": _stats(probes["page"]),
        "outcomes": {kind: outcomes.count(kind) for kind in sorted(set(outcomes))},
        "exports": exports,
        "processes_started": len(seen),
        "left_running": left_running,
        "left_on_disk": left_on_disk[:20],
    }
    report["failures"] = failures(report, len(urls))
    report["passed"] = not report["failures"]
    (results / "storm.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    return report


def failures(report: dict[str, Any], fired: int) -> list[str]:
    """What broke the storm's budgets."""
    found = []
    if report["healthz"]["p95_s"] >= HEALTH_P95_S:
        found.append(f"/healthz p95 {report['healthz']['p95_s']} s ≥ {HEALTH_P95_S} s")
    if report["page"]["p95_s"] >= PAGE_P95_S:
        found.append(f"/ p95 {report['page']['p95_s']} s ≥ {PAGE_P95_S} s")
    ended = [e for e in report["exports"] if not e["outcome"].startswith("bad")]
    if len(ended) != fired:
        found.append(f"{fired - len(ended)} of {fired} exports did not end well")
    if report["left_running"]:
        found.append(f"processes left running: {report['left_running']}")
    if report["left_on_disk"]:
        found.append(f"files left: {report['left_on_disk'][:3]}")
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pngs", type=int, default=8, choices=range(len(PNG_URLS) + 1))
    parser.add_argument("--pdfs", type=int, default=4, choices=range(len(PDF_URLS) + 1))
    parser.add_argument("--export-timeout", type=float, default=240)
    parser.add_argument(
        "--instances", type=int, default=1, choices=range(1, 5), help="> 1: share a redis-server"
    )
    parser.add_argument("--results", type=Path, default=Path("out/storm"))
    args = parser.parse_args(argv)
    report = storm(args.pngs, args.pdfs, args.export_timeout, args.results, args.instances)
    summary = {k: v for k, v in report.items() if k != "exports"}
    print(json.dumps(summary, indent=2))
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
