"""A standalone report of the current view, as one HTML file or as a PDF.

The HTML report is self-contained: plotly.js is inlined once in ``<head>``, the map carries its
basemap as inline GeoJSON, styles are inline and fonts are the reader's own, and a
Content-Security-Policy forbids the page any network request, so it opens offline and leaks
nothing when opened online. Every string from the data is escaped with :func:`html.escape`
(figure labels are escaped for Plotly by the figure builders, and Plotly's JSON encoder escapes
``<``, ``>`` and ``/`` inside the ``<script>`` blocks).

The PDF is a simpler HTML page with the figures as PNG images (rendered by the kaleido server,
inlined as ``data:`` URIs) printed by headless Chromium in a subprocess with a timeout, the
whole report holding one slot of the process's render gate (:mod:`export.renderer`).
"""

from __future__ import annotations

import base64
import contextlib
import html
import math
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from analysis.cuts import STATUS_CUT_OFF, STATUS_SLOWER, CutImpact
from analysis.routing import RouteResult
from config import CHROMIUM_FLAGS, browser_path
from datalayer.query import to_query
from datalayer.selection import Selection
from export import images, meta, workdir
from export.hubs_section import hubs_html, multiples_figure
from export.renderer import (
    ExportError,
    RendererUnavailable,
    mark_unusable,
    render_slot,
)
from figures.analysis_layers import ROUTE_NAMES
from figures.layers import layers_of
from figures.summaries import kpis
from figures.theme import Theme, get_theme
from services.analysis_run import AnalysisResults, cut_comparison, run_analysis
from services.context import AppContext
from services.population import SOURCE_FILES, ShareLine, population_text, shown_for
from services.view_figures import CHART_NAMES

TOP_CABLES = 20
OWNERS_SHOWN = 4
#: Rows of the cut-impact table in the report (the API has them all).
CUT_ROWS = 25
#: The report's own height for the map (CSS px); the charts keep their page heights.
MAP_HEIGHT = 600
PLOTLY_CONFIG = {
    "displaylogo": False,
    "showSendToCloud": False,
    "responsive": True,
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
#: No network at all: inline scripts and styles, data:/blob: images and workers (MapLibre).
CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval' blob:; "
    "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
    "connect-src data: blob:; worker-src blob:; child-src blob:; base-uri 'none'; "
    "form-action 'none'"
)
#: Runs before plotly.js, and only on pages opened from file://. MapLibre (bundled in plotly.js)
#: starts its web worker as a *module* worker from a blob: URL. Chrome gives a file:// page's
#: blobs the origin "null": MapLibre takes that for cross-origin and wraps the worker in a second
#: blob (``import "blob:null/…"``), and Chrome refuses module workers from such blobs, so the
#: map stays blank without an error. The shim (1) drops the worker bundle's unused
#: ``export{… as default}`` so it also runs as a classic script, (2) hands MapLibre the original
#: worker blob instead of the wrapper, and (3) starts blob: workers as classic workers. If a
#: future MapLibre stops matching these patterns the shim does nothing (the e2e test notices).
WORKER_SHIM = r"""
(function () {
  if (location.protocol !== "file:" || !window.Blob || !window.URL || !window.Worker) return;
  var NativeBlob = window.Blob, NativeWorker = window.Worker;
  var nativeCreate = URL.createObjectURL.bind(URL);
  var EXPORT_TAIL = /export\s*\{\s*[\w$]+\s+as\s+default\s*\}\s*;?(\s*\/\*[\s\S]*\*\/)?\s*$/;
  var WRAPPER = /^import ("blob:[^"]+")$/;
  var scripts = {};
  URL.createObjectURL = function (obj) {
    var url = nativeCreate(obj);
    if (obj instanceof NativeBlob && /javascript/.test(obj.type || "")) scripts[url] = obj;
    return url;
  };
  function ShimBlob(parts, options) {
    if (parts && parts.length === 1 && typeof parts[0] === "string") {
      var match = WRAPPER.exec(parts[0]);
      var inner = match && scripts[JSON.parse(match[1])];
      if (inner) return new NativeBlob([inner], options);
      if (options && /javascript/.test(options.type || "") && EXPORT_TAIL.test(parts[0])) {
        return new NativeBlob([parts[0].replace(EXPORT_TAIL, "$1")], options);
      }
    }
    return new NativeBlob(parts, options);
  }
  ShimBlob.prototype = NativeBlob.prototype;
  window.Blob = ShimBlob;
  function ShimWorker(url, options) {
    if (String(url).indexOf("blob:") === 0 && options && options.type === "module") {
      var classic = {};
      for (var key in options) if (key !== "type") classic[key] = options[key];
      return new NativeWorker(url, classic);
    }
    return new NativeWorker(url, options);
  }
  ShimWorker.prototype = NativeWorker.prototype;
  window.Worker = ShimWorker;
})();
"""
FONT_STACK = "'DejaVu Sans', 'Segoe UI', Arial, sans-serif"

