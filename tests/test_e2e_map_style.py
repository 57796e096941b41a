"""End to end in headless Chromium: the map's encodings read from its legend (one coverage
operator at a time, FTTH classes in words), and on a 390 px screen the charts' modebar keeps
off their titles and a tooltip stays on screen."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from components import ids
from tests.browser import wait_for_settled_map
from tests.conftest import REPO, LiveServer

pytestmark = pytest.mark.browser
SHOTS = REPO / "screenshots"

#: The text of the map's legend box, as drawn.
_LEGEND = """() => [...document.querySelectorAll('#map .annotation')]
    .map(a => a.textContent).filter(t => t.includes('('))
    .join('\\n')"""

#: The operator label of each coverage trace drawn on the map.
_COVERAGE = """() => document.querySelector('#map .js-plotly-plot')._fullData
    .filter(t => t.meta && t.meta.layer === 'coverage').map(t => t.meta.key.label)"""


@pytest.fixture
def narrow(browser: Browser) -> Iterator[Page]:
    """A 390 px wide window (a phone's width, with a mouse to hover)."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    yield page
    context.close()


def test_picking_an_operator_shows_only_its_coverage_with_its_legend_entry(
    live_server: LiveServer, page: Page
) -> None:
    page.goto(live_server.url + "/?layers=coverage&view=5.4,43.4,8.5")
    wait_for_settled_map(page)
    assert page.evaluate(_COVERAGE) == ["Orange 4G"]
    page.locator(f"#{ids.F_OPERATOR} label", has_text="SFR").click()
    page.wait_for_function(_COVERAGE + ".join() === 'SFR 4G'")
    assert "operator=SFR" in page.url
    wait_for_settled_map(page)
    legend = page.evaluate(_LEGEND)
    assert "SFR 4G" in legend and "Orange 4G" not in legend
    assert "modelled" in legend
    page.locator(f"#{ids.F_OPERATOR} label", has_text="All").click()
    page.wait_for_function(_COVERAGE + ".length === 4")
    assert "operator=all" in page.url
    wait_for_settled_map(page)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "coverage-all-operators.png"))


def test_the_ftth_legend_reads_its_classes_in_words(live_server: LiveServer, page: Page) -> None:
    page.goto(live_server.url + "/?layers=landing_points,coverage,ftth&view=5.4,43.3,10.5")
    wait_for_settled_map(page, 1500)
    legend = page.evaluate(_LEGEND)
    for band in ("25–50 %", "50–80 %", "80 % or more"):
        assert f"{band} of premises connectable" in legend, legend
    assert "ARCEP class" in legend and "inferred" not in legend
    # The legend's entries are drawn on screen, not cut off by the map's edge.
    box = page.locator("#map .annotation", has_text="premises connectable").bounding_box()
    frame = page.locator("#map").bounding_box()
    assert box is not None and frame is not None
    assert box["x"] >= frame["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "marseille-ftth-coverage.png"))


def test_on_a_phone_the_modebar_keeps_off_the_chart_titles(
    live_server: LiveServer, narrow: Page
) -> None:
    narrow.goto(live_server.url + "/")
    wait_for_settled_map(narrow)
    narrow.wait_for_selector("#chart-owners .gtitle")
    boxes: list[dict[str, Any]] = narrow.evaluate(
        """() => [...document.querySelectorAll('.chart .js-plotly-plot')].map(g => {
            const box = e => { const r = e.getBoundingClientRect();
                return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
            return {title: box(g.querySelector('.gtitle')), bar: box(g.querySelector('.modebar'))};
        })"""
    )
    # Owners, RFS years, countries, buildings near landing points, data centres by operator.
    assert len(boxes) == 5
    for chart in boxes:
        title, bar = chart["title"], chart["bar"]
        apart = (
            bar["bottom"] <= title["top"]
            or bar["top"] >= title["bottom"]
            or bar["left"] >= title["right"]
            or bar["right"] <= title["left"]
        )
        assert apart, chart


def test_on_a_phone_a_tooltip_stays_on_screen(live_server: LiveServer, narrow: Page) -> None:
    narrow.goto(live_server.url + "/")
    wait_for_settled_map(narrow)
    chart = narrow.locator("#chart-owners")
    chart.scroll_into_view_if_needed()
    bar = narrow.locator("#chart-owners .bars path").first
    box = bar.bounding_box()
    assert box is not None
    narrow.mouse.move(box["x"] + box["width"] - 2, box["y"] + box["height"] / 2)
    label = narrow.locator("#chart-owners .hoverlayer .hovertext")
    label.wait_for()
    narrow.wait_for_timeout(300)
    shown = label.bounding_box()
    graph = narrow.locator("#chart-owners .main-svg").first.bounding_box()
    assert shown is not None and graph is not None
    assert "published lengths" in label.text_content()  # the long label of the top owner
    assert shown["x"] >= max(0, graph["x"])
    assert shown["x"] + shown["width"] <= min(390, graph["x"] + graph["width"])
    SHOTS.mkdir(exist_ok=True)
    narrow.screenshot(path=str(SHOTS / "phone-chart-tooltip.png"))
