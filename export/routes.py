"""The Flask routes of the exports (``/export/…``), all GET, all taking the page's query.

* ``/export/<dataset>.<fmt>`` — ``cables``, ``landing-points`` or ``facilities`` as ``csv``
  (a zip with README.txt), ``geojson`` or ``gpkg``.
* ``/export/figure/<name>.<fmt>`` — ``map``, ``owners``, ``years``, ``countries`` or
  ``facilities`` as ``png``, ``svg`` or ``pdf``; extra parameters ``scale`` (1, 2 or 4; PNG only,
  default 2), ``theme`` (light or dark), ``width`` and ``height`` (400–3000 CSS px); a PNG has
  at most ``images.MAX_PIXELS`` pixels (a 400 names the limit).
* ``/export/report.html`` and ``/export/report.pdf`` — extra parameter ``theme``.
* ``/export/jobs/<key>`` — a rendered export still in the making (see :mod:`export.jobs`): 202
  with ``Retry-After`` until it is ready, then the file.

Images and the PDF report are rendered as jobs: the request waits a few seconds, then answers
``202 Accepted`` with the job's URL in ``Location``; the same query again gets the rendered file
from the store at once.

The page's parameters are parsed strictly, as the data API does: any unknown parameter or value
is a JSON 400 listing every problem, so an export never silently differs from what was asked.
Every answer is a download (``Content-Disposition: attachment``) or a JSON error, never a
traceback. Rendering is bounded (:mod:`export.renderer`): when every render slot and queue place
of the process is taken the answer is at once a ``503 renderer busy`` with ``Retry-After``, and
without a usable browser a ``503 renderer unavailable`` with ``Retry-After``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import flask
from flask import Blueprint, Response, current_app, request

from datalayer.fields import filters_only
from datalayer.query import parse_params, to_query
from datalayer.selection import Selection
from export import celery_jobs, images, jobs, meta, report, tables
from export.meta import EXPORT_ROOT
from export.renderer import ExportError, RendererBusy, RendererUnavailable, require_browser
from services.context import AppContext
from web.http import ANY_METHOD, allow, guarded, json_error, json_response, too_many_values

BLUEPRINT_NAME = "landfall_export"
THEMES = ("light", "dark")
DEFAULT_PNG_SCALE = 2
FIGURE_OPTIONS = ("scale", "theme", "width", "height")
REPORT_OPTIONS = ("theme",)

JOBS_PREFIX = "jobs/"
_JOB_KEY = re.compile(r"^[0-9a-f]{32}$")
_DATA_PATH = re.compile(r"^(?P<name>[a-z-]+)\.(?P<fmt>[a-z]+)$")
_FIGURE_PATH = re.compile(r"^figure/(?P<name>[a-z-]+)\.(?P<fmt>[a-z]+)$")

View = Callable[..., Response]
#: A rendered export to make: its selection, its options (part of its key) and the work.
RenderJob = tuple[Selection, dict[str, str], jobs.Work]


class BadRequest(Exception):
    """Invalid query parameters; ``details`` lists every problem."""

    def __init__(self, details: list[str]) -> None:
        super().__init__("invalid parameters")
        self.details = details


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


def parse_request(
    ctx: AppContext, option_names: tuple[str, ...]
) -> tuple[Selection, dict[str, str]]:
    """The request's selection (strict) and its export-only options; :class:`BadRequest` if bad."""
    params = request.args.to_dict(flat=False)
    options = _options(params, option_names)
    selection, notices = parse_params(params, ctx.vocab)
    problems = too_many_values(params) + notices
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


def _renderer_failed(exc: Exception) -> Response:
    current_app.logger.warning("Export failed: %s (%s)", request.full_path, exc)
    return json_error(503, "export failed", details=[str(exc)])


def _retry_later(response: Response, seconds: int) -> Response:
    response.headers["Retry-After"] = str(seconds)
    return response


def _renderer_busy(exc: RendererBusy) -> Response:
    """Every render slot and queue place is taken: come back in a few seconds (said at once)."""
    return _retry_later(json_error(503, "renderer busy", details=[str(exc)]), exc.retry_after)


def _renderer_unavailable(exc: RendererUnavailable) -> Response:
    current_app.logger.warning("Export refused: %s (%s)", request.full_path, exc)
    return _retry_later(
        json_error(503, "renderer unavailable", details=[exc.reason]), exc.retry_after
    )


def job_answer(key: str, status: dict[str, Any] | None) -> Response:
    """A job's answer: the file when done, 202 while queued or running, else its error."""
    if status is None or not _JOB_KEY.match(key):
        return json_error(404, "no such job", details=["Jobs are kept for an hour."])
    state = status["state"]
    if state == jobs.DONE:
        file = jobs.JOBS.result(key)
        if file is None:
            return json_error(404, "no such job", details=["Its file is no longer kept."])
        return _download(file)
    if state == jobs.FAILED:
        code = int(status.get("code") or 500)
        response = json_error(code, "export failed", details=[status.get("error") or ""])
        return _retry_later(response, jobs.POLL_AFTER_S) if code == 503 else response
    if state == jobs.CANCELLED:
        return json_error(410, "export cancelled", details=[status.get("error") or ""])
    jobs.JOBS.touch(key)
    url = f"{EXPORT_ROOT}/{JOBS_PREFIX}{key}"
    response = json_response({"status": state, "job": url}, status=202)
    response.headers["Location"] = url
    response.headers["Cache-Control"] = "no-store"
    return _retry_later(response, jobs.POLL_AFTER_S)


def _guarded(view: View) -> View:
    """Turn bad parameters into a JSON 400, renderer failures into 503, anything else into 500."""
    return guarded(
        view,
        label="Export",
        handlers={
            BadRequest: lambda exc: json_error(400, "invalid parameters", details=exc.details),
            RendererBusy: _renderer_busy,
            RendererUnavailable: _renderer_unavailable,
            ExportError: _renderer_failed,
        },
    )


