"""Helpers for the end-to-end tests: reading the rendered Plotly figure out of the page."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

MAP_SELECTOR = "#map .js-plotly-plot"


def wait_for_map(page: Page, timeout_ms: int = 90_000) -> None:
    """Wait until Plotly has drawn the map figure with at least one trace."""
    page.wait_for_function(
        f"() => {{ const g = document.querySelector({MAP_SELECTOR!r});"
        " return g && g.data && g.data.length > 0 && g._fullLayout && g._fullLayout.map; }",
        timeout=timeout_ms,
    )


def map_layers(page: Page) -> list[dict[str, Any]]:
    """Type, layer key and point count of every trace the browser has drawn on the map."""
    result: list[dict[str, Any]] = page.evaluate(
        f"""() => document.querySelector({MAP_SELECTOR!r})._fullData.map(t => ({{
            type: t.type, layer: t.meta && t.meta.layer,
            points: (t.lon && t.lon.length) || (t.locations && t.locations.length) || 0
        }}))"""
    )
    return result


def layer_keys(page: Page) -> set[str]:
    """The set of layer keys drawn on the map right now."""
    return {t["layer"] for t in map_layers(page)}


def choose_option(page: Page, dropdown_id: str, search: str, value: str) -> None:
    """Open a Dash dropdown, type ``search`` into its search box and pick ``value``."""
    page.click(f"#{dropdown_id}")
    page.keyboard.type(search)
    page.locator(f".dash-dropdown-option:has(input[value={value!r}])").first.click()
    page.keyboard.press("Escape")


def project(page: Page, lon: float, lat: float) -> dict[str, float]:
    """Where the map draws ``lon, lat`` (its own projection): page pixel ``x, y``, canvas pixel
    ``px, py`` and the canvas ``width, height``."""
    found: dict[str, float] = page.evaluate(
        f"""([lon, lat]) => {{
          const g = document.querySelector({MAP_SELECTOR!r});
          const map = g._fullLayout.map._subplot.map;
          const canvas = map.getCanvas().getBoundingClientRect();
          const p = map.project([lon, lat]);
          return {{x: canvas.left + p.x, y: canvas.top + p.y, px: p.x, py: p.y,
                  width: canvas.width, height: canvas.height}};
        }}""",
        [lon, lat],
    )
    return found


def hover_then_click(page: Page, x: float, y: float, timeout_ms: int = 60_000) -> str:
    """Point at page pixel ``x, y``, wait for the map's hover label as a person does before
    clicking, and click; returns the label's text. Plotly clicks what the last hover found,
    so a click on a busy page before its hover has run clicks nothing."""
    page.mouse.move(x, y)
    page.wait_for_function(
        f"() => !!document.querySelector('{MAP_SELECTOR} .hoverlayer .hovertext')",
        timeout=timeout_ms,
    )
    label: str = page.evaluate(
        f"() => document.querySelector('{MAP_SELECTOR} .hoverlayer').textContent"
    )
    page.mouse.click(x, y)
    return label


def wait_for_text(page: Page, selector: str, text: str, timeout_ms: int = 30_000) -> None:
    """Wait until the element's text content equals ``text``."""
    page.wait_for_function(
        "([s, t]) => { const e = document.querySelector(s); return e && e.textContent.trim() === t; }",
        arg=[selector, text],
        timeout=timeout_ms,
    )


def drawn_cable_count(page: Page) -> int:
    """How many distinct cables the map draws (cable vertices carry the cable's position)."""
    count: int = page.evaluate(
        f"""() => {{
            const ids = new Set();
            for (const t of document.querySelector({MAP_SELECTOR!r})._fullData) {{
                if (!t.meta || t.meta.layer !== 'cables' || t.meta.selected) continue;
                for (const v of t.customdata) ids.add(v);
            }}
            return ids.size;
        }}"""
    )
    return count


def wait_for_settled_map(page: Page, pause_ms: int = 1000) -> None:
    """Wait until the page has rendered its selection and the map stopped loading and moving
    (MapLibre has loaded its sources), then ``pause_ms`` for its last repaint."""
    wait_for_map(page)
    page.wait_for_function("() => document.querySelector('#kpi-cables').textContent !== '–'")
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")
    page.wait_for_function(
        f"() => {{ const m = document.querySelector({MAP_SELECTOR!r})"
        "._fullLayout.map._subplot.map; return m.loaded() && !m.isMoving(); }"
    )
    page.wait_for_timeout(pause_ms)


def choose_if_listed(page: Page, name: str, timeout_ms: int = 1500) -> bool:
    """After a click on the map: where several features were under the pointer the page lists
    them (assets/mappick.js); pick the one called ``name``. False when no list opened."""
    try:
        page.wait_for_selector("#map-choices", timeout=timeout_ms)
    except Exception:  # no list: the click picked its one feature
        return False
    page.locator("#map-choices .map-choice", has_text=name).first.click()
    return True
