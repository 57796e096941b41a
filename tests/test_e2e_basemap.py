"""End to end in headless Chromium: the Marseille close-up is drawn on the IGN coast, with its
islands, the sea where the coarse coast used to cut across the city, and no line across it."""

from __future__ import annotations

import struct
import zlib
from typing import Any

import pytest
from playwright.sync_api import Page

from figures.theme import DARK, LIGHT
from tests.browser import wait_for_settled_map
from tests.conftest import REPO, LiveServer
from tests.test_basemap import FRIOUL, HARBOUR_SEA

pytestmark = pytest.mark.browser
SHOTS = REPO / "screenshots"

#: At a lon/lat: its pixel on the page, the source URL of the topmost basemap fill drawn there
#: (or "box" for a sea box painted over the coarse land), and what the basemap draws as lines
#: or fill edges: line features anywhere in view, and fills edged in another colour.
_PROBE = """
([lon, lat]) => {
  const full = document.querySelector('#map .js-plotly-plot')._fullLayout.map;
  const map = full._subplot.map;
  const style = map.getStyle();
  const basemap = style.layers.filter((l) => l.id.startsWith('plotly-layout-layer'));
  // A style layer "plotly-layout-layer-<uid>-map-<n>" draws layout.map.layers[n].
  const source = (id) => full.layers[Number(id.split('-').pop())].source;
  const p = map.project([lon, lat]);
  const box = map.getCanvas().getBoundingClientRect();
  const fills = basemap.filter((l) => l.type === 'fill').map((l) => l.id);
  const top = map.queryRenderedFeatures([p.x, p.y], {layers: fills})[0];
  const lines = basemap.filter((l) => l.type === 'line').map((l) => l.id);
  return {
    x: box.left + p.x, y: box.top + p.y,
    onMap: document.elementFromPoint(box.left + p.x, box.top + p.y) === map.getCanvas(),
    top: top ? (typeof source(top.layer.id) === 'string' ? source(top.layer.id) : 'box') : null,
    lineFeatures: map.queryRenderedFeatures({layers: lines}).length,
    darkEdges: basemap.filter((l) => l.type === 'fill'
      && JSON.stringify(l.paint['fill-outline-color']) !== JSON.stringify(l.paint['fill-color'])).length,
    attribution: document.querySelector('#map .maplibregl-ctrl-attrib').textContent,
  };
}
"""


def _pixel(page: Page, x: float, y: float) -> str:
    """The colour the page shows at (x, y), as ``#rrggbb`` (a 1×1 PNG: every row filter of
    a single pixel leaves its bytes as they are)."""
    png = page.screenshot(clip={"x": int(x), "y": int(y), "width": 1, "height": 1})
    chunks, pos = {}, 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind = png[pos + 4 : pos + 8]
        chunks[kind] = chunks.get(kind, b"") + png[pos + 8 : pos + 8 + length]
        pos += 12 + length
    rgb = zlib.decompress(chunks[b"IDAT"])[1:4]
    return "#" + rgb.hex()


def _open(page: Page, server: LiveServer, query: str, dark: bool) -> None:
    page.goto(f"{server.url}/?{query}")
    wait_for_settled_map(page)
    if dark:
        page.click("#theme-toggle")
        page.wait_for_function("() => document.documentElement.dataset.theme === 'dark'")
        page.wait_for_timeout(1500)
        wait_for_settled_map(page)


def _probe(page: Page, point: tuple[float, float]) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(_PROBE, list(point))
    return result


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_marseille_close_up_is_drawn_on_the_fine_coast(
    live_server: LiveServer, page: Page, theme: Any
) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    # Marseille's harbour and the Frioul islands, at zoom 12.
    _open(page, live_server, "view=5.333,43.297,12&layers=cables", theme is DARK)
    island = _probe(page, FRIOUL)
    assert island["onMap"] and island["top"] == "/basemap/land_city.geojson"
    assert _pixel(page, island["x"], island["y"]) == theme.land
    sea = _probe(page, HARBOUR_SEA)
    assert sea["onMap"]
    # The coarse land says "land" here; the sea painted over its box wins, as on the IGN map.
    assert sea["top"] == "box"
    assert _pixel(page, sea["x"], sea["y"]) == theme.ocean
    assert sea["lineFeatures"] == 0 and sea["darkEdges"] == 0
    assert "IGN" in sea["attribution"]
    SHOTS.mkdir(exist_ok=True)
    page.locator("#map").screenshot(path=str(SHOTS / f"marseille-close-up-{theme.name}.png"))


def test_the_ign_credit_shows_only_where_its_coast_is_drawn(
    live_server: LiveServer, page: Page
) -> None:
    _open(page, live_server, "layers=cables", dark=False)
    probe = _probe(page, (17.0, 37.5))
    assert "Natural Earth" in probe["attribution"] and "IGN" not in probe["attribution"]
