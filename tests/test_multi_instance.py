"""Two app instances (each gunicorn) sharing one Redis (Debian's redis-server, started here on a
free 127.0.0.1 port): a render computed on instance A is a cache hit on instance B, and an export
rendered on A is served from the shared job store on B without rendering it again."""

from __future__ import annotations

import http.client
import json
import shutil
import sys
import time
from collections.abc import Iterator

import pytest

from export.jobs import CACHE_HEADER as EXPORT_CACHE_HEADER
from tests.conftest import REPO
from web.render_cache import CACHE_HEADER, RENDER_OUTPUT

sys.path.insert(0, str(REPO / "scripts"))
import soak  # scripts/ is not a package
import storm

ENV = ("LANDFALL_REDIS_URL", "LANDFALL_TMP", "LANDFALL_JOBS_DIR", "LANDFALL_EXPORT_WAIT_S")


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
) -> Iterator[list[soak.Gunicorn]]:
    """Instances A and B: their own temporary and job folders, one Redis."""
    saved = {name: soak.os.environ.get(name) for name in ENV}
    servers = []
    try:
        for name in ("a", "b"):
            folder = tmp_path_factory.mktemp(f"instance-{name}")
            soak.os.environ.update(
                LANDFALL_REDIS_URL=redis_url,
                LANDFALL_TMP=str(folder / "run"),
                LANDFALL_JOBS_DIR=str(folder / "jobs"),
                LANDFALL_EXPORT_WAIT_S="120",
            )
            servers.append(soak.Gunicorn(soak.free_port(), folder / "gunicorn.log", None))
        for server in servers:
            server.wait_ready(workers=2)
        yield servers
    finally:
        for server in servers:
            server.stop()
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
    instances: list[soak.Gunicorn],
) -> None:
    a, b = instances
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
    instances: list[soak.Gunicorn],
) -> None:
    a, b = instances
    path = "/export/figure/owners.svg?region=black-sea&theme=dark"
    status, headers, first = _call(a.port, "GET", path)
    assert status == 200, first[:300]
    assert EXPORT_CACHE_HEADER not in headers  # rendered here
    started = time.monotonic()
    status, headers, second = _call(b.port, "GET", path)
    assert status == 200 and headers[EXPORT_CACHE_HEADER] == "hit"
    assert time.monotonic() - started < 2
    assert second == first
