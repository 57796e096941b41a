"""End to end in headless Chromium: route finder and cut-impact simulator."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from components import ids
from tests.browser import MAP_SELECTOR, choose_option, wait_for_map
from tests.conftest import REPO, LiveServer

pytestmark = pytest.mark.browser
SHOTS = REPO / "screenshots"


def layer_drawn(page: Page, layer: str) -> None:
    page.wait_for_function(
        f"l => document.querySelector({MAP_SELECTOR!r})._fullData"
        ".some(t => t.meta && t.meta.layer === l)",
        arg=layer,
        timeout=60_000,
    )


def test_pick_two_points_and_see_the_route(live_server: LiveServer, page: Page) -> None:
    page.goto(live_server.url + "/?region=world")
    wait_for_map(page)
    page.click("text=Route & latency")
    choose_option(page, ids.A_FROM, "Marseille", "marseille-france")
    choose_option(page, ids.A_TO, "Tuas", "tuas-singapore")
    layer_drawn(page, "route")
    page.wait_for_selector(f"#{ids.ROUTE_RESULT} table")
    text = page.text_content(f"#{ids.ROUTE_RESULT}") or ""
    assert "Best route" in text and "Floor RTT" in text
    assert "from=marseille-france" in page.url and "to=tuas-singapore" in page.url
    routes = page.evaluate(
        f"() => document.querySelector({MAP_SELECTOR!r})._fullData"
        ".filter(t => t.meta && t.meta.layer === 'route').length"
    )
    assert 2 <= routes <= 4
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "route.png"))


def test_apply_a_preset_and_see_the_impact(live_server: LiveServer, page: Page) -> None:
    page.goto(live_server.url + "/")
    wait_for_map(page)
    page.click("text=Cut impact")
    page.click(f"#{ids.A_SCENARIO}")
    page.locator(".dash-dropdown-option", has_text="Red Sea cuts").first.click()
    page.keyboard.press("Escape")
    page.wait_for_selector(f"#{ids.CUT_RESULT} table")
    text = page.text_content(f"#{ids.CUT_RESULT}") or ""
    assert "lose every path to the hub" in text
    assert "disconnected" in text or "slower" in text
    assert "scenario=2024-red-sea" in page.url
    layer_drawn(page, "cut-impact")
    layer_drawn(page, "cut-cables")
    page.reload()
    wait_for_map(page)
    page.click("text=Cut impact")
    page.wait_for_selector(f"#{ids.CUT_RESULT} table")


def start_ranking(page: Page, url: str) -> None:
    """Open ``url``, the "Critical cables" tab, and press its button."""
    page.goto(url)
    wait_for_map(page)
    page.click("text=Critical cables")
    page.click(f"#{ids.CRITICAL_RUN}")


def test_rank_critical_cables(live_server: LiveServer, page: Page) -> None:
    start_ranking(page, live_server.url + "/?region=world")
    # The whole world takes seconds: the button says it is working and cannot be clicked twice,
    # a progress bar counts the cables cut so far and a cancel button is offered.
    page.wait_for_selector(f"#{ids.CRITICAL_RUN}:disabled", timeout=10_000)
    assert page.inner_text(f"#{ids.CRITICAL_RUN}").startswith("Ranking…")
    page.wait_for_selector(f"#{ids.CRITICAL_CANCEL}", state="visible")
    page.wait_for_function(
        "id => { const bar = document.getElementById(id);"
        " return bar.offsetParent !== null && Number(bar.max) > 1 && Number(bar.value) > 0; }",
        arg=ids.CRITICAL_PROGRESS,
        timeout=60_000,
    )
    page.screenshot(path=str(SHOTS / "critical-ranking-progress.png"))
    page.wait_for_selector(f"#{ids.CRITICAL_RESULT} table", timeout=120_000)
    assert "Ranked" in (page.text_content(f"#{ids.CRITICAL_RESULT}") or "")
    page.wait_for_selector(f"#{ids.CRITICAL_RUN}:enabled")
    assert page.inner_text(f"#{ids.CRITICAL_RUN}") == "Rank critical cables"
    page.wait_for_selector(f"#{ids.CRITICAL_CANCEL}", state="hidden")
    page.wait_for_selector(f"#{ids.CRITICAL_PROGRESS}", state="hidden")


def test_a_ranking_can_be_cancelled(live_server: LiveServer, page: Page) -> None:
    start_ranking(page, live_server.url + "/?region=world&hub=alexandria-egypt")
    page.click(f"#{ids.CRITICAL_CANCEL}", timeout=10_000)
    # The page stops waiting at once: the button is back, no result, no cancel button.
    page.wait_for_selector(f"#{ids.CRITICAL_RUN}:enabled", timeout=10_000)
    page.wait_for_selector(f"#{ids.CRITICAL_CANCEL}", state="hidden")
    page.wait_for_timeout(3000)  # longer than the ranking would have taken to finish
    assert page.query_selector(f"#{ids.CRITICAL_RESULT} table") is None


def test_radius_changes_the_facilities_listed_for_a_landing_point(
    live_server: LiveServer, page: Page
) -> None:
    page.goto(live_server.url + "/?sel=lp:marseille-france")
    wait_for_map(page)
    page.wait_for_selector(f"#{ids.DETAILS} >> text=IX facilities within 25 km")
    page.locator(".tab", has_text="Proximity").click()
    page.click(f"#{ids.A_RADIUS}")
    page.locator(".dash-dropdown-option", has_text="100 km").first.click()
    page.wait_for_selector(f"#{ids.DETAILS} >> text=IX facilities within 100 km")
    assert "radius=100" in page.url
    page.reload()
    wait_for_map(page)
    page.wait_for_selector(f"#{ids.DETAILS} >> text=IX facilities within 100 km")


def test_route_with_a_cut_states_what_the_cut_costs(live_server: LiveServer, page: Page) -> None:
    page.goto(
        live_server.url
        + "/?region=world&from=marseille-france&to=tuas-singapore&scenario=red-sea-all"
    )
    wait_for_map(page)
    # The result may be re-rendered (hidden by its loading wrapper) while the URL settles:
    # wait on the text itself, then read it.
    page.wait_for_function(
        "id => (document.getElementById(id).textContent || '').includes('With the cut')",
        arg=ids.ROUTE_RESULT,
        timeout=60_000,
    )
    text = page.text_content(f"#{ids.ROUTE_RESULT}") or ""
    # Every Red Sea cable: 14 in service are cut, 6 (planned) ignored, as the cut tab counts.
    assert "With the cut (14 cables cut, 6 not in service ignored) the best route takes" in text
    assert "without the cut" in text
    page.click("text=Cut impact")
    page.wait_for_selector(f"#{ids.CUT_RESULT} table")
    cut_tab = page.text_content(f"#{ids.CUT_RESULT}") or ""
    assert "Cut (14 cables; 6 ignored, not in service)" in cut_tab
    assert "0 of" in cut_tab and "Countries cut off: none" in cut_tab
    assert "Method (estimates)" in cut_tab and "same landmass" in cut_tab
    page.locator(f"#{ids.CUT_RESULT}").screenshot(path=str(SHOTS / "cut-with-methodology.png"))
    page.click("text=Route & latency")
    layer_drawn(page, "route")
    layer_drawn(page, "cut-cables")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "route-with-cut.png"))
