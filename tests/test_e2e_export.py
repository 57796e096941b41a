"""End to end in headless Chromium: the export card's buttons hand the user the files."""

from __future__ import annotations

import json
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from playwright.sync_api import Page

from components import ids
from datalayer.loader import Datasets
from datalayer.selection import Selection
from services.context import AppContext, build_context
from tests.browser import wait_for_map
from tests.conftest import REPO, LiveServer

pytestmark = pytest.mark.browser
SHOTS = REPO / "screenshots"
TELEGEOGRAPHY = "TeleGeography"
EXPORT_TIMEOUT_MS = 180_000


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


def download(page: Page, button: str, tmp_path: Path) -> Path:
    """Click ``button`` and return the file the browser received."""
    with page.expect_download(timeout=EXPORT_TIMEOUT_MS) as info:
        page.click(f"#{button}")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


def pick_radio(page: Page, group: str, value: str) -> None:
    page.check(f"#{group} input[value='{value}']")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def test_export_buttons_download_image_data_and_report(
    live_server: LiveServer, page: Page, ctx: AppContext, tmp_path: Path
) -> None:
    page.goto(live_server.url + "/?owner=Orange")
    wait_for_map(page)
    page.click("a[href='#export']")

    # A chart as SVG: vector, with the licence's attribution in its text.
    page.click(f"#{ids.EXPORT_FIGURE}")
    page.locator(".dash-dropdown-option", has_text="by owner").first.click()
    pick_radio(page, ids.EXPORT_IMAGE_FORMAT, "svg")
    svg = download(page, ids.EXPORT_IMAGE_BTN, tmp_path)
    assert svg.name.startswith("landfall-owners-") and svg.suffix == ".svg"
    root = ET.fromstring(svg.read_bytes())
    text = " ".join(root.itertext())
    assert TELEGEOGRAPHY in text and "owner: Orange" in text
    assert "Saved " + svg.name in page.inner_text(f"#{ids.EXPORT_STATUS}")

    # The map as PNG at 1×: the stated pixel size is the file's.
    page.click(f"#{ids.EXPORT_FIGURE}")
    page.locator(".dash-dropdown-option", has_text="Map").first.click()
    pick_radio(page, ids.EXPORT_IMAGE_FORMAT, "png")
    pick_radio(page, ids.EXPORT_SCALE, "1")
    page.wait_for_function(
        "id => document.getElementById(id).textContent.startsWith('PNG 1,400 × 900 px')",
        arg=ids.EXPORT_SIZE_NOTE,
    )
    png = download(page, ids.EXPORT_IMAGE_BTN, tmp_path)
    assert png_size(png.read_bytes()) == (1400, 900)

    # The selection's cables as GeoJSON: the filter function's ids, with the attribution.
    page.click(f"#{ids.EXPORT_DATASET}")
    page.locator(".dash-dropdown-option", has_text="Cables").first.click()
    pick_radio(page, ids.EXPORT_DATA_FORMAT, "geojson")
    geojson = download(page, ids.EXPORT_DATA_BTN, tmp_path)
    collection = json.loads(geojson.read_text(encoding="utf-8"))
    exported = sorted(f["properties"]["id"] for f in collection["features"])
    assert exported == sorted(ctx.select(Selection(owners=("Orange",))).cables.index)
    assert TELEGEOGRAPHY in json.dumps(collection.get("attribution", collection))

    # The scriptable link names the same export as the button.
    href = page.get_attribute(f"#{ids.EXPORT_DATA_LINK}", "href") or ""
    assert href.startswith("/export/cables.geojson?") and "owner=Orange" in href

    # The report: a standalone HTML document that carries the attribution.
    report = download(page, ids.EXPORT_REPORT_HTML_BTN, tmp_path)
    html = report.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and TELEGEOGRAPHY in html
    assert "owner: Orange" in html
    SHOTS.mkdir(exist_ok=True)
    page.locator(f"#{ids.EXPORT_CARD}").screenshot(path=str(SHOTS / "export-card.png"))


def test_modebar_download_has_a_meaningful_name(live_server: LiveServer, page: Page) -> None:
    page.goto(live_server.url + "/")
    wait_for_map(page)
    page.hover(f"#{ids.CHART_OWNERS}")
    with page.expect_download(timeout=60_000) as info:
        page.click(f"#{ids.CHART_OWNERS} .modebar-btn[data-title='Download plot as a PNG']")
    assert info.value.suggested_filename == "landfall-owners.png"


def test_an_export_in_the_making_says_so_and_can_be_cancelled(
    live_server: LiveServer, page: Page
) -> None:
    page.goto(live_server.url + "/?region=world")
    wait_for_map(page)
    page.click("a[href='#export']")
    downloads: list[object] = []
    page.on("download", lambda download: downloads.append(download))
    page.click(f"#{ids.EXPORT_REPORT_PDF_BTN}")
    # While it is made: the buttons are off, the card says what it does, a cancel button shows.
    page.wait_for_selector(f"#{ids.EXPORT_CANCEL}", state="visible", timeout=10_000)
    page.wait_for_function(
        "id => document.getElementById(id).textContent.includes('printing the PDF')",
        arg=ids.EXPORT_PROGRESS,
        timeout=30_000,
    )
    assert page.is_disabled(f"#{ids.EXPORT_IMAGE_BTN}")
    page.locator(f"#{ids.EXPORT_CARD}").screenshot(path=str(SHOTS / "export-in-progress.png"))
    page.click(f"#{ids.EXPORT_CANCEL}")
    page.wait_for_selector(f"#{ids.EXPORT_CANCEL}", state="hidden", timeout=10_000)
    page.wait_for_selector(f"#{ids.EXPORT_REPORT_PDF_BTN}:enabled")
    assert page.inner_text(f"#{ids.EXPORT_PROGRESS}") == ""
    page.wait_for_timeout(3000)
    assert downloads == []  # the cancelled report never arrives
