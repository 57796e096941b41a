"""End to end in headless Chromium: the hubs view ranks the Mediterranean's landing cities,
sorts by cables, opens Marseille's profile (kept in the URL) and plays the timeline, which
also sets the map's RFS year filter."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from playwright.sync_api import Locator, Page, expect

from analysis.hubs import region_hubs
from components import hubs_panel as hp
from components import ids
from datalayer.loader import Datasets
from tests.browser import wait_for_map
from tests.conftest import REPO, LiveServer

pytestmark = pytest.mark.browser
SHOTS = REPO / "screenshots"


#: The grid's rows as drawn (numbers in the centre container, the pinned hub names apart).
ROWS = f"#{hp.TABLE} .ag-center-cols-container .ag-row"


def _column(page: Page, column: str, first: int = 10) -> list[str]:
    """The texts of ``column`` in the first ``first`` rows as the grid shows them, top first."""
    texts: list[str] = []
    for index in range(first):
        cell = page.locator(f"{ROWS}[row-index='{index}'] [col-id='{column}']")
        if cell.count():
            texts.append(cell.inner_text().strip())
    return texts


def _header(page: Page, column: str) -> Locator:
    return page.locator(f"#{hp.TABLE} .ag-header-cell[col-id='{column}']")


def _marseille_cables(data: Datasets, year: int) -> int:
    """Marseille's cables in service (not planned, RFS year at most ``year``), from the data."""
    hub = next(h for h in region_hubs(data.landing_points) if h.id == "marseille")
    members = set(hub.point_ids)
    cables = data.cables[[bool(members & set(ids)) for ids in data.cables["landing_point_ids"]]]
    built = cables[~cables["is_planned"].astype(bool)]
    return int((pd.to_numeric(built["rfs_year"], errors="coerce") <= year).sum())


def test_hubs_view_sort_profile_and_timeline(
    live_server: LiveServer, page: Page, real_data: Datasets
) -> None:
    page.goto(live_server.url + "/")
    wait_for_map(page)
    card = page.locator(f"#{hp.CARD}")
    card.scroll_into_view_if_needed()
    # The ranking is computed once per data version, in a worker process: the first view
    # says so meanwhile, and the note goes once the ranking is in.
    rows = page.locator(ROWS)
    expect(rows.first).to_be_visible(timeout=120_000)
    expect(page.locator(f"#{hp.STATUS}")).to_be_hidden(timeout=10_000)
    shown = page.evaluate(f"() => dash_ag_grid.getApi('{hp.TABLE}').getDisplayedRowCount()")
    assert shown > 80  # every hub of the Mediterranean and the Black Sea

    # The ranking opens sorted by cables in service, most first; a click on that header gives
    # fewest first, a second click most first again (the header shows the direction).
    header = _header(page, "cables_in_service")
    expect(header).to_have_attribute("aria-sort", "descending", timeout=30_000)
    first = [int(v) for v in _column(page, "cables_in_service")]
    assert first == sorted(first, reverse=True) and first[0] > first[-1]
    header.locator(".ag-header-cell-label").click()
    expect(header).to_have_attribute("aria-sort", "ascending", timeout=30_000)
    ascending = [int(v) for v in _column(page, "cables_in_service")]
    assert ascending == sorted(ascending) and ascending[0] < first[0]
    header.locator(".ag-header-cell-label").click()
    expect(header).to_have_attribute("aria-sort", "descending", timeout=30_000)
    descending = [int(v) for v in _column(page, "cables_in_service")]
    assert descending == first
    # An RTT sorts fastest first; an unreachable one shows "–".
    rtt = _header(page, "rtt_singapore_ms")
    rtt.locator(".ag-header-cell-label").click()
    expect(rtt).to_have_attribute("aria-sort", "ascending", timeout=30_000)
    fastest = [float(v.replace(",", "")) for v in _column(page, "rtt_singapore_ms")]
    assert fastest == sorted(fastest)
    header.locator(".ag-header-cell-label").click()
    expect(header).to_have_attribute("aria-sort", "descending", timeout=30_000)
    # Data centres: a count where the data maps the hub, "–" (no data) elsewhere.
    marseille_row = f"{ROWS}[row-id='marseille']"
    assert int(page.locator(f"{marseille_row} [col-id='datacentres']").inner_text()) >= 10
    alexandria = page.locator(f"{ROWS}[row-id='alexandria'] [col-id='datacentres']")
    assert alexandria.inner_text().strip() == "–"

    # Marseille's profile, from its name in the ranking; the URL keeps it.
    page.locator(f"#{hp.TABLE} .ag-row[row-id='marseille'] [col-id='{hp.NAME_COLUMN}']").click()
    title = page.locator("#hub-profile-title")
    expect(title).to_have_text("Marseille, France", timeout=60_000)
    expect(page).to_have_url(re.compile(r"[?&]metro=marseille"))
    body = page.locator(f"#{hp.PROFILE_BODY}")
    assert "SeaMeWe-4" in body.inner_text()
    assert "estimate" in body.inner_text().lower()
    SHOTS.mkdir(exist_ok=True)
    card.screenshot(path=str(SHOTS / "hubs-marseille.png"))

    # The timeline: set 2004 on the slider by keyboard, then play a few years.
    handle = page.locator(f"#{hp.YEAR} [role='slider']")
    handle.focus()
    handle.press("Home")
    for _ in range(2004 - int(handle.get_attribute("aria-valuemin") or 0)):
        handle.press("ArrowRight")
    expect(handle).to_have_attribute("aria-valuenow", "2004", timeout=10_000)
    expect(_header(page, "cables_in_year")).to_contain_text("Cables 2004", timeout=30_000)
    # The map's RFS filter follows the year.
    expect(page).to_have_url(re.compile(r"[?&]year_max=2004"), timeout=30_000)
    page.click(f"#{hp.PLAY}")
    expect(page.locator(f"#{hp.PLAY}")).to_contain_text("Pause", timeout=30_000)
    # The year moves on by itself; a busy machine may read it only every few ticks, so wait
    # for "2006 or later" rather than for a value the slider may already have passed.
    page.wait_for_function(
        f"""() => Number(document.querySelector("#{hp.YEAR} [role='slider']")
            .getAttribute('aria-valuenow')) >= 2006""",
        timeout=30_000,
    )
    page.wait_for_function(
        "() => Number(new URLSearchParams(location.search).get('year_max')) >= 2006",
        timeout=30_000,
    )
    page.click(f"#{hp.PLAY}")
    expect(page.locator(f"#{hp.PLAY}")).to_contain_text("Play", timeout=30_000)
    # Where the play stopped depends on the machine's speed; the table then shows that year's
    # count, which is the data's count of Marseille's cables in service by then.
    year = int(handle.get_attribute("aria-valuenow") or 0)
    assert 2006 <= year <= 2026
    expect(_header(page, "cables_in_year")).to_contain_text(f"Cables {year}", timeout=30_000)
    marseille = page.locator(f"{marseille_row} [col-id='cables_in_year']")
    expect(marseille).to_have_text(str(_marseille_cables(real_data, year)), timeout=30_000)
    assert _marseille_cables(real_data, 2006) == 2  # Med Cable Network and SeaMeWe-4 (2005)
    page.locator(f"#{ids.MAP}").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "hubs-timeline.png"), full_page=False)


