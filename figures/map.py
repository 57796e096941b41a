"""The main map: cables, landing points, facilities and coverage on an offline basemap."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely

from datalayer.selection import Selection
from figures import labels, lod
from figures.fast import Shared, SharedDict, Trace, figure
from figures.geometry import DISPLAY_TOLERANCE_DEG, LineArrays, concat_lines, precompute_lines
from figures.theme import (
    FALLBACK_OPERATOR_COLOUR,
    OPERATOR_COLOURS,
    Theme,
    cable_colour,
)

#: Layer keys, in drawing order from bottom to top.
LAYER_FIBRE = "fibre"
LAYER_COVERAGE = "coverage"
LAYER_CABLES = "cables"
LAYER_LANDING_POINTS = "landing_points"
LAYER_FACILITIES = "facilities"
ALL_LAYERS: tuple[str, ...] = (
    LAYER_FIBRE,
    LAYER_COVERAGE,
    LAYER_CABLES,
    LAYER_LANDING_POINTS,
    LAYER_FACILITIES,
)
DEFAULT_LAYERS: tuple[str, ...] = (
    LAYER_COVERAGE,
    LAYER_CABLES,
    LAYER_LANDING_POINTS,
    LAYER_FACILITIES,
)

#: Level of detail of the polygon layers (coverage, fibre) sent to the browser.
POLYGON_TOLERANCE_DEG = 0.0005
POLYGON_DECIMALS = 4

#: A line of the map's level-of-detail note: what was simplified, and how to see more (a hint
#: for the page, left out of exported images).
Note = tuple[str, str]

#: The opening view: the whole Mediterranean at a 1280 px wide window.
MED_CENTER = {"lon": 17.0, "lat": 37.5}
MED_ZOOM = 3.4

#: The ARCEP FTTH class (share of premises connectable, inferred meaning) → colour.
FTTH_CLASS_SCALE = [
    [0.0, "#f7fbff"],
    [0.25, "#c6dbef"],
    [0.5, "#6baed6"],
    [0.75, "#2171b5"],
    [1.0, "#08306b"],
]


class CoarseLines:
    """Cable line arrays at the :data:`~figures.lod.CABLE_TOLERANCES`, computed per cable on
    first need and kept (derived, immutable data: sharing it between users is safe)."""

    def __init__(
        self,
        geometries: Mapping[str, shapely.Geometry],
        full: Mapping[str, LineArrays] | None = None,
    ) -> None:
        self._geometries = geometries
        # The full display detail is already computed: share it rather than computing it again.
        self._levels: dict[float, dict[str, LineArrays]] = {DISPLAY_TOLERANCE_DEG: dict(full or {})}

    def lines(self, tolerance: float, ids: Sequence[str]) -> Mapping[str, LineArrays]:
        """The arrays of ``ids`` simplified at ``tolerance`` (unknown ids are left out)."""
        level = self._levels.setdefault(tolerance, {})
        missing = {k: self._geometries[k] for k in ids if k not in level and k in self._geometries}
        # Two threads may compute the same cables; the results are equal, either may stay.
        level.update(precompute_lines(missing, tolerance))
        return level


class PolygonFeatures:
    """The drawn GeoJSON Feature of each polygon row (coverage, fibre), made on first need and
    kept: simplified and rounded for display (:func:`_display_polygons`)."""

    def __init__(self) -> None:
        self._made: dict[tuple[str, str], SharedDict] = {}

    def features(self, layer: str, frame: gpd.GeoDataFrame) -> list[SharedDict]:
        """The features of ``frame``'s rows, each with its row id as ``id``."""
        keys = [(layer, str(i)) for i in frame.index]
        missing = [n for n, key in enumerate(keys) if key not in self._made]
        if missing:
            shapes = _display_polygons(frame.geometry.values[missing])
            for n, shape in zip(missing, shapes, strict=True):
                self._made[keys[n]] = SharedDict(
                    type="Feature",
                    id=keys[n][1],
                    properties={},
                    geometry=SharedDict(shape.__geo_interface__),
                )
        return [self._made[key] for key in keys]


