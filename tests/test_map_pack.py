"""The map's geometry crosses the wire once: the pack, the messages, and what the page rebuilds."""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

import numpy as np
import pytest
from plotly.io.json import to_json_plotly

from app import create_app
from components.callbacks import page_map_figure, render_outputs
from datalayer.loader import Datasets
from datalayer.query import parse_query
from figures.layers import ALL_LAYERS, DEFAULT_LAYERS, layers_of
from services.context import AppContext, build_context
from services.map_pack import (
    ELEMENT_ARRAYS,
    decode_array,
    drawn_figure,
    encode_array,
    expand_message,
    map_message,
    runs_in_slot,
    slot_key,
    trace_dict,
)
from services.page_map import map_messages

#: States of the page with every kind of trace: filters, a selected cable and landing point, a
#: route with a cut, another coverage technology, the fibre layer, the whole world, dark theme.
STATES = (
    "",
    "?owner=Orange",
    "?sel=cable:seamewe-4",
    "?sel=lp:marseille-france",
    "?from=marseille-france&to=tuas-singapore&scenario=2024-red-sea",
    "?tech=3G",
    "?operator=all",
    "?operator=SFR&tech=2G",
    "?layers=cables,ftth",
    "?region=world",
    "?country=Greenland",
)


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


def _message(ctx: AppContext, search: str, theme: str = "light") -> dict[str, Any]:
    out = render_outputs(ctx, search or "?", theme, search)
    message: dict[str, Any] = out[0]
    return message


def _plain(value: Any) -> Any:
    """An array attribute as comparable Python values (NaN, the gap between two lines, as
    ``None``)."""
    array = decode_array(value)
    if isinstance(array, np.ndarray):
        return [None if v != v else v for v in array.tolist()]
    return list(array)


def _assert_same_trace(mine: dict[str, Any], built: dict[str, Any]) -> None:
    names = set(ELEMENT_ARRAYS.get(built["type"], ()))
    assert set(mine) - {"geojson"} == set(built) - {"geojson"}
    for key, value in built.items():
        if key in names:
            assert _plain(mine[key]) == _plain(value), key
        elif key == "geojson":
            drawn = {str(f["id"]): f for f in mine["geojson"]["features"]}
            for feature in value["features"]:  # every polygon drawn is the server's
                assert drawn[str(feature["id"])] == feature
            assert set(map(str, built["locations"])) <= set(drawn)
        else:
            assert mine[key] == value, key


def _slot_order(fig: Any) -> list[str]:
    """The traces' ``below`` slots (``trace-slot-NN``: zero-padded, so they sort as drawn)."""
    return [trace.below for trace in fig.data if trace.below]


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("search", STATES)
def test_the_page_rebuilds_exactly_the_map_the_server_built(
    ctx: AppContext, search: str, theme: str
) -> None:
    # The dark message shares the light one's cable traces (built once per state): it must
    # still be exactly the dark map built on its own.
    message = _message(ctx, search, theme)
    pack = ctx.map_pack()
    rebuilt = expand_message(message, pack)
    sel = parse_query(search, ctx.vocab)[0]
    server = page_map_figure(ctx, search or "?", theme, search)
    shown = drawn_figure(message, pack, layers_of(sel))
    assert len(shown.data) == len(server.data)
    for mine, built in zip(shown.data, server.data, strict=True):
        _assert_same_trace(trace_dict(mine), trace_dict(built))
    # Drawn in the same order: each trace at a slot of its own, in the figure's order.
    for fig in (shown, server):
        assert _slot_order(fig) == sorted(set(_slot_order(fig)))
    assert len(rebuilt["data"]) >= len(server.data)  # every layer, switched in the browser
    assert shown.layout.uirevision == server.layout.uirevision
    assert shown.layout.map.center == server.layout.map.center


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("search", STATES)
def test_a_filter_change_sends_no_geometry_of_the_layers(
    ctx: AppContext, search: str, theme: str
) -> None:
    """Every trace of a layer refers to the pack (ids of runs), in either theme; only analysis
    overlays and the selected cable travel whole."""
    message = _message(ctx, search, theme)
    whole = [e["trace"] for e in message["traces"] if "trace" in e]
    layers = {(t.get("meta") or {}).get("layer") for t in whole}
    assert not layers & set(ALL_LAYERS) - {"cables"}
    for trace in whole:
        meta = trace.get("meta") or {}
        if meta.get("layer") == "cables":
            assert meta.get("selected"), "only the selected cable is sent whole"
    assert all(set(e) == {"slot", "runs", "style"} for e in message["traces"] if "slot" in e)


