"""The Flask routes of the data API (``/api/v1``) and its JSON error responses."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import flask
import geopandas as gpd
import orjson
from flask import Blueprint, Response, current_app, request, url_for

from api.docs import ENDPOINTS, index_document
from api.features import FeatureCache
from components.context import AppContext
from datalayer.query import LIST_PARAMS, MAX_VALUES, parse_params, to_query
from datalayer.selection import Selection, filters_only

API_ROOT = "/api/v1"
BLUEPRINT_NAME = "landfall_api"
GEOJSON = "application/geo+json"
JSON = "application/json"
#: The data never changes while the process runs; five minutes bounds staleness across deploys.
CACHE_OK = "public, max-age=300"
ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS")
#: Every method the catch-all answers, so no /api/ request falls through to the Dash page.
ANY_METHOD = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class _Frames(Protocol):
    """What :class:`~datalayer.loader.Datasets` and :class:`~datalayer.filters.Filtered` share."""

    @property
    def cables(self) -> gpd.GeoDataFrame: ...
    @property
    def landing_points(self) -> gpd.GeoDataFrame: ...
    @property
    def facilities(self) -> gpd.GeoDataFrame: ...


#: Endpoint → its frame, in the full datasets (to serialise once) or in a filter result.
FRAMES: dict[str, Callable[[_Frames], gpd.GeoDataFrame]] = {
    "cables": lambda f: f.cables,
    "landing-points": lambda f: f.landing_points,
    "facilities": lambda f: f.facilities,
}

View = Callable[..., Response]


def _json(payload: Any, status: int = 200, mimetype: str = JSON) -> Response:
    """A JSON response serialised with orjson, never sniffed as anything else."""
    response = Response(orjson.dumps(payload), status=status, mimetype=mimetype)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = CACHE_OK if status < 400 else "no-store"
    return response


def _error(status: int, message: str, **extra: Any) -> Response:
    """A JSON error body: ``{"error": message, ...extra}``."""
    return _json({"error": message, **extra}, status=status)


def _allow(response: Response) -> Response:
    """``response`` with the methods every API endpoint takes in its ``Allow`` header."""
    response.headers["Allow"] = ", ".join(ALLOWED_METHODS)
    return response


def _guarded(view: View, options: bool = True) -> View:
    """Answer OPTIONS (if ``options``); turn any unexpected exception into a logged JSON 500."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            if options and request.method == "OPTIONS":
                # Flask's automatic OPTIONS would list the catch-all's methods too.
                response = Response(status=204)
                response.headers["X-Content-Type-Options"] = "nosniff"
                return _allow(response)
            return view(*args, **kwargs)
        except Exception:
            # The details go to the server log only: a response never shows code or paths.
            current_app.logger.exception("Data API request failed: %s", request.full_path)
            return _error(500, "internal error")

    return wrapper


def _data_selection(selection: Selection) -> Selection:
    """``selection`` without the page-only fields, which change no returned feature.

    Dropping them keeps the normalised query about the data and lets requests that differ only
    in map view share one memoised filter result.
    """
    return filters_only(selection)


def _too_many_values(params: Mapping[str, list[str]]) -> list[str]:
    """Notices for list parameters over the limit (the parser would silently cut them)."""
    return [
        f"Too many values for '{name}' (at most {MAX_VALUES})."
        for name in LIST_PARAMS
        if len([v for v in params.get(name, []) if v != ""]) > MAX_VALUES
    ]


def register_api(server: flask.Flask, ctx: AppContext) -> None:
    """Add the read-only data API (``/api/v1`` and below) to ``server``, serving ``ctx``'s data."""
    caches = {name: FeatureCache.build(frame(ctx.data)) for name, frame in FRAMES.items()}
    metadata: Mapping[str, Any] = ctx.data.metadata["datasets"]
    api = Blueprint(BLUEPRINT_NAME, __name__)

    def parse() -> Selection | Response:
        """The data selection of the request's query, or a 400 listing every problem."""
        params = request.args.to_dict(flat=False)
        selection, notices = parse_params(params, ctx.vocab)
        # Strict: the page shows a notice and carries on; an API client gets an error instead
        # of silently different data.
        notices = _too_many_values(params) + notices
        if notices:
            docs = url_for(f"{BLUEPRINT_NAME}.index")
            return _error(400, "invalid parameters", details=notices, parameters=docs)
        return _data_selection(selection)

    def collection(name: str) -> Response:
        """The filtered features of one dataset as a FeatureCollection."""
        selection = parse()
        if isinstance(selection, Response):
            return selection
        frame = FRAMES[name](ctx.select(selection))
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
        return _json(payload, mimetype=GEOJSON)

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
        return _json(index_document(ctx.vocab, url_for(f"{BLUEPRINT_NAME}.index")))

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
            return _allow(_error(405, "method not allowed"))
        return _error(404, "not found")

    server.register_blueprint(api)
