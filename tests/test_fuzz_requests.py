"""Property-based fuzzing of the HTTP surface: the page, its callbacks, the data API and exports.

Random query strings and bodies never give a 5xx, a traceback or an internal path; invalid input
gives a 4xx with a message, or (on the page) a valid default with a notice. No request can turn
debug mode on. One app is built per module on the shipped data and driven through Flask's test
client; each test draws a bounded number of examples so the module stays well under a minute.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from dash import Dash
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import create_app
from datalayer.loader import Datasets
from datalayer.query import ALL_PARAMS
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
from soak import callback_body  # scripts/ is not a package

CALLBACK = "/_dash-update-component"
FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
#: What a response must never show: a traceback, a source path, the server's file system.
LEAKS = re.compile(r"Traceback|File \"|site-packages|/work/|\.venv|\bline \d+, in\b")
#: Callbacks whose real work is long by design (image export through Chromium, the critical
#: ranking over every cable): fuzzed by their bodies' shape only, not by running them.
HEAVY_OUTPUTS = ("export-download", "critical-result")


@pytest.fixture(scope="module")
def app(real_data: Datasets) -> Dash:
    return create_app(real_data)


@pytest.fixture(scope="module")
def client(app: Dash) -> Iterator[FlaskClient]:
    yield app.server.test_client()


@pytest.fixture(scope="module")
def dependencies(client: FlaskClient) -> list[dict[str, Any]]:
    deps: list[dict[str, Any]] = client.get("/_dash-dependencies").get_json()
    return deps


def server_callbacks(deps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        d
        for d in deps
        if not d.get("clientside_function") and not any(h in d["output"] for h in HEAVY_OUTPUTS)
    ]


def sync_callback(deps: list[dict[str, Any]]) -> dict[str, Any]:
    return next(
        d for d in deps if d["inputs"][0]["id"] == "url" and "..url.search.." in d["output"]
    )


def assert_no_leak(body: bytes) -> None:
    text = body.decode("utf-8", "replace")
    match = LEAKS.search(text)
    assert match is None, f"response leaks {match.group()!r}: {text[:300]}"


def assert_sane(status: int, body: bytes, content_type: str | None) -> None:
    """Never a 5xx; a 4xx is a JSON message (or Werkzeug's short page for 404/405/413)."""
    assert status < 500, body[:300]
    assert_no_leak(body)
    if 400 <= status < 500 and content_type and "json" in content_type:
        payload = json.loads(body)
        assert isinstance(payload.get("error"), str) and payload["error"]


def body_for(dep: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    body = callback_body(dep, values)
    for item in body["inputs"]:
        if isinstance(item["id"], dict):
            item["value"] = None  # a pattern-matching input with no component yet
    return body


# --------------------------------------------------------------------------- strategies

TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),  # type: ignore[arg-type]
    max_size=40,
)
KNOWN_VALUES = st.sampled_from(
    [
        "Orange",
        "seamewe-4",
        "cable:seamewe-4",
        "lp:marseille-france",
        "fac:0",
        "world",
        "red-sea",
        "planned",
        "2010",
        "-1",
        "99999999999999999999",
        "5.37,43.3,9",
        "nan,inf,1e308",
        "cables,ftth",
        "<script>alert(1)</script>",
        "javascript:alert(1)",
        "%00",
        "\u202e",
        "a" * 3000,
        "",
    ]
)
KEYS = st.one_of(st.sampled_from(ALL_PARAMS), TEXT)
PAIRS = st.lists(st.tuples(KEYS, st.one_of(KNOWN_VALUES, TEXT)), max_size=8)
RAW_QUERY = st.one_of(
    PAIRS.map(urlencode),
    st.binary(max_size=200).map(lambda b: quote(b, safe="=&%+;,")),
    TEXT,
)
JSON_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    TEXT,
)
JSON = st.recursive(
    JSON_LEAF,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(TEXT, children, max_size=5)
    ),
    max_leaves=20,
)


# --------------------------------------------------------------------------- the page


@FUZZ
@given(query=RAW_QUERY)
def test_page_answers_any_query(client: FlaskClient, query: str) -> None:
    response = client.get("/?" + query)
    assert response.status_code == 200
    assert_no_leak(response.data)


@FUZZ
@given(pairs=PAIRS)
def test_page_state_from_any_query_is_a_valid_default_with_notice(
    client: FlaskClient, dependencies: list[dict[str, Any]], pairs: list[tuple[str, str]]
) -> None:
    dep = sync_callback(dependencies)
    search = "?" + urlencode(pairs)
    response = client.post(CALLBACK, json=body_for(dep, {"url.search": search}))
    assert response.status_code == 200, response.data[:300]
    assert_no_leak(response.data)
    outputs = response.get_json()["response"]
    notice = outputs.get("notice", {}).get("children")
    if any(key not in ALL_PARAMS for key, _ in pairs):
        assert notice, f"no notice for {search!r}"
    # What the page settles on is itself a clean state: no notice the second time.
    settled = outputs["selection-store"]["data"]
    again = client.post(CALLBACK, json=body_for(dep, {"url.search": settled}))
    assert again.status_code == 200
    assert not again.get_json()["response"].get("notice", {}).get("children")


