"""The read-only data API: status codes, counts against the filter function, response shape."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode

import dash
import flask
import orjson
import pytest
from flask.testing import FlaskClient
from shapely.geometry import mapping
from werkzeug.test import TestResponse

from api.docs import PARAM_MEANINGS
from api.routes import register_api
from datalayer import schema
from datalayer.filters import Filtered
from datalayer.loader import Datasets
from datalayer.query import ALL_PARAMS, MAX_VALUES, parse_params
from datalayer.selection import STATUSES, Selection
from services.context import AppContext, build_context

ENDPOINTS = {
    "cables": ("cables", schema.CABLES),
    "landing-points": ("landing_points", schema.LANDING_POINTS),
    "facilities": ("facilities", schema.FACILITIES),
    "data-centres": ("datacentres", schema.DATACENTRES),
}
QUERIES = [
    "",
    "region=world",
    "owner=Orange",
    "country=Egypt",
    "owner=Orange&country=Egypt",
    "year_min=2010&year_max=2020",
    "status=planned",
    "cable=seamewe-4",
    "region=world&fac_country=France",
    "region=red-sea&status=in-service",
    "dc_operator=Digital+Realty",
    "dc_operator=Orange&dc_operator=Telehouse&owner=Orange",
]
COMMA_OWNER = "Seren Juno Network Co., Ltd."


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


def _client(ctx: AppContext) -> FlaskClient:
    server = flask.Flask(__name__)
    register_api(server, ctx)
    return server.test_client()


@pytest.fixture(scope="module")
def api_client(ctx: AppContext) -> FlaskClient:
    """A bare Flask app with only the API on it."""
    return _client(ctx)


def _get(client: FlaskClient, path: str) -> tuple[TestResponse, Any]:
    response = client.get(path)
    return response, orjson.loads(response.data)


def _filtered(ctx: AppContext, query: str) -> Filtered:
    """What the page's filter function keeps for ``query``."""
    selection, notices = parse_params(parse_qs(query, keep_blank_values=True), ctx.vocab)
    assert notices == []
    return ctx.select(selection)


def _assert_clean_error(response: TestResponse) -> None:
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    text = response.get_data(as_text=True)
    assert "Traceback" not in text
    assert "/work/" not in text
    assert 'File "' not in text


# --- Successful collections ----------------------------------------------------------------


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_features_are_exactly_what_the_filter_keeps(
    api_client: FlaskClient, ctx: AppContext, endpoint: str, query: str
) -> None:
    response, body = _get(api_client, f"/api/v1/{endpoint}?{query}")
    assert response.status_code == 200
    frame = getattr(_filtered(ctx, query), ENDPOINTS[endpoint][0])
    assert body["type"] == "FeatureCollection"
    assert body["count"] == len(frame) == len(body["features"])
    assert [f["id"] for f in body["features"]] == list(frame.index)


def test_world_counts(api_client: FlaskClient) -> None:
    counts = {
        name: _get(api_client, f"/api/v1/{name}?region=world")[1]["count"] for name in ENDPOINTS
    }
    assert counts == {
        "cables": 526,
        "landing-points": 1436,
        "facilities": 1515,
        "data-centres": 25,
    }


def test_data_centres_filtered_by_operator(api_client: FlaskClient) -> None:
    response, body = _get(api_client, "/api/v1/data-centres?dc_operator=Digital+Realty")
    assert response.status_code == 200
    names = sorted(f["properties"]["name"] for f in body["features"])
    assert names == [f"Digital Realty MRS{n}" for n in (1, 2, 3, 4)]
    assert body["query"] == "?dc_operator=Digital+Realty"
    assert "© OpenStreetMap contributors" in body["attribution"] and "ODbL" in body["licence"]
    mrs1 = next(f for f in body["features"] if f["properties"]["name"].endswith("MRS1"))
    assert mrs1["properties"]["power_mw"] == 16.0
    assert "France-IX Marseille" in mrs1["properties"]["exchanges"]
    # A cable filter leaves the data centres alone; an unknown operator is a 400.
    _, every = _get(api_client, "/api/v1/data-centres?owner=Orange")
    assert every["count"] == 25
    bad, error = _get(api_client, "/api/v1/data-centres?dc_operator=Nobody")
    assert bad.status_code == 400 and "dc operator" in " ".join(error["details"])


