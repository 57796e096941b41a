"""End to end in headless Chromium: who owns the cables landing in Marseille, in two clicks."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page

from components import ids
from datalayer.loader import Datasets
from tests.browser import wait_for_map
from tests.conftest import REPO, LiveServer

pytestmark = pytest.mark.browser
SHOTS = REPO / "screenshots"


def test_marseille_owners_and_show_these_cables(
    live_server: LiveServer, page: Page, real_data: Datasets
) -> None:
    page.goto(live_server.url + "/?sel=lp:marseille-france")
    wait_for_map(page)
    panel = page.locator(f"#{ids.DETAILS_PANEL}")
    panel.wait_for(state="visible")
    page.wait_for_selector(f"#{ids.DETAILS} h3:has-text('Marseille, France')")
    landed = list(real_data.landing_points.loc["marseille-france", "cable_ids"])
    # Each cable line names its owners, and one section lists who owns them all.
    text = panel.inner_text()
    assert text.count("Owners: ") == len(landed) == 13
    assert "owners of these cables" in text.lower()  # headings are shown in capitals
    owners = {o for c in landed for o in real_data.cables.loc[c, "owners"]}
    assert all(f"{owner} — " in text for owner in owners)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "details-marseille-owners.png"))

    panel.get_by_role("button", name="Show these 13 cables on the map").click()
    page.wait_for_function("() => new URLSearchParams(location.search).getAll('cable').length > 0")
    query = parse_qs(urlparse(page.url).query)
    assert sorted(query["cable"]) == sorted(landed)
    page.wait_for_function(
        f"() => document.querySelector('#{ids.KPI_CABLES}').textContent.trim() === '13'"
    )
    # The cable picker shows the filter, and the landing point stays open.
    assert query["sel"] == ["lp:marseille-france"]
    page.wait_for_function(
        f"() => document.querySelectorAll('#{ids.F_CABLE} .dash-dropdown-value-item,"
        f" #{ids.F_CABLE} [class*=multi-value], #{ids.F_CABLE} [class*=value]').length > 0"
    )