class HoverLabels(Mapping[str, str]):
    """The hover label of every row of a frame, made on first need (a batch at a time) and kept.

    Making all of them at start-up costs seconds at 100× data, most of them for points that
    are only ever drawn grouped; derived, immutable text, so sharing it between users is safe.
    """

    def __init__(self, frame: gpd.GeoDataFrame, make: Callable[[dict[str, Any]], str]) -> None:
        self._frame = frame
        self._make = make
        self._made: dict[str, str] = {}

    def labels(self, ids: Iterable[str]) -> list[str]:
        """The labels of ``ids`` in order (``""`` for an id the frame does not have)."""
        keys = list(ids)
        made = self._made
        missing = [k for k in dict.fromkeys(keys) if k not in made]
        if missing:
            known = self._frame.index.intersection(pd.Index(missing))
            # Two requests may make the same labels at once; the text is equal.
            made.update((k, self._make(row)) for k, row in records(self._frame.loc[known]))
        return [made.get(k, "") for k in keys]

    def __getitem__(self, key: str) -> str:
        try:
            return self._made[key]
        except KeyError:
            if key not in self._frame.index:
                raise
        return self.labels([key])[0]

    def __iter__(self) -> Iterator[str]:
        return iter(self._frame.index)

    def __len__(self) -> int:
        return len(self._frame)


@dataclass(frozen=True)
class MapContext:
    """What every map figure reuses: precomputed cable arrays and labels, basemap URLs."""

    lines: Mapping[str, LineArrays]
    cable_order: tuple[str, ...]
    cable_position: Mapping[str, int]
    cable_hover: HoverLabels
    point_hover: HoverLabels
    facility_hover: HoverLabels
    cable_names: Mapping[str, str]
    land_url: str
    borders_url: str
    #: Cables simplified for zoomed-out views of large selections, made on first need.
    coarse: CoarseLines
    #: Where each cable's hover dot sits in a simplified view, found on first need.
    label_points: LabelPoints
    #: Each cable's vertex count at full display detail (the level-of-detail test).
    vertex_counts: pd.Series
    #: The coverage and fibre polygons as drawn, made on first need.
    polygons: PolygonFeatures


def records(frame: gpd.GeoDataFrame) -> Iterator[tuple[Any, dict[str, Any]]]:
    """(index, properties) of every row; plain dicts, many times faster than ``iterrows``."""
    columns = [c for c in frame.columns if c != frame.geometry.name]
    return zip(frame.index, frame[columns].to_dict("records"), strict=True)


def build_map_context(
    cables: gpd.GeoDataFrame,
    landing_points: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    land_url: str,
    borders_url: str,
) -> MapContext:
    """Precompute everything about the full datasets that filters never change."""
    names = dict(zip(cables.index, cables["name"], strict=True))
    geometries = dict(zip(cables.index, cables.geometry, strict=True))
    lines = precompute_lines(geometries)
    return MapContext(
        lines=lines,
        cable_order=tuple(cables.index),
        cable_position={cid: i for i, cid in enumerate(cables.index)},
        cable_hover=HoverLabels(cables, labels.cable_hover),
        point_hover=HoverLabels(landing_points, lambda row: labels.landing_point_hover(row, names)),
        facility_hover=HoverLabels(facilities, labels.facility_hover),
        cable_names=names,
        land_url=land_url,
        borders_url=borders_url,
        coarse=CoarseLines(geometries, lines),
        label_points=LabelPoints(lines),
        vertex_counts=pd.Series(
            {key: len(arrays.lon) for key, arrays in lines.items()}, dtype="int64"
        ),
        polygons=PolygonFeatures(),
    )


def _basemap_layers(ctx: MapContext, theme: Theme) -> list[dict[str, object]]:
    ocean = {
        "type": "Feature",
        "properties": {},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[-180, -85], [180, -85], [180, 85], [-180, 85], [-180, -85]]],
        },
    }
    return [
        {
            "sourcetype": "geojson",
            "source": ocean,
            "type": "fill",
            "below": "traces",
            "color": theme.ocean,
            "opacity": 1,
        },
        {
            "sourcetype": "geojson",
            "source": ctx.land_url,
            "type": "fill",
            "below": "traces",
            "color": theme.land,
            "opacity": 1,
            "sourceattribution": "Basemap: Natural Earth (public domain)",
        },
        {
            "sourcetype": "geojson",
            "source": ctx.borders_url,
            "type": "line",
            "below": "traces",
            "color": theme.border,
            "line": {"width": 0.6},
        },
    ]