PDF_TIMEOUT_S = 90
#: The shared flags, plus what a one-shot print needs.
PRINT_FLAGS = (
    *CHROMIUM_FLAGS,
    "--disable-extensions",
    "--no-default-browser-check",
    "--mute-audio",
    "--no-pdf-header-footer",
    "--run-all-compositor-stages-before-draw",
)
# One print at a time: a second Chromium next to kaleido's would starve two cores.
_print_lock = threading.Lock()

_esc = html.escape


def _number(value: float) -> str:
    return f"{value:,.0f}"


def _kpi_items(ctx: AppContext, sel: Selection) -> list[tuple[str, str]]:
    filtered = ctx.select(sel)
    numbers = kpis(filtered.cables, filtered.landing_points, filtered.facilities)
    missing = int(numbers["km_missing"])
    km_label = "km (published lengths" + (f"; {missing} not published)" if missing else ")")
    return [
        (_number(numbers["cables"]), "cables"),
        (_number(numbers["km"]), km_label),
        (_number(numbers["landing_points"]), "landing points"),
        (_number(numbers["countries"]), "countries with a landing"),
        (_number(numbers["facilities"]), "IX facilities"),
    ]


def _kpis_html(items: Sequence[tuple[str, str]]) -> str:
    cells = "".join(
        f'<div class="kpi"><div class="kpi-value">{_esc(v)}</div>'
        f'<div class="kpi-label">{_esc(label)}</div></div>'
        for v, label in items
    )
    return f'<section class="kpis" aria-label="Key figures">{cells}</section>'


