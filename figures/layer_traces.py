"""The traces of each map layer: cables (with level of detail), points (grouped when many),
coverage and FTTH polygons. The layer registry (:mod:`figures.layers`) names which builds what.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from figures import labels, lod
from figures.fast import Shared, SharedDict, Trace
from figures.geometry import LineArrays, concat_lines
from figures.map_context import (
    HoverLabels,
    MapContext,
    Note,
    records,
)
from figures.theme import (
    CABLE_CLASS,
    CABLE_CLASSES,
    FALLBACK_OPERATOR_COLOUR,
    FTTH_CLASSES,
    OPERATOR_COLOURS,
    ftth_band,
)


def cable_vertex_count(ctx: MapContext, ids: Iterable[str]) -> int:
    """How many vertices the cables ``ids`` have at full display detail."""
    index = ids if isinstance(ids, pd.Index) else pd.Index(list(ids))
    return int(ctx.vertex_counts.reindex(index).sum())


def needs_level_of_detail(
    ctx: MapContext,
    cables: gpd.GeoDataFrame,
    landing_points: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
) -> bool:
    """Whether a selection is too large to draw feature by feature (see :mod:`figures.lod`),
    so that what the map draws depends on the view."""
    return (
        len(landing_points) > lod.POINT_LIMIT
        or len(facilities) > lod.POINT_LIMIT
        or cable_vertex_count(ctx, cables.index) > lod.VERTEX_LIMIT
    )


@dataclass(frozen=True)
class CableDetail:
    """How a cable selection is drawn in a view: which cables, at which detail."""

    cables: gpd.GeoDataFrame
    lines: Mapping[str, LineArrays]
    #: Drawn vertex by vertex with per-vertex hover (else simplified, hover through labels).
    detailed: bool
    #: Simplified, but few enough cables to hover each through one label.
    labelled: bool
    tolerance: float


def cable_detail(
    ctx: MapContext,
    cables: gpd.GeoDataFrame,
    center: Mapping[str, float],
    zoom: float,
    full_detail: bool = False,
) -> CableDetail:
    """The level of detail of ``cables`` in a view (see :mod:`figures.lod`).

    A selection with more than :data:`~figures.lod.VERTEX_LIMIT` vertices is cut to the view and,
    if still too large, simplified to about a pixel, coarser still when very many are in view.
    """
    detailed = full_detail or cable_vertex_count(ctx, cables.index) <= lod.VERTEX_LIMIT
    if not detailed:
        bounds = lod.view_bounds(center, zoom)
        if bounds is not None:
            cables = cables[bounds.intersects(shapely.bounds(cables.geometry.values))]
        detailed = cable_vertex_count(ctx, cables.index) <= lod.VERTEX_LIMIT
    tolerance = lod.cable_tolerance(zoom)
    lines: Mapping[str, LineArrays] = ctx.lines
    if not detailed:
        ids = cables.index.tolist()  # one conversion: iterating a string Index is slow
        lines = ctx.coarse.lines(tolerance, ids)
        # Very many cables in view: coarser still, down to the last step.
        for coarser in (t for t in lod.CABLE_TOLERANCES if t > tolerance):
            if sum(len(lines[i].lon) for i in ids if i in lines) <= lod.COARSE_VERTEX_LIMIT:
                break
            tolerance, lines = coarser, ctx.coarse.lines(coarser, ids)
    labelled = not detailed and len(cables) <= lod.LABEL_LIMIT
    return CableDetail(cables, lines, detailed, labelled, tolerance)


def _detail_note(detail: CableDetail, total: int) -> Note:
    """The map note for a simplified cable selection."""
    hover = (
        "hover a dot for a cable"
        if detail.labelled
        else "too many to label: zoom in or filter to hover a cable"
    )
    return (
        f"{len(detail.cables):,} of {total:,} cables in and around the view, simplified to "
        f"~{detail.tolerance * 111:,.0f} km",
        f"; {hover}",
    )


def _merged_cable_traces(
    ctx: MapContext, detail: CableDetail, dim: bool, layer: str
) -> list[Trace]:
    """One line trace per colour group (ready-for-service era, or planned), in the legend's
    order, faded back when ``dim``. Style (colour, width, opacity) is per trace; the arrays
    carry only geometry and hover."""
    cables = detail.cables
    ids = np.asarray(cables.index.tolist(), dtype=object)
    groups = np.asarray([ctx.cable_classes.get(c, "unknown") for c in ids], dtype=object)
    if detail.detailed:
        ctx.cable_hover.labels(cables.index)  # made in one batch, not vertex by vertex
    traces: list[Trace] = []
    for group in CABLE_CLASSES:
        members = ids[groups == group.key].tolist()
        if not members:
            continue
        hover = ctx.cable_hover if detail.detailed else None
        lon, lat, text, vertex_ids = concat_lines(detail.lines, members, hover)
        planned = group.key == "planned"
        trace: dict[str, Any] = {
            "type": "scattermap",
            "lon": lon,
            "lat": lat,
            "mode": "lines",
            "line": {"color": group.colour, "width": group.width},
            "opacity": 0.25 if dim else group.opacity,
            "name": f"Cables: {group.label}",
            "meta": {
                "layer": layer,
                "planned": planned,
                "key": {"label": group.label, "colour": group.colour, "shape": "line"},
            },
            "showlegend": False,
            "connectgaps": False,
        }
        if detail.detailed:
            position = np.array([ctx.cable_position[i] for i in vertex_ids], dtype=np.float32)
            trace.update(
                text=Shared(text or []), customdata=position, hovertemplate="%{text}<extra></extra>"
            )
        else:
            trace["hoverinfo"] = "skip"
        traces.append(trace)
    return traces


def cable_colour(ctx: MapContext, cable_id: str) -> str:
    """The colour of a cable's group (its ready-for-service era, or planned)."""
    return CABLE_CLASS[ctx.cable_classes.get(cable_id, "unknown")].colour


