"""Static images (PNG, SVG, PDF) of the page's map and charts, rendered by kaleido.

One kaleido browser (one headless Chromium, Debian's ``/usr/bin/chromium``) serves the whole
process: it starts on the first export and stops at exit; every render holds a slot of the
process's render gate and is bounded in time (see :mod:`export.renderer`), and a PNG's pixels are
bounded by :data:`MAX_PIXELS`. A figure keeps its look from the page; :func:`decorate` adds what a file handed to somebody
else needs: a title saying which filters were active, the data's attribution (the
CC BY-NC-SA licence requires it) and the data date.
"""

from __future__ import annotations

import atexit
import html
import math
import textwrap
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import orjson
import plotly.graph_objects as go
import plotly.io as pio

from datalayer.selection import Selection
from export import meta
from export.renderer import RENDER_TIMEOUT_S, RENDERER, render_slot
from export.renderer import ExportError as ExportError  # the exports' one error type
from figures.labels import inert
from figures.place_labels import map_style
from figures.theme import Theme, get_theme
from figures.view import MAP_HEIGHT_PX, MAP_WIDTH_PX, MAX_ZOOM, MIN_ZOOM
from services.analysis_run import AnalysisResults, run_analysis
from services.context import AppContext
from services.view_figures import (
    CHART_NAMES,
    chart_figure,
    chart_summaries,
    frame_question,
    selection_map,
)

ImageFormat = Literal["png", "svg", "pdf"]
FIGURE_NAMES: tuple[str, ...] = ("map", *CHART_NAMES)
FORMATS: tuple[str, ...] = ("png", "svg", "pdf")
MIME_TYPES: dict[str, str] = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
}
SCALES: tuple[int, ...] = (1, 2, 4)
MIN_PX, MAX_PX = 400, 3000
#: Default export size (CSS px) per figure: the map wants room, the charts a slide's shape.
DEFAULT_SIZE: dict[str, tuple[int, int]] = {
    "map": (1400, 900),
    "owners": (1000, 650),
    "years": (1000, 600),
    "countries": (1000, 650),
    "facilities": (1000, 650),
    "datacentres": (1000, 650),
}
#: Headings of the figures without their own title (the charts bring theirs).
MAP_HEADING = "Submarine cables, landing points and IX facilities"

#: The most pixels a PNG may have (width × height × scale²): 36 MP, e.g. 3000 × 3000 at 2×.
#: The card's largest image, the map at 4× (5600 × 3600 = 20 MP), renders in about 25 s; a
#: 3000 × 3000 map at 4× (144 MP) overruns any render timeout, and its PNG would be ~0.6 GB of
#: pixels in the browser.
MAX_PIXELS = 36_000_000

# Layout of the decorations, in CSS px.
PAD = 16
TITLE_SIZE, SUBTITLE_SIZE, FOOTER_SIZE = 18, 13, 11
LINE_HEIGHT = 1.35
#: Average glyph width as a share of the font size (DejaVu Sans, the fallback here, is wide).
GLYPH_EM = 0.58


def pixel_problem(width: int, height: int, scale: float) -> str | None:
    """Why a ``width``×``height`` PNG at ``scale`` is refused, or ``None`` if within budget."""
    pixels = int(width * scale) * int(height * scale)
    if pixels <= MAX_PIXELS:
        return None
    return (
        f"A {width} × {height} PNG at {scale:g}× is {pixels:,} pixels; the limit is "
        f"{MAX_PIXELS:,} pixels (e.g. 3000 × 3000 at 2×, or 1400 × 900 at 4×)."
    )


def stop_server(wait_s: float = RENDER_TIMEOUT_S + 15) -> None:
    """Stop this process's renderer browser if it runs (also runs at exit), waiting up to
    ``wait_s`` for a render in progress; past that the browser is killed under it."""
    if RENDERER.lock.acquire(timeout=wait_s):
        try:
            RENDERER.stop()
        finally:
            RENDERER.lock.release()
    else:
        RENDERER.kill()


atexit.register(stop_server)


