"""The main map: every declared layer (:mod:`figures.layers`) on an offline basemap."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import plotly.graph_objects as go

from figures import labels
from figures.fast import Trace, figure
from figures.layer_traces import needs_level_of_detail
from figures.layers import (
    ALL_LAYERS,
    DEFAULT_LAYERS,
    LAYERS,
    LayerRequest,
    layer_traces,
    layers_of,
)
from figures.legend import legend_annotation, legend_parts
from figures.map_context import (
    MED_CENTER,
    MED_ZOOM,
    HoverLabels,
    MapContext,
    Note,
    PolygonFeatures,
    build_map_context,
    records,
)
from figures.place_labels import basemap_slot, map_style, trace_slot
from figures.theme import (
    Theme,
)

#: The map's credit for its 1:50m land (the finer land files bring their own when needed).
COARSE_CREDIT = "Basemap: Natural Earth (public domain)"


def _fill(source: object, colour: str, minzoom: float = 0.0) -> dict[str, object]:
    """A basemap fill under the traces, edged in its own colour: Plotly's default edge (#444)
    would draw every coastline, and the boxes' edges, as a dark line."""
    layer: dict[str, object] = {
        "sourcetype": "geojson",
        "source": source,
        "type": "fill",
        "color": colour,
        "fill": {"outlinecolor": colour},
        "opacity": 1,
    }
    if minzoom:
        layer["minzoom"] = minzoom
    return layer


def _box_polygon(box: tuple[float, float, float, float]) -> dict[str, object]:
    """The box as a bare GeoJSON polygon. Not a feature: the page's first figure reaches Plotly
    without a feature's empty ``properties``, the later ones with it, and Plotly takes such a
    change for a new source (the layer is taken off and put back, its tiles cut again)."""
    west, south, east, north = box
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def _basemap_layers(ctx: MapContext, theme: Theme) -> list[dict[str, object]]:
    """Sea, Natural Earth 1:50m land, then each finer land from its zoom on (the sea painted over
    its box first, so the coarser coast vanishes there), then the land borders."""
    layers = [
        _fill(_box_polygon((-180, -85, 180, 85)), theme.ocean),
        {**_fill(ctx.land_url, theme.land), "sourceattribution": COARSE_CREDIT},
    ]
    for land in ctx.finer_land:
        layers.append(_fill(_box_polygon(land.box), theme.ocean, land.minzoom))
        fine = _fill(land.url, theme.land, land.minzoom)
        if land.credit:
            # MapLibre shows a source's credit only while a layer of it is drawn (zoomed in).
            fine["sourceattribution"] = land.credit
        layers.append(fine)
    layers.append(
        {
            "sourcetype": "geojson",
            "source": ctx.borders_url,
            "type": "line",
            "color": theme.border,
            "line": {"width": 0.6},
        }
    )
    for position, layer in enumerate(layers):
        layer["below"] = basemap_slot(position)
    return layers


def _detail_notes(notes: list[Note], theme: Theme, interactive: bool) -> list[dict[str, Any]]:
    """The map's statement of what it simplified, top left (with how to see more, on the
    page)."""
    lines = [text + (hint if interactive else "") for text, hint in notes]
    return [
        {
            "text": "<br>".join(labels.inert(n, 200) for n in lines),
            "showarrow": False,
            "xref": "paper",
            "yref": "paper",
            "x": 0.005,
            "y": 0.99,
            "xanchor": "left",
            "yanchor": "top",
            "align": "left",
            "font": {"size": 11, "color": theme.text},
            "bgcolor": theme.paper,
            "opacity": 0.9,
            "borderpad": 4,
        }
    ]


def _point_highlight(
    selected: str | None,
    landing_points: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    theme: Theme,
    datacentres: gpd.GeoDataFrame | None = None,
) -> list[Trace]:
    """A ring around the selected landing point, facility or data centre (three circles)."""
    if not selected:
        return []
    kind, _, key = selected.partition(":")
    frame = {"lp": landing_points, "fac": facilities, "dc": datacentres}.get(kind)
    if frame is None or key not in frame.index:
        return []
    point = frame.geometry[key]
    return [
        {
            "type": "scattermap",
            "lon": [point.x],
            "lat": [point.y],
            "mode": "markers",
            "hoverinfo": "skip",
            "marker": {"size": size, "color": colour, "opacity": 1},
            "name": "Selected",
            "meta": {
                "layer": "selection",
                "kind": {"lp": "landing point", "dc": "data centre"}.get(kind, "facility"),
            },
            "showlegend": False,
        }
        for size, colour in ((22, theme.highlight), (16, theme.paper), (9, theme.highlight))
    ]


def _hover_highlight(theme: Theme) -> Trace:
    """An empty line and markers the page fills, in the browser, with the route of the cable
    under the pointer and its landing points (assets/landfall.js): hovering highlights a whole
    cable without a server request."""
    return {
        "type": "scattermap",
        "lon": [],
        "lat": [],
        "mode": "lines+markers",
        "line": {"color": theme.highlight, "width": 4},
        "marker": {"color": theme.highlight, "size": 11},
        "opacity": 0.85,
        "hoverinfo": "skip",
        "name": "Hovered cable",
        "meta": {"layer": "hover-highlight"},
        "showlegend": False,
    }


#: Slots of each layer of the registry, in its order: its traces (the groups of a layer, the
#: selected cable, the labels of its groups) take them in turn; a layer's later traces past
#: the last share it.
SLOTS_PER_LAYER = 8


