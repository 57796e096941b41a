"""A bounded load test of the production setup: gunicorn (gunicorn.conf.py) on 127.0.0.1.

``python -m bench.loadtest [--clients 10,50] [--duration 20] [--app app:server]``

Starts gunicorn itself on a free loopback port (never another host), runs each concurrency level
for ``--duration`` seconds, then stops gunicorn by its process id. Every client is a thread with
its own keep-alive connection (like a browser tab) that alternates ``GET /`` and the render
callback (``POST /_dash-update-component`` for the next state of the filter mix, the body built
from ``/_dash-dependencies`` as the page builds it), sending Chromium's ``Accept-Encoding``.
Each client stops at the deadline or after ``--max-requests`` requests, whichever comes first.
The clients run on the same two cores as the server, so the numbers are a floor.
Then an "exports under load" row: the first level again while ``--exports`` clients each ask for
map PNG exports one after another (distinct queries, so none is a cached twin; a ``202`` job is
polled until its file comes), which gives the page's p95 with that many concurrent exports.
Writes ``loadtest.json`` and ``loadtest.md`` to ``--out`` (default ``bench/results``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import runpy
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import measure
from bench.mix import MIX
from web.render_cache import CACHE_HEADER, ENABLE_ENV

DEFAULT_OUT = measure.REPO / "bench" / "results"
REQUEST_TIMEOUT_S = 60.0  # gunicorn.conf.py timeout: a request that long is an error
#: Distinct map PNG exports (region × theme × scale) for the "exports under load" row.
EXPORT_URLS = tuple(
    f"/export/figure/map.png?region={region}&theme={theme}&scale={scale}"
    for scale in (2, 1)
    for theme in ("light", "dark")
    for region in ("mediterranean", "red-sea", "black-sea", "gulf-of-aden", "world")
)


@dataclass
class ClientLog:
    """What one client thread saw."""

    samples: dict[str, list[float]] = field(default_factory=lambda: {"page": [], "render": []})
    errors: dict[str, int] = field(default_factory=lambda: {"page": 0, "render": 0})
    bytes_received: int = 0
    cache_hits: int = 0
    error_examples: list[str] = field(default_factory=list)


def _client(
    index: int,
    port: int,
    bodies: list[bytes],
    deadline: float,
    max_requests: int,
    out: ClientLog,
) -> None:
    conn: http.client.HTTPConnection | None = None
    for n in range(max_requests):
        if time.perf_counter() >= deadline:
            break
        kind = "page" if n % 2 == 0 else "render"
        if kind == "page":
            method, path, body = "GET", "/", None
            headers = {"Accept-Encoding": measure.BROWSER_ACCEPT_ENCODING}
        else:
            method, path = "POST", "/_dash-update-component"
            body = bodies[(index + n // 2) % len(bodies)]
            headers = {
                "Accept-Encoding": measure.BROWSER_ACCEPT_ENCODING,
                "Content-Type": "application/json",
            }
        start = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(measure.LOOPBACK, port, timeout=REQUEST_TIMEOUT_S)
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            elapsed = time.perf_counter() - start
            if response.status != 200:
                out.errors[kind] += 1
                if len(out.error_examples) < 3:
                    out.error_examples.append(f"{kind}: HTTP {response.status}")
                continue
            out.samples[kind].append(elapsed)
            out.bytes_received += len(data)
            if response.getheader(CACHE_HEADER, "") == "hit":
                out.cache_hits += 1
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as exc:
            out.errors[kind] += 1
            if len(out.error_examples) < 3:
                out.error_examples.append(f"{kind}: {type(exc).__name__}: {exc}"[:200])
            if conn is not None:
                conn.close()
            conn = None
    if conn is not None:
        conn.close()


def run_level(
    port: int, bodies: list[bytes], clients: int, duration: float, max_requests: int
) -> dict[str, Any]:
    logs = [ClientLog() for _ in range(clients)]
    start = time.perf_counter()
    deadline = start + duration
    threads = [
        threading.Thread(
            target=_client, args=(i, port, bodies, deadline, max_requests, logs[i]), daemon=True
        )
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        # A request in flight at the deadline finishes within its socket timeout.
        thread.join(timeout=duration + REQUEST_TIMEOUT_S + 5)
    elapsed = time.perf_counter() - start
    result: dict[str, Any] = {"clients": clients, "duration_s": elapsed}
    total = 0
    for kind in ("page", "render"):
        samples = [t for log in logs for t in log.samples[kind]]
        errors = sum(log.errors[kind] for log in logs)
        total += len(samples)
        result[kind] = {
            **measure.summary(samples),
            "errors": errors,
            "requests_per_s": len(samples) / elapsed,
        }
    result["requests"] = total
    result["errors"] = sum(result[k]["errors"] for k in ("page", "render"))
    result["requests_per_s"] = total / elapsed
    result["mib_received"] = sum(log.bytes_received for log in logs) / 2**20
    result["render"]["cache_hits"] = sum(log.cache_hits for log in logs)
    result["error_examples"] = [e for log in logs for e in log.error_examples][:5]
    result["unfinished_clients"] = sum(thread.is_alive() for thread in threads)
    return result


def _export_once(port: int, path: str, deadline: float) -> str:
    """One export as a script makes it: ``file``, ``refused`` (with Retry-After), ``error`` or
    ``unfinished`` (its job had not ended at ``deadline``)."""
    while True:
        conn = http.client.HTTPConnection(measure.LOOPBACK, port, timeout=REQUEST_TIMEOUT_S)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            status, location = response.status, response.getheader("Location")
            retry = response.getheader("Retry-After")
        except OSError:
            return "error"
        finally:
            conn.close()
        if status == 200:
            return "file"
        if status in (429, 503) and retry:
            return "refused"
        if status != 202 or not location:
            return "error"
        if time.perf_counter() >= deadline:
            return "unfinished"
        path = location
        time.sleep(1.0)


def _exporter(port: int, urls: list[str], deadline: float, out: list[str]) -> None:
    for url in urls:
        if time.perf_counter() >= deadline:
            break
        out.append(_export_once(port, url, deadline))


def run_exports_level(
    port: int, bodies: list[bytes], clients: int, duration: float, max_requests: int, exports: int
) -> dict[str, Any]:
    """:func:`run_level` while ``exports`` clients ask for exports one after another."""
    outcomes: list[str] = []
    deadline = time.perf_counter() + duration
    threads = [
        threading.Thread(
            target=_exporter,
            args=(port, list(EXPORT_URLS[i :: max(1, exports)]), deadline, outcomes),
            daemon=True,
        )
        for i in range(exports)
    ]
    for thread in threads:
        thread.start()
    result = run_level(port, bodies, clients, duration, max_requests)
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT_S + 5)
    result["exports"] = {
        "concurrent": exports,
        "outcomes": {kind: outcomes.count(kind) for kind in sorted(set(outcomes))},
    }
    return result


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def store_values(data_dir: Path) -> list[tuple[str, str]]:
    """(store, search) of every state of the mix, as the page's sync callback computes them."""
    from components.callbacks import store_key
    from datalayer.loader import load_datasets
    from datalayer.query import build_vocabulary, parse_query
    from figures.map import ALL_LAYERS

    vocab = build_vocabulary(load_datasets(data_dir), ALL_LAYERS)
    return [(store_key(parse_query(search, vocab)[0]), search) for _, search in MIX]


