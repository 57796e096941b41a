"""The map figure, built without a browser: trace types, merging, layers, offline basemap."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest
import shapely

from datalayer.loader import Datasets
from figures import labels
from figures.geometry import concat_lines, line_arrays
from figures.map import ALL_LAYERS, HoverLabels, map_figure, records
from figures.theme import DARK, LIGHT, cable_colour
from services.context import AppContext, build_context


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


def build(ctx: AppContext, layers: set[str], **kwargs: object) -> go.Figure:
    d = ctx.data
    return map_figure(
        ctx.map,
        d,
        layers=layers,
        coverage_technology=str(kwargs.pop("tech", "4G")),
        theme=kwargs.pop("theme", LIGHT),
        **kwargs,
    )  # type: ignore[arg-type]


def layers_of(fig: go.Figure) -> list[str]:
    # The hover highlight is the page's interaction, not a layer of data.
    return [t.meta["layer"] for t in fig.data if t.meta["layer"] != "hover-highlight"]


def test_all_layers_present_with_merged_cable_traces(ctx: AppContext) -> None:
    fig = build(ctx, set(ALL_LAYERS))
    present = layers_of(fig)
    assert set(present) == set(ALL_LAYERS)
    cable_traces = [t for t in fig.data if t.meta["layer"] == "cables"]
    assert 1 <= len(cable_traces) <= 12  # merged by colour and status, never one per cable
    assert all(isinstance(t, go.Scattermap) and t.mode == "lines" for t in cable_traces)
    drawn_ids = {int(v) for t in cable_traces for v in np.asarray(t.customdata)}
    assert len(drawn_ids) == 526
    points = next(t for t in fig.data if t.meta["layer"] == "landing_points")
    assert len(points.lon) == 1436
    coverage = [t for t in fig.data if t.meta["layer"] == "coverage"]
    assert len(coverage) == 4 and all(isinstance(t, go.Choroplethmap) for t in coverage)


def test_layer_toggle_removes_traces(ctx: AppContext) -> None:
    fig = build(ctx, {"cables"})
    assert set(layers_of(fig)) == {"cables"}
    # No data layer is drawn (the one trace left only keeps the map a map).
    assert [layer for layer in layers_of(build(ctx, set())) if layer != "none"] == []


def test_basemap_is_local_and_no_tiles(ctx: AppContext) -> None:
    fig = build(ctx, {"cables"})
    assert fig.layout.map.style == "white-bg"
    sources = [layer.source for layer in fig.layout.map.layers]
    urls = [s for s in sources if isinstance(s, str)]
    assert urls == [
        "/basemap/land.geojson",
        "/basemap/land_10m.geojson",
        "/basemap/land_city.geojson",
        "/basemap/borders.geojson",
    ]


def test_cable_arrays_are_float32_with_nan_gaps(ctx: AppContext) -> None:
    trace = next(t for t in build(ctx, {"cables"}).data)
    lon = np.asarray(trace.lon)
    assert lon.dtype == np.float32
    assert np.isnan(lon).sum() >= 1


def test_theme_changes_basemap_colours(ctx: AppContext) -> None:
    light = build(ctx, {"cables"}, theme=LIGHT).layout.map.layers[0].color
    dark = build(ctx, {"cables"}, theme=DARK).layout.map.layers[0].color
    assert light != dark


def test_coverage_follows_technology(ctx: AppContext) -> None:
    fig = build(ctx, {"coverage"}, tech="2G")
    assert all(t.name.endswith("2G") for t in fig.data)


def test_line_arrays_unwrap_and_split() -> None:
    geom = shapely.MultiLineString([[(170, 0), (179.9, 1)], [(-179.9, 1), (-170, 2)]])
    arrays = line_arrays(geom, tolerance=0)
    assert int(np.isnan(arrays.lon).sum()) == 2
    assert np.nanmax(np.abs(np.diff(arrays.lon[:2]))) < 180
    lon, _lat, text, vertex_ids = concat_lines({"a": arrays}, ["a", "missing"], {"a": "A"})
    assert len(lon) == len(text or []) == len(vertex_ids) == 6


def test_hover_text_is_escaped() -> None:
    assert labels.inert("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert labels.inert("a\u202eb\x00c") == "abc"
    assert labels.inert("x" * 500).endswith("…")


def test_cable_colours_are_stable() -> None:
    assert cable_colour("seamewe-4") == cable_colour("seamewe-4")


def test_hover_labels_are_made_on_demand_and_equal_the_eager_ones(real_data: Datasets) -> None:
    facilities = real_data.facilities
    lazy = HoverLabels(facilities, labels.facility_hover)
    assert len(lazy) == len(facilities) and list(lazy)[:3] == list(facilities.index[:3])
    first = list(facilities.index[:5])
    assert lazy.labels([*first, "no-such-id"]) == [
        labels.facility_hover(row) for _, row in records(facilities.loc[first])
    ] + [""]
    eager = {key: labels.facility_hover(row) for key, row in records(facilities)}
    assert {key: lazy[key] for key in facilities.index} == eager
    with pytest.raises(KeyError):
        lazy["no-such-id"]


def test_polygon_features_are_made_once_and_never_copied(real_data: Datasets) -> None:
    import copy

    from figures.fast import SharedDict
    from figures.map import PolygonFeatures

    polygons = PolygonFeatures()
    first = polygons.features("coverage", real_data.coverage)
    again = polygons.features("coverage", real_data.coverage.iloc[::-1])
    assert [f["id"] for f in first] == [str(i) for i in real_data.coverage.index]
    assert all(a is b for a, b in zip(first, reversed(again), strict=True))
    assert all(isinstance(f, SharedDict) for f in first)
    assert copy.deepcopy(first[0]) is first[0]
    assert first[0]["geometry"]["type"] in {"Polygon", "MultiPolygon"}


def test_a_map_with_every_layer_off_is_still_a_map(ctx: AppContext) -> None:
    fig = build(ctx, set())
    # Without a trace Plotly would draw empty x/y axes where the map was.
    assert [t.type for t in fig.data] == ["scattermap"]
    assert fig.layout.map.style == "white-bg"
