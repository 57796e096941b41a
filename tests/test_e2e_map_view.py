"""End to end in headless Chromium: the map's view follows the question asked.

Each test reads what the map shows with MapLibre's own projection (``map.project``) and checks
that the features the question is about are drawn inside the map, clear of its edges and of the
details panel.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from components import ids
from datalayer.loader import Datasets
from tests.browser import wait_for_map, wait_for_settled_map
from tests.conftest import REPO, LiveServer

pytestmark = pytest.mark.browser
SHOTS = REPO / "screenshots"

#: Pixel positions (relative to the map canvas) of every drawn vertex of the traces of
#: ``layer``, the canvas size, and the details panel's left edge within the canvas (or null).
_PLACES = """
(layer) => {
  const g = document.querySelector('#map .js-plotly-plot');
  const map = g._fullLayout.map._subplot.map;
  const canvas = map.getCanvas().getBoundingClientRect();
  const panel = document.querySelector('#details-panel');
  const open = panel && panel.classList.contains('open') && panel.getBoundingClientRect().width > 0;
  const points = [];
  g._fullData.forEach((t) => {
    const wanted = layer === 'selected-cable'
      ? t.meta && t.meta.layer === 'cables' && t.meta.selected
      : t.meta && t.meta.layer === layer;
    if (!wanted || !t.lon) return;
    for (let i = 0; i < t.lon.length; i++) {
      if (!Number.isFinite(t.lon[i]) || !Number.isFinite(t.lat[i])) continue;
      const p = map.project([t.lon[i], t.lat[i]]);
      points.push([p.x, p.y]);
    }
  });
  return {points, width: canvas.width, height: canvas.height,
          panelLeft: open ? panel.getBoundingClientRect().left - canvas.left : null};
}
"""


def _places(page: Page, layer: str) -> dict[str, Any]:
    page.wait_for_function(
        "(layer) => document.querySelector('#map .js-plotly-plot')._fullData"
        ".some(t => t.meta && (t.meta.layer === layer"
        " || (layer === 'selected-cable' && t.meta.selected)))",
        arg=layer,
        timeout=30_000,
    )
    page.wait_for_timeout(800)
    result: dict[str, Any] = page.evaluate(_PLACES, layer)
    assert result["points"], f"nothing of {layer} is drawn"
    return result


def _inside(places: dict[str, Any], margin: float) -> list[list[float]]:
    """The points that are not inside the map (with ``margin`` px) or left of the panel."""
    right = places["panelLeft"] if places["panelLeft"] is not None else places["width"]
    return [
        p
        for p in places["points"]
        if not (margin <= p[0] <= right - margin and margin <= p[1] <= places["height"] - margin)
    ]


def _open(page: Page, server: LiveServer, search: str) -> None:
    page.goto(server.url + "/" + search)
    wait_for_map(page)
    page.wait_for_function(f"() => document.querySelector('#{ids.KPI_CABLES}').textContent !== '–'")


def test_a_route_to_singapore_is_shown_whole(live_server: LiveServer, page: Page) -> None:
    _open(page, live_server, "?from=marseille-france&to=tuas-singapore")
    outside = _inside(_places(page, "route"), margin=5)
    assert not outside, f"{len(outside)} route vertices off the map"
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "route-marseille-tuas.png"))


def test_a_red_sea_cut_shows_the_detour_and_the_ends(live_server: LiveServer, page: Page) -> None:
    _open(page, live_server, "?from=marseille-france&to=tuas-singapore&scenario=2024-red-sea")
    outside = _inside(_places(page, "route"), margin=5)
    assert not outside, f"{len(outside)} vertices of the detours off the map"
    page.screenshot(path=str(SHOTS / "route-marseille-tuas-red-sea-cut.png"))


def test_an_exchange_filter_frames_its_buildings(
    live_server: LiveServer, page: Page, real_data: Datasets
) -> None:
    _open(page, live_server, "?ix=France-IX%20Marseille")
    places = _places(page, "facilities")
    assert len(places["points"]) >= 2
    outside = _inside(places, margin=40)
    assert not outside, f"facilities at the edge of the map: {outside}"
    # Framed, not lost in the Mediterranean: the buildings spread over more than a few pixels
    # or the map is zoomed in close.
    zoom = page.evaluate(
        "() => document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map.getZoom()"
    )
    assert zoom >= 8


def test_a_selected_cable_is_drawn_beside_the_details_panel(
    live_server: LiveServer, page: Page
) -> None:
    _open(page, live_server, "?sel=cable:seamewe-4")
    page.locator(f"#{ids.DETAILS_PANEL}").wait_for(state="visible")
    places = _places(page, "selected-cable")
    assert places["panelLeft"] is not None
    # Of the cable's route drawn on the map, (almost) nothing is under the details panel.
    shown = [
        p
        for p in places["points"]
        if 0 <= p[0] <= places["width"] and 0 <= p[1] <= places["height"]
    ]
    hidden = [p for p in shown if p[0] > places["panelLeft"]]
    assert shown and len(hidden) <= len(shown) // 10, (
        f"{len(hidden)} of {len(shown)} under the panel"
    )
    page.screenshot(path=str(SHOTS / "map-cable-selected-beside-panel.png"))


def test_the_map_has_a_legend_of_what_it_draws(
    live_server: LiveServer, page: Page, real_data: Datasets
) -> None:
    _open(page, live_server, "?from=marseille-france&to=tuas-singapore&scenario=2024-red-sea")
    wait_for_settled_map(page)  # the legend's counts in view are written once the map settles
    legend = str(page.locator("#map .annotation", has_text="Submarine cables").text_content())
    assert "Landing points (" in legend and "IX facilities (" in legend
    assert "best route" in legend and "cut cables" in legend
    box = page.locator("#map .annotation", has_text="Submarine cables").bounding_box()
    canvas = page.locator("#map canvas.maplibregl-canvas").bounding_box()
    assert box is not None and canvas is not None
    # Inside the map, in its lower left corner.
    assert (
        box["x"] >= canvas["x"] and box["y"] + box["height"] <= canvas["y"] + canvas["height"] + 2
    )
    page.screenshot(path=str(SHOTS / "map-legend.png"))


def test_fit_to_selection_brings_the_route_back_after_moving_away(
    live_server: LiveServer, page: Page
) -> None:
    """A route opened with the user's own view (on Gibraltar, zoom 7): the route's ends are off
    the map until "Fit to selection" frames them, and the URL drops the view."""
    search = "?from=marseille-france&to=tuas-singapore&view=-5.6,36.0,7"
    _open(page, live_server, search)
    before = _places(page, "route")
    assert _inside(before, 0), "the user's view should leave the route's far end off the map"
    page.click(f"#{ids.MAP_FIT_BUTTON}")
    page.wait_for_function("() => !new URLSearchParams(location.search).has('view')")
    page.wait_for_timeout(800)
    after: dict[str, Any] = page.evaluate(_PLACES, "route")
    assert after["points"] and not _inside(after, 5), "the whole route is framed"
    assert "from=marseille-france" in page.url