def register_export(server: flask.Flask, ctx: AppContext) -> None:
    """Add the export routes (``/export/…``) to ``server``, exporting ``ctx``'s data."""
    blueprint = Blueprint(BLUEPRINT_NAME, __name__)

    def data_file(dataset: str, fmt: str) -> Response:
        selection, _ = parse_request(ctx, ())
        return _download(tables.export_table(ctx, filters_only(selection), dataset, fmt))

    version = jobs.data_version(
        ctx.data.metadata,
        (ctx.data.cables.index, ctx.data.landing_points.index, ctx.data.facilities.index),
    )

    def as_job(job: RenderJob) -> Response:
        """The rendered file from the cache, or the job's answer after a short wait."""
        selection, options, work = job
        key = jobs.job_key(version, request.path, to_query(selection), options)
        cached = jobs.JOBS.result(key)
        if cached is not None:
            response = _download(cached)
            response.headers[jobs.CACHE_HEADER] = "hit"
            return response
        require_browser()
        query = request.query_string.decode("latin-1")
        jobs.JOBS.submit(key, work, request.path, query)
        return job_answer(key, jobs.JOBS.wait(key, jobs.SHORT_WAIT_S))

    def figure_job(name: str, fmt: str) -> RenderJob:
        selection, options = parse_request(ctx, FIGURE_OPTIONS)
        theme = _theme(options)
        scale = _scale(options, fmt)
        width = _int_option(options, "width", images.MIN_PX, images.MAX_PX)
        height = _int_option(options, "height", images.MIN_PX, images.MAX_PX)
        # The pixel budget is checked before any work: an oversized PNG is a 400 naming it.
        problem = images.pixel_problem(*images.export_size(name, width, height), scale)
        if problem and fmt == "png":
            raise BadRequest([problem])

        def work() -> meta.ExportFile:
            content = images.export_named_figure(
                ctx, selection, name, fmt, theme=theme, scale=scale, width=width, height=height
            )
            filename = meta.export_filename(name, selection, fmt, meta.utc_now())
            return meta.ExportFile(filename, images.MIME_TYPES[fmt], content)

        return selection, {"theme": theme, "scale": str(scale), **options}, work

    def report_html() -> Response:
        selection, options = parse_request(ctx, REPORT_OPTIONS)
        theme = _theme(options)
        when = meta.utc_now()
        document = report.build_report_html(ctx, selection, theme, when)
        filename = meta.export_filename("report", selection, "html", when)
        return _download(
            meta.ExportFile(filename, "text/html; charset=utf-8", document.encode("utf-8"))
        )

    def report_pdf_job() -> RenderJob:
        selection, options = parse_request(ctx, REPORT_OPTIONS)
        theme = _theme(options)
        when = meta.utc_now()
        filename = meta.export_filename("report", selection, "pdf", when)

        def work() -> meta.ExportFile:
            pdf = report.build_report_pdf(ctx, selection, theme, when)
            return meta.ExportFile(filename, "application/pdf", pdf)

        return selection, {"theme": theme}, work

    def render_job(rest: str) -> RenderJob | None:
        """The rendered export ``/export/<rest>`` names (in the request's context), if any."""
        if rest == "report.pdf":
            return report_pdf_job()
        match = _FIGURE_PATH.match(rest)
        if match and match["name"] in images.FIGURE_NAMES and match["fmt"] in images.FORMATS:
            return figure_job(match["name"], match["fmt"])
        return None

    url = celery_jobs.redis_url()
    if url:
        _register_render_task(server, url, render_job)

    @blueprint.route(
        f"{EXPORT_ROOT}/", defaults={"rest": ""}, methods=list(ANY_METHOD), strict_slashes=False
    )
    @blueprint.route(f"{EXPORT_ROOT}/<path:rest>", methods=list(ANY_METHOD))
    @_guarded
    def export(rest: str) -> Response:
        """Dispatch ``/export/<rest>``; unknown paths are a JSON 404, other methods a JSON 405."""
        if request.method not in ("GET", "HEAD"):
            return allow(json_error(405, "method not allowed"), ("GET", "HEAD"))
        if rest.startswith(JOBS_PREFIX):
            return job_answer(rest[len(JOBS_PREFIX) :], jobs.JOBS.status(rest[len(JOBS_PREFIX) :]))
        if rest == "report.html":
            return report_html()
        job = render_job(rest)
        if job is not None:
            return as_job(job)
        if _FIGURE_PATH.match(rest):
            return json_error(
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
        return json_error(
            404,
            "not found",
            details=[
                f"Datasets: {', '.join(tables.DATASETS)}; formats: {', '.join(tables.FORMATS)}. "
                "Figures: /export/figure/<name>.<png|svg|pdf>. Reports: /export/report.html, "
                "/export/report.pdf."
            ],
        )

    server.register_blueprint(blueprint)


def _register_render_task(
    server: flask.Flask, url: str, render_job: Callable[[str], RenderJob | None]
) -> None:
    """The Celery task that renders a queued export in a worker: the request is made again
    from its path and query (in a request context of the worker's own app), then run there."""

    def render_export(key: str, path: str, query: str) -> None:
        with server.test_request_context(path, query_string=query):
            try:
                job = render_job(path.removeprefix(f"{EXPORT_ROOT}/"))
            except BadRequest:
                job = None  # the instance that queued it checked the same query
        if job is None:
            jobs.JOBS.fail(key, "the export cannot be made from its query", 500)
            return
        jobs.JOBS.run_here(key, job[2])

    celery_jobs.celery_app(url).task(name=celery_jobs.RENDER_TASK)(render_export)
