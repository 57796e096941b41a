"""Headers and exposure: own-origin CSP, nosniff, no framing, no version banner, a mute health check."""

from __future__ import annotations

import base64
import hashlib
import re
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from dash import Dash
from flask.testing import FlaskClient

from app import create_app
from datalayer.loader import Datasets
from tests.conftest import LiveServer
from web.security import SERVER_BANNER

#: Sources a directive may name: own origin, nothing, data:/blob: (never fetched from
#: elsewhere), script hashes; 'unsafe-inline' only for styles.
ALLOWED_SOURCES = {"'self'", "'none'", "data:", "blob:"}


@pytest.fixture(scope="module")
def app(real_data: Datasets) -> Dash:
    return create_app(real_data)


@pytest.fixture(scope="module")
def client(app: Dash) -> Iterator[FlaskClient]:
    yield app.server.test_client()


def parse_csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self.urls: list[str] = []
        self._in_script = False
        self._type = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("src", "href"):
            if values.get(name):
                self.urls.append(str(values[name]))
        if tag == "script" and not values.get("src"):
            self._in_script = True
            self._type = values.get("type") or ""
            self.inline.append("")

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.inline[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script:
            self._in_script = False
            if self._type == "application/json":
                self.inline.pop()  # a data block, never run


PATHS = [
    "/",
    "/?owner=Orange",
    "/healthz",
    "/_dash-layout",
    "/_dash-dependencies",
    "/api/v1",
    "/api/v1/cables?owner=Orange",
    "/api/v1/cables?region=atlantis",
    "/no/such/page.php",
    "/assets/style.css",
]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code < 500
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    csp = parse_csp(response.headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    for name, sources in csp.items():
        for source in sources:
            if name == "script-src" and source.startswith("'sha256-"):
                continue
            if name == "style-src" and source == "'unsafe-inline'":
                continue
            assert source in ALLOWED_SOURCES, f"{name} allows {source}"
    assert "'unsafe-eval'" not in csp["script-src"]
    assert "'unsafe-inline'" not in csp["script-src"]


def test_post_callback_answers_carry_the_headers(client: FlaskClient) -> None:
    response = client.post("/_dash-update-component", data=b"{not json", content_type="text/plain")
    assert 400 <= response.status_code < 500
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_inline_scripts_run_only_by_their_hash_and_assets_are_own_origin(
    client: FlaskClient,
) -> None:
    response = client.get("/")
    csp = parse_csp(response.headers["Content-Security-Policy"])
    page = _Scripts()
    page.feed(response.get_data(as_text=True))
    assert page.inline, "Dash's renderer bootstrap is an inline script"
    for script in page.inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp["script-src"]
    assert page.urls
    for url in page.urls:
        assert url.startswith("/") and not url.startswith("//"), url


def test_health_endpoint_reveals_nothing_internal(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_errors_show_no_internals(client: FlaskClient) -> None:
    for path in ("/no/such/page", "/api/v1/nothing", "/_dash-component-suites/../../app.py"):
        body = client.get(path).get_data(as_text=True)
        assert "Traceback" not in body
        assert "/work/" not in body and ".py" not in body.replace("app.py", "")


def test_request_body_size_is_limited(client: FlaskClient) -> None:
    response = client.post(
        "/_dash-update-component",
        data=b"[" + b"0," * (3 * 1024 * 1024) + b"0]",
        content_type="application/json",
    )
    assert response.status_code == 413


@pytest.mark.parametrize("path", ["/_reload-hash", "/_dash-dev-tools", "/_alive_0123"])
def test_dev_routes_are_closed(client: FlaskClient, app: Dash, path: str) -> None:
    response = client.get(path + "?debug=true", headers={"X-Debug": "1"})
    assert response.status_code == 404
    assert app.server.debug is False


def test_page_config_has_no_dev_tools(client: FlaskClient) -> None:
    html = client.get("/?debug=1&dev_tools_ui=true").get_data(as_text=True)
    config = re.search(r'id="_dash-config"[^>]*>(.*?)</script>', html, re.S)
    assert config is not None
    assert '"ui":false' in config.group(1)
    assert '"hot_reload"' not in config.group(1)


def test_live_server_sends_no_version_banner(live_server: LiveServer) -> None:
    for path in ("/", "/healthz", "/no/such/page"):
        request = urllib.request.Request(live_server.url + path)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                server = response.headers.get_all("Server")
                powered = response.headers.get("X-Powered-By")
        except urllib.error.HTTPError as error:
            server = error.headers.get_all("Server")
            powered = error.headers.get("X-Powered-By")
        assert server == [SERVER_BANNER]
        assert powered is None
