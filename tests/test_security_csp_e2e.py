"""The page works fully under its Content-Security-Policy: no violation while it is used."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from components import ids
from tests.browser import choose_option, wait_for_map, wait_for_text
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e =>
    window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def test_page_runs_under_the_csp_without_violations(live_server: LiveServer, page: Page) -> None:
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.add_init_script(RECORD_VIOLATIONS)
    response = page.goto(live_server.url + "/?region=world")
    assert response is not None
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "worker-src 'self' blob:" in csp
    wait_for_map(page)
    # MapLibre drew the map into its canvas (its worker starts from a blob: URL).
    page.wait_for_function("() => document.querySelectorAll('#map canvas').length > 0")
    page.wait_for_function(f"() => document.querySelector('#{ids.KPI_CABLES}').textContent !== '–'")
    # A dropdown, the charts and the details panel all work.
    choose_option(page, ids.F_CABLE, "SeaMeWe", "seamewe-4")
    wait_for_text(page, f"#{ids.KPI_CABLES}", "1")
    page.goto(live_server.url + "/?region=world&sel=cable:seamewe-4")
    wait_for_map(page)
    page.locator(f"#{ids.DETAILS}", has_text="SeaMeWe-4").wait_for()
    drawn = page.evaluate(
        f"() => document.querySelector('#{ids.CHART_OWNERS} .js-plotly-plot').data.length"
    )
    assert drawn > 0
    page.click(f"#{ids.THEME_TOGGLE}")
    page.wait_for_function("() => document.documentElement.dataset.theme === 'dark'")
    assert page.evaluate("() => window.__cspViolations") == []
    assert not [line for line in console if "Content Security Policy" in line]
