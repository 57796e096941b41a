"""End to end in headless Chromium on a 390 px phone: the map frames the question at the
phone's own size, leaves the URL alone while doing so, and lets one finger scroll the page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from components import ids
from datalayer.loader import Datasets
from tests.browser import wait_for_settled_map
from tests.conftest import REPO, LiveServer

pytestmark = pytest.mark.browser
SHOTS = REPO / "screenshots"

#: Of the drawn landing points among ``wanted`` (``lp:<id>`` keys), how many are inside the map.
_LANDING_POINTS_SHOWN = """
(wanted) => {
  const keep = new Set(wanted);
  const g = document.querySelector('#map .js-plotly-plot');
  const map = g._fullLayout.map._subplot.map;
  const canvas = map.getCanvas();
  let inside = 0, all = 0;
  for (const t of g._fullData) {
    if (!t.meta || t.meta.layer !== 'landing_points') continue;
    for (let i = 0; i < t.lon.length; i++) {
      if (!keep.has(String(t.customdata[i]))) continue;
      const p = map.project([t.lon[i], t.lat[i]]);
      all += 1;
      if (p.x >= 0 && p.y >= 0 && p.x <= canvas.clientWidth && p.y <= canvas.clientHeight) inside += 1;
    }
  }
  return {inside, all};
}
"""


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    page = context.new_page()
    yield page
    context.close()


def _mediterranean(data: Datasets) -> list[str]:
    """The ``lp:<id>`` keys of the landing points on the Mediterranean's shores."""
    points = data.landing_points
    on_shore = points["regions"].map(lambda r: "mediterranean" in r).astype(bool)
    return [f"lp:{i}" for i in points.index[on_shore]]


def test_the_phone_map_frames_the_whole_mediterranean(
    live_server: LiveServer, phone: Page, real_data: Datasets
) -> None:
    phone.goto(live_server.url + "/")
    wait_for_settled_map(phone, 1500)
    shown: dict[str, Any] = phone.evaluate(_LANDING_POINTS_SHOWN, _mediterranean(real_data))
    # Every landing point on the region's shores is on the phone's map.
    assert shown["all"] > 100 and shown["inside"] == shown["all"], shown
    # Refitting to the phone is the page's own move, not the user's: no view in the URL.
    assert "view=" not in phone.url
    SHOTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(SHOTS / "phone-default.png"))


def test_one_finger_scrolls_the_page_on_a_phone(live_server: LiveServer, phone: Page) -> None:
    phone.goto(live_server.url + "/")
    wait_for_settled_map(phone, 1500)
    enabled = phone.evaluate(
        "() => document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map"
        ".cooperativeGestures.isEnabled()"
    )
    assert enabled, "the map must leave one-finger drags to the page"


def test_a_desktop_fit_leaves_the_url_alone(
    live_server: LiveServer, page: Page, real_data: Datasets
) -> None:
    page.goto(live_server.url + "/?owner=Orange")
    wait_for_settled_map(page, 1500)
    assert "view=" not in page.url
    shown: dict[str, Any] = page.evaluate(_LANDING_POINTS_SHOWN, _mediterranean(real_data))
    assert shown["all"] > 10 and shown["inside"] == shown["all"], shown


def test_the_title_and_the_header_buttons_fit_a_phone(live_server: LiveServer, phone: Page) -> None:
    phone.goto(live_server.url + "/")
    phone.wait_for_selector("header h1")
    title = phone.evaluate(
        "() => { const h = document.querySelector('header h1'); const r = h.getBoundingClientRect();"
        " return [h.textContent, h.scrollWidth <= h.clientWidth, r.right]; }"
    )
    assert title[0] == "Landfall" and title[1], title
    buttons = phone.evaluate(
        "() => [...document.querySelectorAll('header .btn')]"
        ".filter(b => getComputedStyle(b).display !== 'none')"
        ".map(b => [b.textContent, b.getBoundingClientRect().left, b.getBoundingClientRect().right])"
    )
    assert {"☰ Filters", "Export", "Dark theme"} <= {b[0] for b in buttons}, buttons
    # Nothing overlaps the title or runs off the screen.
    for text, left, right in buttons:
        assert right <= 390 and (text == "☰ Filters" or left >= title[2]), buttons


def test_the_legend_gives_way_on_a_phone(live_server: LiveServer, phone: Page) -> None:
    phone.goto(live_server.url + "/")
    wait_for_settled_map(phone, 1500)
    # The map has its legend (the desktop shows it) but leaves it out on a phone.
    legends = phone.evaluate(
        "() => (document.querySelector('#map .js-plotly-plot').layout.annotations || [])"
        ".filter(a => a.name === 'legend').map(a => [a.visible, a.text.includes('Submarine')])"
    )
    assert legends == [[False, True]], legends
    shown = phone.evaluate(
        "() => [...document.querySelectorAll('#map .annotation')]"
        ".filter(a => a.textContent.includes('Submarine cables'))"
        ".filter(a => getComputedStyle(a).display !== 'none' && a.getBoundingClientRect().width)"
        ".length"
    )
    assert shown == 0


def test_the_filter_drawer_has_a_way_back_to_the_results(
    live_server: LiveServer, phone: Page
) -> None:
    phone.goto(live_server.url + "/")
    wait_for_settled_map(phone, 1500)
    panel = phone.locator(f"#{ids.FILTERS_PANEL}")
    assert not panel.is_visible()
    phone.locator(f"#{ids.FILTERS_TOGGLE}").click()
    panel.wait_for(state="visible")
    done = phone.get_by_role("button", name="Show results")
    done.scroll_into_view_if_needed()
    assert done.is_visible()
    SHOTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(SHOTS / "phone-filters.png"))
    done.click()
    panel.wait_for(state="hidden")
    assert phone.locator("#map").is_visible()
    # The menu button still opens it again.
    phone.locator(f"#{ids.FILTERS_TOGGLE}").click()
    panel.wait_for(state="visible")


def test_the_fit_button_leaves_the_map_tools_clear(live_server: LiveServer, phone: Page) -> None:
    phone.goto(live_server.url + "/?owner=Orange")
    wait_for_settled_map(phone, 1500)
    button = phone.locator(f"#{ids.MAP_FIT_BUTTON}")
    assert button.is_visible() and "Fit to selection" in button.inner_text()
    overlaps = phone.evaluate(
        """(id) => {
          const b = document.getElementById(id).getBoundingClientRect();
          const tools = [...document.querySelectorAll('#map .modebar-btn')]
            .map((t) => t.getBoundingClientRect()).filter((r) => r.width && r.height);
          const hits = tools.filter((r) => r.left < b.right && b.left < r.right
            && r.top < b.bottom && b.top < r.bottom);
          const map = document.querySelector('#map').getBoundingClientRect();
          return [tools.length, hits.length, b.right <= map.right && b.top >= map.top];
        }""",
        ids.MAP_FIT_BUTTON,
    )
    tools, hits, inside = overlaps
    assert tools and not hits and inside, overlaps
