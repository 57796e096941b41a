"""Soak test: Landfall under gunicorn, N client threads, one worker killed halfway.

Usage::

    .venv/bin/python scripts/soak.py --minutes 10 --clients 10 [--results out/soak]

It starts gunicorn on a free 127.0.0.1 port (``gunicorn.conf.py`` when it exists, else
``-w 2 --threads 4 --preload``), then for the given duration every client thread repeats, for a
rotating set of URL states: load the page (``GET /``), post the render callback and the grid
callback (the server callbacks whose inputs include ``render-key.data``, found in
``/_dash-dependencies``), and call the data API with the same filters. Every few seconds it
samples the resident memory of the gunicorn master and workers. Halfway through it SIGKILLs one
worker; gunicorn starts a new one, and the responses for every URL state recorded before the
kill must be byte-identical after it (the page's state lives in its URL, so nothing is lost).

A request that fails because its worker was killed under it (connection reset or closed) is
retried once and counted as ``retried``; it is an error only if the retry fails too. The run
passes when there are no errors, the restart check holds and (with ``--check-rss``, the default
for runs of 5 minutes or more) total RSS grew by less than 5 % between the end of the warm-up
and the end of the run. Results go to ``<results>/soak.json`` and ``<results>/soak.md``; the exit
status is 0 on a pass, 1 on a failure.

Every request goes to 127.0.0.1 only, and the run is bounded by its duration and by
``--max-requests``.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
STORE_INPUT = "render-key.data"  # the selection store less its layers (set in the browser)
#: URL states of the shipped data the clients rotate through (page-only parameters included).
DEFAULT_STATES: tuple[str, ...] = (
    "",
    "?region=world",
    "?owner=Orange",
    "?sel=cable:seamewe-4",
    "?country=France",
    "?year_min=2010&year_max=2020",
    "?status=planned",
    "?owner=Telecom%20Egypt&region=world",
    "?sel=lp:marseille-france",
    "?country=Italy&layers=cables,landing_points",
)
#: Parameters the data API does not take (they only change the page's view).
PAGE_ONLY = ("layers", "sel", "view", "tech", "from", "to", "cut", "scenario", "hub")
RSS_GROWTH_LIMIT_PCT = 5.0


# --------------------------------------------------------------------------- callback bodies


def split_outputs(output: str) -> list[tuple[str, str]]:
    """``[(id, property), …]`` of a dependency's ``output`` string (single or multi-output)."""
    if output.startswith("..") and output.endswith(".."):
        parts = output[2:-2].split("...")
    else:
        parts = [output]
    pairs = []
    for part in parts:
        component, _, prop = part.rpartition(".")
        pairs.append((component, prop))
    return pairs


def _parse_id(component: str) -> Any:
    """A pattern-matching id is JSON in the dependencies; a plain id is a string."""
    if component.startswith("{"):
        return json.loads(component)
    return component