def test_a_shared_link_opens_the_timeline_at_its_year(live_server: LiveServer, page: Page) -> None:
    page.goto(live_server.url + "/?year_max=2010")
    wait_for_map(page)
    page.locator(f"#{hp.CARD}").scroll_into_view_if_needed()
    handle = page.locator(f"#{hp.YEAR} [role='slider']")
    expect(handle).to_have_attribute("aria-valuenow", "2010", timeout=60_000)
    expect(_header(page, "cables_in_year")).to_contain_text("Cables 2010", timeout=120_000)
    assert "year_max=2010" in page.url


def test_the_page_is_usable_while_the_hubs_are_ranked(page: Page) -> None:
    """A server just started: the hubs card says the ranking is under way, and the map answers
    a filter change meanwhile (the ranking runs in a worker process, not in a request)."""
    server = LiveServer()
    try:
        page.goto(server.url + "/")
        wait_for_map(page)
        note = page.locator(f"#{hp.STATUS}")
        expect(note).to_be_visible(timeout=10_000)
        expect(note).to_contain_text("Ranking the hubs")
        # The empty table says so too, in words (not AG Grid's "No Rows To Show").
        expect(page.locator(f"#{hp.TABLE} .ag-overlay")).to_contain_text("Ranking the hubs…")
        page.evaluate(
            "() => { history.pushState({}, '', location.pathname + '?owner=Orange');"
            " window.dispatchEvent(new CustomEvent('_dashprivate_pushstate')); }"
        )
        page.wait_for_function(
            "() => document.querySelector('#map .js-plotly-plot')._fullLayout.uirevision"
            " === '?owner=Orange'",
            timeout=10_000,
        )
        expect(note).to_be_visible()  # still ranking: the map did not wait for it
        expect(page.locator(ROWS).first).to_be_visible(timeout=120_000)
        expect(note).to_be_hidden(timeout=10_000)
    finally:
        server.stop()