def _selected_cable_trace(ctx: MapContext, selected: str, layer: str) -> Trace:
    """The selected cable, drawn wide on top of the others."""
    lon, lat, text, _ = concat_lines(ctx.lines, [selected], ctx.cable_hover)
    return {
        "type": "scattermap",
        "lon": lon,
        "lat": lat,
        "mode": "lines",
        "text": text,
        "customdata": np.full(len(lon), ctx.cable_position[selected], dtype=np.float32),
        "hovertemplate": "%{text}<extra></extra>",
        "line": {"color": cable_colour(ctx, selected), "width": 5},
        "opacity": 1,
        "name": "Selected cable",
        "meta": {"layer": layer, "selected": True},
        "showlegend": False,
    }


def cable_traces(
    ctx: MapContext,
    cables: gpd.GeoDataFrame,
    selected: str | None,
    dim_all: bool = False,
    *,
    center: Mapping[str, float],
    zoom: float,
    notes: list[Note],
    layer: str = "cables",
    full_detail: bool = False,
) -> list[Trace]:
    """Cables merged into one trace per colour group (era or planned: a few traces, not hundreds),
    at the level of detail of the view (:func:`cable_detail`), plus the selected cable."""
    if cables.empty:
        return []
    detail = cable_detail(ctx, cables, center, zoom, full_detail)
    if not detail.detailed:
        notes.append(_detail_note(detail, len(cables)))
    # A selected cable, a route or a cut stands out against the other cables faded back.
    dim = dim_all or (selected is not None and selected in detail.cables.index)
    traces = _merged_cable_traces(ctx, detail, dim, layer)
    if detail.labelled:
        traces.append(_cable_labels(ctx, list(detail.cables.index), layer))
    if selected is not None and selected in ctx.lines:
        traces.append(_selected_cable_trace(ctx, selected, layer))
    return traces


def _cable_labels(ctx: MapContext, ids: Sequence[str], layer: str) -> Trace:
    """One small dot per cable on its line, carrying its hover label and its click (the
    simplified lines carry neither)."""
    kept, lon, lat = ctx.label_points.points(ids)
    return {
        "type": "scattermap",
        "lon": np.array(lon, dtype=np.float32),
        "lat": np.array(lat, dtype=np.float32),
        "mode": "markers",
        "text": Shared(ctx.cable_hover.labels(kept)),
        "customdata": np.array([ctx.cable_position[k] for k in kept], dtype=np.float32),
        "hovertemplate": "%{text}<extra></extra>",
        "marker": {"size": 5, "color": Shared(cable_colour(ctx, k) for k in kept), "opacity": 0.9},
        "name": "Cable labels",
        "meta": {"layer": layer, "labels": True},
        "showlegend": False,
    }


