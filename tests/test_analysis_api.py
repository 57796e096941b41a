"""The analysis endpoints: status codes, bodies equal to the module results, JSON 400s."""

from __future__ import annotations

from typing import Any

import flask
import orjson
import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from analysis.cuts import cut_impact
from analysis.graph import CableGraph, GraphParams, build_cable_graph
from analysis.routing import find_routes
from analysis.scenarios import all_scenarios, cables_crossing, parse_corridor, resolve_scenario
from api.analysis_routes import register_analysis_api
from api.routes import register_api
from datalayer.loader import Datasets
from services.context import AppContext, build_context

EXTRA_ROUTE = {"attribution", "licence"}
EXTRA_CUT = {"attribution", "licence", "scenario", "corridor"}


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


@pytest.fixture(scope="module")
def graph(real_data: Datasets) -> CableGraph:
    return build_cable_graph(real_data)


@pytest.fixture(scope="module")
def client(ctx: AppContext, graph: CableGraph) -> FlaskClient:
    server = flask.Flask(__name__)
    register_api(server, ctx)  # the data API's catch-all must not shadow these routes
    register_analysis_api(server, ctx, graph)
    return server.test_client()


def _get(client: FlaskClient, path: str) -> tuple[TestResponse, Any]:
    response = client.get(path)
    return response, orjson.loads(response.data)


def _roundtrip(payload: Any) -> Any:
    return orjson.loads(orjson.dumps(payload))


def _without(body: dict[str, Any], keys: set[str]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in keys}


def _assert_error(response: TestResponse, status: int = 400) -> Any:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    body = orjson.loads(response.data)
    assert isinstance(body["error"], str) and body["error"]
    assert "Traceback" not in response.get_data(as_text=True)
    return body


# --- /route ---------------------------------------------------------------------------------


def test_route_equals_module(client: FlaskClient, graph: CableGraph) -> None:
    response, body = _get(client, "/api/v1/route?from=marseille-france&to=mumbai-india")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    expected = find_routes(graph, "marseille-france", "mumbai-india").to_dict()
    assert _without(body, EXTRA_ROUTE) == _roundtrip(expected)
    assert "TeleGeography" in body["attribution"]
    assert "Estimates" in body["caveat"]


def test_route_accepts_place_names(client: FlaskClient, graph: CableGraph) -> None:
    response, body = _get(client, "/api/v1/route?from=Marseille&to=Singapore&alternatives=1")
    assert response.status_code == 200
    assert body["from"]["id"] == "marseille-france"
    assert body["to"]["country"] == "Singapore"
    assert len(body["alternatives"]) == 1
    expected = find_routes(graph, "marseille-france", body["to"]["id"], alternatives=1)
    assert _without(body, EXTRA_ROUTE) == _roundtrip(expected.to_dict())
    assert body["best"]["floor_rtt_ms"] < body["best"]["rtt_ms"]


def test_route_include_planned(client: FlaskClient, real_data: Datasets) -> None:
    response, body = _get(
        client, "/api/v1/route?from=marseille-france&to=port-said-egypt&include_planned=1"
    )
    assert response.status_code == 200
    assert body["include_planned"] is True
    planned = build_cable_graph(real_data, GraphParams(include_planned=True))
    expected = find_routes(planned, "marseille-france", "port-said-egypt")
    assert _without(body, EXTRA_ROUTE) == _roundtrip(expected.to_dict())


def test_route_to_planned_only_point_is_unreachable_not_an_error(client: FlaskClient) -> None:
    response, body = _get(client, "/api/v1/route?from=marseille-france&to=ras-ghareb-egypt")
    assert response.status_code == 200
    assert body["reachable"] is False
    assert "planned" in body["message"]
    assert body["best"] is None


@pytest.mark.parametrize(
    "query",
    [
        "",
        "from=marseille-france",
        "to=mumbai-india",
        "from=marseille-france&to=Atlantis",
        "from=marseille-france&to=mumbai-india&alternatives=9",
        "from=marseille-france&to=mumbai-india&alternatives=two",
        "from=marseille-france&to=mumbai-india&include_planned=maybe",
        "from=marseille-france&to=mumbai-india&bogus=1",
        "from=marseille-france&from=toulon-france&to=mumbai-india",
        "from=%20&to=mumbai-india",
    ],
)
def test_route_bad_params(client: FlaskClient, query: str) -> None:
    _assert_error(client.get(f"/api/v1/route?{query}"))


