"""The Flask routes of the exports (``/export/…``), all GET, all taking the page's query.

* ``/export/<dataset>.<fmt>`` — ``cables``, ``landing-points`` or ``facilities`` as ``csv``
  (a zip with README.txt), ``geojson`` or ``gpkg``.
* ``/export/figure/<name>.<fmt>`` — ``map``, ``owners``, ``years``, ``countries`` or
  ``facilities`` as ``png``, ``svg`` or ``pdf``; extra parameters ``scale`` (1, 2 or 4; PNG only,
  default 2), ``theme`` (light or dark), ``width`` and ``height`` (400–3000 CSS px).
* ``/export/report.html`` and ``/export/report.pdf`` — extra parameter ``theme``.

The page's parameters are parsed strictly, as the data API does: any unknown parameter or value
is a JSON 400 listing every problem, so an export never silently differs from what was asked.
Every answer is a download (``Content-Disposition: attachment``) or a JSON error, never a
traceback.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import flask
import orjson
from flask import Blueprint, Response, current_app, request

from components.context import AppContext
from datalayer.query import LIST_PARAMS, MAX_VALUES, parse_params
from datalayer.selection import Selection
from export import images, meta, report, tables

EXPORT_ROOT = "/export"
BLUEPRINT_NAME = "landfall_export"
THEMES = ("light", "dark")
DEFAULT_PNG_SCALE = 2
FIGURE_OPTIONS = ("scale", "theme", "width", "height")
REPORT_OPTIONS = ("theme",)
ANY_METHOD = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

_DATA_PATH = re.compile(r"^(?P<name>[a-z-]+)\.(?P<fmt>[a-z]+)$")
_FIGURE_PATH = re.compile(r"^figure/(?P<name>[a-z-]+)\.(?P<fmt>[a-z]+)$")

View = Callable[..., Response]


class BadRequest(Exception):
    """Invalid query parameters; ``details`` lists every problem."""

    def __init__(self, details: list[str]) -> None:
        super().__init__("invalid parameters")
        self.details = details


def _json_error(status: int, message: str, **extra: Any) -> Response:
    response = Response(orjson.dumps({"error": message, **extra}), status=status)
    response.mimetype = "application/json"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def _download(file: meta.ExportFile) -> Response:
    """The file as an attachment (its name is ASCII: built from slugs and a date)."""
    response = Response(file.content, mimetype=file.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Every export records its own time and the data may be redeployed: never cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def _short(value: str) -> str:
    return value if len(value) <= 40 else value[:39] + "…"


def _options(params: dict[str, list[str]], names: tuple[str, ...]) -> dict[str, str]:
    """Remove the export-only parameters ``names`` from ``params``; each may be given once."""
    found: dict[str, str] = {}
    problems: list[str] = []
    for name in names:
        values = params.pop(name, None)
        if values is None:
            continue
        if len(values) != 1:
            problems.append(f"Parameter '{name}' may be given only once.")
        else:
            found[name] = values[0]
    if problems:
        raise BadRequest(problems)
    return found


def _too_many_values(params: Mapping[str, list[str]]) -> list[str]:
    """List parameters over the limit (the parser would silently cut them)."""
    return [
        f"Too many values for '{name}' (at most {MAX_VALUES})."
        for name in LIST_PARAMS
        if len([v for v in params.get(name, []) if v != ""]) > MAX_VALUES
    ]


def parse_request(
    ctx: AppContext, option_names: tuple[str, ...]
) -> tuple[Selection, dict[str, str]]:
    """The request's selection (strict) and its export-only options; :class:`BadRequest` if bad."""
    params = request.args.to_dict(flat=False)
    options = _options(params, option_names)
    selection, notices = parse_params(params, ctx.vocab)
    problems = _too_many_values(params) + notices
    if problems:
        raise BadRequest(problems)
    return selection, options


def _int_option(options: Mapping[str, str], name: str, low: int, high: int) -> int | None:
    text = options.get(name)
    if text is None:
        return None
    try:
        value = int(text.strip())
    except ValueError:
        raise BadRequest([f"'{name}' must be a whole number, not '{_short(text)}'."]) from None
    if not low <= value <= high:
        raise BadRequest([f"'{name}' must be between {low} and {high}, not {value}."])
    return value


def _theme(options: Mapping[str, str]) -> str:
    theme = options.get("theme", "light")
    if theme not in THEMES:
        raise BadRequest([f"'theme' must be one of {', '.join(THEMES)}, not '{_short(theme)}'."])
    return theme


