"""Landfall: the Mediterranean's submarine cables, landing stations and interconnection on one map.

Run ``python app.py`` (see ``--help``). For a WSGI server, ``app:server`` builds the app on
first access, so importing this module reads no data.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Any

import diskcache
from dash import CeleryManager, Dash, DiskcacheManager
from flask import Flask, Response, abort

from api.analysis_routes import register_analysis_api
from api.hubs_routes import register_hubs_api
from api.routes import register_api
from components.callbacks import register_callbacks
from components.data_notice import with_data_notice
from components.hubs_panel import register_hubs_callbacks
from components.layout import build_layout
from components.search_callbacks import register_search_callbacks
from config import cache_dir_from_env, data_dir_from_env, parse_args
from datalayer.cache import load_datasets_cached
from datalayer.errors import DatasetError
from datalayer.loader import Datasets
from export import celery_jobs
from export import renderer as export_renderer
from export.jobs import store_dir
from export.routes import register_export
from figures.place_labels import GLYPHS_URL, LABELS_URL
from services.context import BORDERS_URL, LAND_URL, AppContext, build_context
from web.http import json_response
from web.map_message_route import register_map_message
from web.map_pack_route import register_map_pack
from web.security import register_security

ASSETS = Path(__file__).resolve().parent / "assets"
GLYPHS_DIR = ASSETS / "glyphs"
#: Glyphs change only when scripts/build_glyphs.py is run again: let browsers keep them.
GLYPHS_CACHE = "public, max-age=31536000"


def read_glyphs(folder: Path = GLYPHS_DIR) -> dict[tuple[str, str], bytes]:
    """Every glyph file, by (font stack, range): read once, so a request never names a path."""
    return {
        (path.parent.name, path.stem): path.read_bytes() for path in sorted(folder.glob("*/*.pbf"))
    }


def _register_glyphs(server: Flask) -> None:
    """Serve the map's glyphs (MapLibre asks for ``/glyphs/<font stack>/<range>.pbf``)."""
    glyphs = read_glyphs()

    def glyph_range(fontstack: str, glyph_range: str) -> Response:
        data = glyphs.get((fontstack, glyph_range))
        if data is None:
            abort(404)
        response = Response(data, mimetype="application/x-protobuf")
        response.headers["Cache-Control"] = GLYPHS_CACHE
        return response

    rule = GLYPHS_URL.replace("{fontstack}", "<fontstack>").replace("{range}", "<glyph_range>")
    server.add_url_rule(rule, "glyphs", glyph_range)


def background_manager() -> DiskcacheManager | CeleryManager:
    """Dash's manager for background callbacks (the critical-cable ranking, the card's
    exports): each runs in a process of its own, its progress and result in a diskcache store
    that every worker of the instance shares (beside the export jobs' store); with
    ``$LANDFALL_REDIS_URL`` set, on the Celery workers that every instance shares."""
    url = celery_jobs.redis_url()
    if url:
        return CeleryManager(celery_jobs.celery_app(url), expire=3600)
    return DiskcacheManager(diskcache.Cache(str(store_dir() / "dash")), expire=3600)


def readiness_response(ctx: AppContext) -> Response:
    """``/readyz``: 200 when the data is loaded and the renderer usable, else 503; both say
    what they checked and the render queue's depth (``/healthz`` only says the process runs)."""
    renderer_ok, renderer = export_renderer.readiness()
    counts = {
        "cables": len(ctx.data.cables),
        "landing_points": len(ctx.data.landing_points),
        "facilities": len(ctx.data.facilities),
    }
    data_ok = counts["cables"] > 0
    body = {
        "status": "ready" if data_ok and renderer_ok else "not ready",
        "data": {"loaded": data_ok, **counts},
        "renderer": renderer,
    }
    response = json_response(body, status=200 if data_ok and renderer_ok else 503)
    response.headers["Cache-Control"] = "no-store"
    return response