def to_markdown(result: dict[str, Any]) -> str:
    meta = result["meta"]
    lines = [
        "# Landfall load test",
        "",
        f"gunicorn `{meta['app']}` with gunicorn.conf.py ({meta['workers']} workers × "
        f"{meta['threads']} threads, preload, render response cache "
        f"{'on' if meta.get('render_cache', True) else 'off'}) on 127.0.0.1, "
        f"data {meta['data']}; "
        f"clients alternate `GET /` and the render callback over the {len(MIX)}-state filter "
        f"mix, {meta['duration_s']:g} s per level, clients on the same {meta['cpus']} CPUs. "
        f"Start-up to /healthz: {meta['startup_s']:.1f} s.",
        "",
        "| clients | requests | req/s | errors | GET / p50 / p95 | render p50 / p95 | render req/s | render cache hits | MiB received |",
        "|---|---|---|---|---|---|---|---|---|",
    ]

    def ms(value: Any) -> str:
        return "–" if value is None else f"{value * 1000:,.0f} ms"

    under_load = result.get("exports_under_load")
    for level in [*result["levels"], *([under_load] if under_load else [])]:
        exports = level.get("exports")
        label = (
            f"{level['clients']} + {exports['concurrent']} exports"
            if exports
            else str(level["clients"])
        )
        lines.append(
            f"| {label} | {level['requests']:,} | {level['requests_per_s']:.1f} | "
            f"{level['errors']} | {ms(level['page']['p50'])} / {ms(level['page']['p95'])} | "
            f"{ms(level['render']['p50'])} / {ms(level['render']['p95'])} | "
            f"{level['render']['requests_per_s']:.1f} | "
            f"{level['render'].get('cache_hits', 0):,} / {level['render']['n']:,} | "
            f"{level['mib_received']:,.0f} |"
        )
    if under_load:
        done = ", ".join(f"{n} {kind}" for kind, n in under_load["exports"]["outcomes"].items())
        lines += [
            "",
            f"Exports under load: the page's p95 with {under_load['exports']['concurrent']} "
            f"concurrent map PNG exports is {ms(under_load['page']['p95'])}; the exports "
            f"ended: {done or 'none'}.",
        ]
    memory = result.get("memory", {})
    if memory:
        lines += [
            "",
            f"Peak RSS: master {memory.get('master_vmhwm_mb') or 0:,.0f} MiB, workers "
            + ", ".join(f"{m:,.0f}" for m in memory.get("workers_vmhwm_mb", []))
            + " MiB (VmHWM; pages shared copy-on-write after the preload are counted in each).",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest", description=__doc__)
    parser.add_argument("--clients", default="10,50", help="concurrency levels (default 10,50)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per level")
    parser.add_argument("--max-requests", type=int, default=20_000, help="per client per level")
    parser.add_argument(
        "--exports",
        type=int,
        default=4,
        help="concurrent exports of the 'exports under load' row (0: no such row)",
    )
    parser.add_argument("--app", default="app:server", help="WSGI app (default app:server)")
    parser.add_argument("--data", type=Path, default=measure.REPO / "data")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--name", default="loadtest", help="output file stem (default loadtest)")
    parser.add_argument(
        "--no-render-cache",
        action="store_true",
        help=f"serve with {ENABLE_ENV}=0: every render callback is computed (the worst case)",
    )
    args = parser.parse_args(argv)
    levels = [int(c) for c in args.clients.split(",") if c.strip()]
    if not levels or min(levels) < 1 or args.duration <= 0 or args.duration > 300:
        parser.error("clients must be positive and duration within (0, 300] s")

    port = measure.free_port()
    env = {
        "LANDFALL_BIND": f"{measure.LOOPBACK}:{port}",
        "LANDFALL_DATA": str(args.data.resolve()),
        ENABLE_ENV: "0" if args.no_render_cache else "1",
    }
    command = [measure.PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", args.app]
    server = measure.ServerProcess(command, port, env)
    print(f"starting gunicorn on 127.0.0.1:{port} ({args.app})", file=sys.stderr)
    server.start()
    try:
        startup = server.wait_ready("/healthz", time.perf_counter() + 180)
        if startup is None:
            raise RuntimeError("gunicorn did not answer /healthz within 180 s")
        spec = measure.load_render_spec(port)
        bodies = [
            measure.render_body(spec, store, search) for store, search in store_values(args.data)
        ]
        settings = runpy.run_path(str(measure.REPO / "gunicorn.conf.py"))
        result: dict[str, Any] = {
            "meta": {
                "app": args.app,
                "data": str(args.data),
                "port": port,
                "workers": settings.get("workers"),
                "threads": settings.get("threads"),
                "duration_s": args.duration,
                "cpus": os.cpu_count(),
                "startup_s": startup,
                "render_cache": not args.no_render_cache,
                "mix": [search or "(default)" for _, search in MIX],
            },
            "levels": [],
        }
        for clients in levels:
            print(f"{clients} clients for {args.duration:g} s", file=sys.stderr)
            result["levels"].append(
                run_level(port, bodies, clients, args.duration, args.max_requests)
            )
        if args.exports > 0:
            print(f"{levels[0]} clients with {args.exports} exports", file=sys.stderr)
            result["exports_under_load"] = run_exports_level(
                port, bodies, levels[0], args.duration, args.max_requests, args.exports
            )
        result["memory"] = {
            "master_vmhwm_mb": measure.proc_status_mb(server.pid),
            "workers_vmhwm_mb": [
                m for m in (measure.proc_status_mb(c) for c in _children(server.pid)) if m
            ],
        }
    finally:
        server.stop()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.name}.json").write_text(json.dumps(result, indent=1) + "\n")
    markdown = to_markdown(result)
    (args.out / f"{args.name}.md").write_text(markdown)
    print(markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