@settings(FUZZ, max_examples=20)
@given(store=st.one_of(RAW_QUERY.map(lambda q: "?" + q), JSON))
def test_render_callbacks_survive_any_store_value(
    client: FlaskClient, dependencies: list[dict[str, Any]], store: Any
) -> None:
    for dep in server_callbacks(dependencies):
        inputs = {f"{i['id']}.{i['property']}" for i in dep["inputs"]}
        if "selection-store.data" not in inputs:
            continue
        body = body_for(dep, {"selection-store.data": store, "theme-store.data": "light"})
        response = client.post(CALLBACK, json=body)
        assert_sane(response.status_code, response.data, response.content_type)


@settings(FUZZ, max_examples=80)
@given(data=st.data())
def test_callbacks_survive_random_input_values(
    client: FlaskClient, dependencies: list[dict[str, Any]], data: st.DataObject
) -> None:
    dep = data.draw(st.sampled_from(server_callbacks(dependencies)))
    names = [f"{i['id']}.{i['property']}" for i in (*dep["inputs"], *dep["state"])]
    values = {name: data.draw(JSON, label=name) for name in names}
    response = client.post(CALLBACK, json=body_for(dep, values))
    assert_sane(response.status_code, response.data, response.content_type)


@FUZZ
@given(body=JSON)
def test_callback_endpoint_survives_random_json(client: FlaskClient, body: Any) -> None:
    response = client.post(CALLBACK, json=body)
    assert 400 <= response.status_code < 500 or response.status_code in (200, 204)
    assert_sane(response.status_code, response.data, response.content_type)


@FUZZ
@given(data=st.data())
def test_callback_endpoint_survives_mangled_real_bodies(
    client: FlaskClient, dependencies: list[dict[str, Any]], data: st.DataObject
) -> None:
    dep = data.draw(st.sampled_from(dependencies))
    body: dict[str, Any] = body_for(dep, {})
    key = data.draw(st.sampled_from([*body, "extra"]))
    body[key] = data.draw(JSON)
    response = client.post(CALLBACK, json=body)
    assert_sane(response.status_code, response.data, response.content_type)


@settings(FUZZ, max_examples=25)
@given(
    raw=st.binary(max_size=400), content_type=st.sampled_from(["application/json", "text/plain"])
)
def test_callback_endpoint_survives_random_bytes(
    client: FlaskClient, raw: bytes, content_type: str
) -> None:
    response = client.post(CALLBACK, data=raw, content_type=content_type)
    assert_sane(response.status_code, response.data, response.content_type)


# --------------------------------------------------------------------------- API and exports

API_PATHS = st.sampled_from(
    [
        "/api/v1",
        "/api/v1/cables",
        "/api/v1/landing-points",
        "/api/v1/facilities",
        "/api/v1/route",
        "/api/v1/cut",
        "/api/v1/scenarios",
    ]
)


@settings(FUZZ, max_examples=100)
@given(path=API_PATHS, query=RAW_QUERY)
def test_api_answers_any_query_with_data_or_a_4xx_message(
    client: FlaskClient, path: str, query: str
) -> None:
    response = client.get(f"{path}?{query}")
    assert response.status_code in (200, 400), response.data[:300]
    assert_sane(response.status_code, response.data, response.content_type)
    payload = response.get_json()
    if response.status_code == 400:
        assert payload["error"]


@settings(FUZZ, max_examples=30)
@given(
    prefix=st.sampled_from(["/api/v1/", "/api/", "/export/", "/export/figure/"]),
    rest=TEXT,
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "OPTIONS"]),
)
def test_unknown_api_and_export_paths_are_4xx(
    client: FlaskClient, prefix: str, rest: str, method: str
) -> None:
    # Only paths that name no real export: rendering figures is the export tests' business.
    path = prefix + quote(rest.replace(".", "-"))
    response = client.open(path, method=method)
    assert response.status_code < 500
    assert_sane(response.status_code, response.data, response.content_type)


@settings(FUZZ, max_examples=15)
@given(query=PAIRS.map(urlencode))
def test_csv_export_answers_any_query(client: FlaskClient, query: str) -> None:
    response = client.get("/export/cables.csv?" + query)
    assert response.status_code in (200, 400)
    assert_sane(response.status_code, response.data, response.content_type)


def test_no_request_switches_debug_on(client: FlaskClient, app: Dash) -> None:
    for path in ("/?debug=true", "/?debug=1&dev_tools_ui=1&dev_tools_hot_reload=1"):
        client.get(path, headers={"X-Debug": "1", "X-Forwarded-For": "127.0.0.1"})
    client.post(CALLBACK, json={"debug": True, "dev_tools_ui": True})
    assert app.server.debug is False
    assert client.get("/_reload-hash").status_code == 404
    page = client.get("/").get_data(as_text=True)
    assert '"ui":false' in page
    # A request that raised inside a callback shows the generic message, not Dash's debug page.
    dep_free = client.post(CALLBACK, json={"output": "map.figure", "inputs": "x"})
    assert dep_free.status_code == 400
    assert dep_free.get_json() == {"error": "invalid callback request"}