def cable_vertex_count(ctx: MapContext, ids: Iterable[str]) -> int:
    """How many vertices the cables ``ids`` have at full display detail."""
    return int(ctx.vertex_counts.reindex(pd.Index(list(ids))).sum())


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


def _cable_traces(
    ctx: MapContext,
    cables: gpd.GeoDataFrame,
    selected: str | None,
    dim_all: bool = False,
    *,
    center: Mapping[str, float],
    zoom: float,
    notes: list[Note],
) -> list[Trace]:
    """Cables merged into one trace per palette colour and status (a few traces, not hundreds).

    A selection with more than :data:`~figures.lod.VERTEX_LIMIT` vertices is cut to the view and,
    if still too large, drawn simplified to about a pixel, hovered through one label per cable.
    """
    traces: list[Trace] = []
    if cables.empty:
        return traces
    total = len(cables)
    detailed = cable_vertex_count(ctx, cables.index) <= lod.VERTEX_LIMIT
    if not detailed:
        bounds = lod.view_bounds(center, zoom)
        if bounds is not None:
            cables = cables[bounds.intersects(shapely.bounds(cables.geometry.values))]
        detailed = cable_vertex_count(ctx, cables.index) <= lod.VERTEX_LIMIT
    tolerance = lod.cable_tolerance(zoom)
    lines: Mapping[str, LineArrays] = ctx.lines
    if not detailed:
        ids = list(cables.index)
        lines = ctx.coarse.lines(tolerance, ids)
        # Very many cables in view: coarser still, down to the last step.
        for coarser in (t for t in lod.CABLE_TOLERANCES if t > tolerance):
            if sum(len(lines[i].lon) for i in ids if i in lines) <= lod.COARSE_VERTEX_LIMIT:
                break
            tolerance, lines = coarser, ctx.coarse.lines(coarser, ids)
    labelled = not detailed and len(cables) <= lod.LABEL_LIMIT
    if not detailed:
        hover = (
            "hover a dot for a cable"
            if labelled
            else "too many to label: zoom in or filter to hover a cable"
        )
        notes.append(
            (
                f"{len(cables):,} of {total:,} cables in and around the view, simplified to "
                f"~{tolerance * 111:,.0f} km",
                f"; {hover}",
            )
        )
    groups = pd.DataFrame(
        {
            "colour": [cable_colour(c) for c in cables.index],
            "planned": cables["is_planned"].to_numpy(dtype=bool),
        },
        index=cables.index,
    )
    # A selected cable, a route or a cut stands out against the other cables faded back.
    dim = dim_all or (selected is not None and selected in cables.index)
    if detailed:
        ctx.cable_hover.labels(cables.index)  # made in one batch, not vertex by vertex
    for (colour, planned), members in groups.groupby(["colour", "planned"], sort=True):
        ids = list(members.index)
        lon, lat, text, vertex_ids = concat_lines(lines, ids, ctx.cable_hover if detailed else None)
        trace: dict[str, Any] = {
            "type": "scattermap",
            "lon": lon,
            "lat": lat,
            "mode": "lines",
            "line": {"color": colour, "width": 1.4 if planned else 2.0},
            "opacity": 0.25 if dim else (0.55 if planned else 0.9),
            "name": "Planned cables" if planned else "Cables in service",
            "meta": {"layer": LAYER_CABLES, "planned": bool(planned)},
            "showlegend": False,
            "connectgaps": False,
        }
        if detailed:
            position = np.array([ctx.cable_position[i] for i in vertex_ids], dtype=np.float32)
            trace.update(
                text=Shared(text or []), customdata=position, hovertemplate="%{text}<extra></extra>"
            )
        else:
            trace["hoverinfo"] = "skip"
        traces.append(trace)
    if labelled:
        traces.append(_cable_labels(ctx, list(cables.index)))
    if selected is not None and selected in ctx.lines:
        lon, lat, text, vertex_ids = concat_lines(ctx.lines, [selected], ctx.cable_hover)
        traces.append(
            {
                "type": "scattermap",
                "lon": lon,
                "lat": lat,
                "mode": "lines",
                "text": text,
                "customdata": np.full(len(lon), ctx.cable_position[selected], dtype=np.float32),
                "hovertemplate": "%{text}<extra></extra>",
                "line": {"color": cable_colour(selected), "width": 5},
                "opacity": 1,
                "name": "Selected cable",
                "meta": {"layer": LAYER_CABLES, "selected": True},
                "showlegend": False,
            }
        )
    return traces