def _top_cables(cables: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The longest cables of the selection (published length), then by name."""
    ordered = cables.assign(_km=cables["length_km"].fillna(-1.0)).sort_values(
        ["_km", "name"], ascending=[False, True]
    )
    return ordered.head(TOP_CABLES)


def _owners_text(owners: Sequence[str]) -> str:
    shown = ", ".join(owners[:OWNERS_SHOWN])
    more = len(owners) - OWNERS_SHOWN
    return shown + (f" +{more} more" if more > 0 else "")


def _cables_table_html(ctx: AppContext, sel: Selection) -> str:
    cables = ctx.select(sel).cables
    if cables.empty:
        return '<p class="note">No cable matches the filters.</p>'
    top = _top_cables(cables)
    rows = []
    for _, row in top.iterrows():
        length = row["length_km"]
        year = "" if pd.isna(row["rfs_year"]) else str(int(row["rfs_year"]))
        km = "—" if pd.isna(length) else _number(float(length))
        rows.append(
            "<tr>"
            f"<td>{_esc(str(row['name']))}</td>"
            f"<td>{_esc(_owners_text([str(o) for o in row['owners']]))}</td>"
            f'<td class="num">{year}</td>'
            f'<td class="nowrap">{"planned" if row["is_planned"] else "in service"}</td>'
            f'<td class="num">{km}</td>'
            f'<td class="num">{len(row["landing_point_ids"])}</td>'
            "</tr>"
        )
    caption = f"Longest cables of the selection ({len(top)} of {len(cables)}, by published length)"
    return (
        f'<table class="data"><caption>{_esc(caption)}</caption><thead><tr>'
        '<th scope="col">Cable</th><th scope="col">Owners</th><th scope="col">RFS</th>'
        '<th scope="col">Status</th><th scope="col">Length (km)</th>'
        '<th scope="col">Landings</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _ms(value: float | None) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:,.1f}"


def _route_html(route: RouteResult, before: RouteResult | None) -> str:
    comparison = cut_comparison(route, before)
    head = (f'<p class="note"><strong>{_esc(comparison)}</strong></p>' if comparison else "") + (
        f"<h3>Route {_esc(route.source.name)} → {_esc(route.target.name)}</h3>"
        f'<p class="note">{_esc(route.message)} Great-circle floor: '
        f"{_number(route.great_circle_km)} km, RTT {_ms(route.floor_rtt_ms)} ms.</p>"
    )
    if not route.reachable:
        return head
    rows = []
    for label, path in zip(ROUTE_NAMES, route.routes, strict=False):
        rows.append(
            "<tr>"
            f"<td>{_esc(label)}</td>"
            f"<td>{_esc(', '.join(path.cable_names))}</td>"
            f'<td class="num">{len(path.hops)}</td>'
            f'<td class="num">{_number(path.km)}</td>'
            f'<td class="num">{_ms(path.one_way_ms)}</td>'
            f'<td class="num">{_ms(path.rtt_ms)}</td>'
            "</tr>"
        )
    return (
        head + '<table class="data"><thead><tr><th scope="col">Path</th>'
        '<th scope="col">Cables</th><th scope="col">Hops</th><th scope="col">km</th>'
        '<th scope="col">One-way (ms)</th><th scope="col">RTT (ms)</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _cut_html(impact: CutImpact, scenario_text: str | None) -> str:
    summary = impact.summary()
    cut = ", ".join(impact.cable_names.get(c, c) for c in impact.cut_cable_ids) or "—"
    n_ignored = summary["cables_ignored"]
    ignored = f"; {n_ignored} ignored, not in service" if n_ignored else ""
    parts = [
        f"<h3>Cut impact (hub {_esc(impact.hub.name)})</h3>",
        f'<p class="note">{_esc(scenario_text)}</p>' if scenario_text else "",
        f"<p>Cut ({summary['cables_cut']} cables{ignored}): {_esc(cut)}. Landing points that lose every path to the hub: "
        f"{summary['points_disconnected']}; slower: {summary['points_slower']} (mean "
        f"+{_ms(summary['mean_increase_ms'])} ms, max +{_ms(summary['max_increase_ms'])} ms). "
        f"Countries cut off: {_esc(', '.join(impact.countries_cut_off) or 'none')}.</p>",
        f'<p class="note">{_esc(impact.methodology)}</p>',
    ]
    affected = impact.table[impact.table["status"].isin([STATUS_CUT_OFF, STATUS_SLOWER])].head(
        CUT_ROWS
    )
    if not affected.empty:
        rows = [
            "<tr>"
            f"<td>{_esc(str(r['name']))}</td><td>{_esc(str(r['country']))}</td>"
            f"<td>{_esc(str(r['status']))}</td>"
            f'<td class="num">{_ms(float(r["baseline_rtt_ms"]))}</td>'
            f'<td class="num">{_ms(float(r["cut_rtt_ms"]))}</td>'
            f'<td class="num">{_ms(float(r["increase_ms"]))}</td>'
            "</tr>"
            for _, r in affected.iterrows()
        ]
        parts.append(
            f'<table class="data"><caption>Most affected landing points ({len(affected)} of '
            f"{len(impact.table)} examined)</caption><thead><tr>"
            '<th scope="col">Landing point</th><th scope="col">Country</th>'
            '<th scope="col">Status</th><th scope="col">RTT before (ms)</th>'
            '<th scope="col">RTT after (ms)</th><th scope="col">Increase (ms)</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
    return "".join(parts)


def analysis_html(ctx: AppContext, sel: Selection, analysis: AnalysisResults | None = None) -> str:
    """The route and cut-scenario results of ``sel`` (empty when it asks for neither).

    ``analysis`` is ``run_analysis(ctx, sel)`` when the caller has it already.
    """
    analysis = analysis if analysis is not None else run_analysis(ctx, sel)
    parts = []
    if analysis.route is not None:
        parts.append(_route_html(analysis.route, analysis.route_before))
    if analysis.impact is not None:
        parts.append(_cut_html(analysis.impact, analysis.scenario_text))
    if not parts:
        return ""
    caveat = (analysis.route or analysis.impact).caveat  # type: ignore[union-attr]
    return "<h2>Analysis</h2>" + "".join(parts) + f'<p class="note">{_esc(caveat)}</p>'


def _share_rows(caption: str, column: str, lines: Sequence[ShareLine]) -> str:
    rows = "".join(
        f'<tr><td>{_esc(line.label)}</td><td class="num">{_esc(line.share)}</td>'
        f'<td class="num">{_esc(line.detail)}</td></tr>'
        for line in lines
    )
    return (
        f'<table class="data"><caption>{_esc(caption)}</caption><thead><tr>'
        f'<th scope="col">{_esc(column)}</th><th scope="col">Share of residents</th>'
        f'<th scope="col">Residents</th></tr></thead><tbody>{rows}</tbody></table>'
    )


def population_html(ctx: AppContext, sel: Selection) -> str:
    """Marseille's population-weighted FTTH and coverage shares, when ``sel`` shows the FTTH or
    coverage layer (empty otherwise, or when the data carry no population)."""
    text = population_text(ctx.data) if shown_for(layers_of(sel)) else None
    if text is None:
        return ""
    notes = "".join(f'<p class="note">{_esc(note)}</p>' for note in text.notes)
    return (
        f'<section class="population"><h2>{_esc(text.title)}</h2><p>{_esc(text.population)}</p>'
        f"{_share_rows(text.ftth_heading, 'FTTH class (premises connectable)', text.ftth)}"
        f"{_share_rows(text.coverage_heading, 'Operator', text.coverage)}{notes}</section>"
    )


def _hubs_html(ctx: AppContext, sel: Selection, theme: Theme, printable: bool) -> str:
    """The hubs section with its small multiples (interactive, or a PNG for the PDF)."""
    fig = multiples_figure(ctx, sel, dark=theme.name == "dark")
    if fig is None:
        return ""
    title = "Cables in service over time, the best connected hubs"
    height = int(fig.layout.height or 360) + 30
    fig.update_layout(title={"text": title, "x": 0.01}, margin={"t": 60}, height=height)
    figure = (
        _png_img(fig, 900, height, title) if printable else _figure_div(fig, "report-hubs", height)
    )
    return hubs_html(ctx, sel, figure)


def _report_files(sel: Selection) -> list[str]:
    shares = SOURCE_FILES if shown_for(layers_of(sel)) else ()
    # The hubs section counts landing points, cables, IX buildings and data centres.
    return list(
        dict.fromkeys(
            [
                *meta.map_files(sel),
                "cables.geojson",
                "landing_points.geojson",
                "facilities.geojson",
                "datacentres.geojson",
                *shares,
            ]
        )
    )


def _credits_html(ctx: AppContext, sel: Selection) -> str:
    """Attribution, licence (its URL as plain text, never a link) and date of every dataset,
    then every licence of the report's data (and the share-alike terms only when present)."""
    credits = meta.credits_for(ctx, _report_files(sel))
    items = []
    for credit in credits:
        items.append(
            f"<li><strong>{_esc(credit.title)}</strong> ({_esc(credit.data_date)}): "
            f"{_esc(credit.attribution)}. Licence: {_esc(credit.licence)}, "
            f'<span class="url">{_esc(credit.licence_url)}</span></li>'
        )
    share_alike = (
        '<p class="note">The TeleGeography data (cables, landing points, IX buildings) is '
        "licensed CC BY-NC-SA 3.0: non-commercial use only, with attribution, and anything "
        "derived from it (this report included) must be shared under the same licence.</p>"
        if any("CC BY-NC-SA" in c.licence for c in credits)
        else ""
    )
    return (
        '<section class="credits"><h2>Sources, attribution and licences</h2>'
        f"<ul>{''.join(items)}</ul>"
        f'<p class="licences">{_esc(meta.licence_line(credits))}</p>{share_alike}'
        "</section>"
    )


def _style(theme: Theme, printable: bool = False) -> str:
    page = "@page { size: A4; margin: 12mm; }" if printable else ""
    return f"""
{page}
* {{ box-sizing: border-box; }}
body {{ margin: 0; padding: {"0" if printable else "24px"}; background: {theme.paper};
  color: {theme.text}; font-family: {FONT_STACK}; font-size: 14px; line-height: 1.45; }}
main {{ max-width: 1200px; margin: 0 auto; }}
h1 {{ font-size: 24px; margin: 0 0 4px; }}
h2 {{ font-size: 17px; margin: 24px 0 8px; }}
.filters {{ font-size: 15px; margin: 0 0 4px; }}
.meta, .note {{ font-size: 12px; opacity: 0.8; margin: 2px 0; }}
.kpis {{ display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }}
.kpi {{ flex: 1 1 120px; border: 1px solid {theme.grid}; border-radius: 6px; padding: 8px 12px; }}
.kpi-value {{ font-size: 22px; font-weight: bold; }}
.kpi-label {{ font-size: 12px; opacity: 0.8; }}
.figure {{ border: 1px solid {theme.grid}; border-radius: 6px; margin: 0 0 16px; overflow: hidden;
  break-inside: avoid; page-break-inside: avoid; }}
.figure img {{ display: block; width: 100%; height: auto; }}
.charts {{ display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }}
.charts > .figure {{ min-width: 0; }}
@media (max-width: 900px) {{ .charts {{ grid-template-columns: 1fr; }} }}
table.data {{ border-collapse: collapse; width: 100%; font-size: 12px; }}
table.data caption {{ text-align: left; font-weight: bold; padding: 4px 0; }}
table.data th, table.data td {{ border-bottom: 1px solid {theme.grid}; padding: 4px 6px;
  text-align: left; vertical-align: top; }}
table.data td.num {{ text-align: right; white-space: nowrap; }}
table.data td.nowrap {{ white-space: nowrap; }}
table.data tr {{ break-inside: avoid; page-break-inside: avoid; }}
.hubs table.data {{ font-size: 11px; margin: 8px 0 16px; }}
.credits ul {{ padding-left: 18px; font-size: 12px; }}
.url {{ word-break: break-all; }}
{".charts { display: block; }" if printable else ""}
"""


def _header_html(ctx: AppContext, sel: Selection, when: datetime) -> str:
    credits = meta.credits_for(ctx, _report_files(sel))
    query = to_query(sel) or "(none: the default view)"
    return (
        f"<header><h1>Landfall report: {_esc(meta.region_name(ctx, sel.region))}</h1>"
        f'<p class="filters"><strong>View:</strong> {_esc(meta.describe_selection(sel, ctx))}</p>'
        f'<p class="meta">Query: <code>{_esc(query)}</code> · generated '
        f"{_esc(f'{when:%Y-%m-%d %H:%M} UTC')} · data date {_esc(meta.data_date_text(credits))}</p>"
        "</header>"
    )


def _document(title: str, style: str, head_extra: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_esc(CSP)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{_esc(title)}</title><style>{style}</style>{head_extra}</head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def _figure_div(fig: go.Figure, div_id: str, height: int) -> str:
    fig.update_layout(height=height, autosize=True)
    fig.layout.width = None
    div = pio.to_html(
        fig,
        include_plotlyjs=False,
        full_html=False,
        config=PLOTLY_CONFIG,
        div_id=div_id,
        default_width="100%",
        default_height=f"{height}px",
        validate=False,
    )
    return f'<div class="figure">{div}</div>'


def report_title(ctx: AppContext, sel: Selection) -> str:
    """The document title: ``Landfall report — <filters>``."""
    return f"Landfall report — {meta.describe_selection(sel, ctx)}"


def build_report_html(
    ctx: AppContext, sel: Selection, theme: Theme | str | None = None, when: datetime | None = None
) -> str:
    """The standalone interactive HTML report of ``sel``: filters, KPIs, map, charts, table."""
    chosen = theme if isinstance(theme, Theme) else get_theme(theme)
    when = when or meta.utc_now()
    analysis = run_analysis(ctx, sel)
    map_fig = images.build_figure(
        ctx, sel, "map", chosen, width=1150, height=MAP_HEIGHT, analysis=analysis
    )
    parts = [
        _header_html(ctx, sel, when),
        _kpis_html(_kpi_items(ctx, sel)),
        "<h2>Map</h2>",
        _figure_div(map_fig, "report-map", MAP_HEIGHT),
        "<h2>Charts</h2>",
        '<div class="charts">',
    ]
    for name in CHART_NAMES:
        fig = images.build_figure(ctx, sel, name, chosen)
        height = int(fig.layout.height or 360)
        parts.append(_figure_div(fig, f"report-{name}", height))
    parts += [
        "</div>",
        "<h2>Cables</h2>",
        _cables_table_html(ctx, sel),
        population_html(ctx, sel),
        analysis_html(ctx, sel, analysis),
        _hubs_html(ctx, sel, chosen, printable=False),
        _credits_html(ctx, sel),
    ]
    # plotly.js once, inline: the figures' <script> blocks call it after the page parsed.
    plotly_js = (
        f'<script type="text/javascript">{WORKER_SHIM}</script>'
        f'<script type="text/javascript">{get_plotlyjs()}</script>'
    )
    return _document(report_title(ctx, sel), _style(chosen), plotly_js, "".join(parts))


def _png_img(fig: go.Figure, width: int, height: int, alt: str) -> str:
    png = images.export_figure(fig, "png", scale=2, width=width, height=height)
    data = base64.b64encode(png).decode("ascii")
    return f'<div class="figure"><img alt="{_esc(alt)}" src="data:image/png;base64,{data}"></div>'


def build_report_print_html(
    ctx: AppContext, sel: Selection, theme: Theme | str | None = None, when: datetime | None = None
) -> str:
    """The report with static PNG figures (no script): the page the PDF is printed from."""
    chosen = theme if isinstance(theme, Theme) else get_theme(theme)
    when = when or meta.utc_now()
    map_w, map_h = 1100, 720
    analysis = run_analysis(ctx, sel)
    map_fig = images.build_figure(
        ctx, sel, "map", chosen, width=map_w, height=map_h, analysis=analysis
    )
    parts = [
        _header_html(ctx, sel, when),
        _kpis_html(_kpi_items(ctx, sel)),
        _png_img(map_fig, map_w, map_h, "Map of the selected cables, landing points and IXs"),
    ]
    for name in CHART_NAMES:
        fig = images.build_figure(ctx, sel, name, chosen)
        height = int(fig.layout.height or 360)
        title = images.heading(fig, name)
        parts.append(_png_img(fig, 900, height, title))
    parts += [
        _cables_table_html(ctx, sel),
        population_html(ctx, sel),
        analysis_html(ctx, sel, analysis),
        _hubs_html(ctx, sel, chosen, printable=True),
        _credits_html(ctx, sel),
    ]
    return _document(report_title(ctx, sel), _style(chosen, printable=True), "", "".join(parts))


class ReportError(ExportError):
    """The PDF could not be printed; the message is safe to show to a client."""


def _print(command: list[str], timeout_s: float) -> int:
    """Run the printing browser; on timeout end it with every process it started."""
    # Its own session, so a timeout can end the browser's helpers too, not just the browser.
    with subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    ) as process:
        try:
            return process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired as exc:
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise ReportError("printing the PDF took too long") from exc


def html_to_pdf(document: str, timeout_s: float = PDF_TIMEOUT_S) -> bytes:
    """Print an HTML document to PDF with headless Chromium (its own profile, bounded time).

    Takes a render slot unless the caller holds one; the files live in the process's
    temporary folder (:mod:`export.workdir`).
    """
    with render_slot(), _print_lock:
        folder = Path(tempfile.mkdtemp(prefix="landfall-pdf-", dir=workdir.process_dir()))
        try:
            source = folder / "report.html"
            target = folder / "report.pdf"
            source.write_text(document, encoding="utf-8")
            command = [
                browser_path(),
                *PRINT_FLAGS,
                f"--user-data-dir={folder / 'profile'}",
                f"--print-to-pdf={target}",
                source.as_uri(),
            ]
            try:
                code = _print(command, timeout_s)
            except OSError as exc:
                mark_unusable(f"the browser cannot run ({exc.strerror})")
                raise RendererUnavailable(f"the browser cannot run ({exc.strerror})") from exc
            if not target.is_file():
                raise ReportError(f"Chromium printed no PDF (exit code {code})")
            pdf = target.read_bytes()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    if not pdf.startswith(b"%PDF"):
        raise ReportError("Chromium's output is not a PDF")
    return pdf


def build_report_pdf(
    ctx: AppContext, sel: Selection, theme: Theme | str | None = None, when: datetime | None = None
) -> bytes:
    """The report of ``sel`` as a PDF (A4): static figures, KPIs, table and credits.

    The whole report holds one render slot: its figures and its print take no other.
    """
    with render_slot():
        return html_to_pdf(build_report_print_html(ctx, sel, theme, when))
