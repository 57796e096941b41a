"""End to end in headless Chromium: the panel under the layers states the share of Marseille's
residents in each FTTH class and inside each operator's modelled 4G coverage, with both
vintages on its labels."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from components import ids
from datalayer.loader import Datasets
from services.population import population_text
from tests.conftest import REPO, LiveServer

pytestmark = pytest.mark.browser
SHOTS = REPO / "screenshots"

#: Each row of a share table as drawn: [label, residents, share].
_ROWS = """(table) => [...document.querySelectorAll(`#${table} tr`)].map(r => [
    r.querySelector('th span').textContent, r.querySelector('.share-detail').textContent,
    r.querySelector('td').textContent])"""


def test_the_panel_reads_the_population_shares(
    live_server: LiveServer, page: Page, real_data: Datasets
) -> None:
    expected = population_text(real_data)
    assert expected is not None
    page.goto(live_server.url + "/?layers=ftth,coverage")
    panel = page.locator(f"#{ids.POPULATION}")
    panel.scroll_into_view_if_needed(timeout=60_000)
    assert panel.is_visible()
    assert "886,040 residents" in panel.inner_text()
    ftth = page.locator("#population-ftth caption").inner_text()
    coverage = page.locator("#population-coverage caption").inner_text()
    assert "Q1 2018" in ftth and "population 2026" in ftth
    assert "modelled 4G" in coverage and "January 2018" in coverage
    assert "population 2026" in coverage and "area-weighted" in coverage
    drawn_ftth = page.evaluate(_ROWS, "population-ftth")
    drawn_coverage = page.evaluate(_ROWS, "population-coverage")
    assert drawn_ftth == [[x.label, x.detail, x.share] for x in expected.ftth]
    assert drawn_coverage == [[x.label, x.detail, x.share] for x in expected.coverage]
    # The shares read as percentages that add up for the FTTH classes.
    total = sum(float(share.rstrip(" %")) for _, _, share in drawn_ftth)
    assert total == pytest.approx(100, abs=0.15)
    assert {label for label, _, _ in drawn_coverage} == {
        "Bouygues Telecom",
        "Free Mobile",
        "Orange",
        "SFR",
    }
    page.locator(f"#{ids.POPULATION} summary").click()
    assert "Lambert-93" in panel.inner_text()
    SHOTS.mkdir(exist_ok=True)
    panel.screenshot(path=str(SHOTS / "population-shares.png"))
    page.screenshot(path=str(SHOTS / "population-shares-page.png"))