def export_figure(
    fig: go.Figure, fmt: ImageFormat | str, *, scale: float = 1, width: int, height: int
) -> bytes:
    """``fig`` as PNG, SVG or PDF bytes; a PNG is ``width×scale`` by ``height×scale`` pixels.

    Takes a render slot unless the caller holds one. Raises :class:`ExportError` when the
    renderer fails (:class:`RendererUnavailable` without a usable browser) or stays busy
    (:class:`RendererBusy`), and ``ValueError`` for a PNG over :data:`MAX_PIXELS`.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unsupported image format {fmt!r}")
    problem = pixel_problem(width, height, scale if fmt == "png" else 1)
    if problem:
        raise ValueError(problem)
    opts = {"format": fmt, "width": int(width), "height": int(height), "scale": scale}
    with render_slot():
        return RENDERER.render(fig, opts, pio.defaults.topojson)


@lru_cache(maxsize=8)
def _parse_geojson(raw: bytes) -> Mapping[str, Any]:
    # Keyed by the bytes object itself: bytes cache their hash, so a hit costs nothing.
    parsed: Mapping[str, Any] = orjson.loads(raw)
    return parsed


#: The app's glyph files as a ``file:`` URL template: Kaleido's Chromium reads local files.
GLYPHS_FILE_URL = (
    Path(__file__).resolve().parent.parent / "assets" / "glyphs"
).as_uri() + "/{fontstack}/{range}.pbf"


def inline_basemap(fig: go.Figure, ctx: AppContext, theme: Theme) -> go.Figure:
    """``fig`` with the basemap layers' app URLs replaced by the GeoJSON itself (in place).

    Kaleido's Chromium and a standalone report cannot fetch ``/basemap/*.geojson`` from the app.
    The place names come inline too, in ``theme``'s colours, with the glyphs read from disk
    (:data:`GLYPHS_FILE_URL`; where that path does not exist, MapLibre draws the names with a
    local font instead).
    """
    if fig.layout.map is not None and isinstance(fig.layout.map.style, dict):
        fig.layout.map.style = map_style(
            labels=dict(_parse_geojson(ctx.data.place_labels)),
            glyphs=GLYPHS_FILE_URL,
            theme=theme,
        )
    sources = {
        ctx.map.land_url: _parse_geojson(ctx.data.basemap_land),
        ctx.map.borders_url: _parse_geojson(ctx.data.basemap_borders),
        **{
            land.url: _parse_geojson(ctx.data.basemap_finer[land.key])
            for land in ctx.map.finer_land
        },
    }
    layers = fig.layout.map.layers if fig.layout.map is not None else ()
    for layer in layers:
        if isinstance(layer.source, str) and layer.source in sources:
            layer.source = sources[layer.source]
    return fig


def _export_zoom(zoom: float, width: int, height: int) -> float:
    """The fitted zoom for a ``width``×``height`` map instead of the page's typical size.

    Adding log2 of the smaller size ratio keeps the fitted box inside the larger frame. The
    zoom never shows the world narrower than the frame (512 px × 2^zoom), which would repeat
    slivers of it at both edges.
    """
    gain = math.log2(min(width / MAP_WIDTH_PX, height / MAP_HEIGHT_PX))
    whole_world = math.log2(width / 512) + 0.03
    return round(min(max(zoom + gain, MIN_ZOOM, whole_world), MAX_ZOOM), 2)


def build_figure(
    ctx: AppContext,
    sel: Selection,
    name: str,
    theme: Theme | str | None,
    *,
    width: int | None = None,
    height: int | None = None,
    analysis: AnalysisResults | None = None,
) -> go.Figure:
    """The page's figure ``name`` for ``sel``, from the page's own builders.

    ``analysis`` is the selection's route and cut, when the caller has it already. The map gets
    its basemap inline and, when ``sel`` has no map view, a zoom fitted to
    ``width``×``height`` (its plot area).
    """
    chosen = theme if isinstance(theme, Theme) else get_theme(theme)
    filtered = ctx.select(sel)
    if name == "map":
        analysis = analysis if analysis is not None else run_analysis(ctx, sel)
        if sel.view is not None:
            centre = {"lon": sel.view.lon, "lat": sel.view.lat}
            zoom = sel.view.zoom
        else:
            # The page's view of the question (a route, the facilities asked about), without
            # the page's details panel.
            framing = frame_question(sel, filtered, analysis, panel=False)
            centre, zoom = framing.centre, framing.zoom
            if width and height:
                zoom = _export_zoom(zoom, width, height)
        fig = selection_map(
            ctx,
            sel,
            filtered,
            analysis,
            chosen,
            center=centre,
            zoom=zoom,
            uirevision="export",
            # A picture cannot be clicked: its note says what was simplified, not how to zoom.
            interactive=False,
        )
        return inline_basemap(fig, ctx, chosen)
    if name in CHART_NAMES:
        return chart_figure(name, chart_summaries(filtered)[name], chosen)
    raise ValueError(f"unknown figure {name!r}")


def figure_files(sel: Selection, name: str) -> list[str]:
    """The dataset files figure ``name`` shows (whose credits it must carry)."""
    if name == "map":
        return meta.map_files(sel)
    return {
        "owners": ["cables.geojson"],
        "years": ["cables.geojson"],
        "countries": ["landing_points.geojson", "cables.geojson"],
        "facilities": ["facilities.geojson"],
        "datacentres": ["datacentres.geojson"],
    }[name]


def _chars(width_px: float, font_px: float) -> int:
    return max(20, int(width_px / (font_px * GLYPH_EM)))


def _wrap(text: str, chars: int) -> list[str]:
    return textwrap.wrap(text, chars, break_on_hyphens=False) or [""]


def _pseudo_html(lines: Sequence[str]) -> str:
    # Plotly labels are pseudo-HTML: text from data must not become tags (see labels.inert).
    # Plotly decodes numeric entities but not "&quot;", which it would show literally.
    return "<br>".join(inert(line, limit=10_000).replace("&quot;", "&#34;") for line in lines)


def _left_margin(fig: go.Figure) -> int:
    """A left margin wide enough for the y labels (horizontal bars label every bar)."""
    longest = 0
    for trace in fig.data:
        if getattr(trace, "orientation", None) == "h" and trace.y is not None:
            # The labels are escaped (``&amp;``): measure the text a reader sees.
            longest = max([longest, *(len(html.unescape(str(v))) for v in trace.y)])
    if longest:
        return int(longest * 12 * GLYPH_EM) + 24
    has_axes = any(k.startswith("yaxis") for k in fig.layout.to_plotly_json())
    return 70 if has_axes else PAD


def _bottom_axis_space(fig: go.Figure) -> int:
    """Room below the plot area that the x axis needs (ticks, and its title if any)."""
    layout = fig.layout.to_plotly_json()
    axes = [v for k, v in layout.items() if k.startswith("xaxis") and isinstance(v, dict)]
    if not axes:
        return 0
    if all(a.get("visible") is False for a in axes):
        return 8
    titled = any((a.get("title") or {}).get("text") for a in axes)
    return 62 if titled else 34


def decorate(
    fig: go.Figure,
    title: str,
    attribution: Sequence[str],
    data_date: str,
    *,
    subtitle: str | None = None,
    width: int | None = None,
    height: int | None = None,
) -> go.Figure:
    """A copy of ``fig`` with a title (and filter subtitle) above and the credits below.

    All text is plain (it is escaped here). The figure is sized ``width``×``height`` (default:
    its own size or 1000×650), and the margins grow to fit the wrapped title and footer so
    nothing overlaps the plot.
    """
    out = go.Figure(fig)
    width = int(width or out.layout.width or 1000)
    height = int(height or out.layout.height or 650)
    text_px = width - 2 * PAD
    title_lines = _wrap(title, _chars(text_px, TITLE_SIZE))
    sub_lines = _wrap(subtitle, _chars(text_px, SUBTITLE_SIZE)) if subtitle else []
    footer_chars = _chars(text_px, FOOTER_SIZE)
    # The credits run on as one paragraph: one line each would eat a small map's height.
    footer_lines = [
        *_wrap(" · ".join(attribution), footer_chars),
        *_wrap(f"Data date: {data_date}", footer_chars),
    ]

    title_h = len(title_lines) * TITLE_SIZE * LINE_HEIGHT
    sub_h = len(sub_lines) * SUBTITLE_SIZE * LINE_HEIGHT
    top = int(PAD + title_h + (sub_h + 8 if sub_lines else 0) + PAD)
    footer_h = int(len(footer_lines) * FOOTER_SIZE * LINE_HEIGHT) + 4
    axis_space = _bottom_axis_space(out)
    left = _left_margin(out)
    right = PAD if not any(k.startswith("yaxis2") for k in out.layout.to_plotly_json()) else 70
    font = out.layout.font
    colour = font.color if font is not None and font.color else "#1d2330"

    title_spec: dict[str, Any] = {
        "text": f"<b>{_pseudo_html(title_lines)}</b>",
        "font": {"size": TITLE_SIZE, "color": colour},
        "x": 0,
        "xref": "container",
        "xanchor": "left",
        "y": 1,
        "yref": "container",
        "yanchor": "top",
        "pad": {"l": PAD, "t": PAD},
    }
    if sub_lines:
        title_spec["subtitle"] = {
            "text": _pseudo_html(sub_lines),
            "font": {"size": SUBTITLE_SIZE, "color": colour},
        }
    out.update_layout(
        title=title_spec,
        width=width,
        height=height,
        autosize=False,
        margin={"l": left, "r": right, "t": top, "b": axis_space + footer_h + PAD, "pad": 0},
    )
    out.add_annotation(
        text=_pseudo_html(footer_lines),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        # Pixel shifts put the footer at the image's left edge, below the x axis's labels.
        xshift=-(left - PAD),
        yshift=-axis_space,
        align="left",
        showarrow=False,
        font={"size": FOOTER_SIZE, "color": colour},
        name="attribution",
    )
    return out


def heading(fig: go.Figure, name: str) -> str:
    """The figure's own title as plain text (the charts have one; the map does not)."""
    if name == "map":
        return MAP_HEADING
    text = fig.layout.title.text if fig.layout.title is not None else None
    # The chart titles are the code's own text, possibly with entities: decorate re-escapes.
    return html.unescape(str(text)) if text else name.capitalize()


