"""The map's place names: the shipped names, their glyphs, the style that draws them and the
routes that serve both (no browser)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from flask.testing import FlaskClient

from app import GLYPHS_DIR, create_app
from datalayer.loader import Datasets
from datalayer.selection import Selection
from figures.map import map_figure
from figures.place_labels import (
    FIRST_LABEL_LAYER,
    FONTSTACK,
    GLYPHS_URL,
    LABEL_LAYERS,
    LABELS_URL,
    map_style,
)
from figures.theme import DARK, LIGHT
from scripts.build.glyphs import (
    BUFFER_PX,
    decode_codepoints,
    encode_range,
    range_name,
    ranges_for,
    render_range,
    signed_distance_field,
)
from scripts.build.labels import arrondissement_label, arrondissement_labels, town_labels
from services.context import build_context

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def client(real_data: Datasets) -> FlaskClient:
    return create_app(real_data).server.test_client()


def _label_names() -> list[str]:
    collection = json.loads((DATA / "place_labels.geojson").read_text(encoding="utf-8"))
    return [f["properties"]["name"] for f in collection["features"]]


def test_the_style_fetches_glyphs_and_names_from_the_app() -> None:
    style = map_style()
    assert style["glyphs"] == GLYPHS_URL == "/glyphs/{fontstack}/{range}.pbf"
    assert style["sources"]["place-labels"]["data"] == LABELS_URL
    symbols = [layer for layer in style["layers"] if layer["type"] == "symbol"]
    assert [layer["id"] for layer in symbols] == [layer.id for layer in LABEL_LAYERS]
    assert all(layer["layout"]["text-font"] == [FONTSTACK] for layer in symbols)


def test_the_style_is_the_same_in_both_themes_and_the_colours_follow_the_theme_state() -> None:
    # A style change makes Plotly lose its land layers: the page's style never changes.
    assert map_style() == map_style(theme=LIGHT)
    paint = map_style()["layers"][-1]["paint"]
    assert paint["text-color"] == [
        "match",
        ["global-state", "theme"],
        "dark",
        DARK.text,
        LIGHT.text,
    ]
    assert map_style(theme=DARK)["state"] == {"theme": {"default": "dark"}}


def test_every_character_of_every_label_has_a_shipped_glyph() -> None:
    names = _label_names()
    assert "Marseille 1er" in names and "Marseille 16e" in names and "Marseille" in names
    for start in ranges_for(names):
        path = GLYPHS_DIR / FONTSTACK / f"{range_name(start)}.pbf"
        assert path.is_file(), f"no glyph file {path.name} for the labels"
        have = decode_codepoints(path.read_bytes())[FONTSTACK]
        missing = {c for name in names for c in name if start <= ord(c) < start + 256} - {
            chr(cp) for cp in have
        }
        assert not missing, f"{path.name} lacks {sorted(missing)}"


def test_the_app_serves_the_glyphs_and_the_names_with_long_cache(client: FlaskClient) -> None:
    url = GLYPHS_URL.format(fontstack=FONTSTACK, range="0-255")
    response = client.get(url.replace(" ", "%20"))
    assert response.status_code == 200
    assert response.mimetype == "application/x-protobuf"
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert ord("M") in decode_codepoints(response.data)[FONTSTACK]
    names = client.get(LABELS_URL)
    assert names.status_code == 200
    assert "Marseille 8e" in names.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/glyphs/DejaVu%20Sans%20Book/65536-65791.pbf",
        "/glyphs/Arial/0-255.pbf",
    ],
)
def test_unknown_glyphs_are_404(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_traces_are_drawn_below_the_labels_each_at_its_own_slot(real_data: Datasets) -> None:
    ctx = build_context(real_data)
    filtered = ctx.select(Selection())
    fig = map_figure(
        ctx.map,
        filtered,
        layers={"cables", "landing_points"},
        coverage_technology="4G",
        theme=LIGHT,
    )
    style_order = [layer["id"] for layer in fig.layout.map.style["layers"]]
    # (The hover highlight, empty until the page fills it, has none: Plotly would ignore it.)
    trace_places = [style_order.index(trace.below) for trace in fig.data if trace.below]
    # Each trace at a slot of its own (Plotly re-adds every layer that shares a ``below`` on
    # each redraw), in the figure's order, all under the names.
    assert fig.data and trace_places == sorted(set(trace_places))
    assert trace_places[-1] < style_order.index(FIRST_LABEL_LAYER)
    # The basemap layers likewise, all under the traces.
    basemap_places = [style_order.index(layer.below) for layer in fig.layout.map.layers]
    assert basemap_places == sorted(set(basemap_places))
    assert basemap_places[-1] < trace_places[0]
    assert fig.layout.map.style["glyphs"] == GLYPHS_URL


def test_a_trace_keeps_its_slot_whatever_the_other_layers_draw(real_data: Datasets) -> None:
    """Plotly takes a trace whose ``below`` changed off the map and puts it back (its tiles cut
    again): a filter or a layer switch must not move the traces it does not change."""
    ctx = build_context(real_data)

    def slots(sel: Selection, layers: set[str]) -> dict[str, str]:
        fig = map_figure(
            ctx.map, ctx.select(sel), layers=layers, coverage_technology="4G", theme=LIGHT
        )
        return {t.meta["layer"]: t.below for t in fig.data if t.meta["layer"] == "datacentres"}

    everything = slots(Selection(), {"coverage", "cables", "datacentres", "landing_points"})
    assert everything and everything == slots(Selection(), {"datacentres"})
    assert everything == slots(Selection(owners=("Orange",)), {"cables", "datacentres"})


# --- the build ---------------------------------------------------------------------------------


def _point(name: str, cables: int, lon: float = 5.0, tbd: bool = False) -> dict[str, object]:
    return {
        "properties": {"name": name, "cable_ids": ["c"] * cables, "is_tbd": tbd},
        "geometry": {"type": "Point", "coordinates": [lon, 43.0]},
    }


def test_town_labels_take_the_town_once_and_skip_undecided_positions() -> None:
    labels = town_labels(
        [
            _point("Marseille, France", 13),
            _point("Tripoli, Libya", 2),
            _point("Tripoli, Lebanon", 3),
            _point("Nowhere, Atlantis", 1, tbd=True),
        ]
    )
    assert [(f["properties"]["name"], f["properties"]["cables"]) for f in labels] == [
        ("Marseille", 13),
        ("Tripoli", 3),
        ("Tripoli", 2),
    ]


def test_arrondissement_labels_read_as_people_say_them() -> None:
    assert arrondissement_label("Marseille 8e  Arrondissement") == "Marseille 8e"
    assert arrondissement_label("Marseille 1er Arrondissement") == "Marseille 1er"
    square = {"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]]}
    communes = [
        {
            "properties": {"code": str(13200 + i), "nom": f"Marseille {i}e  Arrondissement"},
            "geometry": square,
        }
        for i in range(1, 17)
    ]
    labels = arrondissement_labels(communes)
    assert len(labels) == 16
    assert labels[1]["properties"] == {
        "name": "Marseille 2e",
        "kind": "arrondissement",
        "cables": None,
        "code": "13202",
    }
    assert labels[0]["geometry"]["coordinates"] == pytest.approx([1.0, 1.0], abs=0.01)


def test_the_distance_field_puts_the_edge_at_191() -> None:
    square = np.zeros((10, 10))
    square[2:8, 2:8] = 255
    field = signed_distance_field(square)
    assert field.shape == (10 + 2 * BUFFER_PX, 10 + 2 * BUFFER_PX)
    centre, outside = field[8, 8], field[0, 0]
    assert centre > 191 > outside
    # Just inside and just outside the square's left edge sit either side of the edge value.
    assert field[8, BUFFER_PX + 2] >= 191 > field[8, BUFFER_PX + 1]


def test_a_glyph_file_round_trips(tmp_path: Path) -> None:
    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    glyphs = [g for g in render_range(font, 0) if chr(g.codepoint) in "Ma "]
    data = encode_range(FONTSTACK, 0, glyphs)
    assert decode_codepoints(data) == {FONTSTACK: {ord("M"), ord("a"), ord(" ")}}
    m = next(g for g in glyphs if chr(g.codepoint) == "M")
    assert len(m.bitmap) == (m.width + 2 * BUFFER_PX) * (m.height + 2 * BUFFER_PX)
    assert m.advance > 0 and m.top < 0
