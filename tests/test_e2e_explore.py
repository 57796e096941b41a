"""End to end in headless Chromium: filters, cross-filtering, details, shareable URLs, phone layout."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page

from components import ids
from datalayer.loader import Datasets
from datalayer.selection import Selection
from services.context import AppContext, build_context
from tests.browser import choose_option, drawn_cable_count, wait_for_map, wait_for_text
from tests.conftest import REPO, LiveServer

pytestmark = pytest.mark.browser
SHOTS = REPO / "screenshots"


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def kpi(page: Page) -> str:
    return page.inner_text(f"#{ids.KPI_CABLES}").strip()


def open_page(page: Page, server: LiveServer, search: str = "") -> None:
    page.goto(server.url + "/" + search)
    wait_for_map(page)
    page.wait_for_function(f"() => document.querySelector('#{ids.KPI_CABLES}').textContent !== '–'")


def test_filter_by_owner_then_reload_and_go_back(
    live_server: LiveServer, page: Page, ctx: AppContext
) -> None:
    open_page(page, live_server)
    default = len(ctx.select(Selection()).cables)
    wait_for_text(page, f"#{ids.KPI_CABLES}", str(default))
    choose_option(page, ids.F_OWNER, "Orange", "Orange")
    expected = ctx.select(Selection(owners=("Orange",)))
    wait_for_text(page, f"#{ids.KPI_CABLES}", str(len(expected.cables)))
    assert query(page)["owner"] == ["Orange"]
    page.wait_for_function(
        "n => { const g = document.querySelector('#map .js-plotly-plot');"
        " const ids = new Set(); for (const t of g._fullData) { if (t.meta && t.meta.layer === 'cables')"
        " for (const v of t.customdata) ids.add(v); } return ids.size === n; }",
        arg=len(expected.cables),
    )
    assert drawn_cable_count(page) == len(expected.cables)
    grid_rows = page.inner_text(f"#{ids.GRID_COUNT}")
    assert grid_rows == f"{len(expected.cables)} rows"

    page.reload()
    wait_for_map(page)
    wait_for_text(page, f"#{ids.KPI_CABLES}", str(len(expected.cables)))
    assert "Orange" in page.inner_text(f"#{ids.F_OWNER}")

    page.go_back()
    wait_for_text(page, f"#{ids.KPI_CABLES}", str(default))
    assert "owner" not in query(page)
    page.go_forward()
    wait_for_text(page, f"#{ids.KPI_CABLES}", str(len(expected.cables)))
    assert "Orange" in page.inner_text(f"#{ids.F_OWNER}")


def test_cable_search_and_year_range(live_server: LiveServer, page: Page, ctx: AppContext) -> None:
    open_page(page, live_server, "?region=world")
    choose_option(page, ids.F_CABLE, "SeaMeWe", "seamewe-4")
    wait_for_text(page, f"#{ids.KPI_CABLES}", "1")
    assert query(page)["cable"] == ["seamewe-4"]
    page.click(f"#{ids.RESET}")
    page.wait_for_function("() => !location.search.includes('cable=')")

    open_page(page, live_server, "?region=world")
    # The slider is keyboard-operable: focus the lower thumb, step it up by one year.
    thumb = page.locator(f"#{ids.F_YEARS} [role=slider]").first
    thumb.focus()
    low = ctx.vocab.year_range[0]
    for _ in range(2015 - low):
        thumb.press("ArrowRight")
    expected = ctx.select(Selection(region="world", year_min=2015))
    wait_for_text(page, f"#{ids.KPI_CABLES}", f"{len(expected.cables):,}")
    assert query(page)["year_min"] == ["2015"]


def test_click_a_bar_to_cross_filter(live_server: LiveServer, page: Page, ctx: AppContext) -> None:
    open_page(page, live_server)
    page.wait_for_selector(f"#{ids.CHART_COUNTRIES} .bars .point path")
    top_country = (
        ctx.data.landing_points.loc[ctx.select(Selection()).landing_points.index]["country"]
        .value_counts()
        .index[0]
    )
    page.locator(f"#{ids.CHART_COUNTRIES} .bars .point path").first.click(force=True)
    page.wait_for_function("() => location.search.includes('country=')")
    assert query(page)["country"] == [top_country]
    expected = ctx.select(Selection(countries=(top_country,)))
    wait_for_text(page, f"#{ids.KPI_CABLES}", str(len(expected.cables)))
    assert top_country in page.inner_text(f"#{ids.F_COUNTRY}")


def test_details_panels_link_to_each_other(live_server: LiveServer, page: Page) -> None:
    open_page(page, live_server, "?sel=cable:seamewe-4")
    panel = page.locator(f"#{ids.DETAILS_PANEL}")
    panel.wait_for(state="visible")
    page.wait_for_selector(f"#{ids.DETAILS} h3:has-text('SeaMeWe-4')")
    assert "20,000 km" in panel.inner_text()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "details-cable.png"))

    panel.locator("button.detail-link", has_text="Marseille").first.click()
    page.wait_for_selector(f"#{ids.DETAILS} h3:has-text('Marseille, France')")
    assert "sel=lp%3Amarseille-france" in page.url
    text = panel.inner_text()
    assert "AAE-1" in text and " km" in text

    panel.locator("button.detail-link[id*='fac:']").first.click()
    page.wait_for_function("() => location.search.includes('sel=fac')")
    # Every Marseille IX building hosts France-IX Marseille; the facility panel lists exchanges.
    page.wait_for_selector(f"#{ids.DETAILS} :text('France-IX Marseille')")
    assert "Marseille, France" not in page.inner_text(f"#{ids.DETAILS} h3")
    page.screenshot(path=str(SHOTS / "details-facility.png"))

    page.click(f"#{ids.DETAILS_CLOSE}")
    panel.wait_for(state="hidden")
    assert "sel=" not in page.url


def test_clicking_the_map_opens_details(live_server: LiveServer, page: Page) -> None:
    open_page(page, live_server, "?layers=landing_points&view=-5.6,36,7")
    page.wait_for_function(
        "() => document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map.loaded()"
    )
    page.wait_for_timeout(500)
    # Tarifa, Spain: a landing point on the Strait of Gibraltar, alone at this zoom.
    point = page.evaluate(
        """() => { const g = document.querySelector('#map .js-plotly-plot');
        const m = g._fullLayout.map._subplot.map;
        const p = m.project([-5.6039, 36.0139]); const r = m.getCanvas().getBoundingClientRect();
        return [r.left + p.x, r.top + p.y]; }"""
    )
    target = page.evaluate(
        """() => { const g = document.querySelector('#map .js-plotly-plot');
        const t = g._fullData.find(t => t.meta && t.meta.layer === 'landing_points');
        let best = null, bestD = 1e9;
        for (let i = 0; i < t.lon.length; i++) {
            const d = Math.hypot(t.lon[i] + 5.6, t.lat[i] - 36.0);
            if (d < bestD) { bestD = d; best = [t.lon[i], t.lat[i], t.customdata[i]]; } }
        return best; }"""
    )
    point = page.evaluate(
        """([lon, lat]) => { const g = document.querySelector('#map .js-plotly-plot');
        const m = g._fullLayout.map._subplot.map; const p = m.project([lon, lat]);
        const r = m.getCanvas().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }""",
        [target[0], target[1]],
    )
    page.mouse.move(point[0], point[1])
    page.wait_for_timeout(300)
    page.mouse.click(point[0], point[1])
    page.wait_for_function("() => location.search.includes('sel=lp')", timeout=30_000)
    assert query(page)["sel"] == [target[2]]
    page.locator(f"#{ids.DETAILS_PANEL}").wait_for(state="visible")


def test_invalid_parameters_show_a_notice(
    live_server: LiveServer, page: Page, ctx: AppContext
) -> None:
    open_page(page, live_server, "?owner=Nobody%20Inc&year_min=abc&zoom=9&owner=Orange")
    notice = page.locator(f"#{ids.NOTICE}")
    notice.wait_for(state="visible")
    text = notice.inner_text()
    assert "Unknown owner 'Nobody Inc'" in text
    assert "zoom" in text and "abc" in text
    assert "Orange" in page.inner_text(f"#{ids.F_OWNER}")
    wait_for_text(
        page, f"#{ids.KPI_CABLES}", str(len(ctx.select(Selection(owners=("Orange",))).cables))
    )
    # The next change writes a clean URL without the rejected parameters.
    page.click(f"#{ids.THEME_TOGGLE}")
    choose_option(page, ids.F_COUNTRY, "France", "France")
    page.wait_for_function("() => location.search.includes('country=France')")
    assert set(query(page)) == {"owner", "country"}


def test_phone_layout(live_server: LiveServer, page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    open_page(page, live_server)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px phone"
    assert not page.locator(f"#{ids.FILTERS_PANEL}").is_visible()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "phone.png"))
    page.click(f"#{ids.FILTERS_TOGGLE}")
    page.locator(f"#{ids.FILTERS_PANEL}").wait_for(state="visible")
    page.screenshot(path=str(SHOTS / "phone-filters.png"))
    assert page.locator(f"#{ids.ATTRIBUTION}").is_visible()
