"""The export card: images of the map and charts, data files and the report of the current view.

The card's callback is a thin adapter over :func:`build_export`, which calls the same writers as
the scriptable ``/export/…`` routes, so the page and a script get the same file for one URL.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from dash import dcc, html

from components import ids
from components.analysis_panel import labelled
from datalayer import schema
from datalayer.fields import filters_only
from datalayer.query import parse_query
from datalayer.selection import Selection
from export import images, meta, report, tables
from export.meta import EXPORT_ROOT
from services.context import AppContext

FIGURE_LABELS: dict[str, str] = {
    "map": "Map",
    "owners": "Chart: cables and km by owner",
    "years": "Chart: cables and cumulative km by RFS year",
    "countries": "Chart: landing points by country",
    "facilities": "Chart: IX facilities by country",
}
IMAGE_FORMATS: dict[str, str] = {"png": "PNG", "svg": "SVG", "pdf": "PDF"}
#: Export name → the label the card shows (declared with the dataset in datalayer.schema).
DATASET_LABELS: dict[str, str] = {
    spec.published.endpoint: spec.published.label
    for spec in schema.PUBLISHED
    if spec.published is not None
}
DATA_FORMATS: dict[str, str] = {
    "csv": "CSV (zip with README)",
    "geojson": "GeoJSON",
    "gpkg": "GeoPackage",
}
THEMES: dict[str, str] = {"light": "Light", "dark": "Dark"}
KIND_IMAGE, KIND_DATA, KIND_REPORT_HTML, KIND_REPORT_PDF = (
    "image",
    "data",
    "report-html",
    "report-pdf",
)
BUTTON_KINDS: dict[str, str] = {
    ids.EXPORT_IMAGE_BTN: KIND_IMAGE,
    ids.EXPORT_DATA_BTN: KIND_DATA,
    ids.EXPORT_REPORT_HTML_BTN: KIND_REPORT_HTML,
    ids.EXPORT_REPORT_PDF_BTN: KIND_REPORT_PDF,
}


@dataclass(frozen=True)
class ExportChoice:
    """What the user asked to export (the card's controls), validated by :func:`choice_from`."""

    kind: str
    figure: str = "map"
    image_format: str = "png"
    scale: int = 2
    dataset: str = "cables"
    data_format: str = "csv"
    theme: str = "light"


#: The card's initial choice (the kind is set by the button pressed).
DEFAULT = ExportChoice(kind=KIND_IMAGE)


def _pick(value: Any, allowed: dict[str, str] | tuple[Any, ...], default: Any) -> Any:
    return value if value in allowed else default


def choice_from(
    kind: str,
    figure: Any,
    image_format: Any,
    scale: Any,
    dataset: Any,
    data_format: Any,
    theme: Any,
) -> ExportChoice:
    """The controls' values as an :class:`ExportChoice`; anything unknown falls back."""
    return ExportChoice(
        kind=kind,
        figure=_pick(figure, FIGURE_LABELS, DEFAULT.figure),
        image_format=_pick(image_format, IMAGE_FORMATS, DEFAULT.image_format),
        scale=_pick(scale, images.SCALES, DEFAULT.scale),
        dataset=_pick(dataset, DATASET_LABELS, DEFAULT.dataset),
        data_format=_pick(data_format, DATA_FORMATS, DEFAULT.data_format),
        theme=_pick(theme, THEMES, DEFAULT.theme),
    )


def size_note(figure: str, image_format: str, scale: int) -> str:
    """The size of the image the current choice produces, e.g. ``2800 × 1800 px``."""
    width, height = images.export_size(_pick(figure, FIGURE_LABELS, DEFAULT.figure), None, None)
    if image_format == "png":
        return f"PNG {width * scale:,} × {height * scale:,} px ({scale}× of {width} × {height})"
    return f"{IMAGE_FORMATS.get(image_format, 'Vector')} (vector), {width} × {height}"


def _with_query(path: str, search: str | None, extra: dict[str, str]) -> str:
    query = (search or "").lstrip("?")
    tail = urlencode(extra)
    joined = "&".join(part for part in (query, tail) if part)
    return f"{path}?{joined}" if joined else path


def export_url(choice: ExportChoice, search: str | None) -> str:
    """The scriptable ``/export/…`` URL that returns the same file as the page's button."""
    if choice.kind == KIND_IMAGE:
        extra = {"theme": choice.theme}
        if choice.image_format == "png":
            extra["scale"] = str(choice.scale)
        path = f"{EXPORT_ROOT}/figure/{choice.figure}.{choice.image_format}"
        return _with_query(path, search, extra)
    if choice.kind == KIND_DATA:
        return _with_query(f"{EXPORT_ROOT}/{choice.dataset}.{choice.data_format}", search, {})
    fmt = "pdf" if choice.kind == KIND_REPORT_PDF else "html"
    return _with_query(f"{EXPORT_ROOT}/report.{fmt}", search, {"theme": choice.theme})


def build_export(ctx: AppContext, sel: Selection, choice: ExportChoice) -> meta.ExportFile:
    """The file ``choice`` asks for, for the page's selection ``sel`` (may raise ExportError)."""
    when = meta.utc_now()
    if choice.kind == KIND_IMAGE:
        content = images.export_named_figure(
            ctx,
            sel,
            choice.figure,
            choice.image_format,
            theme=choice.theme,
            scale=choice.scale if choice.image_format == "png" else 1,
        )
        filename = meta.export_filename(choice.figure, sel, choice.image_format, when)
        return meta.ExportFile(filename, images.MIME_TYPES[choice.image_format], content)
    if choice.kind == KIND_DATA:
        return tables.export_table(ctx, filters_only(sel), choice.dataset, choice.data_format, when)
    if choice.kind == KIND_REPORT_HTML:
        document = report.build_report_html(ctx, sel, choice.theme, when)
        filename = meta.export_filename("report", sel, "html", when)
        return meta.ExportFile(filename, "text/html; charset=utf-8", document.encode("utf-8"))
    if choice.kind == KIND_REPORT_PDF:
        pdf = report.build_report_pdf(ctx, sel, choice.theme, when)
        return meta.ExportFile(
            meta.export_filename("report", sel, "pdf", when), "application/pdf", pdf
        )
    raise ValueError(f"unknown export kind {choice.kind!r}")


def _size_text(n_bytes: int) -> str:
    if n_bytes >= 1024 * 1024:
        return f"{n_bytes / (1024 * 1024):.1f} MB"
    return f"{max(1, round(n_bytes / 1024))} kB"


#: What the card says while each kind of export is made.
PROGRESS_TEXT: dict[str, str] = {
    KIND_IMAGE: "Rendering the image…",
    KIND_DATA: "Writing the data file…",
    KIND_REPORT_HTML: "Writing the report…",
    KIND_REPORT_PDF: "Rendering the report's figures and printing the PDF…",
}


def run_export(
    ctx: AppContext, search: str | None, choice: ExportChoice
) -> tuple[meta.ExportFile | None, str]:
    """Export ``choice`` for the page URL's ``search``: the file (or ``None``) and a status line.

    Renderer failures become a readable status; the caller logs anything else.
    """
    sel, _ = parse_query(search or "", ctx.vocab)
    started = time.perf_counter()
    try:
        file = build_export(ctx, sel, choice)
    except (images.ExportError, report.ReportError) as exc:
        return None, f"Export failed: {exc}. Try again, or a smaller scale."
    seconds = time.perf_counter() - started
    detail = f"{_size_text(len(file.content))}, {seconds:.1f} s"
    if choice.kind == KIND_IMAGE:
        detail = f"{size_note(choice.figure, choice.image_format, choice.scale)}, {detail}"
    return file, f"Saved {file.filename} ({detail})."


def _dropdown(control_id: str, label: str, options: dict[str, str], value: str) -> html.Div:
    """A labelled, non-searchable single choice."""
    return labelled(
        label,
        dcc.Dropdown(
            id=control_id,
            options=[{"label": text, "value": key} for key, text in options.items()],
            value=value,
            clearable=False,
            searchable=False,
            className="control-dropdown",
        ),
        control_id,
    )


def _radio(control_id: str, options: dict[Any, str], value: Any) -> dcc.RadioItems:
    return dcc.RadioItems(
        id=control_id,
        options=[{"label": label, "value": key} for key, label in options.items()],
        value=value,
        inline=True,
        className="tabs export-radio",
    )


def export_card() -> html.Section:
    """Export buttons for images, data and the report, with their scriptable URLs."""
    image_group = html.Div(
        className="export-group",
        children=[
            html.H3("Image", className="export-heading"),
            _dropdown(ids.EXPORT_FIGURE, "Figure", FIGURE_LABELS, DEFAULT.figure),
            _radio(ids.EXPORT_IMAGE_FORMAT, IMAGE_FORMATS, DEFAULT.image_format),
            _radio(ids.EXPORT_SCALE, {s: f"{s}×" for s in images.SCALES}, DEFAULT.scale),
            html.P(id=ids.EXPORT_SIZE_NOTE, className="hint export-size"),
            html.Button(
                "Download image", id=ids.EXPORT_IMAGE_BTN, className="btn btn-primary", n_clicks=0
            ),
        ],
    )
    data_group = html.Div(
        className="export-group",
        children=[
            html.H3("Data of the selection", className="export-heading"),
            _dropdown(ids.EXPORT_DATASET, "Dataset", DATASET_LABELS, DEFAULT.dataset),
            _radio(ids.EXPORT_DATA_FORMAT, DATA_FORMATS, DEFAULT.data_format),
            html.P(
                "Owners and landing points as readable columns; licence and attribution inside.",
                className="hint",
            ),
            html.Button(
                "Download data", id=ids.EXPORT_DATA_BTN, className="btn btn-primary", n_clicks=0
            ),
        ],
    )
    report_group = html.Div(
        className="export-group",
        children=[
            html.H3("Report", className="export-heading"),
            html.P(
                "Filters, KPIs, map, charts, table, any route or cut scenario, sources. The "
                "HTML report is interactive and opens offline.",
                className="hint",
            ),
            labelled("Style", _radio(ids.EXPORT_THEME, THEMES, DEFAULT.theme), ids.EXPORT_THEME),
            html.Div(
                className="export-buttons",
                children=[
                    html.Button(
                        "HTML report",
                        id=ids.EXPORT_REPORT_HTML_BTN,
                        className="btn btn-primary",
                        n_clicks=0,
                    ),
                    html.Button(
                        "PDF report", id=ids.EXPORT_REPORT_PDF_BTN, className="btn", n_clicks=0
                    ),
                ],
            ),
        ],
    )
    return html.Section(
        id=ids.EXPORT_CARD,
        className="card export-card",
        children=[
            html.H2("Export this view", className="card-title"),
            html.P(
                "Every file states the active filters, the data attribution and the data date.",
                className="hint",
            ),
            html.Div(className="export-grid", children=[image_group, data_group, report_group]),
            # While an export is made (off the server's request threads): what it is doing and
            # a way to stop it.
            html.Div(
                className="export-running",
                children=[
                    html.Span(id=ids.EXPORT_PROGRESS, className="hint", role="status"),
                    html.Button(
                        "Cancel export",
                        id=ids.EXPORT_CANCEL,
                        className="btn",
                        n_clicks=0,
                        style={"display": "none"},
                    ),
                ],
            ),
            html.Div(id=ids.EXPORT_STATUS, className="export-status", role="status"),
            html.P(
                className="hint export-links",
                children=[
                    "For scripts, the same files: ",
                    html.A(id=ids.EXPORT_IMAGE_LINK, href="#", className="export-link"),
                    " · ",
                    html.A(id=ids.EXPORT_DATA_LINK, href="#", className="export-link"),
                ],
            ),
            dcc.Download(id=ids.EXPORT_DOWNLOAD),
        ],
    )