def export_size(name: str, width: int | None, height: int | None) -> tuple[int, int]:
    """The requested size, or the figure's default size."""
    default_w, default_h = DEFAULT_SIZE[name]
    return int(width or default_w), int(height or default_h)


def decorated_figure(
    ctx: AppContext,
    sel: Selection,
    name: str,
    theme: Theme | str | None = None,
    *,
    width: int | None = None,
    height: int | None = None,
) -> go.Figure:
    """Figure ``name`` for ``sel``, decorated with its filters, credits and data date."""
    w, h = export_size(name, width, height)
    # The route and cut are worked out once, for the figure and its fitted zoom.
    analysis = run_analysis(ctx, sel) if name == "map" else None
    fig = build_figure(ctx, sel, name, theme, analysis=analysis)
    credits = meta.credits_for(ctx, figure_files(sel, name))
    out = decorate(
        fig,
        heading(fig, name),
        [*meta.attribution_lines(credits), meta.licence_line(credits)],
        meta.data_date_text(credits),
        subtitle=meta.describe_selection(sel, ctx),
        width=w,
        height=h,
    )
    if name == "map" and sel.view is None:
        # Fit the selection to the map's own area: the image minus the decorations.
        margin = out.layout.margin
        plot_w = w - int(margin.l or 0) - int(margin.r or 0)
        plot_h = h - int(margin.t or 0) - int(margin.b or 0)
        assert analysis is not None
        zoom = frame_question(sel, ctx.select(sel), analysis, panel=False).zoom
        out.layout.map.zoom = _export_zoom(zoom, max(plot_w, 100), max(plot_h, 100))
    return out


def export_named_figure(
    ctx: AppContext,
    sel: Selection,
    name: str,
    fmt: ImageFormat | str,
    *,
    theme: Theme | str | None = None,
    scale: float = 1,
    width: int | None = None,
    height: int | None = None,
) -> bytes:
    """The decorated figure ``name`` for ``sel`` as image bytes.

    The render slot is taken before the figure is built: building a world map is work too,
    and a refused export should cost nothing.
    """
    w, h = export_size(name, width, height)
    problem = pixel_problem(w, h, scale if fmt == "png" else 1)
    if problem:
        raise ValueError(problem)
    with render_slot():
        fig = decorated_figure(ctx, sel, name, theme, width=w, height=h)
        return export_figure(fig, fmt, scale=scale, width=w, height=h)