def test_the_message_is_a_small_fraction_of_the_figure(ctx: AppContext) -> None:
    message = _message(ctx, "")
    figure = page_map_figure(ctx, "?", "light", "")
    sent = len(gzip.compress(to_json_plotly(message).encode()))
    before = len(gzip.compress(to_json_plotly(figure).encode()))
    assert sent * 10 < before, (sent, before)


def test_a_trace_that_differs_from_the_pack_is_sent_whole(ctx: AppContext) -> None:
    pack = ctx.map_pack()
    figure = page_map_figure(ctx, "?", "light", "")
    cables = next(trace_dict(t) for t in figure.data if (t.meta or {}).get("layer") == "cables")
    slot = pack.slots[pack.slot_index()[slot_key(cables)]]
    assert runs_in_slot(slot, cables) is not None
    moved = dict(cables)
    lon = np.array(decode_array(cables["lon"]), dtype=np.float32)
    lon[0] += 0.5
    moved["lon"] = lon
    assert runs_in_slot(slot, moved) is None
    message = map_message({"data": [moved, cables], "layout": {}}, pack)
    assert "trace" in message["traces"][0] and "slot" in message["traces"][1]


def test_switching_layers_keeps_the_legend_to_what_is_shown(ctx: AppContext) -> None:
    message = _message(ctx, "")
    pack = ctx.map_pack()
    only_cables = drawn_figure(message, pack, ("cables",))
    assert {t.meta["layer"] for t in only_cables.data} == {"cables", "hover-highlight"}
    legend = next(a for a in only_cables.layout.annotations if a.name == "legend")
    assert "Submarine cables" in legend.text and "Landing points" not in legend.text
    nothing = drawn_figure(message, pack, ())
    assert [t.name for t in nothing.data] == ["No layer shown"]
    assert not [a for a in nothing.layout.annotations or () if a.name == "legend"]
    every = drawn_figure(message, pack, DEFAULT_LAYERS)
    assert "IX facilities" in next(a.text for a in every.layout.annotations if a.name == "legend")


def test_pack_arrays_round_trip() -> None:
    numbers = np.array([1.5, np.nan, -3.25], dtype=np.float32)
    spec = encode_array(numbers)
    assert spec["dtype"] == "f4"
    back = np.frombuffer(base64.b64decode(spec["bdata"]), dtype=np.float32)
    assert np.array_equal(back, numbers, equal_nan=True)
    texts = ["a", "b", "a", "a", "<b>c</b>"]
    spec = encode_array(texts)
    index = np.frombuffer(base64.b64decode(spec["index"]["bdata"]), dtype=np.uint16)
    assert [spec["dict"][i] for i in index] == texts
    assert (
        decode_array({"dtype": "f4", "bdata": encode_array(numbers)["bdata"]}).dtype == np.float32
    )


