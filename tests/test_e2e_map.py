"""End to end in headless Chromium: the map draws, layers toggle, nothing leaves the machine."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page

from datalayer.loader import Datasets
from tests.browser import layer_keys, map_layers, wait_for_map
from tests.conftest import REPO, LiveServer

pytestmark = pytest.mark.browser
SHOTS = REPO / "screenshots"


def test_map_loads_offline_and_layers_toggle(
    live_server: LiveServer, page: Page, real_data: Datasets
) -> None:
    requested: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(live_server.url + "/?region=world")
    wait_for_map(page)
    traces = map_layers(page)
    kinds = {(t["type"], t["layer"]) for t in traces}
    assert ("scattermap", "cables") in kinds
    assert ("scattermap", "landing_points") in kinds
    assert ("scattermap", "facilities") in kinds
    assert ("choroplethmap", "coverage") in kinds
    drawn_points = sum(t["points"] for t in traces if t["layer"] == "landing_points")
    assert drawn_points == len(real_data.landing_points) == 1436
    assert len([t for t in traces if t["layer"] == "cables"]) <= 16, "cables must be merged"
    page.wait_for_selector("#map canvas.maplibregl-canvas")
    page.wait_for_function(
        "() => { const g = document.querySelector('#map .js-plotly-plot');"
        " const m = g._fullLayout.map._subplot.map;"
        " return m.getStyle().layers.filter(l => l.type === 'fill').length >= 2 && m.loaded(); }"
    )
    assert "TeleGeography" in page.inner_text("#attribution")

    SHOTS.mkdir(exist_ok=True)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(SHOTS / "map-desktop.png"))

    page.locator("#layers input[value='facilities']").click()
    page.wait_for_function(
        "() => !document.querySelector('#map .js-plotly-plot').data"
        ".some(t => t.meta && t.meta.layer === 'facilities')"
    )
    assert "facilities" not in layer_keys(page)
    assert "cables" in layer_keys(page)

    page.locator("#layers input[value='facilities']").click()
    page.wait_for_function(
        "() => document.querySelector('#map .js-plotly-plot').data"
        ".some(t => t.meta && t.meta.layer === 'facilities')"
    )

    assert any(url.endswith("/basemap/land.geojson") for url in requested), requested[-5:]
    hosts = {urlparse(url).netloc for url in requested if not url.startswith(("data:", "blob:"))}
    assert hosts == {f"127.0.0.1:{live_server.port}"}, f"requests left the app: {hosts}"
    map_errors = [e for e in errors if "Map error" in e or "Failed to load" in e]
    assert not map_errors, map_errors


def test_theme_toggle_switches_and_is_remembered(live_server: LiveServer, page: Page) -> None:
    page.goto(live_server.url)
    wait_for_map(page)
    page.click("#theme-toggle")
    page.wait_for_function("() => document.documentElement.dataset.theme === 'dark'")
    page.reload()
    wait_for_map(page)
    page.wait_for_function("() => document.documentElement.dataset.theme === 'dark'")
    page.wait_for_timeout(1000)
    Path(SHOTS).mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "map-dark.png"))


def test_moving_the_map_updates_the_url_without_redrawing_the_page(
    live_server: LiveServer, page: Page
) -> None:
    renders: list[str] = []
    page.on(
        "request",
        lambda r: (
            renders.append(r.url)
            if "_dash-update-component" in r.url and "map.figure" in (r.post_data or "")
            else None
        ),
    )
    page.goto(live_server.url + "/")
    wait_for_map(page)
    page.wait_for_function("() => document.querySelector('#kpi-cables').textContent !== '–'")
    page.wait_for_timeout(1500)  # the map's own first relayout settles
    before = len(renders)
    box = page.locator("#map").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 150, y - 60, steps=8)
    page.mouse.up()
    page.wait_for_function("() => /[?&]view=/.test(location.search)", timeout=15_000)
    page.wait_for_timeout(1500)
    # Today's data draws everything at every view: the URL records the view, nothing re-renders.
    assert len(renders) == before
