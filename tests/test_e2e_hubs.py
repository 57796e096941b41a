"""End to end in headless Chromium: the hubs view ranks the Mediterranean's landing cities,
sorts by cables, opens Marseille's profile (kept in the URL) and plays the timeline, which
also sets the map's RFS year filter."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from analysis.hubs import region_hubs
from components import hubs_panel as hp
from components import ids
from datalayer.loader import Datasets
from tests.browser import wait_for_map
from tests.conftest import REPO, LiveServer

pytestmark = pytest.mark.browser
SHOTS = REPO / "screenshots"


def _column(page: Page, index: int) -> list[str]:
    cells = page.locator(f"#{hp.TABLE} tbody tr td:nth-child({index})")
    return [c.strip() for c in cells.all_inner_texts()]


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
    # The ranking is computed once per data version: the first view waits for it.
    rows = page.locator(f"#{hp.TABLE} tr.hub-row")
    expect(rows.first).to_be_visible(timeout=120_000)
    assert rows.count() > 50

    # The ranking opens sorted by cables in service, most first; one click on that header gives
    # fewest first (▲), a second click most first again (▼).
    index = list(hp.COLUMNS).index("cables_in_service") + 2  # + the hub name, 1-based
    button = page.locator(f"#{hp.TABLE} th button", has_text="Cables in service")
    button.click()
    expect(button).to_contain_text("▲", timeout=60_000)
    ascending = [int(v) for v in _column(page, index)]
    assert ascending == sorted(ascending) and ascending[0] < ascending[-1]
    page.locator(f"#{hp.TABLE} th button", has_text="Cables in service").click()
    expect(page.locator(f"#{hp.TABLE} th button", has_text="Cables in service")).to_contain_text(
        "▼", timeout=60_000
    )
    descending = [int(v) for v in _column(page, index)]
    assert descending == sorted(descending, reverse=True)

    # Marseille's profile, from its row; the URL keeps it.
    page.locator("tr[data-hub='marseille'] th button").click()
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
    years_header = page.locator(f"#{hp.TABLE} th button", has_text="Cables 2004")
    expect(years_header).to_be_visible(timeout=30_000)
    # The map's RFS filter follows the year.
    expect(page).to_have_url(re.compile(r"[?&]year_max=2004"), timeout=30_000)
    page.click(f"#{hp.PLAY}")
    expect(page.locator(f"#{hp.PLAY}")).to_contain_text("Pause", timeout=30_000)
    expect(handle).to_have_attribute("aria-valuenow", "2006", timeout=30_000)
    expect(page).to_have_url(re.compile(r"[?&]year_max=200[6-9]"), timeout=30_000)
    page.click(f"#{hp.PLAY}")
    expect(page.locator(f"#{hp.PLAY}")).to_contain_text("Play", timeout=30_000)
    # Where the play stopped depends on the machine's speed; the table then shows that year's
    # count, which is the data's count of Marseille's cables in service by then.
    year = int(handle.get_attribute("aria-valuenow") or 0)
    assert 2006 <= year <= 2026
    expect(page.locator(f"#{hp.TABLE} th button", has_text=f"Cables {year}")).to_be_visible(
        timeout=30_000
    )
    marseille = page.locator("tr[data-hub='marseille'] td").first
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
    expect(page.locator(f"#{hp.TABLE} th button", has_text="Cables 2010")).to_be_visible(
        timeout=120_000
    )
    assert "year_max=2010" in page.url