def trace_slots(traces: Sequence[Any]) -> list[str | None]:
    """The slot of each trace (its ``below``): a block per layer of the registry, in the
    registry's order, then the analysis overlays and the selection, each in the figure's order;
    none for the hover highlight (empty, so Plotly ignores a ``below``; it is drawn on top).

    By layer and rank, not by position in the figure: a filter that empties one layer's group
    moves none of the other layers' traces, which Plotly would otherwise take off the map and
    put back."""
    ranks: dict[str, int] = {}
    others = 0
    slots: list[str | None] = []
    for trace in traces:
        meta = trace["meta"] if trace["meta"] is not None else {}
        layer = str(meta.get("layer"))
        if layer == "hover-highlight":
            slots.append(None)
        elif layer in ALL_LAYERS:
            rank = ranks.get(layer, 0)
            ranks[layer] = rank + 1
            block = ALL_LAYERS.index(layer) * SLOTS_PER_LAYER
            slots.append(trace_slot(block + min(rank, SLOTS_PER_LAYER - 1)))
        else:
            slots.append(trace_slot(len(ALL_LAYERS) * SLOTS_PER_LAYER + others))
            others += 1
    return slots


def map_figure(
    ctx: MapContext,
    frames: Any,
    *,
    layers: frozenset[str] | set[str],
    coverage_technology: str,
    theme: Theme,
    selected: str | None = None,
    center: Mapping[str, float] | None = None,
    zoom: float | None = None,
    uirevision: str = "map",
    overlays: Sequence[go.Scattermap] = (),
    interactive: bool = True,
    fit: Mapping[str, Any] | None = None,
    full_detail: bool = False,
    shared: dict[str, Any] | None = None,
) -> go.Figure:
    """Build the map of already-filtered ``frames`` (one attribute per dataset, e.g. a
    :class:`~datalayer.filters.Filtered`); only the layers in ``layers`` are drawn.

    ``center`` and ``zoom`` are the view; a selection too large to draw feature by feature is
    drawn at a level of detail for that view (:mod:`figures.lod`), and the map says so (with how
    to see more unless ``interactive`` is false, as in an exported image); ``full_detail``
    draws every feature one by one whatever the view (the browser's geometry pack).
    ``shared`` (an empty dict, then passed to the other themes' maps of the same state) lets
    the theme-free layers be built once (:attr:`~figures.layers.LayerRequest.shared`).
    """
    view_center = dict(center or MED_CENTER)
    view_zoom = MED_ZOOM if zoom is None else zoom
    request = LayerRequest(
        ctx=ctx,
        frames=frames,
        theme=theme,
        technology=coverage_technology,
        selected=selected,
        center=view_center,
        zoom=view_zoom,
        overlays=overlays,
        full_detail=full_detail,
        shared=shared,
    )
    traces = layer_traces(request, layers)
    traces.extend(overlays)
    traces.extend(
        _point_highlight(
            selected,
            frames.landing_points,
            frames.facilities,
            theme,
            getattr(frames, "datacentres", None),
        )
    )
    if interactive and "cables" in layers:
        # First: Plotly skips ``below`` for an empty trace and gives it the one of the trace
        # before it (trace_slots), which would make that trace share a slot.
        # Empty and first, it is drawn on top of the map, names included.
        traces.insert(0, _hover_highlight(theme))
    if not traces:
        # Every layer off: without a trace Plotly draws empty x/y axes instead of the map.
        empty = dict(_hover_highlight(theme))
        empty.update(name="No layer shown", meta={"layer": "none"})
        traces.append(empty)
    notes = request.notes
    layout: dict[str, Any] = {
        "map": {
            # The place names (figures.place_labels), the same for both themes; ocean, land and
            # borders are the layout layers, traces go between them and the labels.
            "style": map_style(),
            "layers": _basemap_layers(ctx, theme),
            "center": view_center,
            "zoom": view_zoom,
        },
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "paper_bgcolor": theme.paper,
        "font": {"color": theme.text, "family": "Inter, DejaVu Sans, Arial, sans-serif"},
        "hoverlabel": {
            "bgcolor": theme.paper,
            "font": {"color": theme.text, "size": 12},
            "bordercolor": theme.border,
            "align": "left",
        },
        "showlegend": False,
        "uirevision": uirevision,
    }
    annotations = _detail_notes(notes, theme, interactive) if notes else []
    counts = {
        layer.key: len(request.frame(layer.dataset)) for layer in LAYERS if layer.key in layers
    }
    legend = legend_annotation([key for key in ALL_LAYERS if key in layers], counts, traces, theme)
    if legend is not None:
        annotations.append(legend)
    if annotations:
        layout["annotations"] = annotations
    meta: dict[str, Any] = {}
    if fit is not None:
        # Read by the page (assets/landfall.js) to refit the view to the map's real size.
        meta["fit"] = dict(fit)
    if interactive:
        # The page switches layers in the browser and rewrites the legend from these.
        meta["legend"] = legend_parts(counts, traces, theme)
    if meta:
        layout["meta"] = meta
    fig = figure(traces, layout)
    # Plotly draws map traces above every style layer unless told: each goes at its own slot,
    # under the names, in order (trace_slots).
    for trace, slot in zip(fig.data, trace_slots(fig.data), strict=True):
        if slot is not None:
            trace.update(below=slot)
    return fig


__all__ = [
    "ALL_LAYERS",
    "DEFAULT_LAYERS",
    "MED_CENTER",
    "MED_ZOOM",
    "HoverLabels",
    "MapContext",
    "PolygonFeatures",
    "build_map_context",
    "layers_of",
    "map_figure",
    "needs_level_of_detail",
    "records",
]