def store_callbacks(dependencies: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The server-side callbacks whose inputs include ``render-key.data``."""
    found = []
    for dep in dependencies:
        if dep.get("clientside_function"):
            continue
        inputs = {f"{i['id']}.{i['property']}" for i in dep.get("inputs", [])}
        if STORE_INPUT in inputs:
            found.append(dep)
    return found


def callback_body(dep: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON body the browser posts to ``/_dash-update-component`` for ``dep``.

    ``values`` maps ``"id.property"`` to the value of each input and state (missing ones are
    ``None``). The first input is reported as the one that changed.
    """

    def items(kind: str) -> list[dict[str, Any]]:
        return [
            {
                "id": _parse_id(i["id"]),
                "property": i["property"],
                "value": values.get(f"{i['id']}.{i['property']}"),
            }
            for i in dep.get(kind, [])
        ]

    inputs = items("inputs")
    outputs = [{"id": _parse_id(c), "property": p} for c, p in split_outputs(dep["output"])]
    return {
        "output": dep["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": inputs,
        "changedPropIds": [f"{dep['inputs'][0]['id']}.{dep['inputs'][0]['property']}"],
        "state": items("state"),
    }


def state_values(search: str) -> dict[str, Any]:
    """Input/state values of the page for the URL query ``search``."""
    return {
        STORE_INPUT: search,
        "url.search": search,
        "theme-store.data": "light",
        "grid-tab.value": "cables",
    }


def api_query(search: str) -> str:
    """``search`` without the page-only parameters, for the data API."""
    pairs = [(k, v) for k, v in parse_qsl(search.lstrip("?")) if k not in PAGE_ONLY]
    return "?" + urlencode(pairs) if pairs else ""


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def children(pid: int) -> list[int]:
    """Direct child PIDs of ``pid`` (gunicorn's workers, for its master)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def rss_kib(pid: int) -> int:
    """Resident set size of one process in KiB (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def total_rss_mib(master: int) -> float:
    """RSS of the master and its workers, in MiB (shared pages are counted in each)."""
    return (rss_kib(master) + sum(rss_kib(p) for p in children(master))) / 1024


def gunicorn_command(port: int) -> list[str]:
    exe = str(REPO / ".venv" / "bin" / "gunicorn")
    if not Path(exe).exists():
        exe = str(Path(sys.executable).with_name("gunicorn"))
    bind = f"{HOST}:{port}"
    if (REPO / "gunicorn.conf.py").is_file():
        return [exe, "-c", "gunicorn.conf.py", "--bind", bind, "app:server"]
    return [
        exe,
        "-w",
        "2",
        "--threads",
        "4",
        "--preload",
        "--no-control-socket",
        "--bind",
        bind,
        "app:server",
    ]


class Gunicorn:
    """gunicorn in a subprocess on 127.0.0.1, its log in a file."""

    def __init__(self, port: int, log_path: Path, data_dir: Path | None) -> None:
        self.port = port
        env = dict(os.environ)
        env["LANDFALL_BIND"] = f"{HOST}:{port}"
        env.pop("LANDFALL_ACCESS_LOG", None)
        if data_dir is not None:
            env["LANDFALL_DATA"] = str(data_dir)
        self.log = log_path.open("wb")
        self.process = subprocess.Popen(
            gunicorn_command(port), cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )

    def wait_ready(self, workers: int | None, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                status, _ = request(self.port, "GET", "/healthz")
                if status == 200 and (workers is None or len(self.workers()) >= workers):
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /healthz in time")

    def workers(self) -> list[int]:
        return children(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


# --------------------------------------------------------------------------- HTTP


def request(
    port: int, method: str, path: str, body: bytes | None = None, timeout: float = 60
) -> tuple[int, bytes]:
    """One request on a fresh connection."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def server_banner(port: int) -> list[str]:
    """The ``Server`` headers gunicorn sends (Landfall makes it a bare name, no version)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        response.read()
        return response.headers.get_all("Server") or []
    finally:
        conn.close()


@dataclass
class Call:
    """One request of the mix: method, path and body, and a name for the report."""

    name: str
    method: str
    path: str
    body: bytes | None = None


@dataclass
class Stats:
    """Counters and latencies shared by the client threads (under ``lock``)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0
    errors: int = 0
    retried: int = 0
    latencies: list[float] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)
    by_name: dict[str, int] = field(default_factory=dict)

    def record(self, call: Call, seconds: float, error: str | None, retried: bool) -> None:
        with self.lock:
            self.requests += 1
            self.by_name[call.name] = self.by_name.get(call.name, 0) + 1
            self.latencies.append(seconds)
            if retried:
                self.retried += 1
            if error is not None:
                self.errors += 1
                if len(self.error_samples) < 20:
                    self.error_samples.append(f"{call.name} {call.path}: {error}")


class Client:
    """A keep-alive connection that reconnects after a failure."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def send(self, call: Call) -> tuple[int, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        headers = {"Content-Type": "application/json"} if call.body is not None else {}
        try:
            self.conn.request(call.method, call.path, body=call.body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
            if response.will_close:
                self.close()
            return response.status, data
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


#: Failures a killed worker causes to the request it was serving (retried once).
TRANSIENT = (ConnectionError, http.client.RemoteDisconnected, http.client.IncompleteRead)


def run_call(client: Client, call: Call, stats: Stats) -> None:
    start = time.perf_counter()
    retried = False
    error: str | None = None
    try:
        try:
            status, _ = client.send(call)
        except TRANSIENT:
            retried = True
            status, _ = client.send(call)
        if status != 200:
            error = f"HTTP {status}"
    except Exception as exc:  # a second failure, a timeout, …: all errors
        error = f"{type(exc).__name__}: {exc}"
    stats.record(call, time.perf_counter() - start, error, retried)


def build_mix(dependencies: Sequence[Mapping[str, Any]], states: Sequence[str]) -> list[list[Call]]:
    """For each URL state: the page load, the store callbacks and the API call."""
    callbacks = store_callbacks(dependencies)
    if not callbacks:
        raise RuntimeError(f"no server callback takes {STORE_INPUT} in /_dash-dependencies")
    mix = []
    for search in states:
        calls = [Call("page", "GET", "/" + search)]
        for index, dep in enumerate(callbacks):
            body = json.dumps(callback_body(dep, state_values(search))).encode()
            calls.append(Call(f"callback{index}", "POST", "/_dash-update-component", body))
        calls.append(Call("api", "GET", "/api/v1/cables" + api_query(search)))
        mix.append(calls)
    return mix


#: Dash signs a fresh random ``end_id`` into every page it serves (it scopes background
#: callbacks to one page load); it is not state, so fingerprints leave it out.
END_ID = re.compile(rb'"end_id":\s*"[^"]*"')


def fingerprint(data: bytes) -> str:
    """SHA-256 of a response body, without the per-page-load ``end_id``."""
    return hashlib.sha256(END_ID.sub(b'"end_id":""', data)).hexdigest()


def fingerprints(port: int, mix: Sequence[Sequence[Call]]) -> dict[str, str]:
    """SHA-256 of every call's response, keyed by call (errors recorded as such)."""
    result = {}
    for calls in mix:
        for call in calls:
            key = f"{call.name} {call.path} {hashlib.sha256(call.body or b'').hexdigest()[:12]}"
            try:
                status, data = request(port, call.method, call.path, call.body)
                result[key] = f"{status} {fingerprint(data)}"
            except OSError as exc:
                result[key] = f"error {type(exc).__name__}"
    return result


def percentile(values: Sequence[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


# --------------------------------------------------------------------------- the run


@dataclass
class Options:
    seconds: float
    clients: int
    results: Path
    warmup_seconds: float
    sample_every: float
    check_rss: bool
    max_requests: int
    data_dir: Path | None
    states: tuple[str, ...]


def load_loop(
    port: int,
    mix: Sequence[Sequence[Call]],
    stats: Stats,
    index: int,
    stop: threading.Event,
    max_requests: int,
) -> None:
    client = Client(port)
    try:
        for calls in _rotate(mix, index):
            for call in calls:
                if stop.is_set() or stats.requests >= max_requests:
                    return
                run_call(client, call, stats)
    finally:
        client.close()


def _rotate(mix: Sequence[Sequence[Call]], start: int) -> Iterator[Sequence[Call]]:
    position = start
    while True:
        yield mix[position % len(mix)]
        position += 1


def _start_clients(
    port: int,
    mix: Sequence[Sequence[Call]],
    stats: Stats,
    stop: threading.Event,
    options: Options,
) -> list[threading.Thread]:
    """Start ``options.clients`` daemon threads running :func:`load_loop` until ``stop``."""
    threads = [
        threading.Thread(
            target=load_loop,
            args=(port, mix, stats, i, stop, options.max_requests),
            daemon=True,
        )
        for i in range(options.clients)
    ]
    for t in threads:
        t.start()
    return threads


def _prepare(
    server: Gunicorn, port: int, options: Options, report: dict[str, Any]
) -> tuple[list[list[Call]], int]:
    """Wait for the server, record its workers and ``Server`` header in ``report``, and build
    the mix of calls from ``/_dash-dependencies``; returns the mix and the worker count."""
    server.wait_ready(workers=None)
    time.sleep(1.0)
    workers_at_start = len(server.workers())
    report["workers"] = workers_at_start
    report["server_header"] = server_banner(port)
    status, raw = request(port, "GET", "/_dash-dependencies")
    if status != 200:
        raise RuntimeError(f"/_dash-dependencies answered {status}")
    return build_mix(json.loads(raw), options.states), workers_at_start


def _warm_up(port: int, mix: Sequence[Sequence[Call]], options: Options) -> dict[str, int]:
    """The full load for ``options.warmup_seconds``; its request and error counts."""
    warm = Stats()
    warm_stop = threading.Event()
    warm_threads = _start_clients(port, mix, warm, warm_stop, options)
    time.sleep(options.warmup_seconds)
    warm_stop.set()
    for t in warm_threads:
        t.join(timeout=120)
    return {"requests": warm.requests, "errors": warm.errors}


def _worker_rss_mib(server: Gunicorn) -> dict[int, float]:
    """RSS of each gunicorn worker, in MiB, by pid."""
    return {pid: rss_kib(pid) / 1024 for pid in server.workers()}


def _drive(
    server: Gunicorn,
    port: int,
    mix: Sequence[Sequence[Call]],
    workers_at_start: int,
    options: Options,
    stats: Stats,
    samples: list[tuple[float, float]],
    started: float,
) -> dict[str, Any]:
    """While the clients run: sample the total RSS every ``options.sample_every`` seconds and
    kill a worker halfway; returns the restart check (empty if the run ended before it)."""
    restart: dict[str, Any] = {}
    killed = False
    deadline = started + options.seconds
    next_sample = started + options.sample_every
    while time.monotonic() < deadline and stats.requests < options.max_requests:
        time.sleep(0.2)
        now = time.monotonic()
        if now >= next_sample:
            samples.append((round(now - started, 1), total_rss_mib(server.process.pid)))
            next_sample += options.sample_every
        if not killed and now >= started + options.seconds / 2:
            killed = True
            restart = kill_and_check(server, port, mix, workers_at_start, samples, started)
    return restart


def _latency_ms(latencies: Sequence[float]) -> dict[str, float]:
    """p50, p95, p99 and mean of the request latencies, in milliseconds."""
    return {
        "p50": round(percentile(latencies, 50) * 1000, 1),
        "p95": round(percentile(latencies, 95) * 1000, 1),
        "p99": round(percentile(latencies, 99) * 1000, 1),
        "mean": round(statistics.fmean(latencies) * 1000, 1) if latencies else 0.0,
    }


def _rss_report(
    rss_start: float,
    rss_end: float,
    workers_start: Mapping[int, float],
    workers_end: Mapping[int, float],
    samples: Sequence[tuple[float, float]],
) -> dict[str, Any]:
    """Total RSS at start and end, its growth, the workers' RSS and the growth of the worker
    that was never killed."""
    growth = (rss_end - rss_start) / rss_start * 100 if rss_start else 0.0
    # The worker that was never killed ran the whole time: its growth is the leak signal
    # (the respawned one starts small again, which flatters the total).
    survivors = {
        pid: (workers_start[pid], workers_end[pid])
        for pid in workers_start
        if pid in workers_end and workers_start[pid]
    }
    survivor_growth = max(
        ((end - start) / start * 100 for start, end in survivors.values()), default=0.0
    )
    return {
        "start": round(rss_start, 1),
        "end": round(rss_end, 1),
        "growth_pct": round(growth, 2),
        "max": round(max(r for _, r in samples), 1),
        "workers_start": {str(p): round(r, 1) for p, r in workers_start.items()},
        "workers_end": {str(p): round(r, 1) for p, r in workers_end.items()},
        "survivor_growth_pct": round(survivor_growth, 2),
        "samples": [[t, round(r, 1)] for t, r in samples],
    }


def _failures(report: Mapping[str, Any], check_rss: bool) -> list[str]:
    """Why the run fails: errors, a failed restart check, RSS growth (empty: it passes)."""
    failures = []
    if report.get("errors", 1):
        failures.append(f"{report.get('errors')} errors")
    if not report.get("restart", {}).get("identical"):
        failures.append("restart check failed")
    if check_rss:
        for key, what in (("growth_pct", "total RSS"), ("survivor_growth_pct", "surviving worker")):
            if report["rss_mib"][key] >= RSS_GROWTH_LIMIT_PCT:
                failures.append(f"{what} grew {report['rss_mib'][key]} %")
    return failures


def soak(options: Options) -> dict[str, Any]:
    """Run the soak test described in the module docstring; write and return its report."""
    options.results.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = Gunicorn(port, options.results / "gunicorn.log", options.data_dir)
    report: dict[str, Any] = {
        "clients": options.clients,
        "seconds": options.seconds,
        "command": gunicorn_command(port),
        "states": list(options.states),
    }
    threads: list[threading.Thread] = []
    stop = threading.Event()
    try:
        mix, workers_at_start = _prepare(server, port, options, report)
        report["warmup"] = _warm_up(port, mix, options)

        stats = Stats()
        samples: list[tuple[float, float]] = []
        started = time.monotonic()
        rss_start = total_rss_mib(server.process.pid)
        workers_start = _worker_rss_mib(server)
        samples.append((0.0, rss_start))
        threads = _start_clients(port, mix, stats, stop, options)
        restart = _drive(server, port, mix, workers_at_start, options, stats, samples, started)
        stop.set()
        for t in threads:
            t.join(timeout=120)
        elapsed = time.monotonic() - started
        rss_end = total_rss_mib(server.process.pid)
        workers_end = _worker_rss_mib(server)
        samples.append((round(elapsed, 1), rss_end))
        report.update(
            {
                "elapsed_seconds": round(elapsed, 1),
                "requests": stats.requests,
                "requests_per_second": round(stats.requests / elapsed, 1) if elapsed else 0,
                "by_call": stats.by_name,
                "errors": stats.errors,
                "error_samples": stats.error_samples,
                "retried": stats.retried,
                "latency_ms": _latency_ms(stats.latencies),
                "rss_mib": _rss_report(rss_start, rss_end, workers_start, workers_end, samples),
                "restart": restart,
            }
        )
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=5)
        server.stop()

    failures = _failures(report, options.check_rss)
    report["check_rss"] = options.check_rss
    report["failures"] = failures
    report["passed"] = not failures
    write_results(options.results, report)
    return report


def kill_and_check(
    server: Gunicorn,
    port: int,
    mix: Sequence[Sequence[Call]],
    workers_at_start: int,
    samples: list[tuple[float, float]],
    started: float,
) -> dict[str, Any]:
    """SIGKILL one worker; the responses for every state must be the same after the respawn."""
    before = fingerprints(port, mix)
    workers = server.workers()
    if not workers:
        return {"identical": False, "problem": "no worker to kill"}
    victim = workers[0]
    samples.append((round(time.monotonic() - started, 1), total_rss_mib(server.process.pid)))
    os.kill(victim, signal.SIGKILL)
    killed_at = time.monotonic()
    respawned: list[int] = []
    while time.monotonic() < killed_at + 60:
        current = server.workers()
        if victim not in current and len(current) >= workers_at_start:
            respawned = [p for p in current if p not in workers]
            break
        time.sleep(0.1)
    respawn_seconds = round(time.monotonic() - killed_at, 2)
    # Ask twice per state so both the old and the new worker are likely to answer.
    after = fingerprints(port, mix)
    again = fingerprints(port, mix)
    differing = sorted(k for k in before if before[k] != after.get(k) or before[k] != again.get(k))
    failed = sorted(k for k, v in before.items() if not v.startswith("200 "))
    return {
        "killed_pid": victim,
        "new_pids": respawned,
        "respawn_seconds": respawn_seconds,
        "at_seconds": round(killed_at - started, 1),
        "compared": len(before),
        "differing": differing,
        "not_ok_before": failed,
        "identical": bool(respawned) and not differing and not failed,
    }


def write_results(directory: Path, report: Mapping[str, Any]) -> None:
    (directory / "soak.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    latency = report.get("latency_ms", {})
    rss = report.get("rss_mib", {})
    restart = report.get("restart", {})
    lines = [
        "# Landfall soak test",
        "",
        f"* Result: **{'PASS' if report.get('passed') else 'FAIL'}**"
        + (f" ({'; '.join(report.get('failures', []))})" if report.get("failures") else ""),
        f"* Clients: {report.get('clients')}, duration: {report.get('elapsed_seconds')} s "
        f"(after a warm-up), gunicorn workers: {report.get('workers')}",
        f"* Requests: {report.get('requests')} ({report.get('requests_per_second')}/s); "
        f"errors: {report.get('errors')}; retried once after a worker kill: "
        f"{report.get('retried')}",
        f"* Latency: p50 {latency.get('p50')} ms, p95 {latency.get('p95')} ms, "
        f"p99 {latency.get('p99')} ms",
        f"* Total RSS (master + workers): start {rss.get('start')} MiB, end {rss.get('end')} "
        f"MiB, growth {rss.get('growth_pct')} % (max {rss.get('max')} MiB)"
        + ("" if report.get("check_rss") else " — not checked (run too short)"),
        f"* Worker never killed: {rss.get('survivor_growth_pct')} % RSS growth "
        f"(workers at start {rss.get('workers_start')} MiB, at end {rss.get('workers_end')} MiB)",
        f"* Worker kill at {restart.get('at_seconds')} s: pid {restart.get('killed_pid')} → "
        f"new {restart.get('new_pids')} in {restart.get('respawn_seconds')} s; "
        f"{restart.get('compared')} responses compared, identical: {restart.get('identical')}",
        "",
        "Calls per kind: "
        + ", ".join(f"{k} {v}" for k, v in sorted(report.get("by_call", {}).items())),
    ]
    if report.get("error_samples"):
        lines += ["", "Errors (first 20):", ""] + [f"* {e}" for e in report["error_samples"]]
    (directory / "soak.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="duration (default 10)")
    parser.add_argument("--seconds", type=float, help="duration in seconds (overrides --minutes)")
    parser.add_argument("--clients", type=int, default=10, help="client threads (default 10)")
    parser.add_argument("--results", type=Path, default=REPO / "out" / "soak")
    parser.add_argument("--warmup", type=float, default=20.0, help="warm-up seconds (20)")
    parser.add_argument("--sample-every", type=float, default=5.0, help="RSS sample period (s)")
    parser.add_argument(
        "--check-rss",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="fail if RSS grows 5 %% or more (default: on for runs of 5 minutes or more)",
    )
    parser.add_argument("--max-requests", type=int, default=5_000_000)
    parser.add_argument("--data", type=Path, default=None, help="dataset dir (LANDFALL_DATA)")
    parser.add_argument("--state", action="append", help="URL query to rotate (repeatable)")
    args = parser.parse_args(argv)
    seconds = args.seconds if args.seconds is not None else args.minutes * 60
    if not 1 <= args.clients <= 200:
        parser.error("--clients must be between 1 and 200")
    if not 5 <= seconds <= 4 * 3600:
        parser.error("the duration must be between 5 s and 4 h")
    return Options(
        seconds=seconds,
        clients=args.clients,
        results=args.results,
        warmup_seconds=args.warmup,
        sample_every=args.sample_every,
        check_rss=args.check_rss if args.check_rss is not None else seconds >= 300,
        max_requests=args.max_requests,
        data_dir=args.data,
        states=tuple(args.state) if args.state else DEFAULT_STATES,
    )


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    report = soak(options)
    print((options.results / "soak.md").read_text(encoding="utf-8"))
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
