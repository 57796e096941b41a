"""End to end in headless Chromium: filter the data centres by operator with the searched picker,
click MRS1 where the map draws it (its position projected with the map's own projection), and
read its details: operator, tagged power, IXs hosted and the cables landing nearby."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page

from components import ids
from datalayer.loader import Datasets
from tests.browser import (
    choose_if_listed,
    choose_option,
    project,
    wait_for_settled_map,
    wait_for_text,
)
from tests.conftest import REPO, LiveServer

pytestmark = pytest.mark.browser
SHOTS = REPO / "screenshots"
MRS1 = "osm-68940404"
#: Marseille's data-centre cluster at street zoom (the port campus, MRS1 and the north).
CLUSTER_VIEW = "?view=5.355,43.328,12"

#: The data-centre markers the browser draws: their keys and pixel positions.
_DRAWN_DC = """
() => {
  const g = document.querySelector('#map .js-plotly-plot');
  const map = g._fullLayout.map._subplot.map;
  const canvas = map.getCanvas().getBoundingClientRect();
  const out = [];
  for (const t of g._fullData) {
    if (!t.meta || t.meta.layer !== 'datacentres' || !t.customdata) continue;
    for (let i = 0; i < t.lon.length; i++) {
      const p = map.project([t.lon[i], t.lat[i]]);
      out.push({key: String(t.customdata[i]), x: canvas.left + p.x, y: canvas.top + p.y});
    }
  }
  return out;
}
"""


def _query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_filter_by_operator_then_click_mrs1_and_read_its_cables(
    live_server: LiveServer, page: Page, real_data: Datasets
) -> None:
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(live_server.url + "/" + CLUSTER_VIEW)
    wait_for_settled_map(page)
    every = {d["key"] for d in page.evaluate(_DRAWN_DC)}
    assert f"dc:{MRS1}" in every and len(every) == len(real_data.datacentres)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "datacentres-marseille-cluster.png"))

    choose_option(page, ids.F_DC_OPERATOR, "digital", "Digital Realty")
    wait_for_text(page, f"#{ids.KPI_DATACENTRES}", "4 · 76 MW")
    assert _query(page)["dc_operator"] == ["Digital Realty"]
    page.wait_for_function(f"() => ({_DRAWN_DC})().length === 4")
    drawn: list[dict[str, Any]] = page.evaluate(_DRAWN_DC)
    assert {d["key"] for d in drawn} == {
        f"dc:osm-{i}" for i in ("68940404", "159862898", "159863825", "1117375128")
    }

    # Where MRS1 is drawn, by the map's own projection of its coordinates.
    point = real_data.datacentres.loc[MRS1, "geometry"]
    target = project(page, point.x, point.y)
    assert 40 < target["px"] < target["width"] - 40 and 40 < target["py"] < target["height"] - 40
    page.mouse.move(target["x"], target["y"])
    page.mouse.click(target["x"], target["y"])
    # Other buildings of the port campus are drawn within a few pixels of MRS1: the page may ask.
    choose_if_listed(page, "Digital Realty MRS1")
    page.wait_for_function(
        "(key) => new URLSearchParams(location.search).get('sel') === key",
        arg=f"dc:{MRS1}",
        timeout=15_000,
    )
    page.wait_for_selector(f"#{ids.DETAILS} h3:has-text('Digital Realty MRS1')", timeout=15_000)
    details = page.inner_text(f"#{ids.DETAILS}")
    assert "16 MW, as tagged in OpenStreetMap" in details
    assert "France-IX Marseille" in details
    assert "Marseille, France" in details
    cables = real_data.landing_points.at["marseille-france", "cable_ids"]
    names = [str(real_data.cables.at[c, "name"]) for c in cables]
    assert names and all(name in details for name in names), "the cables landing at Marseille"
    page.screenshot(path=str(SHOTS / "datacentres-mrs1-details.png"))

    # The route finder from the nearest landing point.
    page.click("button:has-text('Find routes from Marseille, France')")
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('from') === 'marseille-france'",
        timeout=15_000,
    )
