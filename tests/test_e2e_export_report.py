"""The HTML report, opened from disk in headless Chromium: no network request, every graph drawn.

A report is a file that gets mailed around and opened with file://. It must render offline
and leak no request when opened online: only file:, data: and blob: URLs may be requested.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, Request

from datalayer.loader import Datasets
from datalayer.selection import Selection
from export.report import build_report_html
from services.context import build_context

pytestmark = pytest.mark.browser

LOCAL_SCHEMES = ("file:", "data:", "blob:")


def test_report_opens_offline_with_every_graph(
    page: Page, real_data: Datasets, tmp_path: Path
) -> None:
    ctx = build_context(real_data)
    path = tmp_path / "report.html"
    path.write_text(build_report_html(ctx, Selection(owners=("Orange",))), encoding="utf-8")

    requests: list[str] = []
    errors: list[str] = []

    def record(request: Request) -> None:
        requests.append(request.url)

    page.on("request", record)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(path.as_uri())
    page.wait_for_function(
        "() => { const g = [...document.querySelectorAll('.js-plotly-plot')];"
        " return g.length >= 5 && g.every(p => p.data && p.data.length > 0); }",
        timeout=60_000,
    )
    # The map is drawn by MapLibre in a web worker: it must finish loading from file:// too
    # (the report's worker shim) — a blank map would still have traces in `data`.
    page.wait_for_function(
        "() => { const g = document.getElementById('report-map');"
        " const m = g && g._fullLayout && g._fullLayout.map && g._fullLayout.map._subplot.map;"
        " return !!(m && m.loaded()); }",
        timeout=60_000,
    )
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot')].map(g => g.data.length)"
    )
    assert len(drawn) >= 5 and all(n > 0 for n in drawn)
    assert not errors, errors
    remote = [url for url in requests if not url.startswith(LOCAL_SCHEMES)]
    assert remote == [], remote
