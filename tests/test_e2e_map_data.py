"""End to end in headless Chromium: the map's geometry crosses the wire once.

The page fetches the geometry pack once; a filter change brings a small message that refers to
it (the map repaints with the new selection, no geometry fetched again); switching a layer
redraws in the browser (no render request, no geometry), and the legend follows.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Page, Request

from components import hubs_panel as hp
from components import ids
from datalayer.loader import Datasets
from datalayer.query import parse_query
from services.context import AppContext, build_context
from tests.browser import choose_option, drawn_cable_count, layer_keys, wait_for_settled_map
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser

_LEGEND = """
() => {
  const g = document.querySelector('#map .js-plotly-plot');
  const note = (g._fullLayout.annotations || []).find((a) => a.name === 'legend');
  return note ? note.text : null;
}
"""


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


class Requests:
    """Every request the page makes, from the moment it is attached."""

    def __init__(self, page: Page) -> None:
        self.seen: list[Request] = []
        page.on("request", lambda request: self.seen.append(request))

    def clear(self) -> None:
        self.seen.clear()

    def packs(self) -> list[Request]:
        return [r for r in self.seen if "/map-pack/" in r.url]

    def callbacks(self) -> list[dict[str, Any]]:
        """The bodies of the Dash callback requests."""
        return [
            json.loads(r.post_data or "{}") for r in self.seen if "_dash-update-component" in r.url
        ]


#: Record the ids of the map's MapLibre layers removed or added from now on.
_WATCH_LAYERS = """
() => {
  const map = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
  window.__touchedLayers = [];
  for (const name of ['addLayer', 'removeLayer']) {
    const original = map[name].bind(map);
    map[name] = (layer, ...rest) => {
      window.__touchedLayers.push(typeof layer === 'string' ? layer : layer.id);
      return original(layer, ...rest);
    };
  }
}
"""


def _points_of(page: Page, layer: str) -> int:
    count: int = page.evaluate(
        """(layer) => document.querySelector('#map .js-plotly-plot')._fullData
            .filter((t) => t.meta && t.meta.layer === layer)
            .reduce((n, t) => n + (t.lon ? t.lon.length : 0), 0)""",
        layer,
    )
    return count


def test_switching_a_layer_redraws_in_the_browser(live_server: LiveServer, page: Page) -> None:
    log = Requests(page)
    page.goto(live_server.url + "/")
    wait_for_settled_map(page)
    # The hubs card polls for its ranking on a timer until a fresh server has computed it: its
    # requests would land among the switch's (they have nothing to do with it).
    page.locator(f"#{hp.STATUS}").wait_for(state="hidden", timeout=120_000)
    assert len(log.packs()) == 1, "the page fetches the geometry once"
    facilities = _points_of(page, "facilities")
    assert facilities > 0 and "IX facilities" in page.evaluate(_LEGEND)
    page.evaluate(_WATCH_LAYERS)
    log.clear()
    page.click(f"#{ids.LAYERS} input[value='facilities']")
    page.wait_for_function(
        """() => !document.querySelector('#map .js-plotly-plot')._fullData
            .some((t) => t.meta && t.meta.layer === 'facilities')""",
        timeout=5_000,
    )
    assert "IX facilities" not in page.evaluate(_LEGEND)
    assert {"cables", "landing_points"} <= layer_keys(page)
    # Only the facilities' MapLibre layers went: the land, the cables and the other points were
    # not taken off and put back (which makes MapLibre cut all their tiles again).
    touched = page.evaluate("() => window.__touchedLayers")
    assert touched and all("facilities" in layer for layer in touched), touched
    page.wait_for_function(
        "() => new URLSearchParams(location.search).has('layers')", timeout=15_000
    )
    page.wait_for_timeout(800)  # any late request would show now
    outputs = [body.get("output", "") for body in log.callbacks()]
    assert not [o for o in outputs if "map-message" in o or "grid.rowData" in o], outputs
    assert not log.packs(), "no geometry fetched to switch a layer"
    # The only requests: the URL's record of the layers (the sync callback) and the export
    # links that carry them, a few hundred bytes each.
    assert all("url.search" in o or "export-image-link" in o for o in outputs), outputs
    page.click(f"#{ids.LAYERS} input[value='facilities']")
    page.wait_for_function(
        "(n) => document.querySelector('#map .js-plotly-plot')._fullData"
        ".filter((t) => t.meta && t.meta.layer === 'facilities')"
        ".reduce((s, t) => s + t.lon.length, 0) === n",
        arg=facilities,
        timeout=5_000,
    )
    assert not log.packs()


def test_a_filter_change_repaints_from_geometry_already_in_the_browser(
    live_server: LiveServer, page: Page, ctx: AppContext
) -> None:
    log = Requests(page)
    page.goto(live_server.url + "/")
    wait_for_settled_map(page)
    default_cables = drawn_cable_count(page)
    assert default_cables == len(ctx.select(parse_query("", ctx.vocab)[0]).cables)
    log.clear()
    with page.expect_response(lambda r: "/map-message?" in r.url) as answered:
        choose_option(page, ids.F_OWNER, "Orange", "Orange")
    answer = answered.value.json()
    assert answer["key"] == "?owner=Orange"
    themes = answer["themes"]
    assert set(themes) == {"light", "dark"}  # both: switching theme asks the server nothing
    message = themes["light"]
    orange = ctx.select(parse_query("?owner=Orange", ctx.vocab)[0])
    page.wait_for_function(
        """(n) => {
            const ids = new Set();
            for (const t of document.querySelector('#map .js-plotly-plot')._fullData) {
                if (!t.meta || t.meta.layer !== 'cables' || t.meta.selected || !t.customdata)
                    continue;
                for (const v of t.customdata) ids.add(v);
            }
            return ids.size === n;
        }""",
        arg=len(orange.cables),
        timeout=20_000,
    )
    # The message names runs of the geometry the page already holds, not coordinates.
    layer_traces = [e for e in message["traces"] if "slot" in e]
    assert layer_traces and all(len(e["runs"]) % 2 == 0 for e in layer_traces)
    whole = [e["trace"].get("meta", {}).get("layer") for e in message["traces"] if "trace" in e]
    assert set(whole) <= {"hover-highlight", "selection", "route", "cut-cables", "cut-impact"}
    assert len(json.dumps(message)) < 40_000
    assert not log.packs(), "the geometry is not fetched again"
    # The map is asked for as soon as the URL changes, not after the page's render callbacks
    # (whose answer only names it).
    order = [r.url for r in log.seen]
    asked = next(i for i, url in enumerate(order) if "/map-message?" in url)
    rendered = [
        i
        for i, r in enumerate(log.seen)
        if "_dash-update-component" in r.url and "map-message.data" in (r.post_data or "")
    ]
    assert rendered and asked < rendered[0], order
    # Back: the default selection, redrawn from the same geometry, and drawn first: the map is
    # repainted before the page's callbacks ask the server about the URL (assets/mapdata.js).
    page.evaluate(
        """() => {
            window.__mapWhenAsked = null;
            const plain = window.fetch;
            window.fetch = function (url, options) {
                const body = String((options && options.body) || '');
                if (window.__mapWhenAsked === null && body.includes('url.search')) {
                    const ids = new Set();
                    for (const t of document.querySelector('#map .js-plotly-plot')._fullData) {
                        if (t.meta && t.meta.layer === 'cables' && !t.meta.selected && t.customdata)
                            for (const v of t.customdata) ids.add(v);
                    }
                    window.__mapWhenAsked = ids.size;
                }
                return plain.apply(this, arguments);
            };
        }"""
    )
    page.go_back()
    page.wait_for_function(
        "(n) => { const ids = new Set(); for (const t of document.querySelector("
        "'#map .js-plotly-plot')._fullData) { if (t.meta && t.meta.layer === 'cables'"
        " && !t.meta.selected && t.customdata) for (const v of t.customdata) ids.add(v); }"
        " return ids.size === n; }",
        arg=default_cables,
        timeout=20_000,
    )
    page.wait_for_function("() => window.__mapWhenAsked !== null")
    assert page.evaluate("() => window.__mapWhenAsked") == default_cables
    assert not log.packs()


def test_the_legend_counts_what_is_in_view(
    live_server: LiveServer, page: Page, ctx: AppContext
) -> None:
    page.goto(live_server.url + "/?view=5.2,43.2,7")
    wait_for_settled_map(page)
    page.wait_for_function(
        "() => { const g = document.querySelector('#map .js-plotly-plot');"
        " const n = (g._fullLayout.annotations || []).find((a) => a.name === 'legend');"
        " return n && n.text.includes(' in view of '); }",
        timeout=15_000,
    )
    bounds = page.evaluate(
        "() => { const b = document.querySelector('#map .js-plotly-plot')._fullLayout.map"
        "._subplot.map.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"
    )
    west, south, east, north = bounds
    points = ctx.select(parse_query("", ctx.vocab)[0]).landing_points
    inside = points[
        (points.geometry.x >= west)
        & (points.geometry.x <= east)
        & (points.geometry.y >= south)
        & (points.geometry.y <= north)
    ]
    assert 0 < len(inside) < len(points)
    legend = page.evaluate(_LEGEND)
    assert f"Landing points ({len(inside):,} in view of {len(points):,})" in legend, legend


def test_a_click_folds_the_legend_and_another_unfolds_it(
    live_server: LiveServer, page: Page
) -> None:
    page.goto(live_server.url + "/")
    wait_for_settled_map(page)
    unfolded = page.evaluate(_LEGEND)
    assert "coloured by ready-for-service year" in unfolded and "click to fold" in unfolded
    legend = page.locator("#map .annotation", has_text="Submarine cables")
    legend.click()
    page.wait_for_function(f"() => ({_LEGEND})().includes('click for the key')", timeout=5_000)
    folded = page.evaluate(_LEGEND)
    assert "coloured by ready-for-service year" not in folded
    assert "Submarine cables (" in folded and "Landing points (" in folded
    box = page.locator("#map .annotation", has_text="Submarine cables").bounding_box()
    assert box is not None and box["height"] < 140, box
    page.locator("#map .annotation", has_text="Submarine cables").click()
    page.wait_for_function(f"() => ({_LEGEND})().includes('click to fold')", timeout=5_000)


#: Links followed one after another, each changing how many cable traces the map has (the
#: cables are drawn in one trace per ready-for-service band).
LINK_CHAIN = ("?owner=Orange", "?status=planned", "", "?country=Egypt", "?status=planned")


def test_following_links_from_one_question_to_another_redraws_each(
    live_server: LiveServer, page: Page, ctx: AppContext
) -> None:
    """Links followed straight from one filter to another (not via the default view). A trace
    count that changes from one map to the next used to hand one trace's MapLibre layers to
    another ("Map error.") and the map then kept showing the earlier question."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/")
    wait_for_settled_map(page)
    for search in LINK_CHAIN:
        wanted = len(ctx.select(parse_query(search, ctx.vocab)[0]).cables)
        page.evaluate(
            "(s) => { history.pushState({}, '', location.pathname + s);"
            " window.dispatchEvent(new CustomEvent('_dashprivate_pushstate')); }",
            search,
        )
        page.wait_for_function(
            """([rev, n]) => {
                const g = document.querySelector('#map .js-plotly-plot');
                if (g._fullLayout.uirevision !== rev) return false;
                const ids = new Set();
                for (const t of g._fullData) {
                    if (!t.meta || t.meta.layer !== 'cables' || t.meta.selected) continue;
                    for (const v of t.customdata || []) ids.add(v);
                }
                return ids.size === n;
            }""",
            arg=[search or "?", wanted],
            timeout=20_000,
        )
        assert drawn_cable_count(page) == wanted, search
        wait_for_settled_map(page, pause_ms=300)
    assert not errors, errors