class LabelPoints:
    """Where each cable's hover dot sits: the middle vertex of its drawn line at full detail
    (within a pixel of its simplified line), found on first need and kept."""

    def __init__(self, lines: Mapping[str, LineArrays]) -> None:
        self._lines = lines
        self._made: dict[str, tuple[float, float] | None] = {}

    def points(self, ids: Iterable[str]) -> tuple[list[str], list[float], list[float]]:
        """The ids that have a dot, and the dots' longitudes and latitudes."""
        kept: list[str] = []
        lon: list[float] = []
        lat: list[float] = []
        made = self._made
        for key in ids:
            if key not in made:
                made[key] = self._middle(key)
            point = made[key]
            if point is not None:
                kept.append(key)
                lon.append(point[0])
                lat.append(point[1])
        return kept, lon, lat

    def _middle(self, key: str) -> tuple[float, float] | None:
        arrays = self._lines.get(key)
        if arrays is None:
            return None
        finite = np.flatnonzero(np.isfinite(arrays.lon))
        if len(finite) == 0:
            return None
        middle = finite[len(finite) // 2]
        return float(arrays.lon[middle]), float(arrays.lat[middle])


def _cable_labels(ctx: MapContext, ids: Sequence[str]) -> Trace:
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
        "marker": {"size": 5, "color": Shared(cable_colour(k) for k in kept), "opacity": 0.9},
        "name": "Cable labels",
        "meta": {"layer": LAYER_CABLES, "labels": True},
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


def _point_layer(
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
) -> list[Trace]:
    """A marker layer: each point, or, above :data:`~figures.lod.POINT_LIMIT` points in and
    around the view, the points grouped into cells (one marker with the count; a click zooms in).
    """
    total = len(frame)
    if total > lod.POINT_LIMIT:
        bounds = lod.view_bounds(center, zoom)
        if bounds is not None:
            frame = frame[bounds.contains(frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy())]
    if len(frame) <= lod.POINT_LIMIT:
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


def _detail_notes(notes: list[Note], theme: Theme, interactive: bool) -> list[dict[str, Any]]:
    """The map's statement of what it simplified, bottom left (with how to see more, on the
    page)."""
    lines = [text + (hint if interactive else "") for text, hint in notes]
    return [
        {
            "text": "<br>".join(labels.inert(n, 200) for n in lines),
            "showarrow": False,
            "xref": "paper",
            "yref": "paper",
            "x": 0.005,
            "y": 0.01,
            "xanchor": "left",
            "yanchor": "bottom",
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
) -> list[Trace]:
    """A ring around the selected landing point or facility (three stacked circles)."""
    if not selected:
        return []
    kind, _, key = selected.partition(":")
    frame = {"lp": landing_points, "fac": facilities}.get(kind)
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
            "meta": {"layer": "selection"},
            "showlegend": False,
        }
        for size, colour in ((22, theme.highlight), (16, theme.paper), (9, theme.highlight))
    ]


def _display_polygons(geometries: np.ndarray) -> np.ndarray:
    """Polygons as drawn: simplified to ``POLYGON_TOLERANCE_DEG`` and rounded to
    ``POLYGON_DECIMALS`` (about 50 m and 11 m, under a pixel up to zoom 10; the coverage is
    modelled from 2–5 km buffers). Halves the map payload of the coverage layer."""
    simplified = shapely.simplify(geometries, POLYGON_TOLERANCE_DEG, preserve_topology=False)
    return np.asarray(
        shapely.transform(simplified, lambda xy: np.round(xy, POLYGON_DECIMALS)), dtype=object
    )


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
    show_scale: bool = False,
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
        "showscale": show_scale,
        "marker": {"opacity": opacity, "line": {"width": 0.5, "color": "rgba(60,60,60,0.6)"}},
        "text": hover,
        "hovertemplate": "%{text}<extra></extra>",
        "name": name,
        "meta": {"layer": layer},
    }
    if show_scale:
        trace.update(
            zmin=0,
            zmax=80,
            colorbar={
                "title": {"text": "FTTH class"},
                "thickness": 10,
                "len": 0.4,
                "x": 0.99,
                "tickvals": [0, 25, 50, 80],
            },
        )
    return trace


