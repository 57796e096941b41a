"""``python -m bench``: measure Landfall at 1× (shipped data), 10× and 100× (synthetic).

See bench/README.md for what each number means and how the budgets are computed.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import measure
from bench.browser import chromium_available, measure_filter_change
from bench.caching import MODE_ENV, MODES
from bench.mix import BROWSER_TARGET, DEFAULT_SEARCH, MIX
from bench.report import evaluate_budgets, to_markdown
from config import CACHE_ENV

#: Seconds per scale: the three add up to under ten minutes with the bare import runs.
DEFAULT_CAPS = {1: 180.0, 10: 240.0, 100: 150.0}
DEFAULT_OUT = measure.REPO / "bench" / "results"
DATA_DIR = measure.REPO / "data"
#: Worker stages the app server also goes through before it serves its first layout.
STARTUP_STAGES = ("import", "load_datasets", "build_context")
#: The 1× cap of ``--quick``.
QUICK_CAP = 300.0
#: Rounds over the filter mix above 1×.
LARGE_ROUNDS = 3
#: Share of the cap the browser stage leaves to the caching variants (each needs 0.2 to start).
BROWSER_LEAVES_FOR_CACHING = 0.35


def cap_for(scale: int, caps: dict[int, float]) -> float:
    return caps.get(scale, min(60.0 + 3.0 * scale, 400.0))


def parse_caps(text: str | None) -> dict[int, float]:
    caps = dict(DEFAULT_CAPS)
    for item in (text or "").split(","):
        if item.strip():
            scale, _, seconds = item.partition("=")
            caps[int(scale)] = float(seconds)
    return caps


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Scale:
    """Every measurement of one scale, bounded by its time cap."""

    def __init__(self, scale: int, args: argparse.Namespace, cap: float, workdir: Path) -> None:
        self.scale = scale
        self.args = args
        self.cap = cap
        self.workdir = workdir
        self.started = time.perf_counter()
        self.deadline = self.started + cap
        self.result: dict[str, Any] = {"scale": scale, "cap_s": cap, "status": "ok", "notes": []}
        self.data_dir = DATA_DIR
        #: This scale's own data cache, empty until the first start writes it (reproducible:
        #: never the user's ~/.cache/landfall, never an entry left by an earlier run).
        self.cache_dir = workdir / f"data-cache-{scale}"
        self.stores: dict[str, str] = {label: search or "?" for label, search in MIX}
        self.signatures: dict[str, Any] = {}
        # Larger scales take seconds per request: fewer rounds keep them inside their cap.
        self.iterations = args.iterations if scale == 1 else min(args.iterations, LARGE_ROUNDS)
        self.result["iterations"] = self.iterations

    def remaining(self) -> float:
        return self.deadline - time.perf_counter()

    def note(self, text: str, status: str = "partial") -> None:
        log(f"{self.scale}×: {text}")
        self.result["notes"].append(text)
        if self.result["status"] == "ok":
            self.result["status"] = status

    # -- stages ---------------------------------------------------------------------------------

    def synthesise(self) -> bool:
        if self.scale == 1:
            return True
        target = self.workdir / f"scale-{self.scale}"
        start = time.perf_counter()
        try:
            subprocess.run(
                [measure.PYTHON, "-m", "bench.synth", str(target), "--scale", str(self.scale)],
                cwd=measure.REPO,
                check=True,
                timeout=max(5.0, self.remaining()),
                stdout=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            self.note(f"synthetic data did not finish within {self.cap:.0f} s", "did not finish")
            return False
        self.result["synth_s"] = time.perf_counter() - start
        self.data_dir = target
        return True

    def in_process(self) -> None:
        # Above 10× the in-process run (which reads the GeoJSON without the data cache) needs
        # most of the scale's time; the server starts after it.
        budget = self.remaining() * (0.45 if self.scale <= 10 else 0.75)
        out = self.workdir / f"worker-{self.scale}.json"
        log(f"{self.scale}×: in-process measurements (≤ {budget:.0f} s)")
        command = [
            measure.PYTHON,
            "-m",
            "bench.worker",
            "--data",
            str(self.data_dir),
            "--out",
            str(out),
            "--iterations",
            str(self.iterations),
            "--deadline-seconds",
            str(budget * 0.8),
        ]
        process = subprocess.Popen(command, cwd=measure.REPO)
        stop_at = time.perf_counter() + budget
        while process.poll() is None and time.perf_counter() < stop_at:
            time.sleep(0.2)
        killed_hwm: float | None = None
        if process.poll() is None:
            killed_hwm = measure.proc_status_mb(process.pid)
            process.kill()
            process.wait(timeout=15)
        worker: dict[str, Any] = json.loads(out.read_text()) if out.exists() else {}
        self.result["inprocess"] = worker
        self.result["memory"] = {
            "inprocess_load_mb": worker.get("load_vmhwm_mb"),
            "inprocess_peak_mb": worker.get("peak_vmhwm_mb") or killed_hwm,
        }
        if "features" in worker:
            self.result["features"] = worker["features"]
        if "payload" in worker:
            self.result["payload"] = worker["payload"]
            self.result["upstream"] = worker.get("upstream")
        if "signatures" in worker:
            self.stores = {label: worker["stores"][label] for label, _ in MIX}
            self.signatures = worker["signatures"]
        if killed_hwm is not None:
            stage = worker.get("stage", "start-up")
            self.result["stopped_in"] = stage
            self.result["stopped_after_s"] = worker.get("elapsed_s")
            self.note(
                f"in-process measurements stopped at the {budget:.0f} s cap during {stage} "
                f"(RSS high-water mark {killed_hwm:,.0f} MiB by then)",
                "did not finish",
            )
            return
        if process.returncode != 0 or worker.get("stage") != "done":
            self.note(f"in-process measurements failed (exit {process.returncode})", "error")
            return
        for text in worker.get("notes", []):
            self.note(text)

    def start_server(
        self, module: str | None = None, env: dict[str, str] | None = None
    ) -> tuple[measure.ServerProcess, float | None]:
        port = measure.free_port()
        server = measure.ServerProcess(
            measure.app_command(port, self.data_dir, module),
            port,
            {CACHE_ENV: str(self.cache_dir), **(env or {})},
        )
        server.start()
        try:
            ready = server.wait_ready("/_dash-layout", self.deadline)
        except RuntimeError as exc:
            self.note(str(exc)[-300:], "error")
            server.stop()
            return server, None
        if ready is None:
            server.stop()
        return server, ready

    def first_start(self) -> bool:
        """Start with the data cache empty: read and validate every file, then write the cache."""
        shutil.rmtree(self.cache_dir, ignore_errors=True)
        server, ready = self.start_server()
        if ready is None:
            self.note(
                f"the app did not serve its layout within the {self.cap:.0f} s cap (first start, "
                "data cache empty)",
                "did not finish",
            )
            return False
        server.stop()
        self.result["first_start"] = {"runs": [ready], "best": ready, "cache": "empty"}
        log(f"{self.scale}×: first start (data cache empty) {ready:.2f} s")
        if not any(self.cache_dir.glob("*.pickle")):
            self.note("the first start wrote no data cache: the cold starts read the files too")
        return True

    def cold_start(self) -> measure.ServerProcess | None:
        """Start with the data cache the first start wrote (every later start of a deployment)."""
        if not self.first_start():
            return None
        runs = 1 if (self.args.quick or self.scale > 1) else 3
        times: list[float] = []
        server: measure.ServerProcess | None = None
        for index in range(runs):
            server, ready = self.start_server()
            if ready is None:
                self.note(
                    f"the app did not serve its layout within the {self.cap:.0f} s cap",
                    "did not finish",
                )
                return None
            times.append(ready)
            if index < runs - 1:
                server.stop()
        self.result["cold_start"] = {"runs": times, "best": min(times), "cache": "warm"}
        log(f"{self.scale}×: cold start (data cache warm) {min(times):.2f} s")
        return server

    def http_callbacks(self, server: measure.ServerProcess, stop_at: float) -> None:
        spec = measure.load_render_spec(server.port)
        panels = measure.load_panels_spec(server.port)
        samples: dict[str, list[float]] = {label: [] for label, _ in MIX}
        t, status, data, _ = measure.post_callback(
            server.port,
            measure.render_body(spec, self.stores["default"], ""),
            timeout=max(5.0, self.remaining()),
        )
        if status != 200:
            raise RuntimeError(f"render callback answered {status}: {data[:200]!r}")
        measure.check_render_response(data)
        first = t
        # What the browser receives: the server picks among Chromium's Accept-Encoding.
        body = measure.render_body(spec, self.stores["default"], "")
        _, _, wire, headers = measure.post_callback(
            server.port, body, measure.BROWSER_ACCEPT_ENCODING, timeout=max(5.0, self.remaining())
        )
        self.result["wire"] = {
            "accept_encoding": measure.BROWSER_ACCEPT_ENCODING,
            "encoding": headers.get("content-encoding"),
            "bytes": len(wire),
            "identity_bytes": len(data),
        }
        del data, wire
        done = True
        for round_index in range(self.iterations):
            for label, search in MIX:
                if time.perf_counter() > stop_at:
                    done = False
                    break
                body = measure.render_body(spec, self.stores[label], search)
                t, status, data, _ = measure.post_callback(
                    server.port, body, timeout=max(5.0, self.remaining())
                )
                if status != 200:
                    raise RuntimeError(f"render callback ({label}) answered {status}")
                if panels is not None:
                    # The page's server work for one change: the map's and the panels' answers.
                    more = measure.render_body(panels, self.stores[label], search)
                    tp, status, _, _ = measure.post_callback(
                        server.port, more, timeout=max(5.0, self.remaining())
                    )
                    if status != 200:
                        raise RuntimeError(f"panels callback ({label}) answered {status}")
                    t += tp
                if round_index == 0 and len(data) < 50_000_000:
                    measure.check_render_response(data)
                samples[label].append(t)
                del data
            if not done:
                break
        if not done:
            self.note(
                f"HTTP callback timing stopped at the time cap after "
                f"{sum(map(len, samples.values()))} requests"
            )
        every = [t for values in samples.values() for t in values]
        self.result["callback"] = {
            "first_request_s": first,
            "per_filter": {label: measure.summary(v) for label, v in samples.items() if v},
            "all": measure.summary(every),
        }
        log(
            f"{self.scale}×: render callback p50 {measure.percentile(every, 50) * 1000:.0f} ms, "
            f"p95 {measure.percentile(every, 95) * 1000:.0f} ms (n={len(every)})"
        )

    def browser(self, server: measure.ServerProcess) -> None:
        if not chromium_available():
            self.result["browser"] = {"status": "skipped: no Chromium at /usr/bin/chromium"}
            return
        if DEFAULT_SEARCH not in self.signatures or BROWSER_TARGET not in self.signatures:
            self.result["browser"] = {"status": "skipped: no expected figures (worker)"}
            return
        iterations = 1 if self.args.quick else self.iterations
        # The caching variants that follow at this scale keep their share of the cap.
        deadline = self.deadline - (BROWSER_LEAVES_FOR_CACHING * self.cap if self.caches() else 0)
        log(
            f"{self.scale}×: browser (default ↔ {BROWSER_TARGET} "
            f"{max(1, (iterations + 1) // 2)}×, then each state of the mix ↔ default once; "
            f"plotly.js floor; ≤ {deadline - time.perf_counter():.0f} s)"
        )
        browser = measure_filter_change(
            f"http://{measure.LOOPBACK}:{server.port}",
            DEFAULT_SEARCH,
            BROWSER_TARGET,
            self.signatures,
            iterations,
            deadline,
            MIX,
        )
        if browser["status"] == "timeout":
            browser["status"] = f"did not finish within {self.cap:.0f} s"
            self.note(f"browser part did not finish within the {self.cap:.0f} s cap")
        elif browser["status"] == "error":
            self.note(f"browser part failed: {browser.get('error')}", "error")
        for text in browser.get("notes", []):
            self.note(f"browser: {text}")
        self.result["browser"] = browser

    def caches(self) -> bool:
        """Whether the caching variants are measured at this scale."""
        return not self.args.quick and self.scale in self.args.cache_scales

    def caching(self) -> None:
        results: dict[str, Any] = {}
        for mode in MODES:
            if self.remaining() < self.cap * 0.2:
                self.note(f"caching proposal ({mode}) skipped: too little time left")
                break
            server, ready = self.start_server("bench.caching", {MODE_ENV: mode})
            if ready is None:
                self.note(f"caching proposal ({mode}) did not start in time")
                break
            try:
                spec = measure.load_render_spec(server.port)
                misses: list[float] = []
                hits: list[float] = []
                for round_index in range(self.iterations):
                    for label, search in MIX:
                        if time.perf_counter() > self.deadline:
                            break
                        body = measure.render_body(spec, self.stores[label], search)
                        t, status, _, _ = measure.post_callback(server.port, body)
                        if status != 200:
                            raise RuntimeError(f"cached render ({label}) answered {status}")
                        (misses if round_index == 0 else hits).append(t)
                results[mode] = {
                    "misses": measure.summary(misses),
                    "hits": measure.summary(hits),
                    "server_vmhwm_mb": measure.proc_status_mb(server.pid),
                }
            finally:
                server.stop()
        self.result["caching"] = results

    def run(self) -> dict[str, Any]:
        log(f"{self.scale}×: start (cap {self.cap:.0f} s)")
        try:
            if not self.synthesise():
                return self.result
            self.in_process()
            if self.result.get("stopped_in") in STARTUP_STAGES:
                # The server does the same work before it serves anything: it cannot start.
                self.result["cold_start"] = {"did_not_start_within_s": self.cap}
                self.result["first_start"] = {"did_not_start_within_s": self.cap}
                self.note(
                    "app server not started: the in-process run did not get past "
                    f"{self.result['stopped_in']}, which the server does before it serves",
                    "did not finish",
                )
                return self.result
            if self.remaining() <= 0:
                self.note(f"did not finish within {self.cap:.0f} s", "did not finish")
                return self.result
            server = self.cold_start()
            if server is None:
                return self.result
            try:
                reserve = self.remaining() * 0.4 if chromium_available() else 0.0
                try:
                    self.http_callbacks(server, self.deadline - reserve)
                except TimeoutError:
                    self.note(
                        f"HTTP callback timing stopped: a request was still running at the "
                        f"{self.cap:.0f} s cap"
                    )
                except (OSError, RuntimeError) as exc:
                    self.note(f"HTTP callback timing failed: {exc}", "error")
                if self.remaining() > 5:
                    self.browser(server)
                else:
                    self.result["browser"] = {
                        "status": f"did not run: {self.cap:.0f} s cap reached"
                    }
                    self.note(f"browser part did not run within the {self.cap:.0f} s cap")
                memory = self.result.setdefault("memory", {})
                memory["server_vmhwm_mb"] = measure.proc_status_mb(server.pid)
            finally:
                server.stop()
            if self.caches():
                self.caching()
        finally:
            self.result["elapsed_s"] = time.perf_counter() - self.started
            if self.data_dir != DATA_DIR and not self.args.keep_data:
                shutil.rmtree(self.data_dir, ignore_errors=True)
            shutil.rmtree(self.cache_dir, ignore_errors=True)
        log(f"{self.scale}×: done in {self.result['elapsed_s']:.0f} s ({self.result['status']})")
        return self.result


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark Landfall at 1× (shipped data) and synthetic 10×/100× data.",
    )
    parser.add_argument(
        "--scales", default="1,10,100", help="comma-separated scale factors (default 1,10,100)"
    )
    parser.add_argument(
        "--iterations",
        type=int,
        default=5,
        help="rounds over the filter mix at 1× (default 5; at most 3 above 1×)",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output directory (default bench/results)"
    )
    parser.add_argument(
        "--caps",
        default=None,
        help="time cap per scale in seconds, e.g. '1=180,10=240,100=150' (those are defaults)",
    )
    parser.add_argument(
        "--cache-scales",
        default="1",
        help="scales at which the render-cache variants are measured (default 1; '' = none)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="1× only, 2 iterations, one browser round trip per state, no caching proposal",
    )
    parser.add_argument(
        "--total-cap",
        type=float,
        default=570.0,
        help="seconds for the whole run: the last scales get less if earlier ones overran",
    )
    parser.add_argument(
        "--keep-data", action="store_true", help="keep the synthetic data (path in the JSON)"
    )
    args = parser.parse_args(argv)
    args.scale_list = [int(s) for s in args.scales.split(",") if s.strip()]
    args.cache_scales = {int(s) for s in args.cache_scales.split(",") if s.strip()}
    if args.quick:
        args.scale_list = [1]
        args.iterations = 2
    if any(s < 1 for s in args.scale_list) or args.iterations < 1:
        parser.error("scales and iterations must be positive integers")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    caps = parse_caps(args.caps)
    if args.quick and args.caps is None:
        # The smoke run does a fraction of the work: its cap is only a safety net on a busy host.
        caps[1] = QUICK_CAP
    started = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "meta": {
            "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": measure.git_commit(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": _cpu_count(),
            "iterations": args.iterations,
            "scales": args.scale_list,
            "quick": bool(args.quick),
            "mix": [{"label": label, "search": search} for label, search in MIX],
            "browser_change": {"from": DEFAULT_SEARCH, "to": BROWSER_TARGET},
        },
        "scales": {},
    }
    log("bare import of dash + geopandas (best of 3)")
    bare = measure.bare_import_seconds(3)
    results["bare_import_s"] = {"runs": bare, "best": min(bare)}
    workdir = Path(tempfile.mkdtemp(prefix="landfall-bench-"))
    try:
        for scale in args.scale_list:
            # The caps add up to less than the total, but a stage can overrun its cap a little.
            left = args.total_cap - (time.perf_counter() - started)
            cap = min(cap_for(scale, caps), max(30.0, left))
            results["scales"][str(scale)] = Scale(scale, args, cap, workdir).run()
            _write(results, args.out, started)
    finally:
        if not args.keep_data:
            shutil.rmtree(workdir, ignore_errors=True)
    _write(results, args.out, started)
    print(to_markdown(results))
    failed = [b for b in results["budgets"] if b["result"] == "FAIL"]
    log(
        f"wrote {args.out / 'bench.json'} and {args.out / 'bench.md'}; "
        f"{len(failed)} budget(s) failed"
    )
    return 0


def _cpu_count() -> int | None:
    import os

    return os.cpu_count()


def _write(results: dict[str, Any], out: Path, started: float) -> None:
    results["elapsed_s"] = time.perf_counter() - started
    results["budgets"] = evaluate_budgets(results)
    (out / "bench.json").write_text(json.dumps(results, indent=1) + "\n")
    (out / "bench.md").write_text(to_markdown(results))