def _point_trace(
    frame: gpd.GeoDataFrame,
    hover: list[str],
    *,
    layer: str,
    name: str,
    colour: str,
    size: float,
    key_prefix: str,
) -> Trace:
    """One marker trace; each point's customdata is its ``kind:id`` selection key."""
    return {
        "type": "scattermap",
        "lon": frame.geometry.x.to_numpy(dtype=np.float32),
        "lat": frame.geometry.y.to_numpy(dtype=np.float32),
        "mode": "markers",
        "text": Shared(hover),
        "customdata": Shared(f"{key_prefix}:{i}" for i in frame.index),
        "hovertemplate": "%{text}<extra></extra>",
        "marker": {"size": size, "color": colour, "opacity": 0.9},
        "name": name,
        "meta": {"layer": layer},
        "showlegend": False,
    }


def point_layer(
    frame: gpd.GeoDataFrame,
    hover: HoverLabels,
    *,
    layer: str,
    name: str,
    noun: str,
    colour: str,
    size: float,
    key_prefix: str,
    center: Mapping[str, float],
    zoom: float,
    notes: list[Note],
    full_detail: bool = False,
) -> list[Trace]:
    """A marker layer: each point, or, above :data:`~figures.lod.POINT_LIMIT` points in and
    around the view, the points grouped into cells (one marker with the count; a click zooms in).
    """
    total = len(frame)
    if total > lod.POINT_LIMIT and not full_detail:
        bounds = lod.view_bounds(center, zoom)
        if bounds is not None:
            frame = frame[bounds.contains(frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy())]
    if len(frame) <= lod.POINT_LIMIT or full_detail:
        clusters, singles = None, frame
    else:
        clusters = lod.cluster_points(
            frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy(), zoom
        )
        singles = frame.iloc[clusters.singles]
    traces: list[Trace] = []
    if clusters is None or not singles.empty:
        traces.append(
            _point_trace(
                singles,
                hover.labels(singles.index),
                layer=layer,
                name=name,
                colour=colour,
                size=size,
                key_prefix=key_prefix,
            )
        )
    if clusters is None:
        return traces
    traces.append(
        _cluster_trace(clusters, frame["name"].to_numpy(), noun=noun, colour=colour, layer=layer)
    )
    shown = f"{len(frame):,} of {total:,}" if len(frame) < total else f"{total:,}"
    notes.append(
        (
            f"{shown} {noun} in and around the view, grouped into {len(clusters.count):,} clusters",
            " (click one to zoom in)",
        )
    )
    return traces


def _cluster_trace(
    clusters: lod.Clusters, names: np.ndarray, *, noun: str, colour: str, layer: str
) -> Trace:
    """One marker per group, sized by its count; hover names a few members, a click zooms in."""
    text = [
        f"<b>{count:,} {noun}</b> here, e.g.<br>"
        + "<br>".join(labels.inert(names[m], 50) for m in members)
        + "<br><i>click to zoom in</i>"
        for count, members in zip(clusters.count.tolist(), clusters.members, strict=True)
    ]
    return {
        "type": "scattermap",
        "lon": clusters.lon,
        "lat": clusters.lat,
        "mode": "markers",
        "text": Shared(text),
        "customdata": Shared(
            f"zoom:{x:.4f},{y:.4f}"
            for x, y in zip(clusters.lon.tolist(), clusters.lat.tolist(), strict=True)
        ),
        "hovertemplate": "%{text}<extra></extra>",
        "marker": {
            "size": lod.cluster_marker_size(clusters.count),
            "color": colour,
            "opacity": 0.6,
        },
        "name": f"{noun} (grouped)",
        "meta": {"layer": layer, "clusters": True},
        "showlegend": False,
    }