def test_the_pack_is_served_once_with_long_cache_headers(real_data: Datasets) -> None:
    app = create_app(real_data)
    client = app.server.test_client()
    page = client.get("/")
    assert page.status_code == 200
    layout = client.get("/_dash-layout").get_json()
    assert "map-message" in json.dumps(layout)
    spec = client.get("/_dash-dependencies").get_json()
    render = next(d for d in spec if "map-message.data" in d["output"])
    assert {"id": "render-key", "property": "data"} in render["inputs"]
    # The map does not wait for the theme: both come in one message.
    assert {"id": "theme-store", "property": "data"} not in render["inputs"]
    # The URL the messages name (a hash of the content): immutable, compressed.
    from services.map_pack import PACK_PATH

    version = next(
        rule.rule for rule in app.server.url_map.iter_rules() if rule.endpoint == "map_pack"
    )
    assert version == PACK_PATH
    ctx_url = _pack_url(client, render)
    response = client.get(ctx_url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "gzip"
    body = json.loads(gzip.decompress(response.get_data()))
    assert body["slots"] and all("arrays" in s for s in body["slots"])
    plain = client.get(ctx_url)
    assert json.loads(plain.get_data()) == body
    stale = client.get("/map-pack/0000000000000000.json")
    assert stale.status_code == 404
    assert stale.get_json()["current"] == ctx_url
    assert "Traceback" not in stale.get_data(as_text=True)


def _pack_url(client: Any, render: dict[str, Any]) -> str:
    """The pack URL the render callback's message names."""
    body = {
        "output": render["output"],
        "outputs": [
            {"id": o.split(".")[0], "property": o.split(".")[1]}
            for o in render["output"].strip(".").split("...")
        ],
        "inputs": [
            {"id": i["id"], "property": i["property"], "value": None} for i in render["inputs"]
        ],
        "state": [{"id": s["id"], "property": s["property"], "value": ""} for s in render["state"]],
        "changedPropIds": ["render-key.data"],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    stub = response.get_json()["response"]["map-message"]["data"]
    # The render callback names the map's own URL (the browser has usually asked it already).
    assert stub == {"key": "?", "url": "/map-message"}
    themes = client.get(stub["url"]).get_json()["themes"]
    assert themes["light"]["pack"] == themes["dark"]["pack"]  # one geometry for both themes
    url: str = themes["light"]["pack"]
    return url


def test_the_map_of_a_search_is_one_get_away(real_data: Datasets) -> None:
    """``GET /map-message?<search>``: the map of the URL search, what the page draws the moment
    its URL changes; the same answer as the render callback's path, whatever the spelling."""
    app = create_app(real_data)
    client = app.server.test_client()
    response = client.get("/map-message?owner=Orange&layers=cables,landing_points")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    answer = response.get_json()
    assert answer["key"] == "?owner=Orange"  # the layers are switched in the browser
    assert answer["lod"] is False
    assert answer["shown"] == ["cables", "landing_points"]
    for theme in ("light", "dark"):
        message = answer["themes"][theme]
        assert message["layout"]["uirevision"] == "?owner=Orange"
        assert message["pack"].startswith("/map-pack/")
    ctx = build_context(real_data)
    expected = map_outputs_message(ctx, "?owner=Orange")
    assert json.loads(json.dumps(answer["themes"]["light"])) == expected
    # A view in the URL frames the map (the user's own), and is not part of the key.
    viewed = client.get("/map-message?owner=Orange&view=5.4,43.3,7.5").get_json()
    assert viewed["key"] == "?owner=Orange"
    assert viewed["themes"]["light"]["layout"]["uirevision"] == "user-view"
    assert viewed["themes"]["light"]["layout"]["map"]["zoom"] == 7.5
    # Unknown values fall back as on the page (the page shows the notice), never an error.
    odd = client.get("/map-message?owner=%3Cscript%3E&layers=bogus&year_min=x")
    assert odd.status_code == 200
    assert odd.get_json()["key"] == "?"
    assert "<script>" not in odd.get_data(as_text=True)


def map_outputs_message(ctx: Any, store: str) -> Any:
    """The light message :func:`services.page_map.map_messages` builds for ``store``, as JSON."""
    return json.loads(to_json_plotly(map_messages(ctx, store, store)["light"]))
