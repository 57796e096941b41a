"""Two app instances (each gunicorn) sharing one Redis (Debian's redis-server, started here on a
free 127.0.0.1 port) and one Celery worker: a render computed on instance A is a cache hit on
instance B, an export asked of A is rendered by the worker and served from the shared job store
on B without rendering it again, and an export whose client has gone is cancelled mid-render."""

from __future__ import annotations

import http.client
import json
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from export.celery_jobs import RENDER_TASK
from export.jobs import CACHE_HEADER as EXPORT_CACHE_HEADER
from export.jobs import CANCELLED, ENDED, RUNNING, RedisStore
from tests.conftest import REPO
from web.render_cache import CACHE_HEADER, RENDER_OUTPUT

sys.path.insert(0, str(REPO / "scripts"))
import soak  # scripts/ is not a package
import storm

ENV = (
    "LANDFALL_REDIS_URL",
    "LANDFALL_TMP",
    "LANDFALL_JOBS_DIR",
    "LANDFALL_EXPORT_WAIT_S",
    "LANDFALL_EXPORT_ABANDON_S",
)
#: A running export nobody asks about for this long is cancelled (short, for the test).
ABANDON_S = 6


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """redis-server on a free loopback port, no persistence (scripts/test.sh installs it)."""
    assert shutil.which("redis-server"), "scripts/test.sh installs Debian's redis-server"
    process, url = storm.start_redis(tmp_path_factory.mktemp("redis"))
    yield url
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="module")
def instances(
    redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[list[soak.Gunicorn], storm.CeleryWorker]]:
    """Instances A and B: their own temporary and job folders, one Redis, one Celery worker."""
    saved = {name: soak.os.environ.get(name) for name in ENV}
    servers = []
    worker = None
    try:
        for name in ("a", "b"):
            folder = tmp_path_factory.mktemp(f"instance-{name}")
            soak.os.environ.update(
                LANDFALL_REDIS_URL=redis_url,
                LANDFALL_TMP=str(folder / "run"),
                LANDFALL_JOBS_DIR=str(folder / "jobs"),
                # A waits for its renders; B answers 202 at once (its clients may go).
                LANDFALL_EXPORT_WAIT_S="120" if name == "a" else "0.5",
            )
            servers.append(soak.Gunicorn(soak.free_port(), folder / "gunicorn.log", None))
        folder = tmp_path_factory.mktemp("worker")
        soak.os.environ.update(
            LANDFALL_TMP=str(folder / "run"),
            LANDFALL_JOBS_DIR=str(folder / "jobs"),
            LANDFALL_EXPORT_ABANDON_S=str(ABANDON_S),
        )
        worker = storm.CeleryWorker(folder / "celery.log")
        for server in servers:
            server.wait_ready(workers=2)
        worker.wait_ready()
        yield servers, worker
    finally:
        for server in servers:
            server.stop()
        if worker is not None:
            worker.stop()
        for name, value in saved.items():
            if value is None:
                soak.os.environ.pop(name, None)
            else:
                soak.os.environ[name] = value


def _call(
    port: int, method: str, path: str, body: bytes | None = None
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_a_render_computed_on_one_instance_is_a_hit_on_the_other(
    instances: tuple[list[soak.Gunicorn], storm.CeleryWorker],
) -> None:
    (a, b), _ = instances
    _, _, raw = _call(a.port, "GET", "/_dash-dependencies")
    render = next(
        dep for dep in soak.store_callbacks(json.loads(raw)) if RENDER_OUTPUT in dep["output"]
    )
    body = json.dumps(soak.callback_body(render, soak.state_values("?region=red-sea"))).encode()
    status, headers, first = _call(a.port, "POST", "/_dash-update-component", body)
    assert status == 200 and headers[CACHE_HEADER] == "miss"
    status, headers, second = _call(b.port, "POST", "/_dash-update-component", body)
    assert status == 200 and headers[CACHE_HEADER] == "hit"
    assert second == first


def test_an_export_rendered_on_one_instance_is_served_by_the_other(
    instances: tuple[list[soak.Gunicorn], storm.CeleryWorker],
) -> None:
    (a, b), worker = instances
    path = "/export/figure/owners.svg?region=black-sea&theme=dark"
    status, headers, first = _call(a.port, "GET", path)
    assert status == 200, first[:300]
    assert EXPORT_CACHE_HEADER not in headers  # rendered here
    started = time.monotonic()
    status, headers, second = _call(b.port, "GET", path)
    assert status == 200 and headers[EXPORT_CACHE_HEADER] == "hit"
    assert time.monotonic() - started < 2
    assert second == first
    # Rendered by the Celery worker, not by the instance that was asked.
    assert f"{RENDER_TASK}[" in Path(worker.log.name).read_text()


def _browsers(pid: int) -> list[int]:
    return [p for p in storm._descendants(pid) if "chrom" in storm._cmdline(p).lower()]


def test_an_export_whose_client_has_gone_is_cancelled_while_it_renders(
    instances: tuple[list[soak.Gunicorn], storm.CeleryWorker], redis_url: str
) -> None:
    (_, b), worker = instances
    # The whole world at 4x takes a worker many seconds; B answers 202 at once.
    status, headers, _ = _call(b.port, "GET", "/export/figure/map.png?region=world&scale=4")
    assert status == 202
    key = headers["Location"].rpartition("/")[2]
    store = RedisStore(redis_url)
    states: list[str] = []
    deadline = time.monotonic() + ABANDON_S + 60
    while time.monotonic() < deadline:
        state = store.get(f"job:{key}")["state"]  # read directly: asking B would want it
        if not states or states[-1] != state:
            states.append(state)
        if state in ENDED:
            break
        time.sleep(0.2)
    assert states[-2:] == [RUNNING, CANCELLED], states
    assert store.get(f"file:{key}") is None
    # The render was stopped: the worker's browser is gone, and the worker takes new jobs.
    deadline = time.monotonic() + 10
    while _browsers(worker.process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _browsers(worker.process.pid) == []
    status, headers, _ = _call(b.port, "GET", headers["Location"])
    assert status == 410