def _scale(options: Mapping[str, str], fmt: str) -> int:
    text = options.get("scale")
    if text is None:
        return DEFAULT_PNG_SCALE if fmt == "png" else 1
    allowed = ", ".join(str(s) for s in images.SCALES)
    if text.strip() not in {str(s) for s in images.SCALES}:
        raise BadRequest([f"'scale' must be one of {allowed}, not '{_short(text)}'."])
    # SVG and PDF are vector formats: the scale only sizes a PNG's pixels.
    return int(text) if fmt == "png" else 1


def data_selection(selection: Selection) -> Selection:
    """The selection without page-only and analysis fields (map view, layers, route, cut, …).

    None of them changes a row of the data files.
    """
    default = Selection()
    return replace(
        selection,
        technology=default.technology,
        layers=None,
        selected=None,
        view=None,
        route_from=None,
        route_to=None,
        cut=(),
        scenario=None,
        corridor=None,
        hub=default.hub,
        radius_km=default.radius_km,
    )


def _guarded(view: View) -> View:
    """Turn bad parameters into a JSON 400, renderer failures into 503, anything else into 500."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            return view(*args, **kwargs)
        except BadRequest as exc:
            return _json_error(400, "invalid parameters", details=exc.details)
        except (images.ExportError, report.ReportError) as exc:
            current_app.logger.warning("Export failed: %s (%s)", request.full_path, exc)
            return _json_error(503, "export failed", details=[str(exc)])
        except Exception:
            # The details go to the server log only: a response never shows code or paths.
            current_app.logger.exception("Export request failed: %s", request.full_path)
            return _json_error(500, "internal error")

    return wrapper


def register_export(server: flask.Flask, ctx: AppContext) -> None:
    """Add the export routes (``/export/…``) to ``server``, exporting ``ctx``'s data."""
    blueprint = Blueprint(BLUEPRINT_NAME, __name__)

    def data_file(dataset: str, fmt: str) -> Response:
        selection, _ = parse_request(ctx, ())
        return _download(tables.export_table(ctx, data_selection(selection), dataset, fmt))

    def figure_file(name: str, fmt: str) -> Response:
        selection, options = parse_request(ctx, FIGURE_OPTIONS)
        theme = _theme(options)
        scale = _scale(options, fmt)
        width = _int_option(options, "width", images.MIN_PX, images.MAX_PX)
        height = _int_option(options, "height", images.MIN_PX, images.MAX_PX)
        content = images.export_named_figure(
            ctx, selection, name, fmt, theme=theme, scale=scale, width=width, height=height
        )
        filename = meta.export_filename(name, selection, fmt, meta.utc_now())
        return _download(meta.ExportFile(filename, images.MIME_TYPES[fmt], content))

    def report_file(fmt: str) -> Response:
        selection, options = parse_request(ctx, REPORT_OPTIONS)
        theme = _theme(options)
        when = meta.utc_now()
        filename = meta.export_filename("report", selection, fmt, when)
        if fmt == "html":
            document = report.build_report_html(ctx, selection, theme, when)
            return _download(
                meta.ExportFile(filename, "text/html; charset=utf-8", document.encode("utf-8"))
            )
        pdf = report.build_report_pdf(ctx, selection, theme, when)
        return _download(meta.ExportFile(filename, "application/pdf", pdf))

    @blueprint.route(
        f"{EXPORT_ROOT}/", defaults={"rest": ""}, methods=list(ANY_METHOD), strict_slashes=False
    )
    @blueprint.route(f"{EXPORT_ROOT}/<path:rest>", methods=list(ANY_METHOD))
    @_guarded
    def export(rest: str) -> Response:
        """Dispatch ``/export/<rest>``; unknown paths are a JSON 404, other methods a JSON 405."""
        if request.method not in ("GET", "HEAD"):
            response = _json_error(405, "method not allowed")
            response.headers["Allow"] = "GET, HEAD"
            return response
        if rest in ("report.html", "report.pdf"):
            return report_file(rest.rpartition(".")[2])
        match = _FIGURE_PATH.match(rest)
        if match:
            name, fmt = match["name"], match["fmt"]
            if name in images.FIGURE_NAMES and fmt in images.FORMATS:
                return figure_file(name, fmt)
            return _json_error(
                404,
                "not found",
                details=[
                    f"Figures: {', '.join(images.FIGURE_NAMES)}; "
                    f"formats: {', '.join(images.FORMATS)}."
                ],
            )
        match = _DATA_PATH.match(rest)
        if match and match["name"] in tables.DATASETS and match["fmt"] in tables.FORMATS:
            return data_file(match["name"], match["fmt"])
        return _json_error(
            404,
            "not found",
            details=[
                f"Datasets: {', '.join(tables.DATASETS)}; formats: {', '.join(tables.FORMATS)}. "
                "Figures: /export/figure/<name>.<png|svg|pdf>. Reports: /export/report.html, "
                "/export/report.pdf."
            ],
        )

    server.register_blueprint(blueprint)
