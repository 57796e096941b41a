"""The analysis endpoints of the data API: routes, cut impact and the cut presets (``/api/v1``).

``GET /api/v1/route?from=…&to=…[&alternatives=3][&include_planned=0]``
    :func:`analysis.routing.find_routes`; ``from``/``to`` take a landing point id or a place name
    (:func:`analysis.routing.resolve_place`).
``GET /api/v1/cut?cables=a,b | scenario=… | corridor=lon lat,…[&hub=…][&region=…][&include_planned=0]``
    :func:`analysis.cuts.cut_impact`; exactly one of ``cables``, ``scenario``, ``corridor``.
``GET /api/v1/scenarios``
    Every preset of :mod:`analysis.scenarios`, resolved against the data.

Each body is the module result's ``to_dict()`` plus ``attribution``/``licence`` (and, for a cut,
the resolved ``scenario`` or ``corridor``). Bad parameters give a JSON 400 naming the problem;
errors never show a traceback (the data API's :func:`api.routes._guarded`).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Mapping
from typing import Any

import flask
from flask import Blueprint, Response, request

from analysis.cuts import HubError, cut_impact
from analysis.graph import CableGraph, GraphParams, build_cable_graph
from analysis.routing import MAX_ALTERNATIVES, PlaceError, find_routes, resolve_place
from analysis.scenarios import (
    ScenarioError,
    all_scenarios,
    cables_crossing,
    format_corridor,
    parse_corridor,
    resolve_scenario,
)
from api.routes import API_ROOT, _guarded
from datalayer.query import MAX_VALUE_CHARS, MAX_VALUES
from datalayer.selection import DEFAULT_HUB, DEFAULT_REGION, REGION_WORLD
from services.context import AppContext
from web.http import ANY_METHOD, allow, json_error, json_response

BLUEPRINT_NAME = "landfall_analysis_api"
ROUTE_PARAMS = ("from", "to", "alternatives", "include_planned")
CUT_PARAMS = ("cables", "scenario", "corridor", "hub", "region", "include_planned")
SCENARIOS_PARAMS: tuple[str, ...] = ()
GET_METHODS = ("GET", "HEAD", "OPTIONS")
CABLES_FILE = "cables.geojson"


class BadRequest(ValueError):
    """A parameter problem, answered with a JSON 400."""

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra


class GraphCache:
    """The in-service graph given at registration, and the one with planned cables on demand."""

    def __init__(self, ctx: AppContext, graph: CableGraph | None = None) -> None:
        self._ctx = ctx
        self._given = graph
        self._params = graph.params if graph is not None else GraphParams()
        self._graphs: dict[bool, CableGraph] = {}
        self._lock = threading.Lock()

    def get(self, include_planned: bool) -> CableGraph:
        if include_planned == self._params.include_planned:
            # The graph given at registration, else the context's own in-service graph (built
            # on first use and shared with the page).
            return self._given if self._given is not None else self._ctx.graph
        found = self._graphs.get(include_planned)
        if found is not None:
            return found
        with self._lock:
            if include_planned not in self._graphs:
                params = GraphParams(
                    include_planned=include_planned,
                    terrestrial_max_km=self._params.terrestrial_max_km,
                    terrestrial_factor=self._params.terrestrial_factor,
                    scale_to_published=self._params.scale_to_published,
                )
                self._graphs[include_planned] = build_cable_graph(self._ctx.data, params)
            return self._graphs[include_planned]


def _single(params: Mapping[str, list[str]], name: str) -> str | None:
    """The one value of ``name`` (``None`` if absent); repeating it is an error."""
    values = params.get(name, [])
    if not values:
        return None
    if len(values) > 1:
        raise BadRequest(f"Parameter '{name}' was given {len(values)} times; give it once.")
    value = values[0]
    if len(value) > MAX_VALUE_CHARS * 20:
        raise BadRequest(f"Parameter '{name}' is too long.")
    return value


def _check_names(params: Mapping[str, list[str]], allowed: tuple[str, ...]) -> None:
    unknown = sorted(n for n in params if n not in allowed)
    if unknown:
        shown = ", ".join(f"'{n[:40]}'" for n in unknown[:10])
        raise BadRequest(
            f"Unknown parameter {shown}.", allowed=list(allowed), details=[f"unknown: {shown}"]
        )


def _flag(params: Mapping[str, list[str]], name: str) -> bool:
    text = _single(params, name)
    if text is None or text == "":
        return False
    if text.lower() in ("1", "true", "yes"):
        return True
    if text.lower() in ("0", "false", "no"):
        return False
    raise BadRequest(f"Parameter '{name}' must be 0 or 1, not '{text[:40]}'.")


def _integer(params: Mapping[str, list[str]], name: str, default: int, low: int, high: int) -> int:
    text = _single(params, name)
    if text is None or text == "":
        return default
    try:
        value = int(text.strip())
    except ValueError:
        raise BadRequest(f"Parameter '{name}' must be a whole number, not '{text[:40]}'.") from None
    if not low <= value <= high:
        raise BadRequest(f"Parameter '{name}' must be between {low} and {high}.")
    return value


def _place(graph: CableGraph, params: Mapping[str, list[str]], name: str) -> str:
    text = _single(params, name)
    if text is None or not text.strip():
        raise BadRequest(f"Parameter '{name}' is required: a landing point id or a town name.")
    try:
        return resolve_place(graph, text)
    except PlaceError as exc:
        raise BadRequest(f"'{name}': {exc.message}", suggestions=exc.suggestions) from None


def _cable_list(params: Mapping[str, list[str]], known: frozenset[str]) -> list[str]:
    ids = [v.strip() for text in params.get("cables", []) for v in text.split(",") if v.strip()]
    if not ids:
        raise BadRequest("Parameter 'cables' lists no cable id.")
    if len(ids) > MAX_VALUES:
        raise BadRequest(f"Too many cables (at most {MAX_VALUES}).")
    unknown = [c for c in dict.fromkeys(ids) if c not in known]
    if unknown:
        shown = ", ".join(f"'{c[:40]}'" for c in unknown[:10])
        raise BadRequest(f"Unknown cable id {shown}.", unknown=[c[:100] for c in unknown[:50]])
    return list(dict.fromkeys(ids))


def register_analysis_api(
    server: flask.Flask, ctx: AppContext, graph: CableGraph | None = None
) -> None:
    """Add ``/api/v1/route``, ``/api/v1/cut`` and ``/api/v1/scenarios`` to ``server``."""
    graphs = GraphCache(ctx, graph)
    entry: Mapping[str, Any] = ctx.data.metadata["datasets"].get(CABLES_FILE, {})
    credit = {"attribution": entry.get("attribution"), "licence": entry.get("licence")}
    known_cables = frozenset(str(c) for c in ctx.data.cables.index)
    regions = frozenset(str(r) for r in ctx.data.regions.index) | {REGION_WORLD}
    api = Blueprint(BLUEPRINT_NAME, __name__)

    def params_of(allowed: tuple[str, ...]) -> dict[str, list[str]]:
        params = request.args.to_dict(flat=False)
        _check_names(params, allowed)
        return params

    def route_payload() -> dict[str, Any]:
        params = params_of(ROUTE_PARAMS)
        alternatives = _integer(params, "alternatives", 3, 0, MAX_ALTERNATIVES)
        chosen = graphs.get(_flag(params, "include_planned"))
        src = _place(chosen, params, "from")
        dst = _place(chosen, params, "to")
        result = find_routes(chosen, src, dst, alternatives=alternatives)
        return {**result.to_dict(), **credit}

    def cut_payload() -> dict[str, Any]:
        params = params_of(CUT_PARAMS)
        chosen = graphs.get(_flag(params, "include_planned"))
        given = [n for n in ("cables", "scenario", "corridor") if params.get(n)]
        if len(given) != 1:
            raise BadRequest("Give exactly one of 'cables', 'scenario' or 'corridor'.")
        scenario: dict[str, Any] | None = None
        corridor: str | None = None
        if given[0] == "cables":
            cut_ids = _cable_list(params, known_cables)
        elif given[0] == "scenario":
            try:
                resolved = resolve_scenario(ctx.data, _single(params, "scenario") or "")
            except ScenarioError as exc:
                raise BadRequest(str(exc)) from None
            scenario = resolved.to_dict()
            cut_ids = list(resolved.cable_ids)
        else:
            try:
                polygon = parse_corridor(_single(params, "corridor") or "")
            except ScenarioError as exc:
                raise BadRequest(str(exc)) from None
            corridor = format_corridor(polygon)
            cut_ids = cables_crossing(ctx.data, polygon)
        hub_text = _single(params, "hub")
        hub = DEFAULT_HUB if not hub_text else _place(chosen, {"hub": [hub_text]}, "hub")
        region = _single(params, "region") or DEFAULT_REGION
        if region not in regions:
            raise BadRequest(
                f"Unknown region '{region[:40]}'.", allowed=sorted(regions, key=str.lower)
            )
        try:
            impact = cut_impact(
                chosen, cut_ids, hub=hub, region=None if region == REGION_WORLD else region
            )
        except HubError as exc:
            raise BadRequest(str(exc)) from None
        return {**impact.to_dict(), "scenario": scenario, "corridor": corridor, **credit}

    def scenarios_payload() -> dict[str, Any]:
        params_of(SCENARIOS_PARAMS)
        return {"scenarios": [s.to_dict() for s in all_scenarios(ctx.data)], **credit}

    def endpoint(build: Callable[[], dict[str, Any]]) -> Response:
        if request.method not in GET_METHODS:
            return allow(json_error(405, "method not allowed"), GET_METHODS)
        try:
            return json_response(build())
        except BadRequest as exc:
            return json_error(400, exc.message, **exc.extra)

    for name, build in (
        ("route", route_payload),
        ("cut", cut_payload),
        ("scenarios", scenarios_payload),
    ):
        api.add_url_rule(
            f"{API_ROOT}/{name}",
            endpoint=name,
            view_func=_guarded(functools.partial(endpoint, build)),
            methods=list(ANY_METHOD),
            provide_automatic_options=False,
        )
    server.register_blueprint(api)
