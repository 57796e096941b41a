"""End to end in headless Chromium: a click on a drawn cable line or landing point opens it.

The test finds where a feature is drawn with the map's own projection (MapLibre's
``map.project``), clicks that pixel with the mouse, and reads the URL and the details panel.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Page

from components import ids
from datalayer.loader import Datasets
from services.context import AppContext, build_context
from tests.browser import choose_if_listed, wait_for_settled_map
from tests.conftest import REPO, LiveServer

pytestmark = pytest.mark.browser
SHOTS = REPO / "screenshots"

#: The drawn vertex of ``layer`` farthest from every drawn marker of another trace (so the click
#: cannot land on a landing point or facility instead), inside the map canvas with a margin.
_FIND_PIXEL = """
([layer, margin]) => {
  const g = document.querySelector('#map .js-plotly-plot');
  const map = g._fullLayout.map._subplot.map;
  const canvas = map.getCanvas().getBoundingClientRect();
  const panel = document.querySelector('#details-panel');
  const covered = panel ? panel.getBoundingClientRect() : null;
  const boxes = [...document.querySelectorAll('#map .annotation')]
    .map((a) => a.getBoundingClientRect());
  const markers = [];
  g._fullData.forEach((t) => {
    if (!t.meta || t.meta.layer === layer || t.mode === 'lines' || !t.lon) return;
    for (let i = 0; i < t.lon.length; i++) markers.push(map.project([t.lon[i], t.lat[i]]));
  });
  let best = null;
  g._fullData.forEach((t, curve) => {
    if (!t.meta || t.meta.layer !== layer || !t.lon || t.meta.labels) return;
    for (let i = 0; i < t.lon.length; i++) {
      if (!Number.isFinite(t.lon[i]) || !Number.isFinite(t.lat[i])) continue;
      const p = map.project([t.lon[i], t.lat[i]]);
      const x = canvas.left + p.x, y = canvas.top + p.y;
      if (p.x < margin || p.y < margin || p.x > canvas.width - margin
          || p.y > canvas.height - margin) continue;
      if (covered && covered.width > 0 && x >= covered.left && x <= covered.right
          && y >= covered.top && y <= covered.bottom) continue;
      // Not under the map's legend or notes (annotations drawn over the map).
      if (boxes.some((b) => x >= b.left - 4 && x <= b.right + 4 && y >= b.top - 4
          && y <= b.bottom + 4)) continue;
      let nearest = Infinity;
      for (const m of markers) nearest = Math.min(nearest, Math.hypot(m.x - p.x, m.y - p.y));
      if (!best || nearest > best.clearance) {
        const data = t.customdata;
        best = {x, y, clearance: nearest, curve, index: i,
                value: data ? Number(data[i]) : null};
      }
    }
  });
  return best;
}
"""


#: The hover highlight as MapLibre holds it: visible or not, and how many vertices.
_HIGHLIGHT = """
() => {
  const g = document.querySelector('#map .js-plotly-plot');
  const map = g._fullLayout.map._subplot.map;
  const t = g._fullData.find((d) => d.meta && d.meta.layer === 'hover-highlight');
  const source = map.getSource('source-' + t.uid + '-line');
  const data = source.serialize().data;
  const lines = (data.geometry && data.geometry.coordinates) || [];
  const layer = 'plotly-trace-layer-' + t.uid + '-line';
  return {visible: map.getLayoutProperty(layer, 'visibility') === 'visible',
          vertices: lines.reduce((n, line) => n + line.length, 0)};
}
"""

#: The point of the map canvas farthest from every drawn vertex or marker.
_EMPTIEST_PIXEL = """
() => {
  const g = document.querySelector('#map .js-plotly-plot');
  const map = g._fullLayout.map._subplot.map;
  const canvas = map.getCanvas().getBoundingClientRect();
  const drawn = [];
  g._fullData.forEach((t) => {
    if (!t.lon) return;
    for (let i = 0; i < t.lon.length; i++) {
      if (Number.isFinite(t.lon[i])) drawn.push(map.project([t.lon[i], t.lat[i]]));
    }
  });
  const boxes = [...document.querySelectorAll('#map .annotation')]
    .map((a) => a.getBoundingClientRect());
  let best = {clearance: -1};
  for (let x = 30; x < canvas.width - 30; x += 15) {
    for (let y = 30; y < canvas.height - 30; y += 15) {
      const px = canvas.left + x, py = canvas.top + y;
      if (boxes.some((b) => px >= b.left && px <= b.right && py >= b.top && py <= b.bottom)) continue;
      let nearest = Infinity;
      for (const p of drawn) nearest = Math.min(nearest, Math.hypot(p.x - x, p.y - y));
      if (nearest > best.clearance) best = {x: px, y: py, clearance: nearest};
    }
  }
  return best;
}
"""


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


def test_clicking_a_drawn_cable_line_opens_that_cable(
    live_server: LiveServer, page: Page, ctx: AppContext
) -> None:
    page.goto(live_server.url + "/")
    wait_for_settled_map(page)
    target: dict[str, Any] | None = page.evaluate(_FIND_PIXEL, ["cables", 40])
    assert target is not None, "no cable vertex drawn inside the map"
    assert target["clearance"] > 25, f"every cable pixel is next to a marker: {target}"
    cable = ctx.map.cable_order[int(target["value"])]
    name = str(ctx.data.cables.loc[cable, "name"])
    page.mouse.move(target["x"], target["y"])
    page.mouse.click(target["x"], target["y"])
    choose_if_listed(page, name)  # cables sharing a path: the page asks which one
    page.wait_for_function(
        "(key) => new URLSearchParams(location.search).get('sel') === key",
        arg=f"cable:{cable}",
        timeout=15_000,
    )
    page.wait_for_selector(f"#{ids.DETAILS} h3:has-text({name!r})", timeout=15_000)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "map-cable-clicked.png"))


def test_clicking_a_drawn_landing_point_opens_it(live_server: LiveServer, page: Page) -> None:
    # One cable: its landing points are far apart, so each marker is clear of the others.
    page.goto(live_server.url + "/?cable=seamewe-4&layers=cables,landing_points")
    wait_for_settled_map(page)
    target: dict[str, Any] | None = page.evaluate(
        """() => {
          const g = document.querySelector('#map .js-plotly-plot');
          const map = g._fullLayout.map._subplot.map;
          const canvas = map.getCanvas().getBoundingClientRect();
          for (const t of g._fullData) {
            if (!t.meta || t.meta.layer !== 'landing_points') continue;
            for (let i = 0; i < t.lon.length; i++) {
              const p = map.project([t.lon[i], t.lat[i]]);
              if (p.x > 40 && p.y > 40 && p.x < canvas.width - 40 && p.y < canvas.height - 40
                  && String(t.customdata[i]).startsWith('lp:')) {
                return {x: canvas.left + p.x, y: canvas.top + p.y, key: String(t.customdata[i])};
              }
            }
          }
          return null;
        }"""
    )
    assert target is not None, "no landing point drawn inside the map"
    page.mouse.click(target["x"], target["y"])
    page.wait_for_function(
        "(key) => new URLSearchParams(location.search).get('sel') === key",
        arg=target["key"],
        timeout=15_000,
    )
    page.wait_for_selector(f"#{ids.DETAILS} h3", timeout=15_000)


def test_marseille_is_on_the_default_map_and_its_dot_opens_the_landing_point(
    live_server: LiveServer, page: Page, real_data: Datasets
) -> None:
    # Three IX buildings are drawn within a pixel or two of Marseille's landing point.
    page.goto(live_server.url + "/")
    wait_for_settled_map(page)
    point = real_data.landing_points.loc["marseille-france", "geometry"]
    target: dict[str, Any] = page.evaluate(
        """([lon, lat]) => {
          const g = document.querySelector('#map .js-plotly-plot');
          const map = g._fullLayout.map._subplot.map;
          const canvas = map.getCanvas().getBoundingClientRect();
          const p = map.project([lon, lat]);
          return {x: canvas.left + p.x, y: canvas.top + p.y, px: p.x, py: p.y,
                  width: canvas.width, height: canvas.height};
        }""",
        [point.x, point.y],
    )
    # Well inside the map, not on its edge.
    assert 60 < target["px"] < target["width"] - 60 and 60 < target["py"] < target["height"] - 60
    page.mouse.click(target["x"], target["y"])
    # The buildings beside the landing station are under the pointer too: the page lists them,
    # the landing point first.
    page.wait_for_selector("#map-choices", timeout=5_000)
    entries = page.locator("#map-choices .map-choice").all_text_contents()
    assert entries[0].startswith("Marseille, France") and len(entries) >= 2, entries
    assert any("Data centres" in e or "IX facilities" in e for e in entries), entries
    page.screenshot(path=str(SHOTS / "map-click-choices.png"))
    page.locator("#map-choices .map-choice").first.click()
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('sel') === 'lp:marseille-france'",
        timeout=15_000,
    )
    page.wait_for_selector(f"#{ids.DETAILS} h3:has-text('Marseille, France')")


def test_hovering_a_cable_highlights_its_whole_route_in_the_browser(
    live_server: LiveServer, page: Page, ctx: AppContext
) -> None:
    page.goto(live_server.url + "/")
    wait_for_settled_map(page)
    target: dict[str, Any] | None = page.evaluate(_FIND_PIXEL, ["cables", 40])
    assert target is not None
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.mouse.move(target["x"], target["y"])
    page.wait_for_function(f"() => ({_HIGHLIGHT})().vertices > 1", timeout=10_000)
    drawn = page.evaluate(_HIGHLIGHT)
    # The whole cable under the pointer (cables can share a path: the one the map picked), as
    # drawn: every vertex the map holds for it, in the browser's own map.
    hovered = page.evaluate(
        "() => document.querySelector('#map .js-plotly-plot').__landfallHovered"
    )
    cable = ctx.map.cable_order[int(hovered)]
    lon = ctx.map.lines[cable].lon
    assert drawn["visible"] and drawn["vertices"] == int(np.isfinite(lon).sum())
    # ...and ringed, where it lands: every drawn landing point of that cable.
    landings = {f"lp:{i}" for i in ctx.data.cables.loc[cable, "landing_point_ids"]}
    drawn_points = set(
        page.evaluate(
            "() => document.querySelector('#map .js-plotly-plot')._fullData"
            ".filter((t) => t.meta && t.meta.layer === 'landing_points')"
            ".flatMap((t) => Array.from(t.customdata))"
        )
    )
    ringed = page.evaluate(
        "() => document.querySelector('#map .js-plotly-plot').__landfallHighlightedLandings"
    )
    assert ringed == len(landings & drawn_points) and ringed >= 1
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "map-hover-cable.png"))
    assert not [u for u in requests if "_dash-update-component" in u], "hover went to the server"
    # Moving to the emptiest spot of the map (no feature within hover reach) clears it.
    empty = page.evaluate(_EMPTIEST_PIXEL)
    assert empty["clearance"] > 40
    page.mouse.move(empty["x"], empty["y"], steps=5)
    page.wait_for_function(f"() => !({_HIGHLIGHT})().visible", timeout=10_000)
