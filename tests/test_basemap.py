"""The city-scale basemap without a browser: the shipped land is fine enough for the Marseille
close-up, the map draws it from the right zoom without a dark coastline, and exports carry it."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from datalayer.loader import Datasets
from datalayer.selection import MapView, Selection
from export import images
from export.meta import credits_for, map_files
from figures.map import map_figure
from figures.theme import DARK, LIGHT
from services.context import AppContext, build_context

#: Inside the Frioul archipelago (Ratonneau), inside Riou, and in the sea off Marseille's harbour
#: that Natural Earth 1:50m and 1:10m both call land (where the straight coast crossed the city).
FRIOUL = (5.3152, 43.2843)
RIOU = (5.3889, 43.1754)
HARBOUR_SEA = (5.35, 43.31)
CLOSE_UP = MapView(5.37, 43.3, 12)


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


def _land(payload: bytes) -> shapely.Geometry:
    return shape(json.loads(payload)["features"][0]["geometry"])


def _coast_spacing_m(land: shapely.Geometry, box: tuple[float, float, float, float]) -> float:
    """Median distance in metres between consecutive coast vertices inside ``box``."""
    coast = shapely.clip_by_rect(land.boundary, *box)
    steps = []
    for line in getattr(coast, "geoms", [coast]):
        for (x1, y1), (x2, y2) in itertools.pairwise(line.coords):
            dx = (x2 - x1) * np.cos(np.radians(43.3))
            steps.append(float(np.hypot(dx, y2 - y1)) * 111_000)
    return float(np.median(steps))


def test_the_marseille_close_up_has_its_islands_and_its_real_coast(real_data: Datasets) -> None:
    city = _land(real_data.basemap_land_city)
    coarse = _land(real_data.basemap_land)
    for island in (FRIOUL, RIOU):
        assert city.contains(shapely.Point(island))
        assert not coarse.contains(shapely.Point(island))  # why the close-up needed more
    assert not city.contains(shapely.Point(HARBOUR_SEA))
    assert coarse.contains(shapely.Point(HARBOUR_SEA))
    # Zoom 12 is ~14 m a pixel here: the coast has a vertex every few hundred metres at most.
    box = (5.2, 43.15, 5.6, 43.37)
    assert _coast_spacing_m(city, box) < 400
    assert _coast_spacing_m(coarse, box) > 5_000


def test_finer_land_is_served_small_and_within_its_box(real_data: Datasets) -> None:
    for key, payload in real_data.basemap_finer.items():
        collection = json.loads(payload)
        west, south, east, north = collection["bbox"]
        minx, miny, maxx, maxy = _land(payload).bounds
        assert west <= minx and south <= miny and maxx <= east and maxy <= north, key
        assert len(payload) < 400_000, key
    assert list(real_data.basemap_finer) == ["basemap_land_10m", "basemap_land_city"]


@pytest.mark.parametrize("theme", [LIGHT, DARK])
def test_map_draws_finer_land_from_its_zoom_without_a_dark_edge(ctx: AppContext, theme) -> None:  # type: ignore[no-untyped-def]
    fig = map_figure(ctx.map, ctx.data, layers={"cables"}, coverage_technology="4G", theme=theme)
    layers = [layer.to_plotly_json() for layer in fig.layout.map.layers]
    fills = [layer for layer in layers if layer["type"] == "fill"]
    # Every fill is edged in its own colour: no coastline or box edge drawn as a line.
    assert all(layer["fill"]["outlinecolor"] == layer["color"] for layer in fills)
    city = next(
        i for i, layer in enumerate(layers) if layer["source"] == "/basemap/land_city.geojson"
    )
    sea = layers[city - 1]
    assert sea["color"] == theme.ocean and sea["minzoom"] == layers[city]["minzoom"] == 8
    assert sea["source"]["coordinates"][0][0] == [4.0, 42.9]
    fine = next(layer for layer in layers if layer["source"] == "/basemap/land_10m.geojson")
    assert fine["minzoom"] == 5 and layers.index(fine) < city
    # The IGN credit is on the IGN layer only (MapLibre shows it while that layer is drawn).
    assert "IGN" in layers[city]["sourceattribution"]
    assert [layer.get("sourceattribution", "") for layer in layers].count("") == len(layers) - 2


def test_exported_close_up_carries_the_fine_coast_and_its_credit(ctx: AppContext) -> None:
    sel = Selection(view=CLOSE_UP, layers=("cables",))
    fig = images.build_figure(ctx, sel, "map", "light")
    layers = fig.layout.map.layers
    assert all(isinstance(layer.source, dict) for layer in layers)
    city = [layer for layer in layers if layer.minzoom == 8 and layer.color == LIGHT.land]
    assert len(city) == 1 and city[0].minzoom <= fig.layout.map.zoom
    assert city[0].source["bbox"] == [4.0, 42.9, 6.3, 44.0]
    titles = [c.title for c in credits_for(ctx, map_files(sel))]
    assert "Land around Marseille (basemap from zoom 8)" in titles
    png = images.export_named_figure(ctx, sel, "map", "png", width=600, height=400)
    assert png.startswith(b"\x89PNG")
