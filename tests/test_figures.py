"""The map figure, built without a browser: trace types, merging, layers, offline basemap."""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
import pytest
import shapely

from datalayer.loader import Datasets
from datalayer.selection import Selection
from figures import labels
from figures.analysis_layers import CUT_LINE, DISCONNECTED
from figures.geometry import concat_lines, line_arrays
from figures.map import ALL_LAYERS, HoverLabels, map_figure, records
from figures.theme import CABLE_CLASSES, DARK, LIGHT, cable_class
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


def _assert_local_style(style: dict[str, Any]) -> None:
    """The style's only source is the app's place names, its glyphs the app's, and it has no
    tiles or sprites (which MapLibre would fetch from elsewhere)."""
    assert {name: src["type"] for name, src in style["sources"].items()} == {
        "place-labels": "geojson"
    }
    assert style["sources"]["place-labels"]["data"].startswith("/basemap/")
    assert style["glyphs"].startswith("/glyphs/")
    assert "sprite" not in style


def test_basemap_is_local_and_no_tiles(ctx: AppContext) -> None:
    fig = build(ctx, {"cables"})
    _assert_local_style(fig.layout.map.style)
    sources = [layer.source for layer in fig.layout.map.layers]
    urls = [s for s in sources if isinstance(s, str)]
    assert urls == [
        "/basemap/land.geojson",
        "/basemap/land_10m.geojson",
        "/basemap/land_city.geojson",
        "/basemap/borders.geojson",
    ]


def test_cable_arrays_are_float32_with_nan_gaps(ctx: AppContext) -> None:
    trace = next(t for t in build(ctx, {"cables"}).data if t.meta["layer"] == "cables")
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


def test_a_cable_colour_says_its_era_or_that_it_is_planned() -> None:
    assert cable_class(1999, False).label == "before 2000"
    assert cable_class(2000, False).label == "2000–2009"
    assert cable_class(2019, False).label == "2010–2019"
    assert cable_class(2020, False).label == "2020 and later"
    assert cable_class(float("nan"), False).label == "year unknown"
    assert cable_class(2030, True).label == cable_class(None, True).label
    assert cable_class(2030, True).label.startswith("planned")
    colours = [c.colour for c in CABLE_CLASSES]
    assert len(set(colours)) == len(colours)
    # A cut cable never looks like an ordinary one.
    assert CUT_LINE not in colours and DISCONNECTED not in colours
    planned = cable_class(2030, True)
    in_service = cable_class(2010, False)
    assert planned.width < in_service.width and planned.opacity < in_service.opacity


def test_each_cable_is_drawn_in_its_era_trace(ctx: AppContext) -> None:
    cables = ctx.data.cables
    traces = [t for t in build(ctx, {"cables"}).data if t.meta["layer"] == "cables"]
    assert len(traces) == len(
        {
            cable_class(y, p).key
            for y, p in zip(cables["rfs_year"], cables["is_planned"], strict=True)
        }
    )
    order = ctx.map.cable_order
    for trace in traces:
        label = trace.meta["key"]["label"]
        assert trace.line.color == trace.meta["key"]["colour"]
        drawn = {order[int(v)] for v in np.asarray(trace.customdata)}
        for cid in drawn:
            row = cables.loc[cid]
            assert cable_class(row["rfs_year"], bool(row["is_planned"])).label == label
    in_2000s = next(t for t in traces if t.meta["key"]["label"] == "2000–2009")
    assert ctx.map.cable_position["seamewe-4"] in {int(v) for v in np.asarray(in_2000s.customdata)}


def test_ftth_is_drawn_in_discrete_classes_with_plain_labels(ctx: AppContext) -> None:
    traces = [t for t in build(ctx, {"ftth"}).data if t.meta["layer"] == "ftth"]
    labels_drawn = [t.meta["key"]["label"] for t in traces]
    # Marseille's arrondissements fall in three ARCEP classes (Q1 2018), lowest first.
    assert labels_drawn == [
        "25–50 % of premises connectable",
        "50–80 % of premises connectable",
        "80 % or more of premises connectable",
    ]
    assert sum(len(t.locations) for t in traces) == 16
    assert not any(t.showscale for t in traces)
    assert len({t.colorscale[0][1] for t in traces}) == 3
    hover = " ".join(text for t in traces for text in t.text)
    assert "inferred" not in hover
    eighth = next(t for t in traces if "80 % or more" in t.meta["key"]["label"])
    assert any("8e" in text or "8ème" in text or "8" in text for text in eighth.text)


def test_one_operator_is_filled_and_outlined_several_are_outlines(ctx: AppContext) -> None:
    coverage = ctx.data.coverage
    one = map_figure(
        ctx.map,
        ctx.select(Selection()),
        layers={"coverage"},
        coverage_technology="4G",
        theme=LIGHT,
    )
    (orange,) = [t for t in one.data if t.meta["layer"] == "coverage"]
    assert orange.meta["key"]["label"] == "Orange 4G"
    assert (
        orange.marker.line.width >= 2 and orange.marker.line.color == orange.meta["key"]["colour"]
    )
    assert not orange.colorscale[0][1].endswith(",0.0)")
    every = build(ctx, {"coverage"})
    outlines = [t for t in every.data if t.meta["layer"] == "coverage"]
    assert len(outlines) == coverage["operator"].nunique()
    assert all(t.colorscale[0][1].endswith(",0.0)") for t in outlines)


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
    _assert_local_style(fig.layout.map.style)