def test_default_is_the_mediterranean_like_the_page(
    api_client: FlaskClient, ctx: AppContext
) -> None:
    _, body = _get(api_client, "/api/v1/cables")
    assert body["query"] == ""
    assert 0 < body["count"] < 526
    assert body["count"] == len(ctx.select(Selection()).cables)
    assert all("mediterranean" in f["properties"]["regions"] for f in body["features"])


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_collection_members_and_headers(
    api_client: FlaskClient, real_data: Datasets, endpoint: str
) -> None:
    response, body = _get(api_client, f"/api/v1/{endpoint}?region=world")
    assert response.mimetype == "application/geo+json"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    entry = real_data.metadata["datasets"][ENDPOINTS[endpoint][1].file]
    assert body["attribution"] == entry["attribution"]
    assert "TeleGeography" in body["attribution"]
    assert body["licence"] == entry["licence"]
    assert body["licence_url"] == entry["licence_url"]
    assert body["data_date"] == entry["data_date"]
    assert body["query"] == "?region=world"


def test_cable_metadata_values(api_client: FlaskClient) -> None:
    _, body = _get(api_client, "/api/v1/cables")
    assert body["data_date"] == "2022-11-10"
    assert "TeleGeography" in body["attribution"]
    assert body["licence_url"].startswith("https://")


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_feature_shape(api_client: FlaskClient, real_data: Datasets, endpoint: str) -> None:
    attr, spec = ENDPOINTS[endpoint]
    frame = getattr(real_data, attr)
    _, body = _get(api_client, f"/api/v1/{endpoint}?region=world")
    for feature in body["features"]:
        assert feature["type"] == "Feature"
        properties = feature["properties"]
        assert {f.name for f in spec.fields} <= set(properties)
        assert properties["id"] == feature["id"]
        for field in spec.fields:
            value = properties[field.name]
            if field.kind is schema.Kind.STR_LIST:
                assert isinstance(value, list)
            elif field.kind is schema.Kind.INT:
                assert isinstance(value, int)
            elif field.kind is schema.Kind.BOOL:
                assert isinstance(value, bool)
    # Coordinates as stored, not rounded or reprojected.
    first = body["features"][0]
    expected = orjson.loads(orjson.dumps(mapping(frame.geometry.loc[first["id"]])))
    assert first["geometry"] == expected


def test_missing_values_are_null(api_client: FlaskClient, real_data: Datasets) -> None:
    cables = real_data.cables
    no_year = cables.index[cables["rfs_year"].isna()][0]
    no_length = cables.index[cables["length_km"].isna()][0]
    _, body = _get(api_client, "/api/v1/cables?region=world")
    by_id = {f["id"]: f["properties"] for f in body["features"]}
    assert by_id[no_year]["rfs_year"] is None
    assert by_id[no_length]["length_km"] is None
    with_year = cables.index[cables["rfs_year"].notna()][0]
    assert by_id[with_year]["rfs_year"] == int(cables.loc[with_year, "rfs_year"])
    assert isinstance(by_id[with_year]["rfs_year"], int)
    # Raw text must be strict JSON (no NaN tokens).
    raw = api_client.get("/api/v1/cables?region=world").get_data(as_text=True)
    assert "NaN" not in raw


def test_owner_with_commas_round_trips(api_client: FlaskClient, ctx: AppContext) -> None:
    assert COMMA_OWNER in ctx.vocab.owners
    query = urlencode([("owner", COMMA_OWNER), ("region", "world")])
    response, body = _get(api_client, f"/api/v1/cables?{query}")
    assert response.status_code == 200
    assert body["count"] >= 1
    assert all(COMMA_OWNER in f["properties"]["owners"] for f in body["features"])
    # The normalised query names the same owner, and leads to the same features.
    assert parse_qs(body["query"][1:])["owner"] == [COMMA_OWNER]
    _, again = _get(api_client, f"/api/v1/cables{body['query']}")
    assert [f["id"] for f in again["features"]] == [f["id"] for f in body["features"]]