def _register_routes(app: Dash, ctx: AppContext) -> None:
    """Serve the basemap, place names and glyphs from memory (no file I/O per request) and a
    health check."""
    server = app.server

    def geojson(payload: bytes) -> Response:
        response = Response(payload, mimetype="application/geo+json")
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response

    server.add_url_rule(LAND_URL, "basemap_land", lambda: geojson(ctx.data.basemap_land))
    server.add_url_rule(BORDERS_URL, "basemap_borders", lambda: geojson(ctx.data.basemap_borders))
    server.add_url_rule(LABELS_URL, "place_labels", lambda: geojson(ctx.data.place_labels))
    _register_glyphs(server)
    for land in ctx.map.finer_land:
        payload = ctx.data.basemap_finer[land.key]
        server.add_url_rule(land.url, land.key, lambda body=payload: geojson(body))
    server.add_url_rule("/healthz", "healthz", lambda: {"status": "ok"})
    server.add_url_rule("/readyz", "readyz", lambda: readiness_response(ctx))
    register_map_pack(server, ctx.map_pack)
    register_map_message(server, ctx)
    register_api(server, ctx)
    register_analysis_api(server, ctx)
    register_hubs_api(server, ctx)
    register_export(server, ctx)


def create_app(data: Datasets | None = None, data_dir: Path | None = None) -> Dash:
    """Build the Dash app for ``data`` (or the datasets read from ``data_dir``).

    Datasets read from a directory go through the data cache (``$LANDFALL_CACHE_DIR``).
    """
    datasets = (
        data
        if data is not None
        else load_datasets_cached(data_dir or data_dir_from_env(), cache_dir_from_env())
    )
    ctx = build_context(datasets)
    server = Flask(__name__)
    # flask-compress reads this when Dash initialises it: GeoJSON must be compressed too.
    server.config["COMPRESS_MIMETYPES"] = [
        "text/html",
        "text/css",
        "text/plain",
        "application/javascript",
        "application/json",
        "application/geo+json",
        "application/x-protobuf",
    ]
    app = Dash(
        __name__,
        server=server,  # type: ignore[arg-type]  # Dash accepts a Flask app here
        title="Landfall — Mediterranean submarine cables",
        assets_folder=str(ASSETS),
        compress=True,
        serve_locally=True,
        update_title="",
        background_callback_manager=background_manager(),
    )
    app.layout = with_data_notice(build_layout(ctx), datasets.warnings)
    server.config["LANDFALL_DATA_WARNINGS"] = datasets.warnings
    register_callbacks(app, ctx)
    register_hubs_callbacks(app, ctx)
    register_search_callbacks(app, ctx.option_indexes)
    _register_routes(app, ctx)
    register_security(app)
    warning = export_renderer.startup_check()
    if warning:
        print(f"Landfall warning: {warning}", file=sys.stderr, flush=True)
    # Everything built so far lives as long as the process: move it out of the cyclic
    # collector's view, so a full collection during a request no longer walks every dataset
    # row (the slowest ~10 % of renders were collection pauses). No gc.collect() first: it
    # found nothing to free and cost 44 ms at 1×, 78 ms at 10× of the start.
    gc.freeze()
    return app


def __getattr__(name: str) -> Any:
    """``app:server`` for gunicorn: build the app lazily on first access."""
    if name == "server":
        try:
            server = create_app().server
        except DatasetError as exc:
            # One line for the operator, not a traceback (gunicorn then stops: exit status 2).
            print(f"Landfall cannot start: {exc}", file=sys.stderr, flush=True)
            raise SystemExit(2) from None
        globals()["server"] = server
        return server
    raise AttributeError(name)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: load the data, then serve until interrupted."""
    settings = parse_args(argv)
    try:
        dash_app = create_app(data_dir=settings.data_dir)
    except DatasetError as exc:
        print(f"Landfall cannot start: {exc}", file=sys.stderr)
        return 2
    for warning in dash_app.server.config.get("LANDFALL_DATA_WARNINGS", ()):
        print(f"Landfall repaired the data: {warning}", file=sys.stderr)
    print(
        f"Landfall on http://{settings.host}:{settings.port}/ (data: {settings.data_dir})",
        flush=True,
    )
    dash_app.run(host=settings.host, port=settings.port, debug=settings.debug)
    return 0


if __name__ == "__main__":
    sys.exit(main())
