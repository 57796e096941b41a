"""End to end in headless Chromium: dropdowns searched on the server as the user types."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from components import ids
from services.option_search import LIMIT
from tests.browser import MAP_SELECTOR, wait_for_map
from tests.conftest import REPO, LiveServer

pytestmark = pytest.mark.browser
SHOTS = REPO / "screenshots"


def options_shown(page: Page) -> list[str]:
    return [t.strip() for t in page.locator(".dash-dropdown-option").all_inner_texts()]


def test_type_a_place_pick_it_and_see_the_route(live_server: LiveServer, page: Page) -> None:
    page.goto(live_server.url + "/?region=world")
    wait_for_map(page)
    page.click("text=Route & latency")
    page.locator(".analysis-card").evaluate("e => e.scrollIntoView()")
    page.click(f"#{ids.A_FROM}")
    # Before typing: a short list (the best-connected landing points), not all 1,436.
    page.wait_for_selector(".dash-dropdown-option")
    assert 0 < len(options_shown(page)) <= LIMIT
    # Typed without the accent and in lower case: the server answers with the matches.
    page.keyboard.type("sao")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.dash-dropdown-option')]"
        ".some(o => o.textContent.includes('São Mateus, Brazil'))",
        timeout=15_000,
    )
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "route-search.png"))
    page.fill(".dash-dropdown-search", "aasiaat")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.dash-dropdown-option')]"
        ".some(o => o.textContent.includes('Aasiaat, Greenland'))",
        timeout=15_000,
    )
    page.locator(".dash-dropdown-option:has(input[value='aasiaat-greenland'])").first.click()
    page.wait_for_function("() => location.search.includes('from=aasiaat-greenland')")
    # The picked place stays shown once the list goes back to its short form.
    assert "Aasiaat, Greenland" in page.inner_text(f"#{ids.A_FROM}")

    page.click(f"#{ids.A_TO}")
    page.keyboard.type("qaqortoq greenland")
    option = page.locator(".dash-dropdown-option:has(input[value='qaqortoq-greenland'])")
    option.first.click()
    page.wait_for_selector(f"#{ids.ROUTE_RESULT} table", timeout=60_000)
    text = page.text_content(f"#{ids.ROUTE_RESULT}") or ""
    assert "Aasiaat, Greenland → Qaqortoq, Greenland" in text
    assert "to=qaqortoq-greenland" in page.url
    page.wait_for_function(
        f"() => document.querySelector({MAP_SELECTOR!r})._fullData"
        ".some(t => t.meta && t.meta.layer === 'route')",
        timeout=60_000,
    )


def test_shared_url_shows_labels_not_in_the_initial_list(
    live_server: LiveServer, page: Page
) -> None:
    page.goto(
        live_server.url
        + "/?region=world&from=sisimiut-greenland&to=maniitsoq-greenland"
        + "&cut=greenland-connect&owner=Orange&hub=qaqortoq-greenland"
    )
    wait_for_map(page)
    shows = "([id, t]) => (document.getElementById(id)?.textContent || '').includes(t)"
    for control, label in (
        (ids.A_FROM, "Sisimiut, Greenland"),
        (ids.A_TO, "Maniitsoq, Greenland"),
        (ids.F_OWNER, "Orange"),
    ):
        page.wait_for_function(shows, arg=[control, label], timeout=30_000)
    page.click("text=Cut impact")  # the tab's controls are drawn when it opens
    for control, label in ((ids.A_CUT, "Greenland Connect"), (ids.A_HUB, "Qaqortoq, Greenland")):
        page.wait_for_function(shows, arg=[control, label], timeout=30_000)
    page.click("text=Route & latency")
    # The values survived: nothing cleared them while their options were on the way.
    page.wait_for_selector(f"#{ids.ROUTE_RESULT} >> text=Sisimiut, Greenland → Maniitsoq")
    for param in ("from=sisimiut-greenland", "to=maniitsoq-greenland", "cut=greenland-connect"):
        assert param in page.url
