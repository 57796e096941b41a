"""The map's level of detail for large selections: culling, grouped markers, simplified cables,
the note on the map, and the view in the store (figures.map, components.callbacks)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

from bench.synth import make_synthetic
from components import ids
from components.callbacks import (
    page_map_figure,
    render_outputs,
    selection_of_store,
    store_key,
    store_value,
    sync_state,
    zoom_from_map_click,
)
from datalayer.loader import Datasets, load_datasets
from datalayer.query import parse_query
from datalayer.selection import MapView, Selection
from figures import lod
from figures.layers import DEFAULT_LAYERS
from services.context import AppContext, build_context
from services.map_pack import drawn_figure
from tests.test_fast_figures import assert_valid_and_unchanged
from tests.test_fast_figures import world_map as whole_map

REPO = Path(__file__).resolve().parent.parent
MARSEILLE = {"lon": 5.37, "lat": 43.3}


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


@pytest.fixture(scope="module")
def ctx10(tmp_path_factory: pytest.TempPathFactory) -> AppContext:
    """Ten times the shipped data (jittered copies with new ids, as the benchmark makes it)."""
    target = tmp_path_factory.mktemp("synth10")
    make_synthetic(REPO / "data", target, 10)
    return build_context(load_datasets(target))


def world_map(ctx: AppContext, center: dict[str, float], zoom: float) -> go.Figure:
    return whole_map(ctx, center=center, zoom=zoom)


def traces_of(fig: go.Figure, layer: str, **meta: object) -> list[go.Scattermap]:
    return [
        t
        for t in fig.data
        if t.meta.get("layer") == layer and all(t.meta.get(k) == v for k, v in meta.items())
    ]


def test_todays_data_is_drawn_feature_by_feature(ctx: AppContext) -> None:
    fig = world_map(ctx, {"lon": 0, "lat": 20}, 1.0)
    world = ctx.select(Selection(region="world"))
    # Nothing simplified, nothing to say: the legend is the map's only annotation.
    assert [a.name for a in fig.layout.annotations] == ["legend"]
    assert not [
        t for t in fig.data if (t.meta or {}).get("clusters") or (t.meta or {}).get("labels")
    ]
    (facilities,) = traces_of(fig, "facilities")
    assert len(facilities.lon) == len(world.facilities)
    cables = traces_of(fig, "cables")
    assert all(t.hovertemplate for t in cables)  # every vertex hovers
    assert store_value(ctx, Selection(region="world", view=MapView(0, 20, 1))) == "?region=world"


def test_many_points_are_grouped_and_every_point_is_counted(ctx10: AppContext) -> None:
    world = ctx10.select(Selection(region="world"))
    assert len(world.facilities) > lod.POINT_LIMIT
    fig = world_map(ctx10, {"lon": 0, "lat": 20}, 1.0)
    for layer, frame in (
        ("facilities", world.facilities),
        ("landing_points", world.landing_points),
    ):
        (grouped,) = traces_of(fig, layer, clusters=True)
        singles = [t for t in traces_of(fig, layer) if not t.meta.get("clusters")]
        counted = sum(
            int(t.split("</b>")[0].split("<b>")[1].split()[0].replace(",", ""))
            for t in grouped.text
        )
        assert counted + sum(len(t.lon) for t in singles) == len(frame)
        assert all(c.startswith("zoom:") for c in grouped.customdata)
        assert len(grouped.lon) < 2_000
    note = fig.layout.annotations[0].text
    assert "grouped into" in note and "IX facilities" in note
    assert_valid_and_unchanged(fig)


def test_zoomed_in_points_are_culled_to_the_view_and_drawn_one_by_one(ctx10: AppContext) -> None:
    fig = world_map(ctx10, MARSEILLE, 8.0)
    (facilities,) = traces_of(fig, "facilities")
    assert not facilities.meta.get("clusters")
    bounds = lod.view_bounds(MARSEILLE, 8.0)
    assert bounds is not None
    assert bounds.contains(np.asarray(facilities.lon), np.asarray(facilities.lat)).all()
    assert 0 < len(facilities.lon) <= lod.POINT_LIMIT
    assert all(str(c).startswith("fac:") for c in facilities.customdata)


def test_many_cable_vertices_are_simplified_with_one_label_per_cable(ctx10: AppContext) -> None:
    world = ctx10.select(Selection(region="world"))
    fig = world_map(ctx10, {"lon": 0, "lat": 20}, 1.0)
    lines = [t for t in traces_of(fig, "cables") if t.mode == "lines"]
    assert lines and all(t.hoverinfo == "skip" for t in lines)
    drawn = sum(int(np.isfinite(np.asarray(t.lon, dtype=float)).sum()) for t in lines)
    assert drawn <= lod.COARSE_VERTEX_LIMIT
    full = sum(int(np.isfinite(ctx10.map.lines[i].lon).sum()) for i in world.cables.index)
    assert drawn < 0.75 * full
    label_traces = traces_of(fig, "cables", labels=True)
    assert len(world.cables) <= lod.LABEL_LIMIT
    (labels,) = label_traces
    assert len(labels.lon) == len(world.cables)  # one hover dot per cable
    # A label's customdata is its cable's position: a click selects that cable.
    if label_traces and len(label_traces[0].customdata):
        position = int(label_traces[0].customdata[0])
        assert ctx10.map.cable_order[position] in world.cables.index
    assert "simplified" in fig.layout.annotations[0].text
    assert "hover a dot" in fig.layout.annotations[0].text


def test_too_many_cables_to_label_get_no_dots_and_say_so(
    ctx10: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lod, "LABEL_LIMIT", 100)
    fig = world_map(ctx10, {"lon": 0, "lat": 20}, 1.0)
    assert not traces_of(fig, "cables", labels=True)
    assert "too many to label" in fig.layout.annotations[0].text


def test_zoomed_in_cables_keep_their_detail(ctx10: AppContext) -> None:
    # Close in, few enough vertices around the view: every vertex hovers again.
    fig = world_map(ctx10, MARSEILLE, 9.0)
    lines = [t for t in traces_of(fig, "cables") if t.mode == "lines"]
    assert lines and all(t.hovertemplate and len(t.text) == len(t.lon) for t in lines)
    assert not traces_of(fig, "cables", labels=True)
    # Further out, with more cables in view: the full geometry, hovered through the dots.
    fig = world_map(ctx10, MARSEILLE, 6.0)
    assert lod.cable_tolerance(6.0) == 0.01
    assert traces_of(fig, "cables", labels=True)
    assert "~1 km" in fig.layout.annotations[0].text


def test_store_carries_the_view_only_for_large_selections(ctx10: AppContext) -> None:
    small = Selection(owners=("Orange",), view=MapView(5.37, 43.3, 6))
    large = Selection(region="world", view=MapView(5.37, 43.3, 6))
    assert store_value(ctx10, replace_view(large, None)) == store_key(large) == "?region=world"
    value = store_value(ctx10, large)
    assert value.startswith("?region=world#lod=")
    assert selection_of_store(ctx10, value) == parse_query("?region=world", ctx10.vocab)[0]
    # Half a zoom level or a quarter frame away: a new key; a nudge: the same.
    assert store_value(ctx10, replace_view(large, MapView(5.38, 43.3, 6.1))) == value
    assert store_value(ctx10, replace_view(large, MapView(5.37, 43.3, 6.6))) != value
    if len(ctx10.select(small).facilities) <= lod.POINT_LIMIT:
        assert "#lod=" not in store_value(ctx10, small)


def replace_view(sel: Selection, view: MapView | None) -> Selection:
    from dataclasses import replace

    return replace(sel, view=view)


def test_render_reads_a_store_with_a_view_key(ctx10: AppContext) -> None:
    search = "?region=world&view=5.37,43.3,8"
    sel = parse_query(search, ctx10.vocab)[0]
    out = render_outputs(ctx10, store_value(ctx10, sel), "light", search)
    figure = drawn_figure(out[0], ctx10.map_pack(), DEFAULT_LAYERS)
    assert figure.layout.map.zoom == 8
    assert figure.layout.uirevision == "user-view"
    json.dumps(out[1:6])  # the KPIs are plain text


def test_both_themes_draw_the_simplified_world_and_say_so(ctx10: AppContext) -> None:
    # The page's map callback builds the cables once for both themes: each theme's map must
    # still be the one built on its own, level-of-detail note included.
    search = "?region=world"
    sel = parse_query(search, ctx10.vocab)[0]
    store = store_value(ctx10, sel)
    for theme in ("light", "dark"):
        message = render_outputs(ctx10, store, theme, search)[0]
        shown = drawn_figure(message, ctx10.map_pack(), DEFAULT_LAYERS)
        alone = page_map_figure(ctx10, store, theme, search)
        assert "simplified" in shown.layout.annotations[0].text
        assert shown.layout.annotations[0].text == alone.layout.annotations[0].text
        assert shown.layout.paper_bgcolor == alone.layout.paper_bgcolor
        assert [t.name for t in shown.data] == [t.name for t in alone.data]
        for mine, built in zip(shown.data, alone.data, strict=True):
            if mine.type == "scattermap":
                assert len(mine.lon if mine.lon is not None else ()) == len(
                    built.lon if built.lon is not None else ()
                )
            colour = [t.to_plotly_json().get("marker", {}).get("color") for t in (mine, built)]
            assert colour[0] == colour[1], mine.name


def test_a_click_on_a_group_zooms_in(ctx10: AppContext) -> None:
    event = {"points": [{"customdata": "zoom:5.3700,43.3000"}]}
    result = sync_state(ctx10, ids.MAP_PICK, "?region=world&view=0,20,1.5", {}, event)
    assert result.search is not None and "view=5.37%2C43.3%2C3.5" in result.search.replace(
        ",", "%2C"
    )
    assert "#lod=" in result.store
    assert zoom_from_map_click({"customdata": "zoom:bad"}, 3.0) is None
    assert zoom_from_map_click({"customdata": "zoom:1e999,2"}, 3.0) is None
    assert zoom_from_map_click({"customdata": ["zoom:10,20"]}, 21.0) == MapView(10.0, 20.0, 22.0)


def test_exported_maps_say_what_was_simplified_without_page_hints(ctx10: AppContext) -> None:
    from export.images import build_figure

    page = world_map(ctx10, {"lon": 0, "lat": 20}, 1.0).layout.annotations[0].text
    assert "click one to zoom in" in page and "hover a dot" in page
    exported = build_figure(ctx10, Selection(region="world"), "map", "light")
    (note,) = [a.text for a in exported.layout.annotations if "grouped into" in (a.text or "")]
    assert "IX facilities in and around the view, grouped into" in note
    assert "click" not in note and "hover" not in note