def _polygon_trace(
    ctx: MapContext,
    frame: gpd.GeoDataFrame,
    hover: list[str],
    colour: str | list[list[object]],
    z: list[float],
    *,
    layer: str,
    name: str,
    opacity: float,
    outline: Mapping[str, Any] | None = None,
) -> Trace:
    features = ctx.polygons.features(layer, frame)
    keys = [f["id"] for f in features]
    geojson = SharedDict(type="FeatureCollection", features=features)
    scale = colour if isinstance(colour, list) else [[0, colour], [1, colour]]
    trace: dict[str, Any] = {
        "type": "choroplethmap",
        "geojson": geojson,
        "locations": keys,
        "z": z,
        "colorscale": scale,
        "showscale": False,
        "marker": {
            "opacity": opacity,
            "line": dict(outline or {"width": 0.5, "color": "rgba(60,60,60,0.6)"}),
        },
        "text": hover,
        "hovertemplate": "%{text}<extra></extra>",
        "name": name,
        "meta": {"layer": layer},
    }
    return trace


def _with_alpha(colour: str, alpha: float) -> str:
    """``#rrggbb`` as ``rgba(r,g,b,alpha)``."""
    r, g, b = (int(colour[k : k + 2], 16) for k in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def coverage_traces(
    ctx: MapContext, coverage: gpd.GeoDataFrame, technology: str, layer: str = "coverage"
) -> list[Trace]:
    """One polygon trace per operator for the chosen technology, outlined in the operator's
    colour. One operator (the page's default) is also filled; several are outlines only, so
    that their areas can be compared instead of blending into one mass."""
    chosen = coverage[coverage["technology"] == technology]
    fill = 0.28 if chosen["operator"].nunique() == 1 else 0.0
    traces = []
    for operator, rows in chosen.groupby("operator", sort=True):
        colour = OPERATOR_COLOURS.get(str(operator), FALLBACK_OPERATOR_COLOUR)
        hover = [
            f"<b>{labels.inert(r['operator'])} {labels.inert(r['technology'])}</b> "
            f"(modelled, not measured)<br>{int(r['site_count']):,} sites · "
            f"{float(r['area_km2']):,.0f} km² · {int(r['radius_m']):,} m radius per site"
            for _, r in records(rows)
        ]
        trace = _polygon_trace(
            ctx,
            rows,
            hover,
            _with_alpha(colour, fill),
            [1.0] * len(rows),
            layer=layer,
            name=f"{operator} {technology}",
            opacity=1.0,
            outline={"width": 2, "color": colour},
        )
        label = f"{labels.inert(str(operator))} {labels.inert(technology)}"
        trace["meta"]["key"] = {"label": label, "colour": colour, "shape": "box"}
        vintage = _vintage(rows)
        if vintage:
            # The legend names the site list's edition (2018, or a newer imported one).
            trace["meta"]["note"] = f"modelled from ARCEP sites ({vintage}), not measured"
        traces.append(trace)
    return traces


def _vintage(rows: gpd.GeoDataFrame) -> str | None:
    """The coverage rows' site-list edition (``Jan 2018``), when the data names it."""
    if "vintage" not in rows.columns:
        return None
    values = rows["vintage"].dropna()
    return labels.inert(str(values.iloc[0])) if len(values) else None


def ftth_traces(ctx: MapContext, ftth: gpd.GeoDataFrame, layer: str = "ftth") -> list[Trace]:
    """The Marseille arrondissements, one trace per ARCEP FTTH class (discrete colours, in
    the legend's order, each keyed with its plain-language band)."""
    traces = []
    for code, (_, colour) in FTTH_CLASSES.items():
        rows = ftth[ftth["ftth_class"] == code]
        if rows.empty:
            continue
        band = ftth_band(code)
        hover = [
            f"<b>{labels.inert(r['name'])}</b><br>{int(r['ftth_premises_2018q1']):,} premises "
            f"connectable to FTTH (Q1 2018)<br>ARCEP coverage class: {band}"
            for _, r in records(rows)
        ]
        trace = _polygon_trace(
            ctx,
            rows,
            hover,
            colour,
            [1.0] * len(rows),
            layer=layer,
            name=f"Fibre (FTTH): {band}",
            opacity=0.8,
        )
        trace["meta"]["key"] = {"label": band, "colour": colour, "shape": "box"}
        traces.append(trace)
    return traces
