"""Browser time from a filter change to the map repainted, in headless Debian Chromium.

The page is loaded and its map awaited; then the URL search is changed the way a ``dcc.Link``
does it (``history.pushState`` plus Dash's ``_dashprivate_pushstate`` event, which
``dcc.Location`` listens to), so the change runs the page's own sync → store → render path.
The clock runs inside the page from just before the change until the map's ``_fullData`` holds
the new selection (its ``uirevision`` is the new store value and its longitudes add up to what
the server-side figure holds) and two animation frames have passed (the repaint). The change is
made and undone alternately; every change is one sample.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from config import CHROMIUM, CHROMIUM_FLAGS

CHROMIUM_ARGS = list(CHROMIUM_FLAGS)
MAP_SELECTOR = "#map .js-plotly-plot"

#: True once the map has drawn the figure whose ``uirevision`` and longitude count are given.
_DRAWN = """
([selector, rev, points]) => {
  const g = document.querySelector(selector);
  if (!g || !g._fullData || !g._fullLayout || g._fullLayout.uirevision !== rev) return false;
  let n = 0;
  for (const t of g._fullData) if (t.lon) n += t.lon.length;
  return n === points;
}
""".strip()

#: Change the URL search as ``dcc.Link`` does; resolve with the milliseconds until the map
#: holds the new figure and two animation frames have passed.
_CHANGE = (
    """
async ([selector, search, rev, points, timeoutMs]) => {
  const drawn = """
    + _DRAWN
    + """;
  const t0 = performance.now();
  window.history.pushState({}, '', window.location.pathname + search);
  window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));
  return await new Promise((resolve, reject) => {
    const tick = () => {
      if (drawn([selector, rev, points])) {
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
      } else if (performance.now() - t0 > timeoutMs) {
        reject(new Error('map not redrawn within ' + timeoutMs + ' ms'));
      } else {
        requestAnimationFrame(tick);
      }
    };
    tick();
  });
}
"""
)

_IDLE = "() => !document.querySelector('[data-dash-is-loading=\"true\"]')"


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


def measure_filter_change(
    base_url: str,
    start_search: str,
    target_search: str,
    signatures: Mapping[str, Mapping[str, Any]],
    iterations: int,
    deadline: float,
) -> dict[str, Any]:
    """Median milliseconds from a filter change to the map repainted (see the module doc).

    ``signatures[search]`` is ``{"uirevision": store, "points": n}`` from the worker.
    Stops at ``deadline`` (``time.perf_counter()``) with status ``"timeout"``.
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    result: dict[str, Any] = {"status": "ok", "samples_ms": [], "target": target_search}

    def remaining_ms() -> float:
        return max(1000.0, (deadline - time.perf_counter()) * 1000.0)

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=CHROMIUM_ARGS,
                headless=True,
                timeout=min(60_000, remaining_ms()),
            )
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                start = signatures[start_search]
                t0 = time.perf_counter()
                page.goto(base_url + "/" + start_search, timeout=remaining_ms())
                page.wait_for_function(
                    _DRAWN,
                    arg=[MAP_SELECTOR, start["uirevision"], start["points"]],
                    timeout=remaining_ms(),
                )
                result["page_load_to_map_s"] = time.perf_counter() - t0
                searches = [target_search, start_search]
                for index in range(iterations):
                    if time.perf_counter() > deadline:
                        result["status"] = "timeout"
                        break
                    page.wait_for_function(_IDLE, timeout=remaining_ms())
                    page.wait_for_timeout(300)
                    search = searches[index % 2]
                    sig = signatures[search]
                    elapsed = page.evaluate(
                        _CHANGE,
                        [MAP_SELECTOR, search, sig["uirevision"], sig["points"], remaining_ms()],
                    )
                    result["samples_ms"].append(float(elapsed))
            finally:
                browser.close()
    except PlaywrightError as exc:
        result["status"] = "timeout" if time.perf_counter() >= deadline else "error"
        result["error"] = str(exc).splitlines()[0][:300]
    samples = result["samples_ms"]
    result["median_ms"] = statistics.median(samples) if samples else None
    return result
