"""The Flask routes of the data API (``/api/v1``) and its JSON error responses."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

import flask
import geopandas as gpd
from flask import Blueprint, Response, request, url_for

from api.docs import ENDPOINTS, index_document
from datalayer import schema
from datalayer.fields import filters_only
from datalayer.query import parse_params, to_query
from datalayer.selection import Selection
from services.context import AppContext
from services.features import FeatureCache
from web.http import ANY_METHOD, GEOJSON, allow, guarded, json_error, json_response, too_many_values

API_ROOT = "/api/v1"
BLUEPRINT_NAME = "landfall_api"
ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS")


View = Callable[..., Response]


def _frame(frames: Any, endpoint: str) -> gpd.GeoDataFrame:
    """The frame an endpoint serves, from the datasets or a filter result (by dataset key)."""
    frame: gpd.GeoDataFrame = getattr(frames, schema.BY_ENDPOINT[endpoint].key)
    return frame


def _guarded(view: View, options: bool = True) -> View:
    """Answer OPTIONS (if ``options``); turn any unexpected exception into a logged JSON 500."""
    return guarded(view, label="Data API", options=ALLOWED_METHODS if options else None)


def register_api(server: flask.Flask, ctx: AppContext) -> None:
    """Add the read-only data API (``/api/v1`` and below) to ``server``, serving ``ctx``'s data."""
    caches = {name: FeatureCache.build(_frame(ctx.data, name)) for name in ENDPOINTS}
    metadata: Mapping[str, Any] = ctx.data.metadata["datasets"]
    api = Blueprint(BLUEPRINT_NAME, __name__)

    def parse() -> Selection | Response:
        """The data selection of the request's query, or a 400 listing every problem."""
        params = request.args.to_dict(flat=False)
        selection, notices = parse_params(params, ctx.vocab)
        # Strict: the page shows a notice and carries on; an API client gets an error instead
        # of silently different data.
        notices = too_many_values(params) + notices
        if notices:
            docs = url_for(f"{BLUEPRINT_NAME}.index")
            return json_error(400, "invalid parameters", details=notices, parameters=docs)
        return filters_only(selection)

    def collection(name: str) -> Response:
        """The filtered features of one dataset as a FeatureCollection."""
        selection = parse()
        if isinstance(selection, Response):
            return selection
        frame = _frame(ctx.select(selection), name)
        entry = metadata.get(ENDPOINTS[name][0], {})
        payload = {
            "type": "FeatureCollection",
            "attribution": entry.get("attribution"),
            "licence": entry.get("licence"),
            "licence_url": entry.get("licence_url"),
            "data_date": entry.get("data_date"),
            "count": len(frame),
            "query": to_query(selection),
            "features": caches[name].features(frame.index),
        }
        return json_response(payload, mimetype=GEOJSON)

    for name in ENDPOINTS:
        api.add_url_rule(
            f"{API_ROOT}/{name}",
            endpoint=name.replace("-", "_"),
            view_func=_guarded(functools.partial(collection, name)),
            methods=["GET", "OPTIONS"],
            provide_automatic_options=False,
        )

    @api.route(API_ROOT, methods=["GET", "OPTIONS"], provide_automatic_options=False)
    @_guarded
    def index() -> Response:
        """The API's self-description: endpoints, parameters, allowed values, errors."""
        return json_response(index_document(ctx.vocab, url_for(f"{BLUEPRINT_NAME}.index")))

    known_paths = {API_ROOT} | {f"{API_ROOT}/{name}" for name in ENDPOINTS}

    # Every other /api path answers in JSON: without these rules the Dash page's catch-all
    # route would serve the HTML page (200) for a mistyped API URL.
    @api.route("/api/", defaults={"rest": ""}, methods=list(ANY_METHOD), strict_slashes=False)
    @api.route("/api/<path:rest>", methods=list(ANY_METHOD))
    @functools.partial(_guarded, options=False)
    def fallback(rest: str) -> Response:
        """JSON 405 for a known path with another method, JSON 404 for any other path."""
        if request.path in known_paths:
            # A known path gets here only with a method its own rule does not take.
            return allow(json_error(405, "method not allowed"), ALLOWED_METHODS)
        return json_error(404, "not found")

    server.register_blueprint(api)
