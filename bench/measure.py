"""Measurement helpers shared by the benchmark and the load test.

Everything here talks to 127.0.0.1 only. Servers are started on a free loopback port, polled
with bounded deadlines and stopped by their own process id.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LOOPBACK = "127.0.0.1"
#: The component property the page's render callback reads the selection from.
STORE_INPUT = ("render-key", "data")  # the selection store less its layers (set in the browser)
#: Preferred output of that callback (the map); the callback with the most outputs otherwise.
MAP_OUTPUT = ("map-message", "data")  # the map, as a message against the geometry pack
#: What headless Chromium 156 sends: the server picks its preferred algorithm from these.
BROWSER_ACCEPT_ENCODING = "gzip, deflate, br, zstd"


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100) with linear interpolation; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(values: Sequence[float]) -> dict[str, Any]:
    """n, p50, p95, min and max of a list of timings (seconds); None for no values."""
    if not values:
        return {"n": 0, "p50": None, "p95": None, "min": None, "max": None}
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "min": min(values),
        "max": max(values),
    }


def proc_status_mb(pid: int, key: str = "VmHWM") -> float | None:
    """A memory line of ``/proc/PID/status`` in MiB (VmHWM: the RSS high-water mark)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024.0
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def http_request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 60.0,
) -> tuple[int, bytes, dict[str, str]]:
    """One request to 127.0.0.1:port on a fresh connection: status, body, headers."""
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=dict(headers or {}))
        response = conn.getresponse()
        data = response.read()
        return response.status, data, {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()


def bare_import_seconds(runs: int = 3, timeout: float = 60.0) -> list[float]:
    """Wall time of ``python -c "import dash, geopandas"`` in fresh processes."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [PYTHON, "-c", "import dash, geopandas"],
            cwd=REPO,
            check=True,
            timeout=timeout,
            stdout=subprocess.DEVNULL,
        )
        times.append(time.perf_counter() - start)
    return times


@dataclass
class ServerProcess:
    """A server subprocess on 127.0.0.1:port, its log in a temp file (never an unread pipe)."""

    command: list[str]
    port: int
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    log: IO[bytes] | None = None

    def start(self) -> None:
        self.log = tempfile.NamedTemporaryFile(prefix="landfall-bench-", suffix=".log")  # noqa: SIM115 (closed in stop())
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(
            self.command,
            cwd=REPO,
            env={**os.environ, **self.env},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def log_tail(self, chars: int = 2000) -> str:
        if self.log is None:
            return ""
        try:
            return Path(self.log.name).read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def wait_ready(self, path: str, deadline: float, interval: float = 0.05) -> float | None:
        """Poll ``path`` until it answers 200; seconds since start, or None at the deadline."""
        assert self.process is not None
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early: {self.log_tail()}")
            try:
                status, _, _ = http_request(self.port, "GET", path, timeout=5)
                if status == 200:
                    return time.perf_counter() - self.started_at
            except OSError:
                pass
            time.sleep(interval)
        return None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        if self.log is not None:
            self.log.close()
            self.log = None


def app_command(port: int, data_dir: Path, module: str | None = None) -> list[str]:
    """``python app.py --port P --data DIR`` (or ``python -m module`` with the same flags)."""
    entry = ["-m", module] if module else [str(REPO / "app.py")]
    return [PYTHON, *entry, "--port", str(port), "--data", str(data_dir)]


# --- The render callback, addressed through Dash's own endpoints -------------------------------


def _split_outputs(output: str) -> list[tuple[str, str]]:
    """``..a.b...c.d..`` (or ``a.b``) → [(id, property), ...]; ids may be JSON (pattern)."""
    text = output[2:-2] if output.startswith("..") and output.endswith("..") else output
    parts = text.split("...") if output.startswith("..") else [text]
    pairs = []
    for part in parts:
        component, _, prop = part.rpartition(".")
        pairs.append((component, prop))
    return pairs


def _component_id(raw: str) -> Any:
    return json.loads(raw) if raw.startswith("{") else raw


@dataclass(frozen=True)
class CallbackSpec:
    """One server-side callback of the page, as ``/_dash-dependencies`` describes it."""

    output: str
    outputs: list[tuple[str, str]]
    inputs: list[dict[str, Any]]
    state: list[dict[str, Any]]

    def body(self, values: Mapping[tuple[str, str], Any], changed: tuple[str, str]) -> bytes:
        """The request the Dash renderer sends when ``changed`` fired with these values.

        Inputs and states not in ``values`` are sent as ``None`` (what an unset prop is).
        """

        def item(entry: Mapping[str, Any]) -> dict[str, Any]:
            key = (str(entry["id"]), str(entry["property"]))
            return {"id": entry["id"], "property": entry["property"], "value": values.get(key)}

        payload = {
            "output": self.output,
            "outputs": [
                {"id": _component_id(component), "property": prop}
                for component, prop in self.outputs
            ],
            "inputs": [item(i) for i in self.inputs],
            "state": [item(s) for s in self.state],
            "changedPropIds": [f"{changed[0]}.{changed[1]}"],
        }
        return json.dumps(payload).encode()


def find_render_callback(dependencies: list[dict[str, Any]]) -> CallbackSpec:
    """The server-side callback whose inputs include ``render-key.data``.

    Several read the store (the render callback, the data grid, a clientside one): the one that
    outputs the map wins, else the one with the most outputs. Added outputs or inputs need no
    change here.
    """
    candidates = []
    for dep in dependencies:
        if dep.get("clientside_function"):
            continue
        inputs = [(str(i.get("id")), str(i.get("property"))) for i in dep.get("inputs", [])]
        if STORE_INPUT not in inputs:
            continue
        candidates.append(
            CallbackSpec(
                output=str(dep["output"]),
                outputs=_split_outputs(str(dep["output"])),
                inputs=list(dep.get("inputs", [])),
                state=list(dep.get("state", [])),
            )
        )
    if not candidates:
        raise RuntimeError("no server-side callback reads render-key.data")
    return max(candidates, key=lambda c: (MAP_OUTPUT in c.outputs, len(c.outputs)))


def render_body(spec: CallbackSpec, store: str, search: str, theme: str | None = None) -> bytes:
    """The render request for a store value (the page's URL search goes in as state)."""
    values = {STORE_INPUT: store, ("url", "search"): search, ("theme-store", "data"): theme}
    return spec.body(values, STORE_INPUT)


def load_render_spec(port: int) -> CallbackSpec:
    status, data, _ = http_request(port, "GET", "/_dash-dependencies", timeout=30)
    if status != 200:
        raise RuntimeError(f"/_dash-dependencies answered {status}")
    return find_render_callback(json.loads(data))


#: The panels' render callback (KPIs, charts, tables) answers beside the map's.
PANELS_OUTPUT = ("kpi-cables", "children")


def load_panels_spec(port: int) -> CallbackSpec | None:
    """The render callback of the panels, when the page has one beside the map's."""
    status, data, _ = http_request(port, "GET", "/_dash-dependencies", timeout=30)
    if status != 200:
        raise RuntimeError(f"/_dash-dependencies answered {status}")
    for dep in json.loads(data):
        outputs = _split_outputs(str(dep["output"]))
        if not dep.get("clientside_function") and PANELS_OUTPUT in outputs:
            if MAP_OUTPUT in outputs:
                return None  # one callback answers both
            return CallbackSpec(
                output=str(dep["output"]),
                outputs=outputs,
                inputs=list(dep.get("inputs", [])),
                state=list(dep.get("state", [])),
            )
    return None


def post_callback(
    port: int, body: bytes, accept_encoding: str = "identity", timeout: float = 120.0
) -> tuple[float, int, bytes, dict[str, str]]:
    """POST /_dash-update-component; wall seconds (send → last byte), status, body, headers."""
    headers = {"Content-Type": "application/json", "Accept-Encoding": accept_encoding}
    start = time.perf_counter()
    status, data, response_headers = http_request(
        port, "POST", "/_dash-update-component", body, headers, timeout
    )
    return time.perf_counter() - start, status, data, response_headers


def check_render_response(data: bytes) -> None:
    """Fail loudly unless the response carries the map message (a 200 with an error is no data)."""
    payload = json.loads(data)
    response = payload.get("response", {}) if isinstance(payload, dict) else {}
    if MAP_OUTPUT[0] not in response or MAP_OUTPUT[1] not in response[MAP_OUTPUT[0]]:
        raise RuntimeError("render response has no map message")


def git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None
