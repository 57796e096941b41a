"""Place names on the map, as a person meets them: arrondissement names on the Marseille close-up,
town names on a regional view, in both themes, with every glyph served by the app."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page

from tests.browser import MAP_SELECTOR, wait_for_settled_map
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent.parent / "screenshots"

RENDERED_LABELS = f"""() => {{
    const map = document.querySelector({MAP_SELECTOR!r})._fullLayout.map._subplot.map;
    const layers = map.getStyle().layers.filter(l => l.type === 'symbol' && l.id.startsWith('labels-'));
    return map.queryRenderedFeatures({{layers: layers.map(l => l.id)}}).map(f => f.properties.name);
}}"""


def _open(page: Page, url: str) -> list[tuple[object, str]]:
    """Open ``url`` and return every response (status, url) and failed request seen."""
    seen: list[tuple[object, str]] = []
    page.on("response", lambda r: seen.append((r.status, r.url)))
    page.on("requestfailed", lambda r: seen.append(("failed", r.url)))
    page.goto(url)
    wait_for_settled_map(page, 1500)
    return seen


def _check_requests(seen: list[tuple[object, str]], server: LiveServer) -> None:
    hosts = {urlparse(url).netloc for _, url in seen if not url.startswith(("data:", "blob:"))}
    assert hosts == {f"127.0.0.1:{server.port}"}, f"requests left the app: {hosts}"
    glyphs = [(status, url) for status, url in seen if "/glyphs/" in url]
    assert glyphs and all(status == 200 for status, _ in glyphs), glyphs
    bad = [(s, u) for s, u in seen if s == "failed" or (isinstance(s, int) and s >= 400)]
    assert not bad, bad


def test_marseille_close_up_names_its_arrondissements(live_server: LiveServer, page: Page) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    seen = _open(page, f"{live_server.url}/?view=5.37,43.30,12")
    names = set(page.evaluate(RENDERED_LABELS))
    arrondissements = {n for n in names if n.startswith("Marseille ") and n[-1] in "er"}
    assert {"Marseille 1er", "Marseille 2e"} <= arrondissements, names
    assert len(arrondissements) >= 6, names
    _check_requests(seen, live_server)
    count_layers = (
        f"() => document.querySelector({MAP_SELECTOR!r})._fullLayout.map._subplot.map"
        ".getStyle().layers.filter(l => l.id.startsWith('plotly-layout-layer')).length"
    )
    # Sea, coarse land, two finer lands each over its sea box, borders.
    before = page.evaluate(count_layers)
    assert before == 7, before
    # The dark theme recolours the names without losing the land or the labels.
    page.click("#theme-toggle")
    page.wait_for_function("() => document.documentElement.dataset.theme === 'dark'")
    wait_for_settled_map(page, 1500)
    state = page.evaluate(
        f"() => document.querySelector({MAP_SELECTOR!r})._fullLayout.map._subplot.map"
        ".getGlobalState().theme"
    )
    assert state == "dark"
    assert "Marseille 1er" in page.evaluate(RENDERED_LABELS)
    layers = page.evaluate(count_layers)
    assert layers == before, "the sea, land and borders must survive the theme switch"
    assert not [e for e in errors if "not found" in e or "Map error" in e], errors
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "labels-marseille-dark.png"))


def test_regional_view_names_landing_towns_and_overview_stays_sparse(
    live_server: LiveServer, page: Page
) -> None:
    seen = _open(page, f"{live_server.url}/?view=5.0,42.5,6")
    names = set(page.evaluate(RENDERED_LABELS))
    assert {"Marseille", "Toulon", "Ajaccio"} <= names, names
    assert not any(n.startswith("Marseille ") for n in names), "arrondissements only close up"
    _check_requests(seen, live_server)
    page.goto(live_server.url)
    wait_for_settled_map(page, 1500)
    overview = page.evaluate(RENDERED_LABELS)
    assert "Marseille" in overview
    assert len(overview) <= 25, f"the Mediterranean overview is a wall of text: {overview}"
