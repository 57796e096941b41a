"""The hubs endpoints of the data API (``/api/v1``).

``GET /api/v1/hubs``
    The ranking of the hubs (Mediterranean and Black Sea) (:func:`analysis.hubs.ranking`), one record per hub.
``GET /api/v1/hubs/<id>``
    One hub's profile (:meth:`analysis.hubs.HubProfile.to_dict`); 404 for an unknown id.
``GET /api/v1/hubs.csv``
    Every number of every hub as CSV (:func:`services.hubs.hubs_csv`).

Each JSON body carries ``data_date``, ``attribution``, ``licence`` and ``methodology``. The
hubs are computed once per data version (:func:`services.hubs.hubs_of`).
"""

from __future__ import annotations

from typing import Any

import flask
from flask import Blueprint, Response, request

from api.routes import API_ROOT, _guarded
from services.context import AppContext
from services.hubs import credit, hubs_csv, hubs_of, is_missing
from web.http import ANY_METHOD, allow, json_error, json_response

BLUEPRINT_NAME = "landfall_hubs_api"
GET_METHODS = ("GET", "HEAD", "OPTIONS")


def _clean(value: Any) -> Any:
    """NaN (unreachable RTT, unmapped data centres) and ``<NA>`` (unranked) as ``null``: JSON
    has no NaN."""
    return None if is_missing(value) else value


def register_hubs_api(server: flask.Flask, ctx: AppContext) -> None:
    """Add ``/api/v1/hubs``, ``/api/v1/hubs/<id>`` and ``/api/v1/hubs.csv`` to ``server``."""
    api = Blueprint(BLUEPRINT_NAME, __name__)

    def checked() -> Response | None:
        if request.method not in GET_METHODS:
            return allow(json_error(405, "method not allowed"), GET_METHODS)
        if request.args:
            return json_error(400, "This endpoint takes no parameters.")
        return None

    def ranking_view() -> Response:
        refused = checked()
        if refused is not None:
            return refused
        rows = hubs_of(ctx).table.to_dict("records")
        hubs = [{k: _clean(v) for k, v in row.items()} for row in rows]
        return json_response({"hubs": hubs, **credit(ctx)})

    def profile_view(hub_id: str) -> Response:
        refused = checked()
        if refused is not None:
            return refused
        profile = hubs_of(ctx).profiles.get(hub_id)
        if profile is None:
            return json_error(404, f"Unknown hub '{hub_id[:40]}'.")
        return json_response({"hub": profile.to_dict(), **credit(ctx)})

    def csv_view() -> Response:
        refused = checked()
        if refused is not None:
            return refused
        return Response(
            hubs_csv(ctx),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="landfall-hubs.csv"'},
        )

    for rule, name, view in (
        (f"{API_ROOT}/hubs", "hubs", ranking_view),
        (f"{API_ROOT}/hubs.csv", "hubs_csv", csv_view),
        (f"{API_ROOT}/hubs/<hub_id>", "hub", profile_view),
    ):
        api.add_url_rule(
            rule,
            endpoint=name,
            view_func=_guarded(view),
            methods=list(ANY_METHOD),
            provide_automatic_options=False,
        )
    server.register_blueprint(api)
