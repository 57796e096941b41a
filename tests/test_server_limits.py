"""Server limits match the app's: long URL states pass gunicorn, and every answer gunicorn or
Werkzeug writes itself is the app's JSON error with the security headers; static routes refuse
path traversal with a 404."""

from __future__ import annotations

import math
import socket
import sys
from collections.abc import Iterator
from urllib.parse import urlencode

import orjson
import pytest
from flask.testing import FlaskClient

import app as landfall_app
from datalayer.loader import Datasets
from tests.conftest import REPO
from web.security import STATIC_HEADERS, server_error_bytes

sys.path.insert(0, str(REPO / "scripts"))
import soak  # scripts/ is not a package

TRAVERSALS = (
    "/_dash-component-suites/../app.py",
    "/_dash-component-suites/dash/../../app.py",
    "/_dash-component-suites/dash/..%2f..%2fapp.py",
    "/_dash-component-suites/not-a-package/x.js",
    "/assets/../app.py",
    "/assets/..%2f..%2fapp.py",
)


def _raw(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send ``request`` as bytes (no client normalises the path) and read the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


def _get(port: int, target: str) -> tuple[int, dict[str, str], bytes]:
    return _raw(
        port, f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
    )


def _assert_app_error(status: int, headers: dict[str, str], body: bytes, code: int) -> None:
    assert status == code
    assert headers["content-type"].startswith("application/json")
    assert "error" in orjson.loads(body)
    for name, value in STATIC_HEADERS.items():
        assert headers[name.lower()] == value
    assert "content-security-policy" in headers
    assert headers["server"] == "landfall"


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[soak.Gunicorn]:
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    server = soak.Gunicorn(soak.free_port(), log, None)
    try:
        server.wait_ready(workers=None)
        yield server
    finally:
        server.stop()


def _long_state(real_data: Datasets) -> str:
    """200 cut cables and a 200-point corridor: a state the page writes (~12 kB of URL)."""
    cables = sorted(real_data.cables.index)[:200]
    ring = [
        (33 + 6 * math.cos(2 * math.pi * i / 200), 22 + 9 * math.sin(2 * math.pi * i / 200))
        for i in range(200)
    ]
    corridor = ", ".join(f"{lon:.4f} {lat:.4f}" for lon, lat in ring)
    return urlencode([*(("cut", c) for c in cables), ("corridor", corridor)])


def test_the_longest_states_the_page_writes_pass_gunicorn(
    gunicorn: soak.Gunicorn, real_data: Datasets
) -> None:
    query = _long_state(real_data)
    assert len(query) > 8190  # beyond any finite limit gunicorn allows
    # The strict export parser answers 400 on any value it does not take: a 200 is the whole
    # state read back.
    status, headers, body = _get(gunicorn.port, f"/export/cables.geojson?{query}")
    assert status == 200, body[:300]
    assert orjson.loads(body)["type"] == "FeatureCollection"
    status, headers, _ = _get(gunicorn.port, f"/?{query}")
    assert status == 200 and headers["content-type"].startswith("text/html")


def test_gunicorn_s_own_refusals_are_json_with_security_headers(
    gunicorn: soak.Gunicorn,
) -> None:
    too_large = b"X-Big: " + b"a" * 9000
    status, headers, body = _raw(
        gunicorn.port, b"GET / HTTP/1.1\r\nHost: x\r\n" + too_large + b"\r\n\r\n"
    )
    _assert_app_error(status, headers, body, 431)
    status, headers, body = _raw(gunicorn.port, b"GET / HTTP/1.1\r\nNo colon here\r\n\r\n")
    _assert_app_error(status, headers, body, 400)


@pytest.mark.parametrize("path", TRAVERSALS)
def test_static_routes_answer_404_to_traversal(gunicorn: soak.Gunicorn, path: str) -> None:
    status, headers, body = _get(gunicorn.port, path)
    _assert_app_error(status, headers, body, 404)
    assert b"import" not in body


def test_werkzeug_errors_are_the_app_s_json(real_data: Datasets) -> None:
    client: FlaskClient = landfall_app.create_app(real_data).server.test_client()
    response = client.get("/assets/nothing-here.css")
    assert response.status_code == 404 and orjson.loads(response.data) == {"error": "not found"}
    response = client.delete("/healthz")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert orjson.loads(response.data)["error"] == "method not allowed"
    assert client.get("/assets/style.css").status_code == 200


def test_server_error_bytes_is_a_whole_http_answer() -> None:
    raw = server_error_bytes(414, "URI Too Long", "line too long")
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414 URI Too Long\r\n")
    assert f"Content-Length: {len(body)}".encode() in head
    assert orjson.loads(body) == {"error": "uri too long", "details": ["line too long"]}