def test_route_suggestions(client: FlaskClient) -> None:
    body = _assert_error(client.get("/api/v1/route?from=Marseile&to=mumbai-india"))
    assert "Marseille, France" in body["suggestions"]


# --- /cut -----------------------------------------------------------------------------------


def test_cut_cables_equals_module(client: FlaskClient, graph: CableGraph) -> None:
    response, body = _get(client, "/api/v1/cut?cables=seamewe-4,flag-europe-asia-fea")
    assert response.status_code == 200
    expected = cut_impact(
        graph, ["seamewe-4", "flag-europe-asia-fea"], hub="marseille-france", region="mediterranean"
    )
    assert _without(body, EXTRA_CUT) == _roundtrip(expected.to_dict())
    assert body["scenario"] is None and body["corridor"] is None


def test_cut_scenario(client: FlaskClient, graph: CableGraph, real_data: Datasets) -> None:
    response, body = _get(client, "/api/v1/cut?scenario=2024-red-sea&hub=marseille-france")
    assert response.status_code == 200
    scenario = resolve_scenario(real_data, "2024-red-sea")
    assert body["scenario"] == _roundtrip(scenario.to_dict())
    expected = cut_impact(graph, scenario.cable_ids, region="mediterranean")
    assert _without(body, EXTRA_CUT) == _roundtrip(expected.to_dict())


def test_cut_corridor_region_and_hub(
    client: FlaskClient, graph: CableGraph, real_data: Datasets
) -> None:
    corridor = "31.5 29, 33 29, 33 31.5, 31.5 31.5"
    response, body = _get(client, f"/api/v1/cut?corridor={corridor}&region=world&hub=Toulon")
    assert response.status_code == 200
    ids = cables_crossing(real_data, parse_corridor(corridor))
    expected = cut_impact(graph, ids, hub="toulon-france", region=None)
    assert _without(body, EXTRA_CUT) == _roundtrip(expected.to_dict())
    assert body["corridor"] == corridor


@pytest.mark.parametrize(
    "query",
    [
        "",
        "cables=",
        "cables=seamewe-4&scenario=2008-med",
        "cables=seamewe-4,not-a-cable",
        "scenario=1999-nope",
        "corridor=1 2, 3 4",
        "corridor=0 0, 1 1, 1 0, 0 1",
        "cables=seamewe-4&hub=Atlantis",
        "cables=seamewe-4&region=pacific",
        "cables=seamewe-4&include_planned=2",
        "cables=seamewe-4&extra=1",
        "cables=seamewe-4&hub=ras-ghareb-egypt",
    ],
)
def test_cut_bad_params(client: FlaskClient, query: str) -> None:
    _assert_error(client.get(f"/api/v1/cut?{query}"))


# --- /scenarios, methods --------------------------------------------------------------------


def test_scenarios(client: FlaskClient, real_data: Datasets) -> None:
    response, body = _get(client, "/api/v1/scenarios")
    assert response.status_code == 200
    assert body["scenarios"] == _roundtrip([s.to_dict() for s in all_scenarios(real_data)])
    _assert_error(client.get("/api/v1/scenarios?x=1"))


@pytest.mark.parametrize("path", ["/api/v1/route", "/api/v1/cut", "/api/v1/scenarios"])
def test_methods(client: FlaskClient, path: str) -> None:
    response = client.post(path)
    _assert_error(response, 405)
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    options = client.options(path)
    assert options.status_code == 204
    assert client.head("/api/v1/scenarios").status_code == 200


def test_unexpected_failure_is_a_json_500(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import api.analysis_routes as module

    def boom(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("secret path /etc/passwd")

    monkeypatch.setattr(module, "find_routes", boom)
    response = client.get("/api/v1/route?from=marseille-france&to=mumbai-india")
    body = _assert_error(response, 500)
    assert "secret" not in response.get_data(as_text=True)
    assert body["error"] == "internal error"
