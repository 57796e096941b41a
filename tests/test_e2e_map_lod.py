"""End to end in headless Chromium on ten times the data: the map groups what it cannot draw,
says so, and a click on a group zooms in and draws what is there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from bench.synth import make_synthetic
from figures import lod
from tests.browser import hover_then_click, wait_for_settled_map
from tests.conftest import REPO, LiveServer

pytestmark = pytest.mark.browser
SHOTS = REPO / "screenshots"

#: The map's traces: name, layer, whether grouped, how many markers or vertices.
TRACES_JS = """() => document.querySelector('#map .js-plotly-plot')._fullData.map(t => ({
    name: t.name, layer: (t.meta || {}).layer, clusters: !!(t.meta || {}).clusters,
    points: (t.lon || []).length}))"""


@pytest.fixture(scope="module")
def big_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on ten times the shipped data (jittered copies, as the benchmark makes them)."""
    target: Path = tmp_path_factory.mktemp("synth10-e2e")
    make_synthetic(REPO / "data", target, 10)
    server = LiveServer(target)
    yield server
    server.stop()


def test_large_data_is_grouped_and_a_click_zooms_in(big_server: LiveServer, page: Page) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(big_server.url + "/?region=world")
    wait_for_settled_map(page)
    traces = page.evaluate(TRACES_JS)
    grouped = [t for t in traces if t["layer"] == "facilities" and t["clusters"]]
    assert grouped and grouped[0]["points"] < 2_000
    note = page.evaluate(
        "() => document.querySelector('#map .js-plotly-plot')._fullLayout.annotations[0].text"
    )
    assert "15,150 IX facilities" in note and "grouped into" in note
    # The note is drawn on the map, not only in the figure.
    assert "grouped into" in page.inner_text("#map")

    # A real mouse click on the biggest group of facilities.
    x, y, before = page.evaluate(
        """() => { const g = document.querySelector('#map .js-plotly-plot');
        const i = g._fullData.findIndex(t => (t.meta || {}).clusters
            && (t.meta || {}).layer === 'facilities');
        const t = g._fullData[i]; let best = 0;
        t.marker.size.forEach((s, k) => { if (s > t.marker.size[best]) best = k; });
        const map = g._fullLayout.map._subplot.map;
        const p = map.project([t.lon[best], t.lat[best]]);
        const box = map.getContainer().getBoundingClientRect();
        return [box.left + p.x, box.top + p.y, g._fullLayout.map.zoom]; }"""
    )
    label = hover_then_click(page, x, y)
    assert "IX facilities here" in label and "click to zoom in" in label
    page.wait_for_function("() => /[?&]view=/.test(location.search)", timeout=30_000)
    page.wait_for_function(
        f"""() => {{ const g = document.querySelector('#map .js-plotly-plot');
        return g._fullLayout.map.zoom >= {before} + 1.9
            && g._fullData.some(t => (t.meta || {{}}).layer === 'facilities'); }}""",
        timeout=60_000,
    )
    zoomed = page.evaluate(TRACES_JS)
    shown = sum(t["points"] for t in zoomed if t["layer"] == "facilities")
    assert 0 < shown <= 2 * lod.POINT_LIMIT
    SHOTS.mkdir(exist_ok=True)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(SHOTS / "map-10x-zoomed.png"))
    assert not errors