def test_repeated_owner_means_any_of(api_client: FlaskClient) -> None:
    def ids(query: str) -> set[str]:
        return {f["id"] for f in _get(api_client, f"/api/v1/cables?{query}")[1]["features"]}

    orange = ids("owner=Orange&region=world")
    second = ids("owner=Telecom+Egypt&region=world")
    both = ids("owner=Orange&owner=Telecom+Egypt&region=world")
    assert orange and second and orange != second
    assert both == orange | second


def test_page_only_parameters_are_accepted_and_ignored(api_client: FlaskClient) -> None:
    _, plain = _get(api_client, "/api/v1/cables?owner=Orange")
    response, body = _get(
        api_client,
        "/api/v1/cables?owner=Orange&layers=cables,facilities&sel=cable:seamewe-4"
        "&view=10,40,4&tech=3G",
    )
    assert response.status_code == 200
    assert body["features"] == plain["features"]
    assert body["query"] == "?owner=Orange"


def test_head_and_options(api_client: FlaskClient) -> None:
    head = api_client.head("/api/v1/cables")
    assert head.status_code == 200
    assert head.mimetype == "application/geo+json"
    options = api_client.options("/api/v1/cables")
    assert options.status_code == 204
    assert options.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_world_cables_are_quick(api_client: FlaskClient) -> None:
    api_client.get("/api/v1/cables?region=world")  # the filter result is memoised per process
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        response = api_client.get("/api/v1/cables?region=world")
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200
    assert sorted(timings)[len(timings) // 2] < 0.15


# --- The index ---------------------------------------------------------------------------


def test_index_documents_every_parameter(api_client: FlaskClient, ctx: AppContext) -> None:
    response, body = _get(api_client, "/api/v1")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert set(body["parameters"]) == set(ALL_PARAMS)
    assert set(PARAM_MEANINGS) == set(ALL_PARAMS)
    assert all(p["meaning"] for p in body["parameters"].values())
    assert body["parameters"]["status"]["values"] == list(STATUSES)
    assert body["parameters"]["region"]["values"] == sorted(ctx.vocab.regions)
    assert body["parameters"]["tech"]["values"] == sorted(ctx.vocab.technologies)
    assert body["parameters"]["owner"]["repeatable"] is True
    paths = [e["path"] for e in body["endpoints"]]
    assert paths == [f"/api/v1/{name}" for name in ENDPOINTS]
    for path in paths:
        assert api_client.get(path).status_code == 200


# --- Errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("owner=Nobody+Ltd", "owner"),
        ("year_min=abc", "Year 'abc'"),
        ("year_max=1800", "Year '1800'"),
        ("year_min=2020&year_max=2010", "reversed"),
        ("colour=red", "Unknown parameter 'colour'"),
        ("region=atlantis", "Unknown region 'atlantis'"),
        ("status=retired", "Unknown status"),
        ("tech=6G", "Unknown tech"),
        ("view=nowhere", "Map view"),
        ("cable=no-such-cable", "Unknown cable"),
        ("owner=%ff%fe", "Unknown owner"),
    ],
)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_invalid_parameters_are_400(
    api_client: FlaskClient, endpoint: str, query: str, fragment: str
) -> None:
    response, body = _get(api_client, f"/api/v1/{endpoint}?{query}")
    assert response.status_code == 400
    _assert_clean_error(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert body["error"] == "invalid parameters"
    assert body["parameters"] == "/api/v1"
    assert any(fragment in d for d in body["details"]), body["details"]


def test_every_problem_is_listed(api_client: FlaskClient) -> None:
    _, body = _get(api_client, "/api/v1/cables?owner=Orange&owner=Nobody&foo=1&year_min=x")
    assert len(body["details"]) == 3


def test_too_many_values_are_refused(api_client: FlaskClient) -> None:
    query = urlencode([("owner", "Orange")] * (MAX_VALUES + 1))
    response, body = _get(api_client, f"/api/v1/cables?{query}")
    assert response.status_code == 400
    assert any("Too many values" in d for d in body["details"])


@pytest.mark.parametrize(
    "path",
    ["/api", "/api/", "/api/v2/cables", "/api/v1/", "/api/v1/nope", "/api/v1/cables/x"],
)
def test_unknown_api_paths_are_json_404(api_client: FlaskClient, path: str) -> None:
    response, body = _get(api_client, path)
    assert response.status_code == 404
    assert body == {"error": "not found"}
    _assert_clean_error(response)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", ["/api/v1", "/api/v1/cables", "/api/v1/facilities"])
def test_other_methods_are_json_405(api_client: FlaskClient, method: str, path: str) -> None:
    response = api_client.open(path, method=method, data=b"{}")
    assert response.status_code == 405
    assert orjson.loads(response.data) == {"error": "method not allowed"}
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    _assert_clean_error(response)


def test_unexpected_failure_is_a_generic_json_500(
    ctx: AppContext, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(selection: Selection) -> Filtered:
        raise RuntimeError("secret detail from /work/main")

    client = _client(dataclasses.replace(ctx, select=broken))
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/v1/cables?owner=Orange")
    assert response.status_code == 500
    assert orjson.loads(response.data) == {"error": "internal error"}
    _assert_clean_error(response)
    assert "secret detail" not in response.get_data(as_text=True)
    assert "secret detail" in caplog.text  # logged server-side, with the traceback


# --- On a Dash server --------------------------------------------------------------------


@pytest.fixture(scope="module")
def dash_client(ctx: AppContext) -> Iterator[FlaskClient]:
    """The API on a Dash server, whose catch-all route serves the page for any other path."""
    app = dash.Dash(__name__, compress=True)
    app.layout = dash.html.Div("page")
    register_api(app.server, ctx)
    yield app.server.test_client()


def test_api_wins_over_the_dash_catch_all(dash_client: FlaskClient) -> None:
    assert dash_client.get("/some/page").mimetype == "text/html"  # the page's own catch-all
    response, body = _get(dash_client, "/api/v1/cables?region=world")
    assert response.status_code == 200
    assert body["count"] == 526
    for path in ("/api/v1/nope", "/api/", "/api"):
        response = dash_client.get(path)
        assert response.status_code == 404
        assert response.mimetype == "application/json"
    assert dash_client.post("/api/v1/cables").status_code == 405


def test_on_the_landfall_app(real_data: Datasets) -> None:
    """The real app: the API registered by app.py, or registered here until it is."""
    import app as landfall

    server = landfall.create_app(data=real_data).server
    if not any(rule.rule == "/api/v1/cables" for rule in server.url_map.iter_rules()):
        register_api(server, build_context(real_data))
    client = server.test_client()
    response, body = _get(client, "/api/v1/landing-points?country=Egypt")
    assert response.status_code == 200
    assert body["count"] > 0
    assert client.get("/api/v1/nothing").mimetype == "application/json"


def test_feature_cache_without_memo_serialises_the_same_bytes(
    real_data: Datasets, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Datasets above the memo limit serialise per request: the same features, none kept."""
    from services import features

    ids = [*real_data.cables.index[:40], real_data.cables.index[3]]  # a repeat too
    memoised = features.FeatureCache.build(real_data.cables)
    first = [orjson.dumps(f) for f in memoised.features(ids)]
    again = [orjson.dumps(f) for f in memoised.features(ids)]
    monkeypatch.setattr(features, "MEMO_LIMIT", 10)
    unmemoised = features.FeatureCache.build(real_data.cables)
    assert unmemoised._memo is None
    assert [orjson.dumps(f) for f in unmemoised.features(ids)] == first == again
    assert orjson.loads(first[0])["id"] == ids[0]
    with pytest.raises(KeyError):
        unmemoised.features(["no-such-cable"])