def _coverage_traces(ctx: MapContext, coverage: gpd.GeoDataFrame, technology: str) -> list[Trace]:
    """One translucent polygon trace per operator for the chosen technology."""
    chosen = coverage[coverage["technology"] == technology]
    traces = []
    for operator, rows in chosen.groupby("operator", sort=True):
        hover = [
            f"<b>{labels.inert(r['operator'])} {labels.inert(r['technology'])}</b> "
            f"(modelled, not measured)<br>{int(r['site_count']):,} sites · "
            f"{float(r['area_km2']):,.0f} km² · {int(r['radius_m']):,} m radius per site"
            for _, r in records(rows)
        ]
        traces.append(
            _polygon_trace(
                ctx,
                rows,
                hover,
                OPERATOR_COLOURS.get(str(operator), FALLBACK_OPERATOR_COLOUR),
                [1.0] * len(rows),
                layer=LAYER_COVERAGE,
                name=f"{operator} {technology}",
                opacity=0.22,
            )
        )
    return traces


def _fibre_trace(ctx: MapContext, fibre: gpd.GeoDataFrame) -> Trace:
    hover = [
        f"<b>{labels.inert(r['name'])}</b><br>{int(r['ftth_premises_2018q1']):,} premises "
        f"connectable to FTTH (Q1 2018)<br>{labels.inert(r['ftth_class_label'])}"
        for _, r in records(fibre)
    ]
    return _polygon_trace(
        ctx,
        fibre,
        hover,
        FTTH_CLASS_SCALE,
        [float(v) for v in fibre["ftth_class"]],
        layer=LAYER_FIBRE,
        name="Fibre (FTTH) by arrondissement",
        opacity=0.6,
        show_scale=True,
    )


def map_figure(
    ctx: MapContext,
    cables: gpd.GeoDataFrame,
    landing_points: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    coverage: gpd.GeoDataFrame,
    fibre: gpd.GeoDataFrame,
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
) -> go.Figure:
    """Build the map for already-filtered frames; only the layers in ``layers`` are drawn.

    ``center`` and ``zoom`` are the view; a selection too large to draw feature by feature is
    drawn at a level of detail for that view (:mod:`figures.lod`), and the map says so (with how
    to see more unless ``interactive`` is false, as in an exported image).
    """
    traces: list[Trace] = []
    notes: list[Note] = []
    view_center = dict(center or MED_CENTER)
    view_zoom = MED_ZOOM if zoom is None else zoom
    if LAYER_FIBRE in layers and not fibre.empty:
        traces.append(_fibre_trace(ctx, fibre))
    if LAYER_COVERAGE in layers and not coverage.empty:
        traces.extend(_coverage_traces(ctx, coverage, coverage_technology))
    if LAYER_CABLES in layers:
        cable = selected.partition(":")[2] if selected and selected.startswith("cable:") else None
        emphasis = any((t.meta or {}).get("layer") in ("route", "cut-cables") for t in overlays)
        traces.extend(
            _cable_traces(
                ctx,
                cables,
                cable,
                dim_all=emphasis,
                center=view_center,
                zoom=view_zoom,
                notes=notes,
            )
        )
    for frame, hover, layer, name, noun, colour, size, prefix in (
        (
            landing_points,
            ctx.point_hover,
            LAYER_LANDING_POINTS,
            "Landing points",
            "landing points",
            theme.landing_point,
            6,
            "lp",
        ),
        (
            facilities,
            ctx.facility_hover,
            LAYER_FACILITIES,
            "IX facilities",
            "IX facilities",
            theme.facility,
            7,
            "fac",
        ),
    ):
        if layer in layers and not frame.empty:
            traces.extend(
                _point_layer(
                    frame,
                    hover,
                    layer=layer,
                    name=name,
                    noun=noun,
                    colour=colour,
                    size=size,
                    key_prefix=prefix,
                    center=view_center,
                    zoom=view_zoom,
                    notes=notes,
                )
            )
    traces.extend(overlays)
    traces.extend(_point_highlight(selected, landing_points, facilities, theme))
    layout: dict[str, Any] = {
        "map": {
            "style": "white-bg",
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
    if notes:
        layout["annotations"] = _detail_notes(notes, theme, interactive)
    return figure(traces, layout)


def layers_of(sel: Selection) -> tuple[str, ...]:
    """The layers a selection shows (the defaults when it names none)."""
    return DEFAULT_LAYERS if sel.layers is None else sel.layers
