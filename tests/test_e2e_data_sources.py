"""End to end in headless Chromium: the Data sources view lists each dataset with its vintage,
record count, licence and rebuild command, and the footer names the page's licences."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from components import ids
from tests.browser import wait_for_map
from tests.conftest import REPO, LiveServer

pytestmark = pytest.mark.browser
SHOTS = REPO / "screenshots"


def test_data_sources_view_reads_licence_and_rebuild_command(
    live_server: LiveServer, page: Page
) -> None:
    page.goto(live_server.url + "/")
    wait_for_map(page)
    page.click(f"a[href='#{ids.DATA_SOURCES_CARD}']")
    card = page.locator(f"#{ids.DATA_SOURCES_CARD}")
    card.scroll_into_view_if_needed()
    assert card.is_visible()

    coverage = card.locator("tr[data-file='coverage.geojson']")
    assert coverage.locator(".source-licence").inner_text() == (
        "Licence Ouverte / Open Licence (Etalab)"
    )
    assert coverage.locator(".source-vintage").inner_text() == "Jan 2018"
    assert coverage.locator(".source-command").inner_text() == (
        "python scripts/build_data.py --raw <raw folder> --out <data folder>"
    )
    cables = card.locator("tr[data-file='cables.geojson']")
    assert cables.locator(".source-licence").inner_text() == "CC BY-NC-SA 3.0 Unported"
    assert cables.locator("td.num").inner_text() == "526"
    assert "served at /api/v1/cables" in cables.inner_text()

    footer = page.locator(".attribution-licences")
    assert footer.inner_text() == (
        "Licences: CC BY-NC-SA 3.0 Unported · Licence Ouverte / Open Licence (Etalab) · "
        "Public domain (Natural Earth) · ODbL 1.0 (Open Database License)"
    )
    SHOTS.mkdir(exist_ok=True)
    card.screenshot(path=str(SHOTS / "data-sources.png"))
